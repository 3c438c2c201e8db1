package io.sallyport.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Reference §5.3 twice over on Linux: gw-a (Sallyport) has VRFs vrf-a and vrf-b, each with a
 * customer interface and an inside service unit, and both customers are 198.18.1.10 (host-a on
 * {@code lan}, cust-b on {@code lanb}). gw-b (Sallyport) has vrf-a's remote site 198.18.2.0/24
 * (host-b) and vrf-b's 198.18.3.0/24 (far-b). This kernel has no VRF driver: the instances are
 * Linux tables with rules by incoming interface. A main table alone would send the answers to both
 * customers out of one interface. What an instance has no route for ends in the instance's table
 * (host unreachable) instead of leaving by the main table.
 */
@Tag("interop")
class VrfInstancesTest {

    @RegisterExtension
    static final Testbed BED = new Testbed("vrf1-", Harness.Topology.DIRECT);

    private static final Duration UP = Duration.ofSeconds(60);
    private final Harness h = BED.harness();

    @AfterEach
    void removeExtraNamespaces() {
        BED.stopDaemons();
        for (String role : List.of("cust-b", "far-b")) {
            if (h.run(List.of("ip", "netns", "list"), Map.of(), 10).stdout().contains(h.ns(role))) {
                h.run(List.of("ip", "netns", "del", h.ns(role)), Map.of(), 10);
            }
        }
    }

    @Test
    void overlappingCustomersInTwoVrfsEachReachTheirOwnSite() {
        // A second customer with host-a's very address, on its own interface of gw-a, and vrf-b's far site.
        customer("cust-b", "gw-a", "lanb", "198.18.1.254", "198.18.1.10");
        customer("far-b", "gw-b", "lanc", "198.18.3.1", "198.18.3.10");
        SallyportDaemon a = BED.daemon("gw-a", "vrf-a", GW_A);
        SallyportDaemon b = BED.daemon("gw-b", "vrf-b", GW_B);

        boolean up = Testbed.await(UP, () -> {
            List<String> lines = a.cli("show services service-sets").lines().toList();
            return List.of("vrf-a-ipsec ", "vrf-b-ipsec ").stream().allMatch(set -> lines.stream()
                .anyMatch(l -> l.startsWith(set) && l.contains(" Up ") && l.contains(" 1/1 ")));
        });
        String sets = a.cli("show services service-sets");
        assertTrue(up, sets + b.cli("show services service-sets"));

        // gw-b's outside address is in gw-a's main table only: an instance's lookup must end in the
        // instance (Linux answers host unreachable from the unreachable route), not fall through to
        // the main table and out. First, before other errors spend host-a's ICMP error tokens (1/s).
        Ping toMain = h.ping("host-a", "192.0.2.2", 2, 0.2);
        Ping toA = h.ping("host-a", "198.18.2.10", 5, 0.2);
        Ping toB = h.ping("cust-b", "198.18.3.10", 5, 0.2);
        Ping leak = h.ping("cust-b", "198.18.2.10", 2, 0.2);
        Ping leakBack = h.ping("host-a", "198.18.3.10", 2, 0.2);
        Harness.Result fromB = h.inNs("gw-a", 10, "ip", "route", "get", "192.0.2.2", "from", "198.18.1.10", "iif", "lanb");
        String rules = h.inNs("gw-a", 10, "ip", "rule").stdout();
        String tableB = h.inNs("gw-a", 10, "ip", "route", "show", "table", "2001").stdout();
        String mainRoutes = h.inNs("gw-a", 10, "ip", "route").stdout();
        String shown = a.cli("show route table vrf-b.inet.0");
        String all = a.cli("show route");
        System.out.println("evidence: host-a->site a " + toA + "; cust-b (same address)->site b " + toB
            + "; cust-b->site a " + leak + "; host-a->site b " + leakBack + "\n--- gw-a ip rule\n" + rules
            + "--- gw-a table 2001 (vrf-b)\n" + tableB + "--- gw-a main\n" + mainRoutes
            + "--- show route table vrf-b.inet.0" + shown + "--- show services service-sets\n" + sets
            + "--- show route" + all + "--- host-a (vrf-a) -> 192.0.2.2 (main table only)\n" + toMain.output()
            + "--- ip route get 192.0.2.2 from 198.18.1.10 iif lanb (vrf-b)\n" + fromB.stdout() + fromB.stderr());
        assertTrue(toA.allAnswered(), toA.output());
        assertTrue(toB.allAnswered(), toB.output());
        assertEquals(0, leak.received(), "vrf-b has no route to vrf-a's site:\n" + leak.output());
        assertEquals(0, leakBack.received(), "vrf-a has no route to vrf-b's site:\n" + leakBack.output());
        assertTrue(rules.contains("1500:\tfrom all iif lanb lookup 2001") && rules.contains("1500:\tfrom all iif ms-0_0_0.3 lookup 2001"),
            rules);
        assertTrue(tableB.contains("198.18.3.0/24 dev ms-0_0_0.3") && tableB.contains("198.18.1.0/24 dev lanb"), tableB);
        assertTrue(tableB.contains("unreachable default metric 4278198272"), tableB);
        assertEquals(0, toMain.received(), toMain.output());
        assertTrue(toMain.output().contains("From 198.18.1.1 icmp_seq=1 Destination Host Unreachable"), toMain.output());
        assertTrue(fromB.exit() != 0 && fromB.stderr().contains("No route to host"), fromB.toString());
        assertTrue(!mainRoutes.contains("198.18.3.0/24") && !mainRoutes.contains("198.18.2.0/24"),
            "the instances' routes stay out of the main table:\n" + mainRoutes);
        assertTrue(shown.contains("\nvrf-b.inet.0: ") && shown.contains("198.18.3.0/24      *[Static/5] ")
            && shown.contains(">  via ms-0/0/0.3"), shown);
        // show route: the kernel's main table in Junos's terms (the customers' networks are the
        // instances'), then each instance's table.
        String main = all.substring(0, all.indexOf("\nvrf-a.inet.0: "));
        assertTrue(main.startsWith("\ninet.0: ") && main.contains("\n192.0.2.0/24       *[Direct/0] ")
            && main.contains(">  via ge-0/0/0.0\n") && main.contains("\n192.0.2.1/32       *[Local/0] ")
            && !main.contains("198.18."), all);
        assertTrue(all.indexOf("\nvrf-a.inet.0: ") < all.indexOf("\nvrf-b.inet.0: ") && all.contains(">  via ms-0/0/0.1\n"), all);
        assertTrue(sets.contains("Routing instances: policy routing") && sets.contains("the kernel has no VRF driver"), sets);

        // Shutdown takes the rules away with the daemon.
        a.close();
        assertTrue(!h.inNs("gw-a", 10, "ip", "rule").stdout().contains("lookup 2001"), "rules removed at shutdown");
    }

    @Test
    void aLocalGatewayInAnInstanceSendsIkeAndEspByTheInstancesTable() {
        // gw-a's outside interface is in VRF "wan" and the main table has no route to gw-b at all:
        // IKE and ESP reach gw-b only if their sockets' mark sends them by wan's table.
        h.inNs("gw-a", 10, "ip", "route", "del", "192.0.2.0/24", "dev", "wan").orThrow();
        SallyportDaemon a = BED.daemon("gw-a", "wan-a", GW_A_WAN);
        SallyportDaemon b = BED.daemon("gw-b", "wan-b", GW_B_PLAIN);
        boolean up = Testbed.await(UP, () -> a.cli("show services service-sets").lines()
            .anyMatch(l -> l.startsWith("ss1 ") && l.contains(" Up ") && l.contains(" 1/1 ")));
        String rules = h.inNs("gw-a", 10, "ip", "rule").stdout();
        String wanTable = h.inNs("gw-a", 10, "ip", "route", "show", "table", "2000").stdout();
        String mainRoutes = h.inNs("gw-a", 10, "ip", "route").stdout();
        Ping ping = up ? h.ping("host-a", "198.18.2.10", 5, 0.2) : new Ping(0, 0, "tunnel not up");
        String sockets = h.inNs("gw-a", 10, "ss", "-uanpe").stdout();
        System.out.println("evidence: local gateway in VRF wan: tunnel up " + up + ", host-a->host-b " + ping
            + "\n--- gw-a ip rule\n" + rules + "--- table 2000 (wan)\n" + wanTable + "--- main\n" + mainRoutes
            + "--- gw-a UDP sockets\n" + sockets);
        assertTrue(up, a.cli("show services service-sets") + b.cli("show services service-sets"));
        assertTrue(!mainRoutes.contains("192.0.2.0/24"), mainRoutes);
        assertTrue(rules.contains("1500:\tfrom all fwmark 0x7d0 lookup 2000"), rules);
        assertTrue(wanTable.contains("192.0.2.0/24 dev wan"), wanTable);
        assertTrue(ping.allAnswered(), ping.output());
        // Show output names the local gateway's instance, and routing-instance filters by it.
        String ike = a.cli("show services ipsec-vpn ike security-associations detail routing-instance wan");
        assertTrue(ike.contains("Routing instance: wan"), ike);
        String ipsec = a.cli("show services ipsec-vpn ipsec security-associations detail routing-instance wan");
        assertTrue(ipsec.contains("ss1"), ipsec);
        String none = a.cli("show services ipsec-vpn ike security-associations routing-instance default");
        assertTrue(!none.contains("192.0.2.2"), none);
        a.close();
        assertTrue(!h.inNs("gw-a", 10, "ip", "rule").stdout().contains("fwmark"), "rules removed at shutdown");
    }

    /** A host namespace ROLE behind GATEWAY's new device DEVICE (GATEWAY_ADDRESS/24), at HOST_ADDRESS/24. */
    private void customer(String role, String gateway, String device, String gatewayAddress, String hostAddress) {
        h.run(List.of("ip", "netns", "add", h.ns(role)), Map.of(), 10).orThrow();
        h.run(List.of("ip", "-n", h.ns(gateway), "link", "add", device, "type", "veth", "peer", "name", "eth0", "netns",
            h.ns(role)), Map.of(), 10).orThrow();
        h.inNs(gateway, 10, "ip", "addr", "add", gatewayAddress + "/24", "dev", device).orThrow();
        h.inNs(gateway, 10, "ip", "link", "set", device, "up").orThrow();
        h.inNs(role, 10, "ip", "link", "set", "lo", "up").orThrow();
        h.inNs(role, 10, "ip", "addr", "add", hostAddress + "/24", "dev", "eth0").orThrow();
        h.inNs(role, 10, "ip", "link", "set", "eth0", "up").orThrow();
        h.inNs(role, 10, "ip", "route", "add", "default", "via", gatewayAddress).orThrow();
    }

    private static final String IKE = """
                ike {
                    proposal ike-prop { authentication-method pre-shared-keys; dh-group group14; authentication-algorithm sha-256; encryption-algorithm aes-256-cbc; }
                    policy ike-pol { version 2; proposals ike-prop; pre-shared-key ascii-text "%s"; }
                }
                ipsec {
                    proposal esp-prop { protocol esp; encryption-algorithm aes-128-gcm; }
                    policy ipsec-pol { proposals esp-prop; }
                }
        """.formatted(GatewayConfig.PSK);

    private static final String GW_A = """
        interfaces {
            ge-0/0/0 { unit 0 { family inet { address 192.0.2.1/24; } } }
            ge-0/0/1 { unit 0 { family inet { address 198.18.1.1/24; } } }
            ge-0/0/2 { unit 0 { family inet { address 198.18.1.254/24; } } }
            ms-0/0/0 {
                unit 0 { family inet; }
                unit 1 { family inet; service-domain inside; }
                unit 2 { family inet; service-domain outside; }
                unit 3 { family inet; service-domain inside; }
                unit 4 { family inet; service-domain outside; }
            }
        }
        routing-instances {
            vrf-a {
                instance-type vrf;
                interface ge-0/0/1.0;
                interface ms-0/0/0.1;
                route-distinguisher 192.0.2.1:100;
                vrf-target target:65000:100;
                routing-options { static { route 198.18.2.0/24 next-hop ms-0/0/0.1; } }
            }
            vrf-b {
                instance-type vrf;
                interface ge-0/0/2.0;
                interface ms-0/0/0.3;
                route-distinguisher 192.0.2.1:200;
                vrf-target target:65000:200;
                routing-options { static { route 198.18.3.0/24 next-hop ms-0/0/0.3; } }
            }
        }
        services {
            service-set vrf-a-ipsec {
                next-hop-service { inside-service-interface ms-0/0/0.1; outside-service-interface ms-0/0/0.2; }
                ipsec-vpn-options { local-gateway 192.0.2.1; }
                ipsec-vpn-rules rule-a;
            }
            service-set vrf-b-ipsec {
                next-hop-service { inside-service-interface ms-0/0/0.3; outside-service-interface ms-0/0/0.4; }
                ipsec-vpn-options { local-gateway 192.0.2.1; }
                ipsec-vpn-rules rule-b;
            }
            ipsec-vpn {
                rule rule-a {
                    term t1 {
                        from { source-address { 198.18.1.0/24; } destination-address { 198.18.2.0/24; } }
                        then { remote-gateway 192.0.2.2; dynamic { ike-policy ike-pol; ipsec-policy ipsec-pol; } }
                    }
                    match-direction input;
                }
                rule rule-b {
                    term t1 {
                        from { source-address { 198.18.1.0/24; } destination-address { 198.18.3.0/24; } }
                        then { remote-gateway 192.0.2.2; dynamic { ike-policy ike-pol; ipsec-policy ipsec-pol; } }
                    }
                    match-direction input;
                }
        %s
                establish-tunnels immediately;
            }
        }
        """.formatted(IKE);

    private static final String GW_A_WAN = """
        interfaces {
            ge-0/0/0 { unit 0 { family inet { address 192.0.2.1/24; } } }
            ge-0/0/1 { unit 0 { family inet { address 198.18.1.1/24; } } }
            ms-0/0/0 {
                unit 0 { family inet; }
                unit 1 { family inet; service-domain inside; }
                unit 2 { family inet; service-domain outside; }
            }
        }
        routing-options { static { route 198.18.2.0/24 next-hop ms-0/0/0.1; } }
        routing-instances {
            wan {
                instance-type vrf;
                interface ge-0/0/0.0;
                interface ms-0/0/0.2;
                route-distinguisher 192.0.2.1:1;
                vrf-target target:65000:1;
            }
        }
        services {
            service-set ss1 {
                next-hop-service { inside-service-interface ms-0/0/0.1; outside-service-interface ms-0/0/0.2; }
                ipsec-vpn-options { local-gateway 192.0.2.1 routing-instance wan; }
                ipsec-vpn-rules rule-a;
            }
            ipsec-vpn {
                rule rule-a {
                    term t1 {
                        from { source-address { 198.18.1.0/24; } destination-address { 198.18.2.0/24; } }
                        then { remote-gateway 192.0.2.2; dynamic { ike-policy ike-pol; ipsec-policy ipsec-pol; } }
                    }
                    match-direction input;
                }
        %s
                establish-tunnels immediately;
            }
        }
        """.formatted(IKE);

    private static final String GW_B_PLAIN = """
        interfaces {
            ge-0/0/0 { unit 0 { family inet { address 192.0.2.2/24; } } }
            ge-0/0/1 { unit 0 { family inet { address 198.18.2.1/24; } } }
            ms-0/0/0 {
                unit 0 { family inet; }
                unit 1 { family inet; service-domain inside; }
                unit 2 { family inet; service-domain outside; }
            }
        }
        routing-options { static { route 198.18.1.0/24 next-hop ms-0/0/0.1; } }
        services {
            service-set ss1 {
                next-hop-service { inside-service-interface ms-0/0/0.1; outside-service-interface ms-0/0/0.2; }
                ipsec-vpn-options { local-gateway 192.0.2.2; }
                ipsec-vpn-rules rule-b;
            }
            ipsec-vpn {
                rule rule-b {
                    term t1 {
                        from { source-address { 198.18.2.0/24; } destination-address { 198.18.1.0/24; } }
                        then { remote-gateway 192.0.2.1; dynamic { ike-policy ike-pol; ipsec-policy ipsec-pol; } }
                    }
                    match-direction input;
                }
        %s
                establish-tunnels responder-only;
            }
        }
        """.formatted(IKE);

    private static final String GW_B = """
        interfaces {
            ge-0/0/0 { unit 0 { family inet { address 192.0.2.2/24; } } }
            ge-0/0/1 { unit 0 { family inet { address 198.18.2.1/24; } } }
            ge-0/0/2 { unit 0 { family inet { address 198.18.3.1/24; } } }
            ms-0/0/0 {
                unit 0 { family inet; }
                unit 1 { family inet; service-domain inside; }
                unit 2 { family inet; service-domain outside; }
            }
        }
        routing-options { static { route 198.18.1.0/24 next-hop ms-0/0/0.1; } }
        services {
            service-set sites {
                next-hop-service { inside-service-interface ms-0/0/0.1; outside-service-interface ms-0/0/0.2; }
                ipsec-vpn-options { local-gateway 192.0.2.2; }
                ipsec-vpn-rules rule-sites;
            }
            ipsec-vpn {
                rule rule-sites {
                    term site-a {
                        from { source-address { 198.18.2.0/24; } destination-address { 198.18.1.0/24; } }
                        then { remote-gateway 192.0.2.1; dynamic { ike-policy ike-pol; ipsec-policy ipsec-pol; } }
                    }
                    term site-b {
                        from { source-address { 198.18.3.0/24; } destination-address { 198.18.1.0/24; } }
                        then { remote-gateway 192.0.2.1; dynamic { ike-policy ike-pol; ipsec-policy ipsec-pol; } }
                    }
                    match-direction input;
                }
        %s
                establish-tunnels responder-only;
            }
        }
        """.formatted(IKE);
}
