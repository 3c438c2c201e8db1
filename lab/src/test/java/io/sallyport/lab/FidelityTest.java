package io.sallyport.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Issue 9: what a Junos engineer configures behaves as the seed says, or says it does not. */
class FidelityTest {
    static final long SECOND = 1_000_000_000L;
    static final long MINUTE = 60 * SECOND;

    /** The ms-mpc example with each router configuration passed through {@code edit}. */
    static Lab msMpc(UnaryOperator<String> edit) throws LabException {
        Topology base = Topologies.example("ms-mpc");
        List<Topology.RouterSpec> routers = base.routers().stream()
                .map(r -> new Topology.RouterSpec(r.name(), r.configFile(), edit.apply(r.configText()), r.line()))
                .toList();
        return Lab.start(new Topology(base.source(), routers, base.hosts(), base.links()));
    }

    static InetAddress addr(String a) {
        return InetAddress.ofLiteral(a);
    }

    // ---------------------------------------------------------------- #6

    @Test
    void ikev1PolicyWarnsAtCommitAndNothingClaimsTheTunnelIsUp() throws Exception {
        try (Lab lab = msMpc(c -> c.replace("version 2;", ""))) {
            assertTrue(lab.warnings().stream().anyMatch(w -> w.contains("'policy ike-policy1'") && w.contains("IKEv1")),
                    () -> String.join("\n", lab.warnings()));
            assertFalse(lab.awaitTunnels(MINUTE));
            assertEquals("lab up: 0 of 2 tunnels up; the others are down (show services service-sets says why)",
                    lab.banner());
            LabRouter r1 = lab.router("router1").orElseThrow();
            String sets = r1.execute("show services service-sets").text();
            assertTrue(sets.contains("0/1"), sets);
            assertTrue(sets.contains("Tunnel 1 (vpn-rule-r1/term1) to 10.0.1.2: down: ike policy ike-policy1 uses IKE"
                    + " version 1"), sets);
            String ike = r1.execute("show services ipsec-vpn ike security-associations").text();
            assertFalse(ike.contains("IKEv2"), ike);
        }
    }

    @Test
    void bannerSaysNegotiatedOnlyWhenEveryTunnelIs() throws Exception {
        try (Lab lab = msMpc(c -> c)) {
            assertTrue(lab.awaitTunnels(MINUTE));
            assertEquals("lab up: 2 of 2 tunnels negotiated", lab.banner());
            String sets = lab.router("router1").orElseThrow().execute("show services service-sets").text();
            assertTrue(sets.contains("1/1") && !sets.contains("down:"), sets);
        }
    }

    // ---------------------------------------------------------------- #2

    /** router1 with an interface-style set; {@code apply} is what ge-0/0/1.0 (the LAN) says about it. */
    static UnaryOperator<String> interfaceStyle(String apply, String matchDirection) {
        return c -> !c.contains("local-gateway 10.0.1.1;") ? c : c
                .replace("route 192.168.0.0/16 next-hop ms-4/0/0.1;", "")
                .replaceAll("next-hop-service \\{[^}]*}", "interface-service { service-interface ms-4/0/0.0; }")
                .replace("address 172.16.0.1/16;", apply + " address 172.16.0.1/16;")
                .replace("match-direction input;", "match-direction " + matchDirection + ";");
    }

    @Test
    void interfaceStyleSetAppliedNowhereDoesNothingAndWarns() throws Exception {
        try (Lab lab = msMpc(interfaceStyle("", "input"))) {
            assertTrue(lab.warnings().stream().anyMatch(w -> w.startsWith("router1: [edit services service-set ipsec-ss1]")
                    && w.contains("applied to no interface in this rule's match-direction (family inet service input"
                    + " service-set ipsec-ss1)")), () -> String.join("\n", lab.warnings()));
            lab.advance(MINUTE);
            assertEquals(0, lab.ping("h1", lab.resolve("h2").orElseThrow(), java.util.Optional.empty(), 2).received());
            LabRouter r1 = lab.router("router1").orElseThrow();
            assertEquals(List.of(), r1.gateway().kmd().ikeSas());
            assertTrue(r1.execute("show services service-sets").text().contains("is applied to no interface"));
        }
    }

    @Test
    void interfaceStyleSetAppliedOnTheOtherDirectionDoesNothing() throws Exception {
        try (Lab lab = msMpc(interfaceStyle("service { input { service-set ipsec-ss1; } }", "output"))) {
            assertTrue(lab.warnings().stream().anyMatch(w -> w.contains("(family inet service output service-set ipsec-ss1)")),
                    () -> String.join("\n", lab.warnings()));
            lab.advance(MINUTE);
            assertEquals(0, lab.ping("h1", lab.resolve("h2").orElseThrow(), java.util.Optional.empty(), 2).received());
        }
    }

    @Test
    void interfaceStyleSetActsOnlyOnTrafficEnteringTheInterfaceItIsAppliedTo() throws Exception {
        try (Lab lab = msMpc(interfaceStyle("service { input { service-set ipsec-ss1; } }", "input"))) {
            assertTrue(lab.warnings().stream().noneMatch(w -> w.contains("applied to no interface")),
                    () -> String.join("\n", lab.warnings()));
            assertTrue(lab.awaitTunnels(MINUTE), () -> String.join("; ", lab.router("router1").orElseThrow().tunnelProblems()));
            InetAddress h2 = lab.resolve("h2").orElseThrow();
            assertEquals(3, lab.ping("h1", h2, java.util.Optional.empty(), 3).received());
            // router1's own packet, from an address inside the tunnel's selectors, does not enter ge-0/0/1.0.
            PingResult own = lab.ping("router1", h2, java.util.Optional.of(addr("172.16.0.1")), 2);
            assertEquals(0, own.received(), own::render);
        }
    }

    // ---------------------------------------------------------------- #7

    @Test
    void tracerouteThroughTheTunnelShowsTheRoutersOwnAddressesNotTheLinkBetweenTheGateways() throws Exception {
        try (Lab lab = Lab.start(Topologies.example("ike-digital-certificates"))) {
            assertTrue(lab.awaitTunnels(MINUTE));
            TraceResult trace = lab.traceroute("r4", addr("10.1.12.2"), 30);
            // The seed: from router 4, the path enters the tunnel at router 3's IPsec inside interface
            // (unnumbered: router 3's own address, lo0), passes router 2's loopback and ends at router 1;
            // the physical link between routers 2 and 3 (10.1.15.0/30) is not in it.
            assertEquals(List.of(addr("10.1.56.1"), addr("10.0.0.3"), addr("10.0.0.2"), addr("10.1.12.2")),
                    trace.path(), trace::render);
        }
    }
}
