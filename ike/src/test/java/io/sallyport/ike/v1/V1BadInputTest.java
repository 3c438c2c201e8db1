package io.sallyport.ike.v1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sallyport.ike.Action;
import io.sallyport.ike.ChildProposal;
import io.sallyport.ike.Command;
import io.sallyport.ike.Datagram;
import io.sallyport.ike.DropReason;
import io.sallyport.ike.Identity;
import io.sallyport.ike.IkeProposal;
import io.sallyport.ike.Kmd;
import io.sallyport.ike.KmdOptions;
import io.sallyport.ike.PeerConfig;
import io.sallyport.ike.PskAuthenticator;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Malformed and unauthenticated ISAKMP input is counted and dropped; half-open state is bounded. */
class V1BadInputTest {

    private static final InetAddress LOCAL = addr("192.0.2.2");
    private static final InetAddress REMOTE = addr("192.0.2.1");

    private static InetAddress addr(String a) {
        try {
            return InetAddress.getByName(a);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static SecureRandom seeded(long seed) {
        try {
            SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
            r.setSeed(seed);
            return r;
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static PeerConfig peer(InetAddress remote) {
        return new PeerConfig("p", LOCAL, remote, Identity.ipv4("192.0.2.2"), null, PskAuthenticator.ascii("k"),
                List.of(IkeProposal.junosDefault()), List.of(ChildProposal.junosDefault()), List.of(), List.of(),
                PeerConfig.Dpd.off(), true, false, 0, PeerConfig.Exchange.MAIN);
    }

    /** A valid main-mode message 1 as an initiator would send it. */
    private static byte[] message1(long cookie) {
        List<V1Payload> p = new ArrayList<>();
        p.add(V1Proposals.ikeOffer(List.of(IkeProposal.junosDefault()), Isakmp.AUTH_PSK));
        p.addAll(VendorIds.ours(true));
        return V1Codec.plain(new IsakmpHeader(cookie, 0, 0, Isakmp.EXCH_MAIN, 0, 0, 0), p);
    }

    private static Datagram from(InetAddress remote, byte[] b) {
        return new Datagram(new InetSocketAddress(LOCAL, 500), new InetSocketAddress(remote, 500), b, false);
    }

    @Test
    void shouldDecodeWhatItEncodes() {
        byte[] m = message1(42);
        IsakmpHeader h = IsakmpHeader.parse(m);
        assertNotNull(h);
        V1Message d = V1Codec.decode(h, Arrays.copyOfRange(m, Isakmp.HEADER_SIZE, m.length), false);
        assertNotNull(d);
        assertEquals(5, d.payloads().size());
        var sa = (V1Payload.Sa) d.payloads().getFirst();
        assertEquals(3600, sa.proposals().getFirst().transforms().getFirst().attribute(Isakmp.A_LIFE_DURATION).getAsLong());
    }

    @Test
    void shouldRejectEveryTruncationAndSurviveMutations() {
        byte[] m = message1(42);
        for (int len = 0; len < m.length; len++) {
            byte[] cut = Arrays.copyOf(m, len);
            IsakmpHeader h = IsakmpHeader.parse(cut);
            assertNull(h, "a truncated datagram disagrees with its length field");
        }
        Random r = new Random(11);
        for (int i = 0; i < 20_000; i++) {
            byte[] x = m.clone();
            for (int k = 1 + r.nextInt(4); k > 0; k--) {
                x[Isakmp.HEADER_SIZE + r.nextInt(x.length - Isakmp.HEADER_SIZE)] = (byte) r.nextInt(256);
            }
            IsakmpHeader h = IsakmpHeader.parse(x);
            if (h != null) {
                V1Codec.decode(h, Arrays.copyOfRange(x, Isakmp.HEADER_SIZE, x.length), false); // must not throw
            }
        }
    }

    @Test
    void shouldCountMalformedAndUnknownMessages() {
        Kmd kmd = new Kmd(() -> seeded(1));
        kmd.command(0, new Command.AddPeer(peer(REMOTE)));
        byte[] garbage = message1(7);
        garbage[Isakmp.HEADER_SIZE + 2] = 0x7f; // SA payload length beyond the message
        kmd.handle(0, from(REMOTE, garbage));
        assertEquals(1, kmd.drops().get(DropReason.MALFORMED_PAYLOAD));
        assertEquals(0, kmd.liveSaCount(), "no state for a message that did not parse");
        byte[] unknown = message1(8);
        unknown[15] = 1; // a responder cookie nobody gave out
        kmd.handle(0, from(REMOTE, unknown));
        assertEquals(1, kmd.drops().get(DropReason.UNKNOWN_SPI));
        kmd.handle(0, from(addr("203.0.113.9"), message1(9)));
        assertEquals(1, kmd.drops().get(DropReason.NO_PEER));
        byte[] shortOne = Arrays.copyOf(message1(10), 20);
        shortOne[17] = 0x10;
        kmd.handle(0, from(REMOTE, shortOne));
        assertTrue(kmd.drops().get(DropReason.MALFORMED_HEADER) >= 1);
    }

    @Test
    void shouldCapHalfOpenSasPerSourceAndInTotal() {
        Kmd kmd = new Kmd(() -> seeded(2));
        kmd.command(0, new Command.AddPeer(peer(REMOTE)));
        List<Action> out = new ArrayList<>();
        for (int i = 1; i <= 100; i++) {
            out.addAll(kmd.handle(i, from(REMOTE, message1(i))));
        }
        assertEquals(V1Engine.HALF_OPEN_PER_SOURCE, kmd.liveSaCount());
        assertEquals(100 - V1Engine.HALF_OPEN_PER_SOURCE, kmd.drops().get(DropReason.HALF_OPEN_LIMIT));
        // Each half-open SA answered message 1 once, computed no DH, and goes after the half-open timeout.
        assertEquals(V1Engine.HALF_OPEN_PER_SOURCE, out.stream().filter(a -> a instanceof Action.Send).count());
        kmd.tick(KmdOptions.defaults().halfOpenTimeoutNanos() + 1000);
        assertEquals(0, kmd.liveSaCount());

        Kmd many = new Kmd(() -> seeded(3));
        for (int i = 0; i < 80; i++) {
            InetAddress src = addr("198.18.0." + (i + 1));
            many.command(0, new Command.AddPeer(new PeerConfig("p" + i, LOCAL, src, Identity.ipv4("192.0.2.2"), null,
                    PskAuthenticator.ascii("k"), List.of(IkeProposal.junosDefault()), List.of(ChildProposal.junosDefault()),
                    List.of(), List.of(), PeerConfig.Dpd.off(), true, false, 0, PeerConfig.Exchange.MAIN)));
            many.handle(1, from(src, message1(1000 + i)));
        }
        assertEquals(KmdOptions.defaults().cookieThreshold(), many.liveSaCount());
    }
}
