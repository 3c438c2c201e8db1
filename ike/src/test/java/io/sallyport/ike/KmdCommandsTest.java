package io.sallyport.ike;

import static io.sallyport.ike.TwoPeers.A;
import static io.sallyport.ike.TwoPeers.B;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sallyport.crypto.DhGroup;
import io.sallyport.ike.message.TrafficSelector;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The command side of {@link Kmd}: removing a peer, commands naming what does not exist, the
 * adapter's drop counts, which terms share an IKE SA, and commands for IKEv1 peers going to the
 * IKEv1 engine (also when a commit moves a peer from one version to the other).
 */
class KmdCommandsTest {

    private static final long SECOND = 1_000_000_000L;

    private static String traces(TwoPeers t) {
        return "A:\n" + t.actionsA.stream().map(Object::toString).collect(Collectors.joining("\n"))
                + "\nB:\n" + t.actionsB.stream().map(Object::toString).collect(Collectors.joining("\n"));
    }

    private static boolean traced(List<Action> actions, String text) {
        return actions.stream().anyMatch(x -> x instanceof Action.Trace tr && tr.text().contains(text));
    }

    private static TwoPeers established(PeerConfig forA, PeerConfig forB) {
        var t = new TwoPeers();
        t.addPeers(forA, forB);
        t.commandA(new Command.Initiate("b"));
        t.runQuiet();
        assertTrue(t.planesMatch(), () -> traces(t));
        return t;
    }

    private static TwoPeers established() {
        return established(TwoPeers.config("b", A, B, "secret"), TwoPeers.config("a", B, A, "secret"));
    }

    private static PeerConfig v1(String name, java.net.InetAddress local, java.net.InetAddress remote) {
        return TwoPeers.config(name, local, remote, "secret").withExchange(PeerConfig.Exchange.MAIN);
    }

    @Test
    void removingTheOnlyTermDeletesItsIkeSaAtBothEnds() {
        var t = established();
        t.commandA(new Command.RemovePeer("b"));
        t.runQuiet();
        var downA = t.of(t.actionsA, Action.IkeSaDown.class);
        var downB = t.of(t.actionsB, Action.IkeSaDown.class);
        assertEquals(List.of(DownCause.DELETED_LOCALLY), downA.stream().map(Action.IkeSaDown::cause).toList(), () -> traces(t));
        assertEquals("deleted: peer removed", downA.getFirst().reason());
        assertEquals(List.of(DownCause.DELETED_BY_PEER), downB.stream().map(Action.IkeSaDown::cause).toList());
        assertTrue(t.planesEmpty());
        assertEquals(0, t.a.liveSaCount() + t.b.liveSaCount());
        t.run(30 * SECOND);
        assertEquals(0, t.a.liveSaCount(), "a removed peer is not brought back");
    }

    @Test
    void commandsNamingWhatDoesNotExistAreTracedAndDoNothing() {
        var t = established();
        int sends = t.of(t.actionsA, Action.Send.class).size();
        t.commandA(new Command.Initiate("nobody"));
        t.commandA(new Command.Acquire("nobody"));
        t.commandA(new Command.DeleteChildSa(0x1234_5678));
        t.commandA(new Command.RekeyChildSa(0x1234_5678));
        t.commandA(new Command.ReportInvalidSpi(TwoPeers.addr("203.0.113.9"), 0x1234_5678));
        assertTrue(traced(t.actionsA, "no peer named nobody"));
        assertTrue(traced(t.actionsA, "no child SA with inbound SPI 12345678"));
        assertTrue(traced(t.actionsA, "ESP with unknown SPI from /203.0.113.9, no IKE SA to report it"));
        assertEquals(sends, t.of(t.actionsA, Action.Send.class).size(), "nothing sent");
        t.runQuiet();
        assertTrue(t.planesMatch());
    }

    @Test
    void dropsTheAdapterMakesAreCountedWithTheEnginesOwn() {
        var k = new Kmd(() -> TwoPeers.seeded(1));
        k.countDropped(DropReason.INPUT_QUEUE_FULL, 3);
        k.countDropped(DropReason.INPUT_QUEUE_FULL, 2);
        k.handle(0, new Datagram(new java.net.InetSocketAddress(A, 500), new java.net.InetSocketAddress(B, 500), new byte[] {1, 2}, false));
        Map<DropReason, Long> drops = k.drops();
        assertEquals(5L, drops.get(DropReason.INPUT_QUEUE_FULL));
        assertEquals(1L, drops.get(DropReason.MALFORMED_HEADER));
    }

    /** Terms share one IKE SA only when everything the IKE SA is made of is the same (not only the gateway address). */
    @Test
    void termsDifferingInAnyIkeSaSettingGetIkeSasOfTheirOwn() {
        PeerConfig t1 = TwoPeers.config("t1", A, B, "secret");
        PeerConfig t2 = new PeerConfig("t2", A, B, t1.localId(), t1.remoteId(), t1.authenticator(), t1.ikeProposals(), t1.childProposals(),
                List.of(TrafficSelector.ofPrefix("198.18.3.0", 24)), List.of(TrafficSelector.ofPrefix("198.18.4.0", 24)),
                t1.dpd(), t1.natTraversal(), false);
        assertTrue(Kmd.sameIkeSa(t1, t2), "other selectors, same IKE SA");
        List<UnaryOperator<PeerConfig>> changes = List.of(
                p -> p.withExchange(PeerConfig.Exchange.MAIN),
                p -> p.withAuthenticator(PskAuthenticator.ascii("other")),
                p -> p.withIkeProposals(List.of(IkeProposal.junosDefault())),
                p -> copy(p, TwoPeers.addr("192.0.2.9"), p.remoteAddress(), p.localId(), p.remoteId(), p.dpd(), p.natTraversal(), 0),
                p -> copy(p, p.localAddress(), TwoPeers.addr("192.0.2.9"), p.localId(), p.remoteId(), p.dpd(), p.natTraversal(), 0),
                p -> copy(p, p.localAddress(), p.remoteAddress(), Identity.fqdn("a.example.net"), p.remoteId(), p.dpd(), p.natTraversal(), 0),
                p -> copy(p, p.localAddress(), p.remoteAddress(), p.localId(), Identity.fqdn("b.example.net"), p.dpd(), p.natTraversal(), 0),
                p -> copy(p, p.localAddress(), p.remoteAddress(), p.localId(), p.remoteId(), new PeerConfig.Dpd(true, 10, 5), p.natTraversal(), 0),
                p -> copy(p, p.localAddress(), p.remoteAddress(), p.localId(), p.remoteId(), p.dpd(), !p.natTraversal(), 0),
                p -> copy(p, p.localAddress(), p.remoteAddress(), p.localId(), p.remoteId(), p.dpd(), p.natTraversal(), 5));
        for (var change : changes) {
            PeerConfig other = change.apply(t2);
            assertFalse(Kmd.sameIkeSa(t1, other), () -> "shares an IKE SA with " + other);
            assertFalse(Kmd.sameIkeSa(other, t1), () -> "shares an IKE SA with " + other);
        }
    }

    private static PeerConfig copy(PeerConfig p, java.net.InetAddress local, java.net.InetAddress remote, Identity localId, Identity remoteId,
                                   PeerConfig.Dpd dpd, boolean natT, int keepalive) {
        return new PeerConfig(p.name(), local, remote, localId, remoteId, p.authenticator(), p.ikeProposals(), p.childProposals(),
                p.localSelectors(), p.remoteSelectors(), dpd, natT, p.establishImmediately(), keepalive, p.exchange());
    }

    /** Acquire, RekeyIkeSa and RemovePeer of an IKEv1 peer reach the IKEv1 engine through the one Kmd. */
    @Test
    void commandsForAnIkev1PeerGoToTheIkev1Engine() {
        var t = new TwoPeers();
        t.addPeers(v1("b", A, B), v1("a", B, A));
        t.commandA(new Command.Acquire("b"));
        t.runQuiet();
        assertTrue(t.planesMatch(), () -> traces(t));
        assertEquals("Main", t.a.ikeSas().getFirst().exchangeType());
        t.commandA(new Command.RekeyIkeSa("b"));
        t.run(10 * SECOND);
        assertEquals(2, t.of(t.actionsA, Action.IkeSaUp.class).size(), () -> "phase 1 rekeyed\n" + traces(t));
        t.commandA(new Command.RemovePeer("b"));
        t.run(10 * SECOND);
        assertTrue(t.planeA.isEmpty(), () -> traces(t));
        assertTrue(t.planeB.isEmpty(), () -> "B was told\n" + traces(t));
        assertEquals(0, t.a.liveSaCount(), () -> traces(t));
    }

    /** A commit that turns an IKEv2 peer into an IKEv1 one (and back) ends the old version's SAs first. */
    @Test
    void aPeerMovedBetweenVersionsLeavesNoSaOfTheOldVersion() {
        var t = established();
        assertEquals("IKEv2", t.a.ikeSas().getFirst().exchangeType());
        t.commandA(new Command.AddPeer(v1("b", A, B)));
        t.runQuiet();
        assertEquals(DownCause.DELETED_LOCALLY, t.of(t.actionsA, Action.IkeSaDown.class).getFirst().cause(), () -> traces(t));
        assertEquals(DownCause.DELETED_BY_PEER, t.of(t.actionsB, Action.IkeSaDown.class).getFirst().cause(), () -> traces(t));
        t.commandB(new Command.AddPeer(v1("a", B, A)));
        assertTrue(t.a.ikeSas().isEmpty(), () -> traces(t));
        t.commandA(new Command.Initiate("b"));
        t.runQuiet();
        assertEquals(List.of("Main"), t.a.ikeSas().stream().map(Kmd.IkeSaView::exchangeType).toList(), () -> traces(t));
        assertTrue(t.planesMatch());
        t.commandA(new Command.AddPeer(TwoPeers.config("b", A, B, "secret")));
        t.commandB(new Command.AddPeer(TwoPeers.config("a", B, A, "secret")));
        t.runQuiet();
        assertTrue(t.a.ikeSas().isEmpty(), () -> "the IKEv1 SA went with the IKEv1 peer\n" + traces(t));
        t.commandA(new Command.Initiate("b"));
        t.runQuiet();
        assertEquals(List.of("IKEv2"), t.a.ikeSas().stream().map(Kmd.IkeSaView::exchangeType).toList(), () -> traces(t));
        assertTrue(t.planesMatch(), () -> traces(t));
    }

    /** Removing a dynamic-endpoint template (issue 12) deletes the IKE SA of every peer that came through it, at the peers too. */
    @Test
    void removingADynamicTemplateDeletesEveryInstancesIkeSa() {
        var n = new DynamicEndpointsTest.Net();
        var gw = DynamicEndpointsTest.GW;
        n.add(gw);
        n.command(gw, new Command.AddPeer(DynamicEndpointsTest.template("dep/1", "10.0.0.0", "10.0.1.0", PeerConfig.Dpd.off())));
        var branches = List.of(TwoPeers.addr("198.51.100.10"), TwoPeers.addr("198.51.100.11"));
        for (int i = 0; i < branches.size(); i++) {
            var at = branches.get(i);
            n.add(at);
            n.command(at, new Command.AddPeer(DynamicEndpointsTest.branch(at, "branch" + i + ".example.net", "branch-key", "10.0.1." + i * 128)));
        }
        n.run(10 * SECOND);
        assertEquals(2, n.engines.get(gw).ikeSas().size(), () -> n.traces(gw));
        n.command(gw, new Command.RemovePeer("dep/1"));
        n.run(10 * SECOND);
        assertEquals(List.of(), n.engines.get(gw).ikeSas(), () -> n.traces(gw));
        assertTrue(n.planes.get(gw).isEmpty());
        for (var at : branches) {
            assertTrue(n.of(at, Action.IkeSaDown.class).stream().anyMatch(d -> d.cause() == DownCause.DELETED_BY_PEER), () -> n.traces(at));
        }
        assertTrue(n.of(gw, Action.IkeSaDown.class).stream().allMatch(d -> d.cause() == DownCause.DELETED_LOCALLY
                && d.reason().equals("deleted: peer removed")), () -> n.traces(gw));
    }
}
