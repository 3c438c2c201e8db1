package io.sallyport.ike;

import static io.sallyport.ike.TwoPeers.A;
import static io.sallyport.ike.TwoPeers.B;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sallyport.ike.message.TrafficSelector;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Several terms towards one gateway are child SAs of one IKE SA, as on Junos (issue 9): further
 * children come by CREATE_CHILD_SA (RFC 7296 §1.3.1), each with its own selectors, rekeyed and
 * deleted on its own; the responder picks the term by the proposed selectors.
 */
class SharedIkeSaTest {

    /** A's terms t1 (198.18.1/24 to 198.18.2/24) and t2 (198.18.3/24 to 198.18.4/24); B's u1 and u2 mirror them. */
    private static final Map<String, String[]> SELECTORS = Map.of(
            "t1", new String[] {"198.18.1.0", "198.18.2.0"}, "t2", new String[] {"198.18.3.0", "198.18.4.0"},
            "t3", new String[] {"198.18.5.0", "198.18.6.0"},
            "u1", new String[] {"198.18.2.0", "198.18.1.0"}, "u2", new String[] {"198.18.4.0", "198.18.3.0"});

    private static PeerConfig term(String name) {
        return term(name, false);
    }

    private static PeerConfig term(String name, boolean establishImmediately) {
        InetAddress local = name.startsWith("u") ? B : A;
        var c = TwoPeers.config(name, local, local.equals(A) ? B : A, "secret");
        String[] sel = SELECTORS.get(name);
        return new PeerConfig(name, c.localAddress(), c.remoteAddress(), c.localId(), c.remoteId(), c.authenticator(),
                c.ikeProposals(), c.childProposals(), List.of(TrafficSelector.ofPrefix(sel[0], 24)),
                List.of(TrafficSelector.ofPrefix(sel[1], 24)), c.dpd(), c.natTraversal(), establishImmediately);
    }

    private static String traces(TwoPeers t) {
        return "A:\n" + t.actionsA.stream().map(Object::toString).collect(Collectors.joining("\n"))
                + "\nB:\n" + t.actionsB.stream().map(Object::toString).collect(Collectors.joining("\n"));
    }

    /** A with {@code termsA}, B with u1 and u2; A brings all its terms up at once. */
    private static TwoPeers up(String... termsA) {
        var t = new TwoPeers();
        t.addPeers(term(termsA[0]), term("u1"));
        t.commandB(new Command.AddPeer(term("u2")));
        for (int i = 1; i < termsA.length; i++) {
            t.commandA(new Command.AddPeer(term(termsA[i])));
        }
        for (String name : termsA) {
            t.commandA(new Command.Initiate(name));
        }
        t.runQuiet();
        return t;
    }

    private static int spiOf(Map<Integer, Action.InstallChildSa> plane, String term) {
        return plane.values().stream().filter(i -> i.peer().equals(term)).mapToInt(Action.InstallChildSa::spiIn)
                .findFirst().orElseThrow(() -> new AssertionError("no SA of " + term + " in " + plane.keySet()));
    }

    private static void assertSelectors(Map<Integer, Action.InstallChildSa> plane, String term) {
        var sa = plane.get(spiOf(plane, term));
        String[] sel = SELECTORS.get(term);
        assertEquals(List.of(TrafficSelector.ofPrefix(sel[0], 24)), sa.localSelectors(), term);
        assertEquals(List.of(TrafficSelector.ofPrefix(sel[1], 24)), sa.remoteSelectors(), term);
    }

    private static void assertOneIkeSaWithChildren(TwoPeers t, int children) {
        assertEquals(1, t.a.ikeSas().size(), () -> traces(t));
        assertEquals(1, t.b.ikeSas().size(), () -> traces(t));
        assertEquals(children, t.a.ikeSas().getFirst().childSpisIn().size(), () -> traces(t));
        assertEquals(children, t.b.ikeSas().getFirst().childSpisIn().size(), () -> traces(t));
        assertEquals(children, t.planeA.size(), () -> traces(t));
        assertTrue(t.planesMatch(), () -> traces(t));
    }

    @Test
    void twoTermsAreTwoChildSasOfOneIkeSaEachWithItsSelectors() {
        var t = up("t1", "t2");
        assertOneIkeSaWithChildren(t, 2);
        assertSelectors(t.planeA, "t1");
        assertSelectors(t.planeA, "t2");
        assertSelectors(t.planeB, "u1");
        assertSelectors(t.planeB, "u2");
        // Each term (tunnel) learns of the IKE SA that carries it.
        assertEquals(Set.of("t1", "t2"), t.of(t.actionsA, Action.IkeSaUp.class).stream().map(Action.IkeSaUp::peer).collect(Collectors.toSet()));
        assertEquals(Set.of("u1", "u2"), t.of(t.actionsB, Action.IkeSaUp.class).stream().map(Action.IkeSaUp::peer).collect(Collectors.toSet()));
        // Initiating a term that is up changes nothing.
        t.commandA(new Command.Initiate("t2"));
        t.runQuiet();
        assertOneIkeSaWithChildren(t, 2);
    }

    @Test
    void aTermAddedLaterGetsAChildOverTheEstablishedIkeSa() {
        var t = up("t1");
        assertOneIkeSaWithChildren(t, 1);
        t.commandA(new Command.AddPeer(term("t2")));
        t.commandA(new Command.Acquire("t2"));
        t.runQuiet();
        assertOneIkeSaWithChildren(t, 2);
        assertSelectors(t.planeB, "u2");
    }

    @Test
    void rekeyingOneChildLeavesTheOther() {
        var t = up("t1", "t2");
        int t1 = spiOf(t.planeA, "t1");
        int t2 = spiOf(t.planeA, "t2");
        t.commandA(new Command.RekeyChildSa(t2));
        t.runPastLinger();
        assertOneIkeSaWithChildren(t, 2);
        assertEquals(t1, spiOf(t.planeA, "t1"));
        assertNotEquals(t2, spiOf(t.planeA, "t2"));
        assertSelectors(t.planeA, "t2");
        assertSelectors(t.planeB, "u2");
        // And from the responder's side.
        int u1 = spiOf(t.planeB, "u1");
        t.commandB(new Command.RekeyChildSa(u1));
        t.runPastLinger();
        assertOneIkeSaWithChildren(t, 2);
        assertNotEquals(u1, spiOf(t.planeB, "u1"));
        assertSelectors(t.planeB, "u1");
        assertSelectors(t.planeA, "t1");
    }

    @Test
    void deletingOneChildLeavesTheOther() {
        var t = up("t1", "t2");
        t.commandA(new Command.DeleteChildSa(spiOf(t.planeA, "t1")));
        t.runQuiet();
        assertOneIkeSaWithChildren(t, 1);
        assertSelectors(t.planeA, "t2");
        assertSelectors(t.planeB, "u2");
    }

    @Test
    void removingOneTermDeletesOnlyItsChildAndDeletingTheIkeSaRemovesAll() {
        var t = up("t1", "t2");
        t.commandA(new Command.RemovePeer("t1"));
        t.runQuiet();
        assertOneIkeSaWithChildren(t, 1);
        assertSelectors(t.planeA, "t2");
        assertTrue(t.of(t.actionsA, Action.IkeSaDown.class).isEmpty(), () -> traces(t));

        t.commandA(new Command.DeleteIkeSa("t2"));
        t.runQuiet();
        assertEquals(0, t.a.liveSaCount(), () -> traces(t));
        assertEquals(0, t.b.liveSaCount(), () -> traces(t));
        assertTrue(t.planesEmpty(), () -> traces(t));
        // B's terms both hear that their IKE SA is gone.
        assertEquals(Set.of("u1", "u2"), t.of(t.actionsB, Action.IkeSaDown.class).stream().map(Action.IkeSaDown::peer).collect(Collectors.toSet()));
    }

    @Test
    void deletingTheIkeSaFromTheResponderRemovesBothChildren() {
        var t = up("t1", "t2");
        t.commandB(new Command.DeleteIkeSa("u2"));
        t.runQuiet();
        assertTrue(t.planesEmpty(), () -> traces(t));
        assertEquals(Set.of("t1", "t2"), t.of(t.actionsA, Action.IkeSaDown.class).stream().map(Action.IkeSaDown::peer).collect(Collectors.toSet()));
    }

    @Test
    void anIkeRekeyKeepsBothChildrenAndTellsBothTerms() {
        var t = up("t1", "t2");
        var before = t.a.ikeSas().getFirst().id();
        t.commandA(new Command.RekeyIkeSa("t2"));
        t.runQuiet();
        assertOneIkeSaWithChildren(t, 2);
        var after = t.a.ikeSas().getFirst().id();
        assertNotEquals(before, after);
        assertEquals(Set.of("t1", "t2"), t.of(t.actionsA, Action.IkeSaUp.class).stream().filter(u -> u.ikeSa().equals(after))
                .map(Action.IkeSaUp::peer).collect(Collectors.toSet()));
    }

    /** The first IKE SA gives up (no answer) while t2's child waits behind IKE_AUTH: both terms come back. */
    @Test
    void establishImmediatelyBringsBackEveryTermOfAFailedSharedIkeSa() {
        var t = new TwoPeers();
        t.dropFilter = d -> true;
        t.addPeers(term("t1", true), term("u1"));
        t.commandB(new Command.AddPeer(term("u2")));
        t.commandA(new Command.AddPeer(term("t2", true)));
        t.run(600 * 1_000_000_000L);
        assertTrue(t.of(t.actionsA, Action.IkeSaDown.class).size() > 0, () -> traces(t));
        t.dropFilter = d -> false;
        t.run(600 * 1_000_000_000L);
        assertOneIkeSaWithChildren(t, 2);
        assertSelectors(t.planeB, "u2");
    }

    @Test
    void theResponderRefusesSelectorsNoTermOfItsOwnMatches() {
        var t = up("t1", "t3");
        assertOneIkeSaWithChildren(t, 1);
        assertSelectors(t.planeA, "t1");
        assertTrue(t.actionsB.stream().anyMatch(a -> a instanceof Action.Trace tr && tr.text().contains("TS unacceptable")), () -> traces(t));
        assertTrue(t.actionsA.stream().anyMatch(a -> a instanceof Action.Trace tr && tr.text().contains("child SA for t3 TS unacceptable")),
                () -> traces(t));
    }

    @Test
    void theResponderPicksTheTermByTheSelectorsInIkeAuthToo() {
        // A brings up t2 alone: B's IKE_AUTH child is u2's, though u1 is B's first term for A.
        var t = up("t2");
        assertOneIkeSaWithChildren(t, 1);
        assertSelectors(t.planeB, "u2");
    }
}
