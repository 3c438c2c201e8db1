package io.sallyport.ike;

import static io.sallyport.ike.TwoPeers.A;
import static io.sallyport.ike.TwoPeers.B;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sallyport.crypto.DhGroup;
import io.sallyport.crypto.EncryptionAlgorithm;
import io.sallyport.crypto.IntegrityAlgorithm;
import io.sallyport.crypto.PrfAlgorithm;
import io.sallyport.ike.message.Bytes;
import io.sallyport.ike.message.DecodeResult;
import io.sallyport.ike.message.FragmentBuffer;
import io.sallyport.ike.message.MessageCodec;
import io.sallyport.ike.message.Payload;
import io.sallyport.ike.message.TrafficSelector;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Two engines against each other through an in-memory link with a fake clock. */
class KmdTwoPeersTest {

    private static final long SECOND = 1_000_000_000L;

    private static TwoPeers established() {
        var t = new TwoPeers();
        t.addPeers(TwoPeers.config("b", A, B, "secret"), TwoPeers.config("a", B, A, "secret"));
        t.commandA(new Command.Initiate("b"));
        t.runQuiet();
        assertUp(t);
        return t;
    }

    private static void assertUp(TwoPeers t) {
        assertEquals(1, t.of(t.actionsA, Action.IkeSaUp.class).size(), () -> traces(t));
        assertEquals(1, t.of(t.actionsB, Action.IkeSaUp.class).size(), () -> traces(t));
        assertEquals(1, t.planeA.size());
        assertTrue(t.planesMatch());
    }

    private static String traces(TwoPeers t) {
        return "A:\n" + t.actionsA.stream().map(Object::toString).collect(Collectors.joining("\n"))
                + "\nB:\n" + t.actionsB.stream().map(Object::toString).collect(Collectors.joining("\n"));
    }

    private static String downReason(List<Action> actions) {
        return actions.stream().filter(a -> a instanceof Action.IkeSaDown).map(a -> ((Action.IkeSaDown) a).reason())
                .findFirst().orElse("");
    }

    /*  IKE_SA_INIT  HDR, SAi1, KEi, Ni, N(NAT_D)x2, N(FRAG_SUP)  -->
                                          <--  HDR, SAr1, KEr, Nr, N(NAT_D)x2, N(FRAG_SUP)
        IKE_AUTH     HDR, SK {IDi, N(INITIAL_CONTACT), AUTH, SAi2, TSi, TSr}  -->
                                          <--  HDR, SK {IDr, AUTH, SAr2, TSi, TSr}          */
    @Test
    void shouldEstablishIkeAndChildSaWhenAInitiates() {
        var t = established();
        var up = t.of(t.actionsA, Action.IkeSaUp.class).getFirst();
        assertTrue(up.initiator());
        assertFalse(up.natDetected());
        var install = t.planeA.values().iterator().next();
        assertEquals(EncryptionAlgorithm.AES_128_GCM, install.encryption());
        assertEquals(null, install.integrity());
        assertEquals(20, install.encryptionKeyIn().length);
        assertEquals(List.of(TrafficSelector.ofPrefix("198.18.1.0", 24)), install.localSelectors());
    }

    @Test
    void shouldEstablishWhenBInitiates() {
        var t = new TwoPeers();
        t.addPeers(TwoPeers.config("b", A, B, "secret"), TwoPeers.config("a", B, A, "secret"));
        t.commandB(new Command.Initiate("a"));
        t.runQuiet();
        assertUp(t);
        assertTrue(t.of(t.actionsB, Action.IkeSaUp.class).getFirst().initiator());
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void shouldEstablishDespiteLossDuplicationAndReordering(long seed) {
        var t = new TwoPeers(seed, seed + 100);
        t.faults.setSeed(seed);
        t.loss = 0.2;
        t.duplicate = 0.2;
        t.reorder = 0.3;
        t.addPeers(TwoPeers.config("b", A, B, "secret"), TwoPeers.config("a", B, A, "secret"));
        t.commandA(new Command.Initiate("b"));
        t.run(60 * SECOND);
        assertUp(t);
    }

    @Test
    void shouldAnswerDuplicateRequestsFromTheResponseCache() {
        var t = new TwoPeers();
        t.duplicate = 1.0;
        t.addPeers(TwoPeers.config("b", A, B, "secret"), TwoPeers.config("a", B, A, "secret"));
        t.commandA(new Command.Initiate("b"));
        t.runQuiet();
        assertUp(t);
        assertTrue(t.b.drops().get(DropReason.RETRANSMITTED_REQUEST) > 0);
    }

    /*  CREATE_CHILD_SA  HDR, SK {N(REKEY_SA), SA, Ni, KEi, TSi, TSr}  -->
                                              <--  HDR, SK {SA, Nr, KEr, TSi, TSr}
        INFORMATIONAL    HDR, SK {D(ESP, old SPI)}  -->  <--  HDR, SK {D(ESP, old SPI)}  */
    @Test
    void shouldRekeyChildMakeBeforeBreak() {
        var t = established();
        int oldSpi = t.planeA.keySet().iterator().next();
        t.commandA(new Command.RekeyChildSa(oldSpi));
        t.runPastLinger();
        assertEquals(1, t.planeA.size());
        assertTrue(t.planesMatch());
        int newSpi = t.planeA.keySet().iterator().next();
        assertNotEquals(oldSpi, newSpi);
        int installAt = indexOf(t.actionsA, a -> a instanceof Action.InstallChildSa i && i.spiIn() == newSpi);
        int deleteAt = indexOf(t.actionsA, a -> a instanceof Action.DeleteChildSa d && d.spiIn() == oldSpi);
        assertTrue(installAt >= 0 && installAt < deleteAt, "new SA installed before the old one is removed");
        assertTrue(t.planeA.get(newSpi).rekeyOf());
        assertEquals(List.of(t.planeA.get(newSpi).spiOut()), t.sendingA);
        assertEquals(List.of(newSpi), t.sendingB);
    }

    @ParameterizedTest
    @ValueSource(longs = {11, 12, 13, 14, 15, 16, 17, 18})
    void shouldResolveSimultaneousChildRekeyToExactlyOnePair(long seed) {
        var t = new TwoPeers(seed, seed * 31);
        t.addPeers(TwoPeers.config("b", A, B, "secret"), TwoPeers.config("a", B, A, "secret"));
        t.commandA(new Command.Initiate("b"));
        t.runQuiet();
        int spiA = t.planeA.keySet().iterator().next();
        int spiB = t.planeB.keySet().iterator().next();
        var crossing = Crossing.start(t);
        t.commandA(new Command.RekeyChildSa(spiA));
        t.commandB(new Command.RekeyChildSa(spiB));
        t.runPastLinger();
        assertEquals(1, t.planeA.size(), () -> traces(t));
        assertEquals(1, t.planeB.size(), () -> traces(t));
        assertTrue(t.planesMatch());
        assertFalse(t.planeA.containsKey(spiA));
        assertTrue(t.actionsA.stream().anyMatch(x -> x instanceof Action.Trace tr && tr.text().startsWith("SimulRekeyChild")),
                "the two rekeys really crossed");
        // RFC 7296 §2.8.1: the SA created with the lowest of the four nonces is the one closed.
        var survivor = crossing.survivor();
        assertEquals(Set.of((int) survivor.spiOf(true)), t.planeA.keySet(), () -> crossing + "\n" + traces(t));
        assertEquals(Set.of((int) survivor.spiOf(false)), t.planeB.keySet(), () -> crossing + "\n" + traces(t));
        assertEquals(List.of((int) survivor.spiOf(false)), t.sendingA, "A sends on the survivor");
        assertEquals(List.of((int) survivor.spiOf(true)), t.sendingB, "B sends on the survivor");
    }

    @Test
    void shouldRekeyIkeSaAndKeepChildren() {
        var t = established();
        var before = t.a.ikeSas().getFirst().id();
        int child = t.planeA.keySet().iterator().next();
        t.commandA(new Command.RekeyIkeSa("b"));
        t.runQuiet();
        assertEquals(1, t.a.liveSaCount(), () -> traces(t));
        assertEquals(1, t.b.liveSaCount(), () -> traces(t));
        var after = t.a.ikeSas().getFirst();
        assertNotEquals(before, after.id());
        assertEquals(after.id(), t.b.ikeSas().getFirst().id());
        assertEquals(List.of(child), after.childSpisIn());
        assertTrue(t.planeA.containsKey(child));
        // The new IKE SA works: rekey the child over it.
        t.commandB(new Command.RekeyChildSa(t.planeB.keySet().iterator().next()));
        t.runPastLinger();
        assertEquals(1, t.planeA.size());
        assertTrue(t.planesMatch());
    }

    @ParameterizedTest
    @ValueSource(longs = {21, 22, 23, 24, 25, 26})
    void shouldResolveSimultaneousIkeRekeyToOneIkeSa(long seed) {
        var t = new TwoPeers(seed, seed * 7);
        t.addPeers(TwoPeers.config("b", A, B, "secret"), TwoPeers.config("a", B, A, "secret"));
        t.commandA(new Command.Initiate("b"));
        t.runQuiet();
        int child = t.planeA.keySet().iterator().next();
        var crossing = Crossing.start(t);
        t.commandA(new Command.RekeyIkeSa("b"));
        t.commandB(new Command.RekeyIkeSa("a"));
        t.runQuiet();
        assertEquals(1, t.a.liveSaCount(), () -> traces(t));
        assertEquals(1, t.b.liveSaCount(), () -> traces(t));
        var sa = t.a.ikeSas().getFirst();
        assertEquals(sa.id(), t.b.ikeSas().getFirst().id());
        // RFC 7296 §2.8.1: the IKE SA created with the lowest of the four nonces is the one closed.
        var survivor = crossing.survivor();
        assertEquals(new IkeSaId(survivor.spiOfInitiator(), survivor.spiOfResponder()), sa.id(), () -> crossing + "\n" + traces(t));
        assertEquals(List.of(child), sa.childSpisIn());
        assertEquals(1, t.b.ikeSas().getFirst().childSpisIn().size());
        assertTrue(t.actionsA.stream().anyMatch(x -> x instanceof Action.Trace tr && tr.text().startsWith("SimulRekeyIke")));
        // The survivor works.
        t.commandB(new Command.RekeyChildSa(t.planeB.keySet().iterator().next()));
        t.runPastLinger();
        assertEquals(1, t.planeA.size());
        assertTrue(t.planesMatch());
    }

    @ParameterizedTest
    @ValueSource(longs = {31, 32, 33, 34})
    void shouldStayConsistentWhenChildRekeyCrossesDelete(long seed) {
        var t = new TwoPeers(seed, seed * 3);
        t.addPeers(TwoPeers.config("b", A, B, "secret"), TwoPeers.config("a", B, A, "secret"));
        t.commandA(new Command.Initiate("b"));
        t.runQuiet();
        t.commandA(new Command.RekeyChildSa(t.planeA.keySet().iterator().next()));
        t.commandB(new Command.DeleteChildSa(t.planeB.keySet().iterator().next()));
        t.runQuiet();
        assertTrue(t.planesMatch() || t.planesEmpty(), () -> traces(t));
        assertTrue(t.planeA.size() <= 1);
        assertEquals(1, t.a.liveSaCount());
    }

    @Test
    void shouldDropChildWhenPeerReportsInvalidSpi() {
        var t = established();
        var ia = t.planeA.values().iterator().next();
        // B's data plane lost the SA: ESP from A with A's outbound SPI is unknown there.
        t.planeB.clear();
        t.commandB(new Command.ReportInvalidSpi(A, ia.spiOut()));
        t.runQuiet();
        assertTrue(t.planeA.isEmpty(), () -> traces(t));
        assertTrue(t.actionsA.stream().anyMatch(x -> x instanceof Action.Trace tr && tr.text().contains("peer reported INVALID_SPI")));
        assertTrue(t.b.ikeSas().getFirst().childSpisIn().isEmpty(), "B's kmd forgot the child too");
    }

    @Test
    void shouldEstablishWithJunosDefaultProposals() {
        var t = new TwoPeers();
        t.addPeers(TwoPeers.config("b", A, B, "secret").withIkeProposals(List.of(IkeProposal.junosDefault()))
                        .withChildProposals(List.of(ChildProposal.junosDefault())),
                TwoPeers.config("a", B, A, "secret").withIkeProposals(List.of(IkeProposal.junosDefault()))
                        .withChildProposals(List.of(ChildProposal.junosDefault())));
        t.commandA(new Command.Initiate("b"));
        t.runQuiet();
        assertUp(t);
        var i = t.planeA.values().iterator().next();
        assertEquals(EncryptionAlgorithm.TRIPLE_DES_CBC, i.encryption());
        assertEquals(IntegrityAlgorithm.HMAC_SHA1_96, i.integrity());
        assertEquals(24, i.encryptionKeyIn().length);
        assertEquals(20, i.integrityKeyIn().length);
        assertEquals(DhGroup.GROUP2, t.of(t.actionsA, Action.IkeSaUp.class).getFirst().group());
    }

    @Test
    void shouldSelectInResponderConfiguredOrder() {
        var t = new TwoPeers();
        var g19 = new IkeProposal(EncryptionAlgorithm.AES_128_GCM, null, PrfAlgorithm.HMAC_SHA2_256, DhGroup.GROUP19, 28800);
        var g14 = IkeProposal.aes256Sha256Group14();
        // A prefers group19; B's configured order (after one A does not offer) puts group14 first:
        // B's order decides, and A follows with INVALID_KE_PAYLOAD.
        var forB = TwoPeers.config("a", B, A, "secret").withIkeProposals(List.of(IkeProposal.junosDefault(), g14, g19));
        t.addPeers(TwoPeers.config("b", A, B, "secret").withIkeProposals(List.of(g19, g14)), forB);
        t.commandA(new Command.Initiate("b"));
        t.runQuiet();
        assertEquals(DhGroup.GROUP14, t.of(t.actionsB, Action.IkeSaUp.class).getFirst().group());
    }

    @Test
    void shouldReconnectPeerThatEstablishesImmediately() {
        var t = new TwoPeers();
        var a = TwoPeers.config("b", A, B, "secret");
        a = new PeerConfig("b", A, B, a.localId(), a.remoteId(), a.authenticator(), a.ikeProposals(), a.childProposals(),
                a.localSelectors(), a.remoteSelectors(), a.dpd(), true, true);
        t.commandB(new Command.AddPeer(TwoPeers.config("a", B, A, "secret")));
        t.commandA(new Command.AddPeer(a));
        t.runQuiet();
        assertEquals(1, t.of(t.actionsA, Action.IkeSaUp.class).size(), () -> traces(t));
        t.commandB(new Command.DeleteIkeSa("a"));
        t.run(SECOND);
        assertEquals(0, t.a.liveSaCount());
        t.run(5 * SECOND);
        assertEquals(2, t.of(t.actionsA, Action.IkeSaUp.class).size(), () -> traces(t));
        assertEquals(1, t.planeA.size());
        assertTrue(t.planesMatch());
    }

    @Test
    void shouldForgetStaleSasWhenPeerSendsInitialContact() {
        var t = established();
        t.restartA(77, TwoPeers.config("b", A, B, "secret"));
        t.commandA(new Command.Initiate("b"));
        t.runQuiet();
        assertEquals(1, t.b.liveSaCount(), () -> traces(t));
        assertEquals(1, t.planeB.size());
        assertTrue(t.planesMatch());
        assertTrue(t.actionsB.stream().anyMatch(x -> x instanceof Action.IkeSaDown d && d.reason().contains("INITIAL_CONTACT")));
    }

    @Test
    void shouldCloseSupersededIkeSaWhenPeerNeverDeletesIt() {
        var t = established();
        // B answers A's IKE rekey, but A's delete of the old SA never arrives.
        t.dropFilter = d -> d.local().getAddress().equals(A) && t.a.ikeSas().size() == 2 && d.payload()[18] == 37;
        t.commandA(new Command.RekeyIkeSa("b"));
        t.run(29 * SECOND);
        assertEquals(2, t.b.liveSaCount(), () -> traces(t));
        t.run(60 * SECOND);
        assertEquals(1, t.b.liveSaCount(), () -> traces(t));
        assertEquals(1, t.a.liveSaCount(), () -> traces(t));
        assertEquals(1, t.planeB.size());
    }

    @Test
    void shouldFragmentLargeMessagesAndReassembleThem() {
        var o = KmdOptions.defaults();
        var small = new KmdOptions(o.retransmitBaseNanos(), o.retransmitTries(), o.halfOpenTimeoutNanos(), o.cookieThreshold(),
                o.keepaliveNanos(), o.lifetimeJitter(), 200, o.reconnectNanos());
        var t = new TwoPeers(new Kmd(small, () -> TwoPeers.seeded(1)), new Kmd(small, () -> TwoPeers.seeded(2)));
        t.duplicate = 0.3;
        t.reorder = 0.3;
        t.addPeers(TwoPeers.config("b", A, B, "secret"), TwoPeers.config("a", B, A, "secret"));
        t.commandA(new Command.Initiate("b"));
        t.runQuiet();
        assertUp(t);
        long skf = t.of(t.actionsA, Action.Send.class).stream().filter(x -> x.datagram().payload()[16] == 53).count();
        assertTrue(skf >= 2, "IKE_AUTH went as SKF fragments");
        assertTrue(t.of(t.actionsA, Action.Send.class).stream().allMatch(x -> x.datagram().payload().length <= 200
                || x.datagram().payload()[18] == 34));
    }

    @ParameterizedTest
    @ValueSource(longs = {41, 42, 43, 44})
    void shouldKeepOneIkeSaWhenBothSidesInitiateAtOnce(long seed) {
        var t = new TwoPeers(seed, seed * 5);
        t.faults.setSeed(seed);
        t.reorder = 0.5;
        t.addPeers(TwoPeers.config("b", A, B, "secret"), TwoPeers.config("a", B, A, "secret"));
        t.commandA(new Command.Initiate("b"));
        t.commandB(new Command.Initiate("a"));
        t.run(60 * SECOND);
        assertEquals(1, t.a.liveSaCount(), () -> traces(t));
        assertEquals(1, t.b.liveSaCount(), () -> traces(t));
        assertTrue(t.planesMatch(), () -> traces(t));
        assertEquals(java.util.Set.copyOf(t.a.ikeSas().stream().map(Kmd.IkeSaView::id).toList()),
                java.util.Set.copyOf(t.b.ikeSas().stream().map(Kmd.IkeSaView::id).toList()));
    }

    /**
     * Two peers towards one gateway that cannot share an IKE SA (here: another NAT keepalive
     * interval) make two IKE SAs with it. Only the first may carry INITIAL_CONTACT: on the second,
     * the peer (B here, as strongSwan does) would drop the first. Terms that can share one:
     * {@link SharedIkeSaTest}.
     */
    @Test
    void shouldKeepBothIkeSasOfTwoPeersTowardsOneGateway() {
        var t = new TwoPeers();
        t.addPeers(TwoPeers.config("b1", A, B, "secret"), TwoPeers.config("a", B, A, "secret"));
        var b2 = TwoPeers.config("b2", A, B, "secret");
        t.commandA(new Command.AddPeer(new PeerConfig("b2", A, B, b2.localId(), b2.remoteId(), b2.authenticator(), b2.ikeProposals(),
                b2.childProposals(), b2.localSelectors(), b2.remoteSelectors(), b2.dpd(), true, false, 30)));
        t.commandA(new Command.Initiate("b1"));
        t.runQuiet();
        t.commandA(new Command.Initiate("b2"));
        t.runQuiet();
        assertEquals(2, t.a.liveSaCount(), () -> traces(t));
        assertEquals(2, t.b.liveSaCount(), () -> "B dropped an SA (INITIAL_CONTACT on the second?)\n" + traces(t));
        assertTrue(t.planesMatch(), () -> traces(t));
    }

    @Test
    void shouldLeaveNothingBehindAfterDeleteFromResponder() {
        var t = established();
        t.commandB(new Command.DeleteIkeSa("a"));
        t.runQuiet();
        assertEquals(0, t.a.liveSaCount());
        assertEquals(0, t.b.liveSaCount());
        assertTrue(t.a.nextDeadline().isEmpty());
        assertTrue(t.b.nextDeadline().isEmpty());
        assertTrue(t.planeA.isEmpty() && t.planeB.isEmpty());
        assertEquals("deleted by the peer", downReason(t.actionsA));
    }

    @Test
    void shouldDeleteOneChildFromInitiator() {
        var t = established();
        t.commandA(new Command.DeleteChildSa(t.planeA.keySet().iterator().next()));
        t.runQuiet();
        assertTrue(t.planeA.isEmpty() && t.planeB.isEmpty());
        assertEquals(1, t.a.liveSaCount());
    }

    @Test
    void shouldFailWithAuthenticationFailedOnPskMismatch() {
        var t = new TwoPeers();
        t.addPeers(TwoPeers.config("b", A, B, "secret"), TwoPeers.config("a", B, A, "other"));
        t.commandA(new Command.Initiate("b"));
        t.runQuiet();
        assertEquals("authentication failed (peer sent AUTHENTICATION_FAILED)", downReason(t.actionsA));
        assertTrue(downReason(t.actionsB).startsWith("authentication failed: AUTH payload does not verify"));
        assertEquals(0, t.a.liveSaCount() + t.b.liveSaCount());
        assertTrue(t.planeA.isEmpty() && t.planeB.isEmpty());
    }

    @Test
    void shouldFailWithAuthenticationFailedOnIdentityMismatch() {
        var t = new TwoPeers();
        var forB = TwoPeers.config("a", B, A, "secret");
        forB = new PeerConfig("a", B, A, forB.localId(), Identity.fqdn("gw-a.example.net"), forB.authenticator(),
                forB.ikeProposals(), forB.childProposals(), forB.localSelectors(), forB.remoteSelectors(), forB.dpd(), true, false);
        t.addPeers(TwoPeers.config("b", A, B, "secret"), forB);
        t.commandA(new Command.Initiate("b"));
        t.runQuiet();
        assertTrue(downReason(t.actionsB).contains("is not the configured gw-a.example.net"), downReason(t.actionsB));
    }

    @Test
    void shouldFailWithNoProposalChosenOnIkeProposalMismatch() {
        var t = new TwoPeers();
        var forB = TwoPeers.config("a", B, A, "secret").withIkeProposals(List.of(new IkeProposal(EncryptionAlgorithm.AES_128_GCM, null,
                PrfAlgorithm.HMAC_SHA2_256, DhGroup.GROUP14, 28800)));
        t.addPeers(TwoPeers.config("b", A, B, "secret"), forB);
        t.commandA(new Command.Initiate("b"));
        t.runQuiet();
        assertEquals("proposal mismatch (peer sent NO_PROPOSAL_CHOSEN)", downReason(t.actionsA));
        assertEquals(0, t.b.liveSaCount());
    }

    /**
     * RFC 7296 §1.2, §2.21: a child SA refused in IKE_AUTH does not fail the IKE SA. Our initiator
     * keeps it, tells the gateway why, and (establish-tunnels immediately) asks for the child
     * again with CREATE_CHILD_SA every {@code reconnectNanos}, over the same IKE SA.
     */
    @Test
    void aChildProposalMismatchInIkeAuthKeepsTheIkeSaAndTheChildIsAskedForAgain() {
        var t = new TwoPeers();
        var forB = TwoPeers.config("a", B, A, "secret").withChildProposals(List.of(new ChildProposal(
                EncryptionAlgorithm.AES_256_CBC, IntegrityAlgorithm.HMAC_SHA1_96, null, 3600)));
        var forA = TwoPeers.config("b", A, B, "secret");
        forA = new PeerConfig("b", A, B, forA.localId(), forA.remoteId(), forA.authenticator(), forA.ikeProposals(),
                forA.childProposals(), forA.localSelectors(), forA.remoteSelectors(), forA.dpd(), true, true);
        t.addPeers(forA, forB);
        t.commandA(new Command.Initiate("b"));
        t.run(1_000_000_000L);
        assertEquals("", downReason(t.actionsA), "the IKE SA stays");
        assertEquals(1, t.a.liveSaCount());
        var refused = t.of(t.actionsA, Action.ChildRefused.class);
        assertEquals(1, refused.size());
        assertEquals(Action.RefusedBy.PEER, refused.getFirst().refusedBy());
        assertEquals("proposal mismatch (child SA)", refused.getFirst().reason());
        assertTrue(t.planeA.isEmpty() && t.planeB.isEmpty());

        t.run(5_000_000_000L);   // asked again after 2 s, and again 2 s after that refusal
        var again = t.of(t.actionsA, Action.ChildRefused.class);
        assertEquals(3, again.size(), again.toString());
        assertTrue(again.get(1).reason().contains("NO_PROPOSAL_CHOSEN"), again.get(1).reason());
        assertEquals(again.getFirst().ikeSa(), again.get(2).ikeSa(), "over the same IKE SA");
        assertEquals(1, t.a.liveSaCount());
        assertEquals("", downReason(t.actionsA));
    }

    @Test
    void shouldRetryWithTheGroupAskedForInInvalidKePayload() {
        var t = new TwoPeers();
        var g19 = new IkeProposal(EncryptionAlgorithm.AES_128_GCM, null, PrfAlgorithm.HMAC_SHA2_256, DhGroup.GROUP19, 28800);
        var forA = TwoPeers.config("b", A, B, "secret").withIkeProposals(List.of(IkeProposal.aes256Sha256Group14(), g19));
        var forB = TwoPeers.config("a", B, A, "secret").withIkeProposals(List.of(g19, IkeProposal.aes256Sha256Group14()));
        t.addPeers(forA, forB);
        t.commandA(new Command.Initiate("b"));
        t.runQuiet();
        assertUp(t);
        assertEquals(DhGroup.GROUP19, t.of(t.actionsA, Action.IkeSaUp.class).getFirst().group());
    }

    @Test
    void shouldNarrowTrafficSelectorsToResponderPolicy() {
        var t = new TwoPeers();
        var wideA = TwoPeers.config("b", A, B, "secret");
        wideA = new PeerConfig("b", A, B, wideA.localId(), wideA.remoteId(), wideA.authenticator(), wideA.ikeProposals(),
                wideA.childProposals(), List.of(TrafficSelector.ofPrefix("198.18.0.0", 16)),
                List.of(TrafficSelector.ofPrefix("198.18.0.0", 15)), wideA.dpd(), true, false);
        t.addPeers(wideA, TwoPeers.config("a", B, A, "secret"));
        t.commandA(new Command.Initiate("b"));
        t.runQuiet();
        assertUp(t);
        var ia = t.planeA.values().iterator().next();
        assertEquals(List.of(TrafficSelector.ofPrefix("198.18.1.0", 24)), ia.localSelectors());
        assertEquals(List.of(TrafficSelector.ofPrefix("198.18.2.0", 24)), ia.remoteSelectors());
    }

    /** A further term's refused child is asked for again while the term is configured, and no more once it is removed. */
    @Test
    void aRefusedTermIsAskedForAgainUntilItIsRemoved() {
        var t = new TwoPeers();
        var b = TwoPeers.config("b", A, B, "secret");
        b = new PeerConfig("b", A, B, b.localId(), b.remoteId(), b.authenticator(), b.ikeProposals(), b.childProposals(),
                b.localSelectors(), b.remoteSelectors(), b.dpd(), true, true);
        var b2 = new PeerConfig("b2", A, B, b.localId(), b.remoteId(), b.authenticator(), b.ikeProposals(), b.childProposals(),
                List.of(TrafficSelector.ofPrefix("203.0.113.0", 24)), b.remoteSelectors(), b.dpd(), true, true);
        t.addPeers(b, TwoPeers.config("a", B, A, "secret"));
        t.commandA(new Command.AddPeer(b2));
        t.run(1_000_000_000L);
        assertEquals(1, t.a.liveSaCount(), "one IKE SA for both terms");
        assertEquals(1, t.planeA.size(), "term b's child");
        assertEquals(1, t.of(t.actionsA, Action.ChildRefused.class).size(), "term b2's child refused");
        t.run(3_000_000_000L);
        int refusals = t.of(t.actionsA, Action.ChildRefused.class).size();
        assertTrue(refusals >= 2, "asked for again: " + refusals);

        t.commandA(new Command.RemovePeer("b2"));
        t.run(10_000_000_000L);
        assertEquals(refusals, t.of(t.actionsA, Action.ChildRefused.class).size(), "a removed term is not asked for");
        assertEquals(1, t.a.liveSaCount());
        assertEquals(1, t.planeA.size());
    }

    /** Established on traffic: the refused child is asked for again at the next acquire, over the kept IKE SA. */
    @Test
    void tsUnacceptableInIkeAuthKeepsTheIkeSaAndTheNextAcquireAsksAgain() {
        var t = new TwoPeers();
        var a = TwoPeers.config("b", A, B, "secret");
        a = new PeerConfig("b", A, B, a.localId(), a.remoteId(), a.authenticator(), a.ikeProposals(), a.childProposals(),
                List.of(TrafficSelector.ofPrefix("203.0.113.0", 24)), a.remoteSelectors(), a.dpd(), true, false);
        t.addPeers(a, TwoPeers.config("a", B, A, "secret"));
        t.commandA(new Command.Initiate("b"));
        t.runQuiet();
        assertEquals("", downReason(t.actionsA), "the IKE SA stays");
        assertEquals(1, t.a.liveSaCount());
        assertEquals(List.of("TS unacceptable"), t.of(t.actionsA, Action.ChildRefused.class).stream()
                .map(Action.ChildRefused::reason).toList(), "not asked again without traffic");

        t.commandA(new Command.Acquire("b"));
        t.runQuiet();
        assertEquals(List.of("TS unacceptable", "TS unacceptable"), t.of(t.actionsA, Action.ChildRefused.class).stream()
                .map(Action.ChildRefused::reason).toList());
        assertEquals(1, t.a.liveSaCount());
    }

    @Test
    void shouldGiveUpAfterRetransmissionsWithNoResponse() {
        var t = new TwoPeers();
        t.dropFilter = d -> true;
        t.addPeers(TwoPeers.config("b", A, B, "secret"), TwoPeers.config("a", B, A, "secret"));
        t.commandA(new Command.Initiate("b"));
        t.run(120 * SECOND);
        assertTrue(downReason(t.actionsA).startsWith("no response from 192.0.2.2 to IKE_SA_INIT"), downReason(t.actionsA));
        long sends = t.of(t.actionsA, Action.Send.class).size();
        assertEquals(1 + KmdOptions.defaults().retransmitTries(), sends);
        assertEquals(0, t.a.liveSaCount());
        assertTrue(t.a.nextDeadline().isEmpty());
    }

    @Test
    void shouldDemandCookieAboveHalfOpenThreshold() {
        var o = KmdOptions.defaults();
        var strict = new KmdOptions(o.retransmitBaseNanos(), o.retransmitTries(), o.halfOpenTimeoutNanos(), 0,
                o.keepaliveNanos(), o.lifetimeJitter(), o.maxDatagram(), o.reconnectNanos());
        var t = new TwoPeers(new Kmd(() -> TwoPeers.seeded(1)), new Kmd(strict, () -> TwoPeers.seeded(2)));
        t.addPeers(TwoPeers.config("b", A, B, "secret"), TwoPeers.config("a", B, A, "secret"));
        t.commandA(new Command.Initiate("b"));
        t.runQuiet();
        assertUp(t);
        assertTrue(t.actionsA.stream().anyMatch(x -> x instanceof Action.Trace tr && tr.text().contains("asked for a COOKIE")));
    }

    @Test
    void shouldDetectDeadPeer() {
        var t = new TwoPeers();
        var a = TwoPeers.config("b", A, B, "secret");
        a = new PeerConfig("b", A, B, a.localId(), a.remoteId(), a.authenticator(), a.ikeProposals(), a.childProposals(),
                a.localSelectors(), a.remoteSelectors(), new PeerConfig.Dpd(true, 10, 3), true, false);
        t.addPeers(a, TwoPeers.config("a", B, A, "secret"));
        t.commandA(new Command.Initiate("b"));
        t.runQuiet();
        assertUp(t);
        t.run(9 * SECOND);
        assertEquals(0, t.of(t.actionsA, Action.IkeSaDown.class).size());
        t.dropFilter = d -> true;
        t.run(120 * SECOND);
        assertEquals("no response (dead peer detected)", downReason(t.actionsA));
        assertTrue(t.planeA.isEmpty());
    }

    @Test
    void shouldRekeyChildOnSoftLifetimeAndKeepOnePair() {
        var t = new TwoPeers();
        var shortLife = List.of(new ChildProposal(EncryptionAlgorithm.AES_128_GCM, null, DhGroup.GROUP14, 60));
        t.addPeers(TwoPeers.config("b", A, B, "secret").withChildProposals(shortLife),
                TwoPeers.config("a", B, A, "secret").withChildProposals(shortLife));
        t.commandA(new Command.Initiate("b"));
        t.runQuiet();
        Set<Integer> first = Set.copyOf(t.planeA.keySet());
        t.run(45 * SECOND);
        assertEquals(first, t.planeA.keySet(), "no rekey before the soft lifetime (at least 48 s)");
        t.run(200 * SECOND);
        assertEquals(1, t.planeA.size(), () -> traces(t));
        assertTrue(t.planesMatch());
        assertFalse(t.planeA.keySet().containsAll(first));
    }

    @Test
    void shouldInitiateOnAcquireAndOnlyOnce() {
        var t = new TwoPeers();
        t.addPeers(TwoPeers.config("b", A, B, "secret"), TwoPeers.config("a", B, A, "secret"));
        t.commandA(new Command.Acquire("b"));
        t.commandA(new Command.Acquire("b"));
        t.runQuiet();
        assertUp(t);
        assertEquals(1, t.a.liveSaCount());
    }

    @Test
    void shouldFloatTo4500AndSendKeepalivesBehindNat() {
        var t = new TwoPeers();
        t.natA = true;
        var forB = TwoPeers.config("a", B, A, "secret");
        forB = new PeerConfig("a", B, TwoPeers.NAT, forB.localId(), forB.remoteId(), forB.authenticator(), forB.ikeProposals(),
                forB.childProposals(), forB.localSelectors(), forB.remoteSelectors(), forB.dpd(), true, false);
        t.addPeers(TwoPeers.config("b", A, B, "secret"), forB);
        t.commandA(new Command.Initiate("b"));
        t.runQuiet();
        assertUp(t);
        var ia = t.planeA.values().iterator().next();
        var ib = t.planeB.values().iterator().next();
        assertTrue(ia.udpEncapsulation() && ib.udpEncapsulation());
        assertEquals(4500, ia.local().getPort());
        assertEquals(4500, ia.remote().getPort());
        assertEquals(14500, ib.remote().getPort(), "B answers the NAT mapping of A's port 4500");
        assertTrue(t.actionsA.stream().anyMatch(x -> x instanceof Action.Trace tr && tr.text().contains("local host is behind NAT")));
        t.run(21 * SECOND);
        assertTrue(t.of(t.actionsA, Action.Send.class).stream().anyMatch(s -> Datagram.isKeepalive(s.datagram().payload())));
        assertTrue(t.of(t.actionsB, Action.Send.class).stream().noneMatch(s -> Datagram.isKeepalive(s.datagram().payload())));
        assertTrue(t.b.drops().get(DropReason.KEEPALIVE) > 0);
    }

    /** A behind a NAT, B outside it, the tunnel up; A checks liveness every 10 s when {@code dpd}. */
    private static TwoPeers behindNat(boolean dpd) {
        var t = new TwoPeers();
        t.natA = true;
        var forA = TwoPeers.config("b", A, B, "secret");
        forA = new PeerConfig("b", A, B, forA.localId(), forA.remoteId(), forA.authenticator(), forA.ikeProposals(),
                forA.childProposals(), forA.localSelectors(), forA.remoteSelectors(),
                dpd ? new PeerConfig.Dpd(true, 10, 5) : PeerConfig.Dpd.off(), true, false);
        var forB = TwoPeers.config("a", B, A, "secret");
        forB = new PeerConfig("a", B, TwoPeers.NAT, forB.localId(), forB.remoteId(), forB.authenticator(), forB.ikeProposals(),
                forB.childProposals(), forB.localSelectors(), forB.remoteSelectors(), forB.dpd(), true, false);
        t.addPeers(forA, forB);
        t.commandA(new Command.Initiate("b"));
        t.runQuiet();
        assertUp(t);
        return t;
    }

    @Test
    void childSasFollowThePeerWhenItsNatMappingChanges() {
        var t = behindNat(true);
        var ib = t.planeB.values().iterator().next();
        assertEquals(new InetSocketAddress(TwoPeers.NAT, 14500), ib.remote());
        t.natPortOffset = 20000; // the NAT lost A's mapping: A's datagrams now come from port 24500
        int sentByB = t.of(t.actionsB, Action.Send.class).size();
        t.run(11 * SECOND); // A's DPD, an authenticated INFORMATIONAL, comes through the new mapping
        var moved = t.of(t.actionsB, Action.ChildSaMoved.class);
        assertEquals(List.of(new Action.ChildSaMoved("a", ib.spiIn(), ib.spiOut(), new InetSocketAddress(TwoPeers.NAT, 24500))),
                moved);
        var answers = t.of(t.actionsB, Action.Send.class).subList(sentByB, t.of(t.actionsB, Action.Send.class).size());
        assertFalse(answers.isEmpty());
        assertTrue(answers.stream().allMatch(s -> s.datagram().remote().getPort() == 24500), answers.toString());
        assertEquals(1, t.a.liveSaCount(), "A's DPD was answered through the new mapping");
    }

    /**
     * RFC 7296 §2.23 on ESP alone: B (not behind the NAT) installs its child to follow the peer,
     * A (behind it) does not; ESP B's data plane authenticated from A's new mapping moves B's IKE
     * SA (its next message goes there) and the child; the same report on A's side moves nothing.
     */
    @Test
    void authenticatedEspFromANewMappingMovesTheIkeSaOnlyOnTheSideNotBehindTheNat() {
        var t = behindNat(false);
        var ib = t.planeB.values().iterator().next();
        var ia = t.planeA.values().iterator().next();
        assertTrue(ib.followPeerOnEsp(), "B is not behind the NAT, A is: B follows");
        assertFalse(ia.followPeerOnEsp(), "A is behind the NAT: it must not follow");
        var rebound = new InetSocketAddress(TwoPeers.NAT, 24500);
        t.natPortOffset = 20000;
        t.commandB(new Command.FollowPeer(ib.spiIn(), rebound));
        assertEquals(List.of(new Action.ChildSaMoved("a", ib.spiIn(), ib.spiOut(), rebound)),
                t.of(t.actionsB, Action.ChildSaMoved.class));
        int sentByB = t.of(t.actionsB, Action.Send.class).size();
        t.commandB(new Command.RekeyIkeSa("a"));
        var sent = t.of(t.actionsB, Action.Send.class);
        assertTrue(sent.size() > sentByB, "B's next IKE request");
        assertEquals(rebound, sent.get(sentByB).datagram().remote(), "IKE follows too, on the NAT-T port");
        assertTrue(sent.get(sentByB).datagram().nonEspMarker());

        t.commandA(new Command.FollowPeer(ia.spiIn(), new InetSocketAddress(B, 14000)));
        assertTrue(t.of(t.actionsA, Action.ChildSaMoved.class).isEmpty(), "behind the NAT: nothing moves");
    }

    @Test
    void aKeepaliveFromANewMappingMovesNothing() {
        var t = behindNat(false);
        t.natPortOffset = 20000;
        t.run(21 * SECOND); // A's NAT keepalive (every 20 s) comes through the new mapping: not authenticated
        assertTrue(t.b.drops().get(DropReason.KEEPALIVE) > 0);
        assertTrue(t.of(t.actionsB, Action.ChildSaMoved.class).isEmpty());
    }

    @Test
    void shouldStayOnPort500WithoutNatTraversal() {
        var t = new TwoPeers();
        var a = TwoPeers.config("b", A, B, "secret");
        a = new PeerConfig("b", A, B, a.localId(), a.remoteId(), a.authenticator(), a.ikeProposals(), a.childProposals(),
                a.localSelectors(), a.remoteSelectors(), a.dpd(), false, false);
        t.addPeers(a, TwoPeers.config("a", B, A, "secret"));
        t.commandA(new Command.Initiate("b"));
        t.runQuiet();
        assertUp(t);
        assertFalse(t.planeA.values().iterator().next().udpEncapsulation());
        assertTrue(t.of(t.actionsA, Action.Send.class).stream().allMatch(s -> s.datagram().remote().getPort() == 500));
    }

    @Test
    void shouldDropHalfOpenResponderSaAfterTimeout() {
        var t = new TwoPeers();
        t.dropFilter = d -> d.payload().length > 18 && d.payload()[18] == io.sallyport.ike.message.Wire.IKE_AUTH;
        t.addPeers(TwoPeers.config("b", A, B, "secret"), TwoPeers.config("a", B, A, "secret"));
        t.commandA(new Command.Initiate("b"));
        t.run(29 * SECOND);
        assertEquals(1, t.b.liveSaCount());
        t.run(2 * SECOND);
        assertEquals(0, t.b.liveSaCount());
        assertEquals("half-open SA timed out", downReason(t.actionsB));
    }

    /**
     * The two CREATE_CHILD_SA exchanges of a rekey collision, read back from the wire with the
     * IKE SA's keys: each exchange's nonces and the SPIs its SA payloads carried. Which new SA must
     * survive follows from RFC 7296 §2.8.1 alone, not from the engine's own bookkeeping.
     */
    private record Crossing(TwoPeers t, IkeSession a, IkeSession b, int fromA, int fromB) {

        /** One exchange: who initiated it, its Ni and Nr, and the SPIs proposed by initiator and responder. */
        record Exchange(boolean byA, byte[] ni, byte[] nr, byte[] spiI, byte[] spiR) {
            long spiOfInitiator() { return Bytes.u64(spiI, 0); }

            long spiOfResponder() { return Bytes.u64(spiR, 0); }

            /** The inbound child SPI this exchange gave A (true) or B (false): what that side proposed. */
            long spiOf(boolean sideA) {
                byte[] spi = sideA == byA ? spiI : spiR;
                return Bytes.u32(spi, 0);
            }

            @Override
            public String toString() {
                return (byA ? "A" : "B") + "-initiated Ni=" + HexFormat.of().formatHex(ni)
                        + " Nr=" + HexFormat.of().formatHex(nr);
            }
        }

        static Crossing start(TwoPeers t) {
            return new Crossing(t, TwoPeers.session(t.a), TwoPeers.session(t.b), t.actionsA.size(), t.actionsB.size());
        }

        /** The exchange that did not carry the lowest of the four nonces. */
        Exchange survivor() {
            Exchange byA = exchange(true);
            Exchange byB = exchange(false);
            byte[] lowest = Stream.of(byA.ni(), byA.nr(), byB.ni(), byB.nr())
                    .min(Arrays::compareUnsigned).orElseThrow();
            boolean lowestInA = lowest == byA.ni() || lowest == byA.nr();
            return lowestInA ? byB : byA;
        }

        /** The exchange {@code byA} initiated: its request from that side, the response from the other. */
        private Exchange exchange(boolean byA) {
            var request = firstCreateChild(byA, false);
            var response = firstCreateChild(!byA, true);
            return new Exchange(byA, nonce(request), nonce(response), spi(request), spi(response));
        }

        private List<Payload> firstCreateChild(boolean sentByA, boolean response) {
            List<Action> sent = (sentByA ? t.actionsA : t.actionsB).subList(sentByA ? fromA : fromB, (sentByA ? t.actionsA : t.actionsB).size());
            IkeSession receiver = sentByA ? b : a;
            for (Action x : sent) {
                if (x instanceof Action.Send s && s.datagram().payload().length > 28 && s.datagram().payload()[18] == 36) {
                    var r = MessageCodec.decode(s.datagram().payload(), receiver.inCipher(),
                            new FragmentBuffer());
                    if (r instanceof DecodeResult.Ok ok && ok.message().header().isResponse() == response) {
                        return ok.message().payloads();
                    }
                }
            }
            throw new AssertionError("no CREATE_CHILD_SA " + (response ? "response" : "request") + " from " + (sentByA ? "A" : "B"));
        }

        private static byte[] nonce(List<Payload> payloads) {
            return payloads.stream().filter(p -> p instanceof Payload.Nonce)
                    .map(p -> ((Payload.Nonce) p).data()).findFirst().orElseThrow();
        }

        private static byte[] spi(List<Payload> payloads) {
            return payloads.stream().filter(p -> p instanceof Payload.Sa)
                    .map(p -> ((Payload.Sa) p).proposals().getFirst().spi()).findFirst().orElseThrow();
        }
    }

    private static int indexOf(List<Action> actions, java.util.function.Predicate<Action> p) {
        for (int i = 0; i < actions.size(); i++) {
            if (p.test(actions.get(i))) {
                return i;
            }
        }
        return -1;
    }
}
