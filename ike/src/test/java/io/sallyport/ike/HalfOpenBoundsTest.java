package io.sallyport.ike;

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
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Half-open IKE SAs are capped in total and per source, and an IKE_SA_INIT request too large to
 * keep until AUTH is dropped (issue 15, finding 5). Cookies and rate limits are switched off here
 * so the caps alone are tested: a peer that echoes cookies and sends slowly still meets them.
 */
class HalfOpenBoundsTest {

    private static final byte[] KE = KeyExchange.generate(DhGroup.GROUP14, TwoPeers.seeded(9)).publicValue();

    private static Kmd responder(int maxHalfOpen, int perSource) {
        var d = KmdOptions.Limits.defaults();
        var limits = new KmdOptions.Limits(1_000_000, 1_000_000, 1_000_000, 1_000_000, d.sourceTableSize(), maxHalfOpen,
                perSource, d.maxInitRequestBytes(), d.maxReassemblyPerSa(), d.maxReassemblyTotal(), d.maxChildSasPerIkeSa(),
                d.ephemeralReuseNanos(), d.cookieSecretNanos(), d.rekeyRetryBaseNanos(), d.rekeyRetryMaxNanos());
        var b = new Kmd(KmdOptions.defaults().withCookieThreshold(Integer.MAX_VALUE).withLimits(limits), () -> TwoPeers.seeded(2));
        return b;
    }

    private static PeerConfig peerAt(String name, String address) {
        var c = TwoPeers.config(name, B, TwoPeers.addr(address), "secret");
        return new PeerConfig(name, B, TwoPeers.addr(address), c.localId(), c.remoteId(), c.authenticator(), c.ikeProposals(),
                c.childProposals(), c.localSelectors(), c.remoteSelectors(), c.dpd(), true, false);
    }

    @Test
    void halfOpenSasAreCappedPerSourceAndInTotal() {
        Kmd b = responder(30, 20);
        List<String> sources = List.of("192.0.2.1", "192.0.2.3", "192.0.2.4");
        for (String s : sources) {
            b.command(1, new Command.AddPeer(peerAt("p" + s, s)));
        }
        long now = 1_000_000_000L;
        int spi = 1;
        for (String s : sources) {
            InetAddress from = TwoPeers.addr(s);
            for (int i = 0; i < 100; i++) {
                now += 1_000_000;
                b.handle(now, KmdFloodTest.toB(KmdFloodTest.initRequest(spi++, 14, KE), from));
            }
            assertTrue(b.liveSaCount() <= 30, b.liveSaCount() + " half-open SAs");
        }
        assertEquals(30, b.liveSaCount());
        assertEquals(300 - 30, b.drops().get(DropReason.HALF_OPEN_LIMIT));
        assertEquals(20, b.ikeSas().stream().filter(sa -> sa.remote().getAddress().equals(TwoPeers.addr("192.0.2.1"))).count());
    }

    @Test
    void anInitRequestTooLargeToKeepIsDropped() {
        Kmd b = responder(100, 100);
        b.command(1, new Command.AddPeer(peerAt("a", "192.0.2.1")));
        byte[] nonce = new byte[32];
        IkeHeader h = new IkeHeader(77, 0, 0, Wire.IKE_SA_INIT, Wire.FLAG_INITIATOR, 0, 0);
        byte[] big = MessageCodec.encode(h, List.of(Proposals.ikeOffer(List.of(IkeProposal.aes256Sha256Group14()), new byte[0]),
                new Payload.Ke(14, KE), new Payload.Nonce(nonce), new Payload.VendorId(new byte[20_000])));
        List<Action> out = b.handle(1_000_000_000L, KmdFloodTest.toB(big, TwoPeers.addr("192.0.2.1")));
        assertEquals(0, b.liveSaCount());
        assertTrue(out.stream().noneMatch(a -> a instanceof Action.Send));
        assertEquals(1, b.drops().get(DropReason.OVERSIZED_INIT));
    }
}
