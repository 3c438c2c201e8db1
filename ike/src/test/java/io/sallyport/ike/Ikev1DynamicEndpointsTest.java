package io.sallyport.ike;

import static io.sallyport.ike.DynamicEndpointsTest.GW;
import static io.sallyport.ike.TwoPeers.addr;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sallyport.ike.DynamicEndpointsTest.Net;
import io.sallyport.ike.message.TrafficSelector;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issues 10 and 12: the IKEv1 responder for dynamic endpoints. One gateway kmd with main-mode
 * templates (remote address 0.0.0.0), branch kmds initiating IKEv1 from addresses it does not know,
 * on the in-memory wire of {@link DynamicEndpointsTest} with its fake clock.
 */
class Ikev1DynamicEndpointsTest {

    private static final long SECOND = 1_000_000_000L;

    private static PeerConfig template(String name, String local, String remote, PeerConfig.Dpd dpd) {
        return DynamicEndpointsTest.template(name, local, remote, dpd).withExchange(PeerConfig.Exchange.MAIN);
    }

    /** A branch at {@code at} protecting {@code localNet}/25 towards {@code remoteNet}/24, IKEv1 in {@code exchange} mode. */
    private static PeerConfig branch(InetAddress at, String id, String psk, String localNet, String remoteNet, PeerConfig.Exchange exchange) {
        return DynamicEndpointsTest.peer("to-gw", at, GW, Identity.fqdn(id), Identity.ipv4(GW.getHostAddress()), psk, localNet, 25,
                remoteNet, 24, PeerConfig.Dpd.off(), true).withExchange(exchange);
    }

    private static PeerConfig branch(InetAddress at, String id, String localNet) {
        return branch(at, id, "branch-key", localNet, "10.0.0.0", PeerConfig.Exchange.MAIN);
    }

    private static Net gateway(PeerConfig.Dpd dpd) {
        Net n = new Net();
        n.add(GW);
        n.command(GW, new Command.AddPeer(template("dep/1", "10.0.0.0", "10.0.1.0", dpd)));
        return n;
    }

    private static InetAddress addBranch(Net n, String address, PeerConfig config) {
        InetAddress at = addr(address);
        n.add(at);
        n.command(at, new Command.AddPeer(config));
        return at;
    }

    private static Net gatewayWithBranches(PeerConfig.Dpd dpd, String... addresses) {
        Net n = gateway(dpd);
        int i = 0;
        for (String a : addresses) {
            addBranch(n, a, branch(addr(a), "branch" + i + ".example.net", "10.0.1." + (i % 2 * 128)));
            i++;
        }
        n.run(10 * SECOND);
        return n;
    }

    private static List<String> installedPeers(Net n) {
        return n.planes.get(GW).values().stream().map(Action.InstallChildSa::peer).sorted().toList();
    }

    @Test
    void mainModeBranchesFromAddressesTheGatewayDoesNotKnowEachGetTheirIpsecSa() {
        Net n = gatewayWithBranches(PeerConfig.Dpd.off(), "198.51.100.10", "198.51.100.11", "198.51.100.12");
        assertEquals(List.of("dep/1@198.51.100.10", "dep/1@198.51.100.11", "dep/1@198.51.100.12"), installedPeers(n), n.traces(GW));
        for (Action.InstallChildSa c : n.planes.get(GW).values()) {
            InetAddress branch = c.remote().getAddress();
            // The branch's proxy IDs lie inside the allowed pair: installed as proposed (IKEv1 cannot narrow).
            assertEquals(List.of(TrafficSelector.ofPrefix("10.0.0.0", 24)), c.localSelectors());
            String half = branch.getHostAddress().equals("198.51.100.11") ? "10.0.1.128" : "10.0.1.0";
            assertEquals(List.of(TrafficSelector.ofPrefix(half, 25)), c.remoteSelectors());
            assertEquals(n.planes.get(branch).values().iterator().next().spiOut(), c.spiIn());
        }
        assertEquals(3, n.engines.get(GW).ikeSas().size());
        assertTrue(n.engines.get(GW).ikeSas().stream().allMatch(v -> v.exchangeType().equals("Main") && !v.initiator()));
        assertEquals(List.of("dep/1@198.51.100.10", "dep/1@198.51.100.11", "dep/1@198.51.100.12"),
                n.of(GW, Action.IkeSaUp.class).stream().map(Action.IkeSaUp::peer).sorted().toList());
    }

    /**
     * The refused quick mode leaves the ISAKMP SA for a later one that fits (see {@code
     * V1DynamicQuickModeTest}); this branch never sends one, so the SA ends after the bound.
     */
    @Test
    void proxyIdsOutsideTheAllowedPairAreRefusedWithTheReasonAndTheIsakmpSaWaitsABoundedTime() {
        Net n = gateway(PeerConfig.Dpd.off());
        InetAddress rogue = addr("198.51.100.20");
        addBranch(n, "198.51.100.20", DynamicEndpointsTest.peer("to-gw", rogue, GW, Identity.fqdn("rogue.example.net"),
                Identity.ipv4(GW.getHostAddress()), "branch-key", "10.9.9.0", 25, "10.0.0.0", 24, PeerConfig.Dpd.off(), false)
                .withExchange(PeerConfig.Exchange.MAIN));
        n.command(rogue, new Command.Initiate("to-gw"));
        n.run(10 * SECOND);
        assertTrue(n.planes.get(GW).isEmpty(), n.traces(GW));
        assertTrue(n.planes.get(rogue).isEmpty());
        Action.ChildRefused refused = n.of(GW, Action.ChildRefused.class).getFirst();
        assertEquals("dep/1@198.51.100.20", refused.peer());
        assertTrue(refused.reason().contains("proxy ID") && refused.reason().contains("10.9.9.0"), refused.reason());
        assertEquals(List.of(), n.of(GW, Action.IkeSaDown.class), n.traces(GW));
        assertEquals(1, n.engines.get(GW).liveSaCount(), n.traces(GW));
        n.run(60 * SECOND);
        Action.IkeSaDown down = n.of(GW, Action.IkeSaDown.class).getFirst();
        assertEquals("dep/1@198.51.100.20", down.peer());
        assertEquals(DownCause.DELETED_LOCALLY, down.cause(), n.traces(GW));
        assertTrue(down.reason().contains("no IPsec SA"), down.reason());
        assertEquals(0, n.engines.get(GW).liveSaCount(), n.traces(GW));
    }

    @Test
    void proxyIdsMustFitOneAllowedPairNotTwoHalvesAndTheSaBelongsToThatPair() {
        Net n = gateway(PeerConfig.Dpd.off());
        n.command(GW, new Command.AddPeer(template("dep/2", "10.2.0.0", "10.2.1.0", PeerConfig.Dpd.off())));
        addBranch(n, "198.51.100.30", branch(addr("198.51.100.30"), "b2.example.net", "branch-key", "10.2.1.0", "10.2.0.0",
                PeerConfig.Exchange.MAIN));
        // Remote side of pair 1 and local side of pair 2: each half allowed, the pair not.
        InetAddress cross = addBranch(n, "198.51.100.31", branch(addr("198.51.100.31"), "b3.example.net", "branch-key", "10.0.1.0",
                "10.2.0.0", PeerConfig.Exchange.MAIN));
        n.run(10 * SECOND);
        assertEquals(List.of("dep/2@198.51.100.30"), installedPeers(n), n.traces(GW));
        assertTrue(n.planes.get(cross).isEmpty());
        // The ISAKMP SA started with the first template; the pair's instance is told it is up too.
        assertTrue(n.of(GW, Action.IkeSaUp.class).stream().anyMatch(u -> u.peer().equals("dep/2@198.51.100.30")), n.traces(GW));
        // Clearing the pair's instance reaches the ISAKMP SA that carries it.
        n.command(GW, new Command.DeleteIkeSa("dep/2@198.51.100.30"));
        assertTrue(n.planes.get(GW).isEmpty(), n.traces(GW));
        assertTrue(n.of(GW, Action.IkeSaDown.class).stream().anyMatch(d -> d.peer().equals("dep/2@198.51.100.30")
                && d.cause() == DownCause.DELETED_LOCALLY));
    }

    @Test
    void aggressiveModeFromADynamicPeerIsRefusedWithTheReasonAndNoState() {
        Net n = gateway(PeerConfig.Dpd.off());
        InetAddress aggressive = addBranch(n, "198.51.100.50", branch(addr("198.51.100.50"), "aggr.example.net", "branch-key",
                "10.0.1.0", "10.0.0.0", PeerConfig.Exchange.AGGRESSIVE));
        n.run(3 * SECOND);
        assertTrue(n.planes.get(GW).isEmpty());
        Action.IkeSaDown down = n.of(GW, Action.IkeSaDown.class).getFirst();
        assertEquals("dep/1@198.51.100.50", down.peer());
        assertEquals(DownCause.POLICY_MISMATCH, down.cause());
        assertTrue(down.reason().contains("aggressive mode is not supported for dynamic endpoints"), down.reason());
        assertEquals(0, n.engines.get(GW).liveSaCount());
        // The branch heard NO-PROPOSAL-CHOSEN and gave up at once instead of retransmitting.
        assertTrue(n.of(aggressive, Action.IkeSaDown.class).stream().anyMatch(d -> d.cause() == DownCause.POLICY_MISMATCH),
                n.traces(aggressive));
    }

    @Test
    void aWrongKeyIsRefusedAsAuthenticationFailureAndLeavesNothing() {
        Net n = gateway(PeerConfig.Dpd.off());
        addBranch(n, "198.51.100.40", branch(addr("198.51.100.40"), "wrong.example.net", "not-the-key", "10.0.1.0", "10.0.0.0",
                PeerConfig.Exchange.MAIN));
        n.run(KmdOptions.defaults().halfOpenTimeoutNanos() + 5 * SECOND);
        assertTrue(n.planes.get(GW).isEmpty());
        Action.IkeSaDown down = n.of(GW, Action.IkeSaDown.class).getFirst();
        assertEquals("dep/1@198.51.100.40", down.peer());
        assertEquals(DownCause.AUTHENTICATION_FAILED, down.cause(), n.traces(GW));
        assertTrue(down.reason().contains("pre-shared key"), down.reason());
    }

    @Test
    void aBranchReconnectingFromANewAddressWithInitialContactReplacesItsOldSas() {
        Net n = gatewayWithBranches(PeerConfig.Dpd.off(), "198.51.100.10");
        assertEquals(1, n.planes.get(GW).size());
        // A new lease: same identity and key, a new address, a fresh engine (no SA of its own: INITIAL-CONTACT).
        n.engines.remove(addr("198.51.100.10"));
        addBranch(n, "198.51.100.99", branch(addr("198.51.100.99"), "branch0.example.net", "10.0.1.0"));
        n.run(10 * SECOND);
        assertEquals(List.of("dep/1@198.51.100.99"), installedPeers(n), n.traces(GW));
        assertEquals(1, n.engines.get(GW).ikeSas().size());
        assertTrue(n.of(GW, Action.IkeSaDown.class).stream().anyMatch(d -> d.peer().equals("dep/1@198.51.100.10")
                && d.cause() == DownCause.REPLACED && d.reason().contains("INITIAL-CONTACT")), n.traces(GW));
    }

    @Test
    void anotherBranchsInitialContactLeavesTheFirstAlone() {
        Net n = gatewayWithBranches(PeerConfig.Dpd.off(), "198.51.100.10", "198.51.100.11");
        addBranch(n, "198.51.100.12", branch(addr("198.51.100.12"), "branch9.example.net", "10.0.1.0"));
        n.run(10 * SECOND);
        assertEquals(3, n.planes.get(GW).size(), n.traces(GW));
        assertFalse(n.of(GW, Action.IkeSaDown.class).stream().anyMatch(d -> d.cause() == DownCause.REPLACED));
    }

    @Test
    void deadPeerDetectionRemovesADeadBranchOnly() {
        Net n = gatewayWithBranches(new PeerConfig.Dpd(true, 10, 3), "198.51.100.10", "198.51.100.11");
        assertEquals(2, n.planes.get(GW).size());
        n.engines.remove(addr("198.51.100.11"));   // killed: nothing answers there any more
        n.run(300 * SECOND);
        assertEquals(List.of("dep/1@198.51.100.10"), installedPeers(n), n.traces(GW));
        assertEquals(1, n.engines.get(GW).ikeSas().size());
        assertTrue(n.of(GW, Action.IkeSaDown.class).stream().anyMatch(d -> d.peer().equals("dep/1@198.51.100.11")
                && d.cause() == DownCause.DEAD_PEER), n.traces(GW));
    }

    /**
     * Ten hours: IPsec SAs rekeyed by quick modes (either side), the ISAKMP SA re-authenticated by
     * the branch (the gateway never initiates towards a dynamic peer, although its soft lifetime
     * comes first: 40-70 % of the lifetime against the branch's 80-90 %); one SA pair left at each end.
     */
    @Test
    void aDynamicPeerStaysUpThroughRekeysAndItsOwnReauthentication() {
        Net n = new Net();
        KmdOptions o = KmdOptions.defaults();
        n.add(GW, new KmdOptions(o.retransmitBaseNanos(), o.retransmitTries(), o.halfOpenTimeoutNanos(), o.cookieThreshold(),
                o.keepaliveNanos(), 0.3, o.maxDatagram(), o.reconnectNanos()));
        n.command(GW, new Command.AddPeer(template("dep/1", "10.0.0.0", "10.0.1.0", PeerConfig.Dpd.off())));
        InetAddress b = addBranch(n, "198.51.100.10", branch(addr("198.51.100.10"), "branch0.example.net", "10.0.1.0"));
        n.run(36_000 * SECOND);
        assertEquals(List.of("dep/1@198.51.100.10"), installedPeers(n), n.traces(GW));
        assertEquals(1, n.planes.get(b).size(), n.traces(b));
        assertEquals(n.planes.get(b).values().iterator().next().spiOut(), n.planes.get(GW).keySet().iterator().next());
        assertTrue(n.of(GW, Action.InstallChildSa.class).size() > 5, "rekeyed: " + n.of(GW, Action.InstallChildSa.class).size());
        assertTrue(n.of(GW, Action.IkeSaUp.class).size() >= 2, "re-authenticated by the branch");
        assertEquals(1, n.engines.get(GW).ikeSas().size(), n.traces(GW));
        assertFalse(n.traces(GW).contains("MainModeLocal"), "the gateway never initiates main mode to a dynamic peer");
        assertTrue(n.of(GW, Action.IkeSaDown.class).stream().allMatch(d -> d.cause() == DownCause.REPLACED
                || d.cause() == DownCause.DELETED_BY_PEER), n.traces(GW));
    }

    /** A gateway whose template's ISAKMP SAs live 600 s, and a branch (same lifetime) whose link goes down at 300 s. */
    private static Net branchCutOffBeforeItsReauthentication(InetAddress[] branch) {
        Net n = new Net();
        IkeProposal tenMinutes = new IkeProposal(IkeProposal.aes256Sha256Group14().encryption(),
                IkeProposal.aes256Sha256Group14().integrity(), IkeProposal.aes256Sha256Group14().prf(),
                IkeProposal.aes256Sha256Group14().group(), 600);
        n.add(GW);
        n.command(GW, new Command.AddPeer(template("dep/1", "10.0.0.0", "10.0.1.0", PeerConfig.Dpd.off())
                .withIkeProposals(List.of(tenMinutes))));
        branch[0] = addBranch(n, "198.51.100.10", branch(addr("198.51.100.10"), "branch0.example.net", "10.0.1.0")
                .withIkeProposals(List.of(tenMinutes)));
        n.run(10 * SECOND);
        long down = n.now + 290 * SECOND;
        n.lose = d -> n.now >= down;
        return n;
    }

    /**
     * A dynamic peer that does not re-authenticate (here: it cannot reach us when it tries): its
     * ISAKMP SA ends at the lifetime, its IPsec SA stays and only it is shown, until the IPsec SA's
     * own lifetime ends (the gateway cannot start a phase 1 towards a dynamic peer).
     */
    @Test
    void aDynamicPeersIpsecSaOutlivesItsExpiredIsakmpSaUntilItsOwnLifetime() {
        InetAddress[] b = new InetAddress[1];
        Net n = branchCutOffBeforeItsReauthentication(b);
        int spi = n.planes.get(GW).keySet().iterator().next();
        n.run(700 * SECOND);
        assertEquals(List.of(), n.engines.get(GW).ikeSas(), n.traces(GW));
        assertEquals(List.of(spi), List.copyOf(n.planes.get(GW).keySet()), "the IPsec SA stays: " + n.traces(GW));
        assertEquals(List.of(), n.of(GW, Action.DeleteChildSa.class));
        Action.IkeSaDown down = n.of(GW, Action.IkeSaDown.class).getFirst();
        assertEquals("dep/1@198.51.100.10", down.peer());
        assertEquals(DownCause.EXPIRED, down.cause());
        assertTrue(n.traces(GW).contains("stay until their own lifetime"), n.traces(GW));
        n.run(3_000 * SECOND);
        assertEquals(List.of(), List.copyOf(n.planes.get(GW).keySet()), "gone at its hard lifetime");
        assertTrue(n.of(GW, Action.DeleteChildSa.class).getFirst().reason().contains("lifetime expired"));
        assertEquals(0, n.engines.get(GW).liveSaCount(), n.traces(GW));
        assertFalse(n.traces(GW).contains("MainModeLocal"), "the gateway never initiates main mode to a dynamic peer");
    }

    /**
     * The branch comes back before the IPsec SA ends: its new phase 1 takes over the SA at the
     * gateway too, and its quick-mode rekey replaces it make before break.
     */
    @Test
    void aDynamicPeerThatComesBackForItsRekeyFindsItsIpsecSaKept() {
        InetAddress[] b = new InetAddress[1];
        Net n = branchCutOffBeforeItsReauthentication(b);
        int spi = n.planes.get(GW).keySet().iterator().next();
        n.run(700 * SECOND);
        n.lose = d -> false;
        n.run(2_900 * SECOND);
        assertEquals(1, n.engines.get(GW).ikeSas().size(), n.traces(GW));
        assertEquals(1, n.planes.get(GW).size(), n.traces(GW));
        assertEquals(n.planes.get(b[0]).values().iterator().next().spiOut(), n.planes.get(GW).keySet().iterator().next());
        // The kept SA's successor came before it went (make before break).
        List<Action> gw = n.actions.get(GW);
        int installed = -1;
        int deleted = -1;
        for (int i = 0; i < gw.size(); i++) {
            if (gw.get(i) instanceof Action.InstallChildSa in && in.replacesSpiIn() == spi && installed < 0) {
                installed = i;
            }
            if (gw.get(i) instanceof Action.DeleteChildSa d && d.spiIn() == spi) {
                deleted = i;
            }
        }
        assertTrue(installed >= 0 && deleted > installed, "make before break: install " + installed + ", delete " + deleted);
        assertTrue(n.traces(GW).contains("takes over"), n.traces(GW));
    }

    @Test
    void clearingOnePeerByItsInstanceNameDeletesOnlyItsSasAndRemovingTheTemplateDeletesAll() {
        Net n = gatewayWithBranches(PeerConfig.Dpd.off(), "198.51.100.10", "198.51.100.11");
        Map<String, Integer> before = Map.copyOf(spisByPeer(n));
        n.command(GW, new Command.DeleteIkeSa("dep/1@198.51.100.11"));
        n.run(5 * SECOND);
        Map<String, Integer> after = spisByPeer(n);
        assertEquals(before.get("dep/1@198.51.100.10"), after.get("dep/1@198.51.100.10"));
        // The branch establishes immediately: it came back, with new SAs.
        assertTrue(after.containsKey("dep/1@198.51.100.11") && !after.get("dep/1@198.51.100.11").equals(before.get("dep/1@198.51.100.11")),
                n.traces(GW));
        n.command(GW, new Command.RemovePeer("dep/1"));
        assertTrue(n.planes.get(GW).isEmpty());
        assertEquals(0, n.engines.get(GW).liveSaCount());
    }

    private static Map<String, Integer> spisByPeer(Net n) {
        Map<String, Integer> m = new java.util.HashMap<>();
        n.planes.get(GW).values().forEach(c -> m.put(c.peer(), c.spiIn()));
        return m;
    }

    /**
     * No unbounded state before authentication: main mode message 1 from 20,000 addresses towards
     * a template passes the same admission and IKEv1 half-open caps as towards a configured peer,
     * with no Diffie-Hellman work, and nothing is left after the half-open timeout.
     */
    @Test
    void unknownSourcesAreBoundedByTheSameCapsAsConfiguredOnes() {
        Net n = gateway(PeerConfig.Dpd.off());
        InetAddress b = addr("198.51.100.10");
        n.add(b);
        n.command(b, new Command.AddPeer(branch(b, "branch.example.net", "10.0.1.0")));
        byte[] messageOne = n.wire.poll().payload();
        Kmd gw = n.engines.get(GW);
        long now = n.now;
        long dhBefore = gw.dhOperations();
        for (int i = 0; i < 20_000; i++) {
            now += 200_000;   // 5,000 a second
            InetAddress from = addr("198.18." + (i / 250) + "." + (i % 250 + 1));
            gw.handle(now, new Datagram(new InetSocketAddress(GW, 500), new InetSocketAddress(from, 500), messageOne, false));
            assertTrue(gw.liveSaCount() <= KmdOptions.defaults().limits().maxHalfOpen());
        }
        Map<DropReason, Long> drops = gw.drops();
        assertTrue(drops.get(DropReason.RATE_LIMITED) > 0, drops.toString());
        assertTrue(drops.get(DropReason.HALF_OPEN_LIMIT) > 0, drops.toString());
        assertEquals(0, drops.get(DropReason.NO_PEER));
        assertEquals(dhBefore, gw.dhOperations(), "main mode message 1 costs no DH");
        assertTrue(gw.liveSaCount() <= KmdOptions.defaults().limits().maxHalfOpen(), "half-open " + gw.liveSaCount());
        gw.tick(now + KmdOptions.defaults().halfOpenTimeoutNanos() + SECOND);
        assertEquals(0, gw.liveSaCount());
    }
}
