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
            out.addAll(kmd.handle(i * 200_000_000L, from(REMOTE, message1(i)))); // 5/s: under the rate limit
        }
        assertEquals(V1Engine.HALF_OPEN_PER_SOURCE, kmd.liveSaCount());
        assertEquals(100 - V1Engine.HALF_OPEN_PER_SOURCE, kmd.drops().get(DropReason.HALF_OPEN_LIMIT));
        // Each half-open SA answered message 1 once, computed no DH, and goes after the half-open timeout.
        assertEquals(V1Engine.HALF_OPEN_PER_SOURCE, out.stream().filter(a -> a instanceof Action.Send).count());
        kmd.tick(100 * 200_000_000L + KmdOptions.defaults().halfOpenTimeoutNanos());
        assertEquals(0, kmd.liveSaCount());

        // Main mode does no DH before message 3 echoes our cookie: many sources are bounded by
        // maxHalfOpen (a hub's branches all returning at once get in). Aggressive mode answers
        // message 1 with DH and stops at the COOKIE threshold.
        Kmd many = new Kmd(() -> seeded(3));
        Kmd manyAggressive = new Kmd(() -> seeded(4));
        byte[] ke = io.sallyport.crypto.KeyExchange.generate(IkeProposal.junosDefault().group(), seeded(5)).publicValue();
        int sources = KmdOptions.defaults().cookieThreshold() + 30;
        for (int i = 0; i < sources; i++) {
            InetAddress src = addr("198.18.0." + (i + 1));
            for (PeerConfig.Exchange mode : List.of(PeerConfig.Exchange.MAIN, PeerConfig.Exchange.AGGRESSIVE)) {
                Kmd k = mode == PeerConfig.Exchange.MAIN ? many : manyAggressive;
                k.command(0, new Command.AddPeer(new PeerConfig("p" + i, LOCAL, src, Identity.ipv4("192.0.2.2"), null,
                        PskAuthenticator.ascii("k"), List.of(IkeProposal.junosDefault()), List.of(ChildProposal.junosDefault()),
                        List.of(), List.of(), PeerConfig.Dpd.off(), true, false, 0, mode)));
                k.handle(1, from(src, mode == PeerConfig.Exchange.MAIN ? message1(1000 + i) : aggressive1(1000 + i, ke)));
            }
        }
        assertEquals(sources, many.liveSaCount());
        assertEquals(KmdOptions.defaults().cookieThreshold(), manyAggressive.liveSaCount());
        assertEquals(sources - KmdOptions.defaults().cookieThreshold(), manyAggressive.drops().get(DropReason.HALF_OPEN_LIMIT));
    }

    private static PeerConfig aggressivePeer() {
        return new PeerConfig("p", LOCAL, REMOTE, Identity.ipv4("192.0.2.2"), null, PskAuthenticator.ascii("k"),
                List.of(IkeProposal.junosDefault()), List.of(ChildProposal.junosDefault()), List.of(), List.of(),
                PeerConfig.Dpd.off(), true, false, 0, PeerConfig.Exchange.AGGRESSIVE);
    }

    /** An aggressive-mode message 1 (SA, KE, Ni, IDii) with the given KE value. */
    private static byte[] aggressive1(long cookie, byte[] ke) {
        List<V1Payload> p = new ArrayList<>(List.of(V1Proposals.ikeOffer(List.of(IkeProposal.junosDefault()), Isakmp.AUTH_PSK),
                new V1Payload.Ke(ke), new V1Payload.Nonce(new byte[32]),
                MainMode.idPayload(Identity.ipv4("192.0.2.1"))));
        return V1Codec.plain(new IsakmpHeader(cookie, 0, 0, Isakmp.EXCH_AGGRESSIVE, 0, 0, 0), p);
    }

    /**
     * Issue 15 for IKEv1: aggressive mode makes the responder compute DH on message 1, so a
     * spoofed message 1 with an invalid KE value (refused, so it never counts as half-open)
     * must cost no DH at all; before the cheap check each one cost a key pair and an agreement.
     */
    @Test
    void shouldDoNoDhForAnInvalidKeInAggressiveModeMessage1() {
        Kmd kmd = new Kmd(() -> seeded(4));
        kmd.command(0, new Command.AddPeer(aggressivePeer()));
        int group = IkeProposal.junosDefault().group().publicValueSize();
        byte[] zero = new byte[group]; // y = 0 is never a valid MODP value
        for (int i = 1; i <= 30; i++) {
            kmd.handle(i * 200_000_000L, from(REMOTE, aggressive1(i, zero)));
        }
        assertEquals(0, kmd.dhOperations());
        assertEquals(0, kmd.liveSaCount());
    }

    /**
     * Main and aggressive mode message 1 pass the same admission as IKE_SA_INIT: per source at
     * most the burst at once, then the rate; what is refused is never decoded. Before, all of
     * them reached the engine (no RATE_LIMITED drop) and aggressive mode did DH for each one
     * that fit under the half-open cap.
     */
    @Test
    void shouldRateLimitFirstMessagesPerSourceLikeIkeSaInit() {
        KmdOptions.Limits d = KmdOptions.Limits.defaults();
        KmdOptions.Limits tight = new KmdOptions.Limits(1, 3, d.initRateGlobal(), d.initBurstGlobal(), d.sourceTableSize(),
                d.maxHalfOpen(), d.maxHalfOpenPerSource(), d.maxInitRequestBytes(), d.maxReassemblyPerSa(), d.maxReassemblyTotal(),
                d.maxChildSasPerIkeSa(), d.ephemeralReuseNanos(), d.cookieSecretNanos(), d.rekeyRetryBaseNanos(), d.rekeyRetryMaxNanos());
        Kmd main = new Kmd(KmdOptions.defaults().withLimits(tight), () -> seeded(5));
        main.command(0, new Command.AddPeer(peer(REMOTE)));
        for (int i = 1; i <= 100; i++) {
            main.handle(i, from(REMOTE, message1(i)));
        }
        assertEquals(97, main.drops().get(DropReason.RATE_LIMITED));
        assertEquals(3, main.liveSaCount());

        Kmd aggressive = new Kmd(KmdOptions.defaults().withLimits(tight), () -> seeded(6));
        aggressive.command(0, new Command.AddPeer(aggressivePeer()));
        byte[] ke = io.sallyport.crypto.KeyExchange.generate(IkeProposal.junosDefault().group(), seeded(7)).publicValue();
        for (int i = 1; i <= 100; i++) {
            aggressive.handle(i, from(REMOTE, aggressive1(i, ke)));
        }
        assertEquals(97, aggressive.drops().get(DropReason.RATE_LIMITED));
        assertEquals(3 * 2, aggressive.dhOperations(), "a key pair and an agreement per admitted message 1 only");
        // One second later the bucket has one more token: one more message 1 gets through.
        aggressive.handle(1_000_000_100L, from(REMOTE, aggressive1(101, ke)));
        assertEquals(4, aggressive.liveSaCount());
    }

    /** IKEv1 half-open SAs count towards the engine-wide half-open cap shared with IKEv2. */
    @Test
    void shouldShareTheHalfOpenCapWithIkev2() {
        KmdOptions.Limits d = KmdOptions.Limits.defaults();
        KmdOptions.Limits two = new KmdOptions.Limits(d.initRatePerSource(), d.initBurstPerSource(), d.initRateGlobal(),
                d.initBurstGlobal(), d.sourceTableSize(), 2, d.maxHalfOpenPerSource(), d.maxInitRequestBytes(), d.maxReassemblyPerSa(),
                d.maxReassemblyTotal(), d.maxChildSasPerIkeSa(), d.ephemeralReuseNanos(), d.cookieSecretNanos(),
                d.rekeyRetryBaseNanos(), d.rekeyRetryMaxNanos());
        Kmd kmd = new Kmd(KmdOptions.defaults().withLimits(two), () -> seeded(8));
        kmd.command(0, new Command.AddPeer(peer(REMOTE)));
        for (int i = 1; i <= 5; i++) {
            kmd.handle(i, from(REMOTE, message1(i)));
        }
        assertEquals(2, kmd.liveSaCount());
        assertEquals(3, kmd.drops().get(DropReason.HALF_OPEN_LIMIT));
    }
}
