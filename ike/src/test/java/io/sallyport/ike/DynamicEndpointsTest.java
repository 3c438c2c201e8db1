package io.sallyport.ike;

import static io.sallyport.ike.TwoPeers.addr;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sallyport.crypto.DhGroup;
import io.sallyport.crypto.EncryptionAlgorithm;
import io.sallyport.crypto.KeyExchange;
import io.sallyport.ike.message.TrafficSelector;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Issue 12: one responder with dynamic-endpoint templates (remote address 0.0.0.0) and several
 * initiators at addresses it does not know. Each engine is a real kmd; datagrams go between them
 * on an in-memory wire by address, with a fake clock.
 */
class DynamicEndpointsTest {

    private static final long SECOND = 1_000_000_000L;
    static final InetAddress GW = addr("203.0.113.1");
    private static final InetAddress ANY = addr("0.0.0.0");

    /** The engines by address, the responder among them; each side's installed children by inbound SPI. */
    static final class Net {
        final Map<InetAddress, Kmd> engines = new LinkedHashMap<>();
        final Map<InetAddress, List<Action>> actions = new HashMap<>();
        final Map<InetAddress, Map<Integer, Action.InstallChildSa>> planes = new HashMap<>();
        final Deque<Datagram> wire = new ArrayDeque<>();
        long now = SECOND;
        private long seed = 10;
        /** Datagrams the wire loses (a link down). */
        java.util.function.Predicate<Datagram> lose = d -> false;

        Kmd add(InetAddress at, KmdOptions options) {
            long s = seed++;
            Kmd k = new Kmd(options, () -> seededRandom(s));
            engines.put(at, k);
            actions.put(at, new ArrayList<>());
            planes.put(at, new LinkedHashMap<>());
            return k;
        }

        Kmd add(InetAddress at) { return add(at, KmdOptions.defaults()); }

        void command(InetAddress at, Command c) { record(at, engines.get(at).command(now, c)); }

        void record(InetAddress at, List<Action> list) {
            actions.get(at).addAll(list);
            for (Action a : list) {
                switch (a) {
                    case Action.Send s -> wire.add(s.datagram());
                    case Action.InstallChildSa i -> planes.get(at).put(i.spiIn(), i);
                    case Action.DeleteChildSa d -> planes.get(at).remove(d.spiIn());
                    default -> { }
                }
            }
        }

        void run(long maxNanos) {
            long end = now + maxNanos;
            while (true) {
                Datagram d;
                while ((d = wire.poll()) != null) {
                    now += 1_000_000;
                    Kmd to = engines.get(d.remote().getAddress());
                    if (to != null && !lose.test(d)) {
                        record(d.remote().getAddress(), to.handle(now, new Datagram(d.remote(), d.local(), d.payload(), d.nonEspMarker())));
                    }
                }
                long next = engines.values().stream().mapToLong(k -> k.nextDeadline().orElse(Long.MAX_VALUE)).min().orElse(Long.MAX_VALUE);
                if (next > end) {
                    now = end;
                    return;
                }
                now = Math.max(now, next);
                engines.forEach((at, k) -> record(at, k.tick(now)));
            }
        }

        <T extends Action> List<T> of(InetAddress at, Class<T> kind) {
            return actions.get(at).stream().filter(kind::isInstance).map(kind::cast).toList();
        }

        String traces(InetAddress at) {
            return actions.get(at).stream().filter(a -> a instanceof Action.Trace).map(Object::toString).collect(Collectors.joining("\n"));
        }
    }

    static SecureRandom seededRandom(long seed) { return TwoPeers.seeded(seed); }

    static PeerConfig peer(String name, InetAddress local, InetAddress remote, Identity localId, Identity remoteId, String psk,
                           String localNet, int localLen, String remoteNet, int remoteLen, PeerConfig.Dpd dpd, boolean immediately) {
        return new PeerConfig(name, local, remote, localId, remoteId, PskAuthenticator.ascii(psk),
                List.of(IkeProposal.aes256Sha256Group14()),
                List.of(new ChildProposal(EncryptionAlgorithm.AES_128_GCM, null, DhGroup.GROUP14, 3600)),
                List.of(TrafficSelector.ofPrefix(localNet, localLen)), List.of(TrafficSelector.ofPrefix(remoteNet, remoteLen)),
                dpd, true, immediately);
    }

    /** The gateway's template for allowed proxy pair 10.0.0.0/24 (local) to 10.0.1.0/24 (remote), any identity. */
    static PeerConfig template(String name, String local, String remote, PeerConfig.Dpd dpd) {
        return peer(name, GW, ANY, Identity.ipv4(GW.getHostAddress()), null, "branch-key", local, 24, remote, 24, dpd, false);
    }

    /** A branch at {@code at} protecting {@code net}/25 and reaching 10.0.0.0/24 behind the gateway. */
    static PeerConfig branch(InetAddress at, String id, String psk, String net) {
        return peer("to-gw", at, GW, Identity.fqdn(id), Identity.ipv4(GW.getHostAddress()), psk, net, 25, "10.0.0.0", 24,
                PeerConfig.Dpd.off(), true);
    }

    private static Net gatewayWithBranches(PeerConfig.Dpd dpd, String... branchAddresses) {
        Net n = new Net();
        n.add(GW);
        n.command(GW, new Command.AddPeer(template("dep/1", "10.0.0.0", "10.0.1.0", dpd)));
        int i = 0;
        for (String a : branchAddresses) {
            InetAddress at = addr(a);
            n.add(at);
            n.command(at, new Command.AddPeer(branch(at, "branch" + i + ".example.net", "branch-key", "10.0.1." + (i % 2 * 128))));
            i++;
        }
        n.run(10 * SECOND);
        return n;
    }

    @Test
    void threeBranchesFromAddressesTheGatewayDoesNotKnowEachGetTheirTunnel() {
        Net n = gatewayWithBranches(PeerConfig.Dpd.off(), "198.51.100.10", "198.51.100.11", "198.51.100.12");
        List<Action.InstallChildSa> installed = List.copyOf(n.planes.get(GW).values());
        assertEquals(3, installed.size(), n.traces(GW));
        assertEquals(List.of("dep/1@198.51.100.10", "dep/1@198.51.100.11", "dep/1@198.51.100.12"),
                installed.stream().map(Action.InstallChildSa::peer).sorted().toList());
        for (Action.InstallChildSa c : installed) {
            InetAddress branch = c.remote().getAddress();
            assertEquals(c.peer(), "dep/1@" + branch.getHostAddress());
            // Narrowed to what each branch proposed, inside the allowed pair (RFC 7296 §2.9).
            assertEquals(List.of(TrafficSelector.ofPrefix("10.0.0.0", 24)), c.localSelectors());
            assertEquals(1, n.planes.get(branch).size(), n.traces(branch));
            assertEquals(n.planes.get(branch).values().iterator().next().spiOut(), c.spiIn());
        }
        assertEquals(3, n.engines.get(GW).ikeSas().size());
    }

    @Test
    void selectorsOutsideTheAllowedPairAreRefusedWithTheReasonAndTheIkeSaGoes() {
        Net n = new Net();
        n.add(GW);
        n.command(GW, new Command.AddPeer(template("dep/1", "10.0.0.0", "10.0.1.0", PeerConfig.Dpd.off())));
        InetAddress rogue = addr("198.51.100.20");
        n.add(rogue);
        n.command(rogue, new Command.AddPeer(peer("to-gw", rogue, GW, Identity.fqdn("rogue.example.net"),
                Identity.ipv4(GW.getHostAddress()), "branch-key", "10.9.9.0", 24, "10.0.0.0", 24, PeerConfig.Dpd.off(), true)));
        n.run(10 * SECOND);
        assertTrue(n.planes.get(GW).isEmpty());
        assertTrue(n.planes.get(rogue).isEmpty());
        Action.IkeSaDown down = n.of(GW, Action.IkeSaDown.class).getFirst();
        assertEquals("dep/1@198.51.100.20", down.peer());
        assertEquals(DownCause.POLICY_MISMATCH, down.cause(), n.traces(GW));
        assertTrue(down.reason().contains("TS unacceptable") && down.reason().contains("10.9.9.0"), down.reason());
        assertEquals(0, n.engines.get(GW).liveSaCount(), n.traces(GW));
    }

    @Test
    void aSelectorPairMustFitOneAllowedPairNotTwoHalves() {
        Net n = new Net();
        n.add(GW);
        n.command(GW, new Command.AddPeer(template("dep/1", "10.0.0.0", "10.0.1.0", PeerConfig.Dpd.off())));
        n.command(GW, new Command.AddPeer(template("dep/2", "10.2.0.0", "10.2.1.0", PeerConfig.Dpd.off())));
        InetAddress second = addr("198.51.100.30");
        InetAddress cross = addr("198.51.100.31");
        n.add(second);
        n.add(cross);
        n.command(second, new Command.AddPeer(peer("to-gw", second, GW, Identity.fqdn("b2.example.net"),
                Identity.ipv4(GW.getHostAddress()), "branch-key", "10.2.1.0", 24, "10.2.0.0", 24, PeerConfig.Dpd.off(), true)));
        // Remote side of pair 1 and local side of pair 2: each half allowed, the pair not.
        n.command(cross, new Command.AddPeer(peer("to-gw", cross, GW, Identity.fqdn("b3.example.net"),
                Identity.ipv4(GW.getHostAddress()), "branch-key", "10.0.1.0", 24, "10.2.0.0", 24, PeerConfig.Dpd.off(), true)));
        n.run(10 * SECOND);
        assertEquals(List.of("dep/2@198.51.100.30"), n.planes.get(GW).values().stream().map(Action.InstallChildSa::peer).toList());
        assertTrue(n.planes.get(cross).isEmpty());
    }

    @Test
    void aWrongKeyIsRefusedAndLeavesNothing() {
        Net n = new Net();
        n.add(GW);
        n.command(GW, new Command.AddPeer(template("dep/1", "10.0.0.0", "10.0.1.0", PeerConfig.Dpd.off())));
        InetAddress wrong = addr("198.51.100.40");
        n.add(wrong);
        n.command(wrong, new Command.AddPeer(branch(wrong, "wrong.example.net", "not-the-key", "10.0.1.0")));
        n.run(10 * SECOND);
        assertTrue(n.planes.get(GW).isEmpty());
        Action.IkeSaDown down = n.of(GW, Action.IkeSaDown.class).getFirst();
        assertEquals(DownCause.AUTHENTICATION_FAILED, down.cause());
        assertEquals("dep/1@198.51.100.40", down.peer());
        assertEquals(0, n.engines.get(GW).liveSaCount());
    }

    @Test
    void aBranchReconnectingFromANewAddressWithInitialContactReplacesItsOldSas() {
        Net n = gatewayWithBranches(PeerConfig.Dpd.off(), "198.51.100.10");
        assertEquals(1, n.planes.get(GW).size());
        // The branch gets a new lease: same identity and key, a new address, a fresh engine (no SA of its own).
        InetAddress old = addr("198.51.100.10");
        InetAddress moved = addr("198.51.100.99");
        n.engines.remove(old);
        n.add(moved);
        n.command(moved, new Command.AddPeer(branch(moved, "branch0.example.net", "branch-key", "10.0.1.0")));
        n.run(10 * SECOND);
        assertEquals(List.of("dep/1@198.51.100.99"), n.planes.get(GW).values().stream().map(Action.InstallChildSa::peer).toList(),
                n.traces(GW));
        assertEquals(1, n.engines.get(GW).ikeSas().size());
        assertEquals(moved, n.engines.get(GW).ikeSas().getFirst().remote().getAddress());
        assertTrue(n.of(GW, Action.IkeSaDown.class).stream().anyMatch(d -> d.peer().equals("dep/1@198.51.100.10")
                && d.reason().contains("INITIAL_CONTACT")));
    }

    @Test
    void anotherBranchsInitialContactLeavesTheFirstAlone() {
        Net n = gatewayWithBranches(PeerConfig.Dpd.off(), "198.51.100.10", "198.51.100.11");
        assertEquals(2, n.planes.get(GW).size());
        InetAddress third = addr("198.51.100.12");
        n.add(third);
        n.command(third, new Command.AddPeer(branch(third, "branch9.example.net", "branch-key", "10.0.1.0")));
        n.run(10 * SECOND);
        assertEquals(3, n.planes.get(GW).size());
    }

    @Test
    void deadPeerDetectionRemovesADeadBranch() {
        Net n = gatewayWithBranches(new PeerConfig.Dpd(true, 10, 3), "198.51.100.10", "198.51.100.11");
        assertEquals(2, n.planes.get(GW).size());
        n.engines.remove(addr("198.51.100.11"));   // killed: nothing answers there any more
        n.run(300 * SECOND);
        assertEquals(List.of("dep/1@198.51.100.10"), n.planes.get(GW).values().stream().map(Action.InstallChildSa::peer).toList(),
                n.traces(GW));
        assertEquals(1, n.engines.get(GW).ikeSas().size());
    }

    @Test
    void clearingOnePeerByItsInstanceNameDeletesOnlyItsSas() {
        Net n = gatewayWithBranches(PeerConfig.Dpd.off(), "198.51.100.10", "198.51.100.11");
        Map<String, Integer> before = spisByPeer(n);
        n.command(GW, new Command.DeleteIkeSa("dep/1@198.51.100.11"));
        n.run(5 * SECOND);
        Map<String, Integer> after = spisByPeer(n);
        assertEquals(before.get("dep/1@198.51.100.10"), after.get("dep/1@198.51.100.10"));
        // The branch establishes immediately: it came back, with new SAs.
        assertTrue(after.containsKey("dep/1@198.51.100.11") && !after.get("dep/1@198.51.100.11").equals(before.get("dep/1@198.51.100.11")));
        assertTrue(n.of(GW, Action.IkeSaDown.class).stream().anyMatch(d -> d.peer().equals("dep/1@198.51.100.11")
                && d.cause() == DownCause.DELETED_LOCALLY));
    }

    private static Map<String, Integer> spisByPeer(Net n) {
        Map<String, Integer> m = new HashMap<>();
        n.planes.get(GW).values().forEach(c -> m.put(c.peer(), c.spiIn()));
        return m;
    }

    /**
     * No unbounded state before authentication: IKE_SA_INITs from thousands of addresses towards a
     * template pass the same per-source and global admission, COOKIE and half-open caps as those
     * towards a configured peer; no Diffie-Hellman work is done for them.
     */
    @Test
    void unknownSourcesAreBoundedByTheSameCapsAsConfiguredOnes() {
        var gw = new Kmd(() -> seededRandom(3));
        long now = SECOND;
        gw.command(now, new Command.AddPeer(template("dep/1", "10.0.0.0", "10.0.1.0", PeerConfig.Dpd.off())));
        byte[] ke = KeyExchange.generate(DhGroup.GROUP14, seededRandom(4)).publicValue();
        KmdOptions.Limits limits = KmdOptions.defaults().limits();
        int sent = 20_000;
        for (int i = 0; i < sent; i++) {
            now += 200_000;   // 5,000 a second from 20,000 addresses
            InetAddress from = addr("198.18." + (i / 250) + "." + (i % 250 + 1));
            gw.handle(now, new Datagram(new InetSocketAddress(GW, 500), new InetSocketAddress(from, 500),
                    KmdFloodTest.initRequest(0x5000 + i, 14, ke), false));
            assertTrue(gw.liveSaCount() <= limits.maxHalfOpen());
        }
        Map<DropReason, Long> drops = gw.drops();
        assertTrue(drops.get(DropReason.RATE_LIMITED) > 0, drops.toString());
        assertEquals(0, drops.get(DropReason.NO_PEER));
        // One key pair per group for the reuse period, and no agreement: none of them answered our SPI.
        assertTrue(gw.dhOperations() <= 2, "DH operations " + gw.dhOperations());
        assertTrue(gw.liveSaCount() <= options().cookieThreshold(), "half-open " + gw.liveSaCount());
        gw.tick(now + KmdOptions.defaults().halfOpenTimeoutNanos() + SECOND);
        assertEquals(0, gw.liveSaCount());
        assertFalse(gw.ikeSas().stream().anyMatch(v -> v.state().equals("ESTABLISHED")));
    }

    private static KmdOptions options() { return KmdOptions.defaults(); }
}
