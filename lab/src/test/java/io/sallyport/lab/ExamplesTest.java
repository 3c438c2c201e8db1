package io.sallyport.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sallyport.gateway.runtime.TunnelState;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Every shipped example comes up, negotiates, and carries pings across its tunnel. */
class ExamplesTest {
    private static final long NEGOTIATION = 30_000_000_000L;

    private static void pingsAcross(String example, String from, String to) throws Exception {
        try (Lab lab = Lab.start(Topologies.example(example))) {
            if (!lab.awaitTunnels(NEGOTIATION)) {
                // establish-tunnels on-traffic (the default): the first packet starts IKE.
                lab.ping(from, lab.resolve(to).orElseThrow(), Optional.empty(), 1);
                assertTrue(lab.awaitTunnels(NEGOTIATION), () -> example + ": " + problems(lab));
            }
            PingResult ping = lab.ping(from, lab.resolve(to).orElseThrow(), Optional.empty(), 3);
            assertEquals(3, ping.received(), ping::render);
            for (LabRouter r : lab.routers().values()) {
                // Every tunnel of a shipped example runs and carries the pings: a tunnel the plan
                // refuses (a problem) fails here instead of being skipped.
                for (TunnelState t : r.gateway().tunnels()) {
                    assertEquals(Optional.empty(), t.plan().problem(), () -> r.name() + " " + t.plan().id() + " cannot run");
                    assertTrue(t.statistics().encryptedPackets() > 0, () -> r.name() + " " + t.plan().id() + " carried nothing");
                }
                if (!r.gateway().tunnels().isEmpty()) {
                    String sas = r.execute("show services ipsec-vpn ipsec security-associations").text();
                    assertTrue(sas.contains("inbound") && sas.contains("outbound"), sas);
                    String ike = r.execute("show services ipsec-vpn ike security-associations").text();
                    assertTrue(ike.contains("Matured"), ike);
                }
            }
        }
    }

    private static String problems(Lab lab) {
        return String.join("; ", lab.routers().values().stream().flatMap(r -> r.tunnelProblems().stream()).toList());
    }

    @Test
    void msMpcNextHop() throws Exception {
        pingsAcross("ms-mpc", "h1", "h2");
    }

    @Test
    void fourRoutersAcrossTheTunnel() throws Exception {
        pingsAcross("ike-digital-certificates", "r1", "10.1.56.2");
        try (Lab lab = Lab.start(Topologies.example("ike-digital-certificates"))) {
            assertTrue(lab.awaitTunnels(NEGOTIATION), () -> problems(lab));
            assertEquals(3, lab.ping("r4", lab.resolve("10.1.12.2").orElseThrow(), Optional.empty(), 3).received());
            // The tunnel is authenticated with the entrust CA's certificates the .lab file loaded.
            LabRouter r2 = lab.router("r2").orElseThrow();
            assertEquals(List.of(), r2.warnings().stream().filter(w -> w.startsWith("pki line")).toList());
            String local = r2.execute("show security pki local-certificate").text();
            assertTrue(local.contains("Certificate identifier: local-entrust2\n  Issued to: router2.example.com, Issued by: juniper"),
                    local);
            String ike = r2.execute("show services ipsec-vpn ike security-associations detail").text();
            assertTrue(ike.contains("Exchange type: Main, Authentication method: RSA-signatures"), ike); // IKEv1, as the reference
            certificateCache(r2);
        }
    }

    /** Reference §4.6: the CA, router2's own certificate and router3's, newest first; clear forgets router3's. */
    private static void certificateCache(LabRouter r2) {
        String cache = r2.execute("show services ipsec-vpn certificates").text();
        assertTrue(java.util.regex.Pattern.compile("""
                Service set: ipsec-ss-cert, Total entries: 3
                  Certificate cache entry: 3
                    Flags: Non-root Trusted
                    Issued to: router3.example.com, Issued by: juniper
                    Alternate subject: router3.example.com
                    Validity:
                      Not before: \\d{4} \\w{3} \\d+(st|nd|rd|th), \\d\\d:\\d\\d:\\d\\d GMT
                      Not after: .* GMT
                  Certificate cache entry: 2
                    Flags: Non-root Trusted
                    Issued to: router2.example.com, Issued by: juniper
                (.*\\n){4}  Certificate cache entry: 1
                    Flags: Root Trusted
                    Issued to: juniper, Issued by: juniper
                    Validity:
                (.*\\n){2}""").matcher(cache).matches(), cache);
        String xml = r2.execute("show services ipsec-vpn certificates detail service-set ipsec-ss-cert | display xml").text();
        assertTrue(xml.contains("<certificate-origin>peer</certificate-origin>") && xml.contains("<total-entries>3</total-entries>"), xml);
        assertTrue(r2.execute("show services ipsec-vpn certificates detail").text()
                .contains("    Cached from: trusted CA\n    Serial number: "));
        assertEquals("error: no certificate-cache-entry 1 learned from a peer (CA and local certificates leave with clear"
                + " security pki)\n", r2.execute("clear services ipsec-vpn certificates service-set all certificate-cache-entry 1").text());
        assertTrue(r2.execute("clear services ipsec-vpn certificates service-set ipsec-ss-cert").ok());
        assertTrue(r2.execute("show services ipsec-vpn certificates").text().startsWith(
                "Service set: ipsec-ss-cert, Total entries: 2\n  Certificate cache entry: 2\n"));
        assertTrue(r2.execute("show services ipsec-vpn certificates nosuch").text().contains("service set nosuch is not configured"));
    }

    @Test
    void vrfStatic() throws Exception {
        pingsAcross("vrf-static", "customer", "remote");
    }

    @Test
    void disableNatt() throws Exception {
        pingsAcross("disable-natt", "h1", "h2");
    }

    @Test
    void kmdTracing() throws Exception {
        pingsAcross("kmd-tracing", "h2", "h1");
    }

    /**
     * Reference §5.4 as written on router1: two branches it has no configuration for connect from
     * their own addresses, each gets a tunnel on the shared unit sp-1/2/0.1 with a route to its
     * half of 10.0.1.0/24, hosts ping across both ways, show lists each peer at its address, and
     * clearing one peer's IKE SA leaves the other's alone.
     */
    @Test
    void dynamicPeersConnectToTheMultitaskExampleAsWritten() throws Exception {
        try (Lab lab = Lab.start(Topologies.example("dynamic-peer"))) {
            assertTrue(lab.awaitTunnels(NEGOTIATION), () -> problems(lab));
            // The example's policy is IKEv1 main mode, and so are the lab's branches: nothing to warn about.
            List<String> warned = lab.warnings().stream().filter(w -> w.startsWith("router1")).toList();
            assertEquals(List.of(), warned);
            for (String[] pair : List.of(new String[] {"b1", "h0"}, new String[] {"b2", "h0"}, new String[] {"h0", "b1"},
                    new String[] {"h0", "b2"})) {
                PingResult ping = lab.ping(pair[0], lab.resolve(pair[1]).orElseThrow(), Optional.empty(), 3);
                assertEquals(3, ping.received(), () -> pair[0] + " -> " + pair[1] + ": " + ping.render());
            }
            LabRouter r1 = lab.router("router1").orElseThrow();
            String ike = r1.execute("show services ipsec-vpn ike security-associations").text();
            assertTrue(ike.contains("192.168.255.11") && ike.contains("192.168.255.12") && ike.contains("Matured"), ike);
            assertEquals(2, ike.lines().filter(l -> l.contains("Main")).count(), ike);
            String ipsec = r1.execute("show services ipsec-vpn ipsec security-associations").text();
            assertTrue(ipsec.contains("Remote gateway: 192.168.255.11") && ipsec.contains("Remote gateway: 192.168.255.12")
                    && ipsec.contains("ipv4_subnet(any:0,[0..7]=10.0.1.128/25)"), ipsec);
            String sets = r1.execute("show services service-sets").text();
            assertTrue(sets.contains("2/2") && sets.contains("Dynamic peers: access profile IKE-profile-TEST, shared unit sp-1/2/0.1"),
                    sets);
            String route = lab.node("router1").orElseThrow().control().routes().toString();
            assertTrue(route.contains("10.0.1.0/25") && route.contains("10.0.1.128/25"), route);

            String before = r1.execute("show services ipsec-vpn ike security-associations 192.168.255.11").text();
            r1.execute("clear services ipsec-vpn ike security-associations 192.168.255.12");
            lab.simulation().advance(1_000_000_000L);
            assertEquals(before, r1.execute("show services ipsec-vpn ike security-associations 192.168.255.11").text());
            assertTrue(r1.execute("show services ipsec-vpn ike security-associations 192.168.255.12").text()
                    .lines().count() <= 1, "the cleared peer's IKE SA is gone");
            // Its branch establishes immediately: it is back, and so is the route to its network.
            assertTrue(lab.awaitTunnels(NEGOTIATION), () -> problems(lab));
            lab.simulation().advance(5_000_000_000L);
            assertEquals(3, lab.ping("b2", lab.resolve("h0").orElseThrow(), Optional.empty(), 3).received());
        }
    }

    /** The shared unit's TUN device deleted under router1 (issue 15 #8): the reverse routes to both branches come back with it. */
    @Test
    void dynamicPeersReverseRoutesComeBackWithADeletedDevice() throws Exception {
        try (Lab lab = Lab.start(Topologies.example("dynamic-peer"))) {
            assertTrue(lab.awaitTunnels(NEGOTIATION), () -> problems(lab));
            Node router1 = lab.node("router1").orElseThrow();
            String device = lab.router("router1").orElseThrow().plan().serviceSets().getFirst().tunName();
            router1.deleteTun(device);
            assertFalse(router1.control().routes().toString().contains("10.0.1.128/25"), "the route went with the device");
            for (String branch : List.of("b1", "b2")) {
                PingResult ping = lab.ping("h0", lab.resolve(branch).orElseThrow(), Optional.empty(), 3);
                assertEquals(3, ping.received(), () -> "h0 -> " + branch + ": " + ping.render());
            }
            String route = router1.control().routes().toString();
            assertTrue(route.contains("10.0.1.0/25") && route.contains("10.0.1.128/25"), route);
        }
    }

    /**
     * {@code reverse-route preference 7} (and {@code respond-bad-spi} in the client's {@code ike}, accepted without a
     * warning): each dynamic peer's reverse route goes into the kernel with metric 7.
     */
    @Test
    void dynamicPeersReverseRoutesCarryTheProfilesPreference() throws Exception {
        Topology base = Topologies.example("dynamic-peer");
        List<Topology.RouterSpec> routers = base.routers().stream()
                .map(r -> new Topology.RouterSpec(r.name(), r.configFile(), r.configText().replaceAll("(?m)^(\\s+)interface-id TEST-intf;",
                        "$1interface-id TEST-intf; respond-bad-spi 3; reverse-route { preference 7; }"), r.line()))
                .toList();
        assertTrue(routers.stream().anyMatch(r -> r.configText().contains("preference 7")));
        try (Lab lab = Lab.start(new Topology(base.source(), routers, base.hosts(), base.links()))) {
            assertTrue(lab.awaitTunnels(NEGOTIATION), () -> problems(lab));
            assertEquals(List.of(), lab.warnings().stream().filter(w -> w.startsWith("router1")).toList());
            List<io.sallyport.net.Route> reverse = lab.node("router1").orElseThrow().control().routes().stream()
                    .filter(r -> r.destination().toString().startsWith("10.0.1.")).toList();
            assertEquals(2, reverse.size(), reverse.toString());
            assertTrue(reverse.stream().allMatch(r -> r.metric().equals(java.util.OptionalLong.of(7))), reverse.toString());
        }
    }
}
