package io.sallyport.ike;

import static io.sallyport.ike.TwoPeers.A;
import static io.sallyport.ike.TwoPeers.B;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sallyport.crypto.DhGroup;
import io.sallyport.crypto.KeyExchange;
import io.sallyport.ike.message.IkeHeader;
import io.sallyport.ike.message.MessageCodec;
import io.sallyport.ike.message.Payload;
import io.sallyport.ike.message.Wire;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Floods of unauthenticated IKE_SA_INIT requests (issue 15, finding 1): what they cost is counted
 * in Diffie-Hellman operations through {@link Kmd#dhOperations()}, never timed; the fake clock
 * shows that an established SA's DPD and rekey go on undisturbed.
 */
class KmdFloodTest {

    private static final long SECOND = 1_000_000_000L;
    private static final long MILLI = 1_000_000L;

    /** An IKE_SA_INIT request offering what {@link TwoPeers#config} configures, with a chosen SPI and KE value. */
    static byte[] initRequest(long spiI, int group, byte[] ke) {
        byte[] nonce = new byte[32];
        Arrays.fill(nonce, (byte) spiI);
        IkeHeader h = new IkeHeader(spiI, 0, 0, Wire.IKE_SA_INIT, Wire.FLAG_INITIATOR, 0, 0);
        return MessageCodec.encode(h, List.of(Proposals.ikeOffer(List.of(IkeProposal.aes256Sha256Group14()), new byte[0]),
                new Payload.Ke(group, ke), new Payload.Nonce(nonce)));
    }

    static Datagram toB(byte[] payload, InetAddress from) {
        return new Datagram(new InetSocketAddress(B, 500), new InetSocketAddress(from, 500), payload, false);
    }

    /** KE values of the right group that no honest peer sends: 0, 1, p-1 or above p, the wrong length. */
    static byte[] invalidKe(int i) {
        int size = DhGroup.GROUP14.publicValueSize();
        return switch (i % 4) {
            case 0 -> new byte[size];
            case 1 -> {
                byte[] one = new byte[size];
                one[size - 1] = 1;
                yield one;
            }
            case 2 -> {
                byte[] ff = new byte[size];
                Arrays.fill(ff, (byte) 0xff);
                yield ff;
            }
            default -> new byte[size - 1 - i % 7];
        };
    }

    private static String traces(List<Action> actions) {
        return actions.stream().map(Object::toString).collect(Collectors.joining("\n"));
    }

    @Test
    void invalidKeValuesAreRefusedBeforeAnyDiffieHellmanWork() {
        var b = new Kmd(() -> TwoPeers.seeded(2));
        long now = SECOND;
        b.command(now, new Command.AddPeer(TwoPeers.config("a", B, A, "secret")));
        for (int i = 0; i < 10_000; i++) {
            now += 100_000;
            b.handle(now, toB(initRequest(0x1000 + i, 14, invalidKe(i)), A));
        }
        assertEquals(0, b.dhOperations());
        assertEquals(0, b.liveSaCount());
    }

    @Test
    void refusedInitRequestsCountTowardsTheCookieDemand() {
        var strict = KmdOptions.defaults().withCookieThreshold(5);
        var t = new TwoPeers(new Kmd(() -> TwoPeers.seeded(1)), new Kmd(strict, () -> TwoPeers.seeded(2)));
        t.addPeers(TwoPeers.config("b", A, B, "secret"), TwoPeers.config("a", B, A, "secret"));
        for (int i = 0; i < 5; i++) {
            t.now += MILLI;
            t.b.handle(t.now, toB(initRequest(0x2000 + i, 14, invalidKe(i)), A));
        }
        t.commandA(new Command.Initiate("b"));
        t.runQuiet();
        assertTrue(t.actionsA.stream().anyMatch(x -> x instanceof Action.Trace tr && tr.text().contains("asked for a COOKIE")),
                () -> traces(t.actionsA));
        assertEquals(1, t.of(t.actionsA, Action.IkeSaUp.class).size(), () -> traces(t.actionsA));
    }

    /**
     * Twenty seconds of 1,000 spoofed IKE_SA_INIT requests a second from the peer's own address,
     * each with a valid KE value, while A's DPD probes and a child rekey run over the established
     * SA: the DPD is answered without a single retransmission, the rekey completes, and B does a
     * bounded number of DH operations (none per request: no spoofed source ever returns an IKE_AUTH).
     */
    @Test
    void spoofedFloodCostsBoundedWorkAndDoesNotDelayEstablishedSa() {
        var t = new TwoPeers();
        var forA = TwoPeers.config("b", A, B, "secret");
        forA = new PeerConfig("b", A, B, forA.localId(), forA.remoteId(), forA.authenticator(), forA.ikeProposals(),
                forA.childProposals(), forA.localSelectors(), forA.remoteSelectors(), new PeerConfig.Dpd(true, 2, 3), true, false);
        t.addPeers(forA, TwoPeers.config("a", B, A, "secret"));
        t.commandA(new Command.Initiate("b"));
        t.runQuiet();
        assertEquals(1, t.planeA.size());
        byte[] validKe = KeyExchange.generate(DhGroup.GROUP14, TwoPeers.seeded(9)).publicValue();
        long dhBefore = t.b.dhOperations();
        int oldSpi = t.planeA.keySet().iterator().next();
        int oldOut = t.planeA.get(oldSpi).spiOut();
        t.commandA(new Command.RekeyChildSa(oldSpi));
        int rekeyedAt = -1;
        for (int i = 0; i < 20_000; i++) {
            t.now += MILLI;
            // B's answers to the spoofed requests go to nobody.
            t.b.handle(t.now, toB(initRequest(0x10_0000 + i, 14, validKe), A));
            while (t.deliverNext()) {
                // delivered at the same instant: nothing waits behind the flood
            }
            if (t.a.nextDeadline().orElse(Long.MAX_VALUE) <= t.now) {
                t.record(true, t.a.tick(t.now));
            }
            if (t.b.nextDeadline().orElse(Long.MAX_VALUE) <= t.now) {
                t.record(false, t.b.tick(t.now));
            }
            if (rekeyedAt < 0 && t.spiFromA() != oldOut) {
                rekeyedAt = i;
            }
        }
        assertEquals(0, t.of(t.actionsA, Action.IkeSaDown.class).size(), () -> traces(t.actionsA));
        assertTrue(t.actionsA.stream().noneMatch(x -> x instanceof Action.Trace tr && tr.text().startsWith("retransmit")),
                () -> traces(t.actionsA));
        assertTrue(t.actionsA.stream().filter(x -> x instanceof Action.Trace tr && tr.text().startsWith("Dpd:")).count() >= 5);
        assertEquals(0, rekeyedAt, "the child rekey completed in the first millisecond of the flood");
        // The rekey's own key pair and secret, and at most one responder key pair per reuse period.
        long dh = t.b.dhOperations() - dhBefore;
        assertTrue(dh <= 2 + 1, "B did " + dh + " DH operations");
        assertTrue(t.b.liveSaCount() <= 1 + KmdOptions.Limits.defaults().maxHalfOpenPerSource(), "" + t.b.liveSaCount());
    }
}
