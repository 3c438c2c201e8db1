package io.sallyport.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sallyport.gateway.runtime.TunnelState;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, {@code dial-options dedicated}: the §5.4 gateway with two dedicated units for its
 * access profile instead of the shared one, and three branches: two get a unit each, the third is
 * refused for want of a free unit (the reason in {@code show services service-sets}) and gets one
 * once another branch is gone.
 */
class DynamicPeersTest {
    private static final long MINUTE = 60_000_000_000L;

    private static final String TOPOLOGY = """
        router router1 config router1.conf
        router branch1 config branch1.conf
        router branch2 config branch2.conf
        router branch3 config branch3.conf
        host h0 address 10.0.0.10/24 gateway 10.0.0.1
        host b3 address 10.0.2.10/24 gateway 10.0.2.1
        link router1 ge-0/0/0 branch1 ge-0/0/0
        link router1 ge-0/0/0 branch2 ge-0/0/0
        link router1 ge-0/0/0 branch3 ge-0/0/0
        link router1 ge-0/0/1 h0
        link branch3 ge-0/0/1 b3
        """;

    private static Lab dedicated() throws Exception {
        Map<String, String> example = Topologies.example("dynamic-peer").routers().stream()
                .collect(Collectors.toMap(r -> r.configFile(), Topology.RouterSpec::configText));
        String router1 = example.get("router1.conf")
                .replaceFirst("dial-options \\{[^}]*}", "")
                .replace("allowed-proxy-pair local 10.0.0.0/24 remote 10.0.1.0/24", "allowed-proxy-pair local 10.0.0.0/24 remote 10.0.0.0/16")
                .replace("unit 2 {", "unit 3 { dial-options { ipsec-interface-id TEST-intf; dedicated; } family inet; service-domain inside; }\n"
                        + "unit 4 { dial-options { ipsec-interface-id TEST-intf; dedicated; } family inet; service-domain inside; }\n"
                        + "unit 2 {");
        String branch3 = example.get("branch2.conf").replace("192.168.255.12", "192.168.255.13")
                .replace("10.0.1.129/25", "10.0.2.1/24").replace("10.0.1.128/25", "10.0.2.0/24");
        Map<String, String> files = Map.of("router1.conf", router1, "branch1.conf", example.get("branch1.conf"),
                "branch2.conf", example.get("branch2.conf"), "branch3.conf", branch3);
        return Lab.start(Topology.parse(TOPOLOGY, "dedicated.lab", files::get));
    }

    private static String routes(Lab lab) {
        return lab.node("router1").orElseThrow().control().routes().toString();
    }

    private static Set<String> unitsInUse(LabRouter r1) {
        return r1.gateway().tunnels().stream().filter(t -> t.current() != null).map(t -> t.plan().insideInterface())
                .collect(Collectors.toSet());
    }

    @Test
    void dedicatedUnitsGiveEachPeerItsOwnUnitAndRefuseTheOneTooMany() throws Exception {
        try (Lab lab = dedicated()) {
            LabRouter r1 = lab.router("router1").orElseThrow();
            assertEquals(Optional.empty(), r1.plan().serviceSets().getFirst().dynamic().orElseThrow().problem());
            assertTrue(lab.simulation().runUntil(() -> unitsInUse(r1).size() == 2
                    && r1.execute("show services service-sets").text().contains("no free dedicated unit"), MINUTE),
                    () -> r1.execute("show services service-sets").text());
            assertEquals(Set.of("sp-1/2/0.3", "sp-1/2/0.4"), unitsInUse(r1));
            String sets = r1.execute("show services service-sets").text();
            assertTrue(sets.contains("Dynamic peers: access profile IKE-profile-TEST, dedicated units sp-1/2/0.3 sp-1/2/0.4"), sets);
            assertEquals(2, r1.gateway().tunnels().size(), sets);
            // Whichever branch was refused keeps trying (establish-tunnels immediately): a branch going frees a unit.
            String connected = r1.gateway().tunnels().stream().map(TunnelState::plan).map(p -> p.remoteGateway().getHostAddress())
                    .filter(a -> !a.equals("192.168.255.13")).findFirst().orElseThrow();
            String gone = connected.equals("192.168.255.11") ? "branch1" : "branch2";
            String goneNet = gone.equals("branch1") ? "10.0.1.0/25" : "10.0.1.128/25";
            assertTrue(routes(lab).contains(goneNet), routes(lab));
            lab.fault(gone, "router1", new Lab.Fault.Down());
            r1.execute("clear services ipsec-vpn ike security-associations " + connected);
            // The reverse route goes with the peer's tunnel.
            assertTrue(lab.simulation().runUntil(() -> !routes(lab).contains(goneNet), MINUTE), routes(lab));
            assertTrue(lab.simulation().runUntil(() -> r1.gateway().tunnels().stream()
                    .anyMatch(t -> t.current() != null && t.plan().remoteGateway().getHostAddress().equals("192.168.255.13")), MINUTE),
                    () -> r1.execute("show services service-sets").text());
            assertEquals(3, lab.ping("b3", lab.resolve("h0").orElseThrow(), Optional.empty(), 3).received());
        }
    }

    /**
     * A commit that gives the dynamic service set a new plan (here the reverse routes' preference)
     * takes the set down and up again on the same local gateway: the new set's IKE sockets are
     * kmd's before the old set's removal (queued behind kmd's deletes) runs, which must leave them,
     * so the branches that lost their SAs come back.
     */
    @Test
    void aNewPlanForTheDynamicServiceSetKeepsKmdsSocketsAndTheBranchesComeBack() throws Exception {
        try (Lab lab = Lab.start(Topologies.example("dynamic-peer"))) {
            assertTrue(lab.awaitTunnels(MINUTE));
            LabRouter r1 = lab.router("router1").orElseThrow();
            String config = Topologies.example("dynamic-peer").routers().stream().filter(r -> r.name().equals("router1"))
                    .findFirst().orElseThrow().configText();
            String changed = config.replaceAll("(?m)^(\\s+)interface-id TEST-intf;", "$1interface-id TEST-intf; reverse-route { preference 7; }");
            assertTrue(changed.contains("preference 7"));
            var committed = r1.commit(changed);
            assertTrue(committed.ok(), committed.text());
            assertTrue(lab.simulation().runUntil(() -> {
                String ike = r1.execute("show services ipsec-vpn ike security-associations").text();
                return r1.gateway().tunnels().size() == 2 && ike.contains("192.168.255.11") && ike.contains("192.168.255.12");
            }, 2 * MINUTE), () -> "tunnels " + r1.gateway().tunnels().size() + "\n" + r1.execute("show services ipsec-vpn ike security-associations")
                    + r1.execute("show services service-sets"));
            // As awaitTunnels does: the responder's IPsec SA is in with its quick-mode answer, its
            // outbound half once HASH(3) has come.
            lab.simulation().advance(Lab.SETTLE_AFTER_UP_NANOS);
            for (String branch : java.util.List.of("b1", "b2")) {
                assertEquals(3, lab.ping("h0", lab.resolve(branch).orElseThrow(), Optional.empty(), 3).received(), branch);
            }
        }
    }

    /**
     * A branch whose quick mode proposes proxy IDs outside the allowed pair: router1 refuses the
     * quick mode with INVALID-ID-INFORMATION and keeps the branch's ISAKMP SA (reference §1.7:
     * phase 2 fails, not phase 1), and says so in its own words, not as a peer gone; the branch
     * (Sallyport's IKEv1 initiator) keeps its ISAKMP SA too, its tunnel down with the peer's reason.
     */
    @Test
    void aQuickModeRefusedForItsProxyIdsLeavesBothEndsTheirIsakmpSaAndSaysWhy() throws Exception {
        try (Lab lab = Lab.start(Topologies.example("dynamic-peer"))) {
            assertTrue(lab.awaitTunnels(MINUTE));
            LabRouter r1 = lab.router("router1").orElseThrow();
            LabRouter branch1 = lab.router("branch1").orElseThrow();
            String config = Topologies.example("dynamic-peer").routers().stream().filter(r -> r.name().equals("branch1"))
                    .findFirst().orElseThrow().configText();
            String outside = config.replace("source-address { 10.0.1.0/25; }", "source-address { 10.0.2.0/25; }");
            assertTrue(outside.contains("10.0.2.0/25"));
            var committed = branch1.commit(outside);
            assertTrue(committed.ok(), committed.text());
            assertTrue(lab.simulation().runUntil(() -> r1.execute("show services service-sets").text().contains("child SA refused")
                    && branch1.execute("show services service-sets").text().contains("refused by the peer"), MINUTE),
                    () -> r1.execute("show services service-sets").text() + branch1.execute("show services service-sets").text());
            String sets = r1.execute("show services service-sets").text();
            assertTrue(sets.lines().anyMatch(l -> l.contains("Peer 192.168.255.11 child SA refused (") && l.contains("its IKE SA kept")
                    && l.contains("do not match the configuration")), sets);
            assertTrue(sets.lines().noneMatch(l -> l.contains("Peer 192.168.255.11 gone")), sets);
            String branchSets = branch1.execute("show services service-sets").text();
            assertTrue(branchSets.contains("down: child SA refused by the peer: identity or proxy ID unacceptable: "
                    + "peer sent INVALID-ID-INFORMATION"), branchSets);
            String branchIke = branch1.execute("show services ipsec-vpn ike security-associations").text();
            assertTrue(branchIke.lines().anyMatch(l -> l.contains("192.168.255.2") && l.contains("Matured")), branchIke);
            String routerIke = r1.execute("show services ipsec-vpn ike security-associations 192.168.255.11").text();
            assertTrue(routerIke.contains("Matured"), routerIke);
        }
    }
}
