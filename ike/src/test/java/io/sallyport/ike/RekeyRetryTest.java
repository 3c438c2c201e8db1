package io.sallyport.ike;

import static io.sallyport.ike.TwoPeers.A;
import static io.sallyport.ike.TwoPeers.B;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sallyport.crypto.DhGroup;
import io.sallyport.crypto.EncryptionAlgorithm;
import io.sallyport.crypto.IntegrityAlgorithm;
import io.sallyport.crypto.PrfAlgorithm;
import io.sallyport.ike.message.Wire;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Refused rekeys (issue 15, finding 9): a refused child rekey is retried with a bounded
 * exponential back-off instead of back to back; the group an INVALID_KE_PAYLOAD names is used
 * when it is one of ours; a refused IKE rekey is retried.
 */
class RekeyRetryTest {

    private static final long SECOND = 1_000_000_000L;

    private static ChildProposal gcm(DhGroup pfs) {
        return new ChildProposal(EncryptionAlgorithm.AES_128_GCM, null, pfs, 3600);
    }

    private static IkeProposal ike(DhGroup g) {
        return new IkeProposal(EncryptionAlgorithm.AES_256_CBC, IntegrityAlgorithm.HMAC_SHA_256_128, PrfAlgorithm.HMAC_SHA2_256, g, 28800);
    }

    private static TwoPeers established(PeerConfig forA, PeerConfig forB) {
        var t = new TwoPeers();
        t.addPeers(forA, forB);
        t.commandA(new Command.Initiate("b"));
        t.runQuiet();
        assertEquals(1, t.planeA.size(), () -> traces(t));
        return t;
    }

    private static String traces(TwoPeers t) {
        return t.actionsA.stream().map(Object::toString).collect(Collectors.joining("\n")) + "\nB:\n"
                + t.actionsB.stream().map(Object::toString).collect(Collectors.joining("\n"));
    }

    /** CREATE_CHILD_SA requests A sent so far. */
    private static long createChildRequests(TwoPeers t) {
        return t.of(t.actionsA, Action.Send.class).stream().map(s -> s.datagram().payload())
                .filter(p -> p.length > 28 && (p[18] & 0xff) == Wire.CREATE_CHILD_SA && (p[19] & Wire.FLAG_RESPONSE) == 0).count();
    }

    private static long refusals(TwoPeers t) {
        return t.actionsA.stream().filter(a -> a instanceof Action.Trace tr && tr.text().contains("rekey refused")).count();
    }

    /** B insists on PFS group 19 for rekeys, which A never offers: every rekey of A's is refused. */
    @Test
    void aRefusedChildRekeyIsRetriedWithBackOffNotBackToBack() {
        var forA = TwoPeers.config("b", A, B, "secret").withChildProposals(List.of(gcm(DhGroup.GROUP14)));
        var forB = TwoPeers.config("a", B, A, "secret").withChildProposals(List.of(gcm(DhGroup.GROUP19)));
        var t = established(forA, forB);
        while (refusals(t) == 0) {
            t.run(SECOND);
        }
        long first = createChildRequests(t);
        t.run(5 * SECOND);
        assertEquals(first, createChildRequests(t), "no retry within the first back-off");
        t.run(300 * SECOND);
        // Waits of 10 s doubling: tries 10, 30, 70 and 150 s after the first refusal (310 s is beyond).
        assertEquals(4, createChildRequests(t) - first);
        assertEquals(1, t.planeA.size(), "the refused SA stays until its hard lifetime");
    }

    /** A offers PFS groups 14 and 19 and sends KE 14; B wants 19 and says so: A's next try uses it. */
    @Test
    void theGroupAnInvalidKePayloadNamesIsUsedWhenItIsOneOfOurs() {
        var forA = TwoPeers.config("b", A, B, "secret").withChildProposals(List.of(gcm(DhGroup.GROUP14), gcm(DhGroup.GROUP19)));
        var forB = TwoPeers.config("a", B, A, "secret").withChildProposals(List.of(gcm(DhGroup.GROUP19)));
        var t = established(forA, forB);
        int old = t.planeA.keySet().iterator().next();
        t.commandA(new Command.RekeyChildSa(old));
        t.runPastLinger();
        assertEquals(2, createChildRequests(t), () -> traces(t));
        assertEquals(1, t.planeA.size());
        assertTrue(!t.planeA.containsKey(old), () -> traces(t));
        assertTrue(t.planesMatch());
    }

    /** The IKE SA was negotiated with group 19 after an INVALID_KE_PAYLOAD; its rekey is refused the same way once. */
    @Test
    void aRefusedIkeRekeyIsRetried() {
        var forA = TwoPeers.config("b", A, B, "secret").withIkeProposals(List.of(ike(DhGroup.GROUP14), ike(DhGroup.GROUP19)));
        var forB = TwoPeers.config("a", B, A, "secret").withIkeProposals(List.of(ike(DhGroup.GROUP19)));
        var t = established(forA, forB);
        t.commandA(new Command.RekeyIkeSa("b"));
        t.run(60 * SECOND);
        assertEquals(2, t.of(t.actionsA, Action.IkeSaUp.class).size(), () -> traces(t));
        assertEquals(1, t.a.liveSaCount());
        assertEquals(1, t.b.liveSaCount());
        assertTrue(t.planesMatch());
    }

    /** 10 s doubling, capped at 10 min, and never shifted into the sign bit however many refusals. */
    @Test
    void theBackOffDoublesUpToItsMaximumAndNeverOverflows() {
        var limits = KmdOptions.Limits.defaults();
        var r = new RekeyRetry();
        assertEquals(List.of(10L, 20L, 40L, 80L, 160L, 320L, 600L, 600L),
                java.util.stream.IntStream.range(0, 8).mapToObj(i -> r.refused(limits) / SECOND).toList());
        for (int i = 0; i < 1000; i++) {
            assertEquals(600 * SECOND, r.refused(limits));
        }
    }

    /** The group an INVALID_KE_PAYLOAD names is switched to at once the first time only; the same group again is no news. */
    @Test
    void aSuggestedGroupIsFollowedAtOnceOnlyOnce() {
        var r = new RekeyRetry();
        assertEquals(DhGroup.GROUP14, r.group(DhGroup.GROUP14));
        assertTrue(r.retryAtOnceWith(DhGroup.GROUP19));
        assertEquals(DhGroup.GROUP19, r.group(DhGroup.GROUP14));
        assertTrue(!r.retryAtOnceWith(DhGroup.GROUP19), "the same group again");
        assertTrue(!r.retryAtOnceWith(DhGroup.GROUP20), "another group: remembered, but the back-off decides");
        assertEquals(DhGroup.GROUP20, r.group(DhGroup.GROUP14));
    }
}
