package io.sallyport.interop;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issues 10 and 12: Sallyport as gw-a with an IKE access profile whose IKE policy is the seed's
 * §5.4 shape (IKEv1 main mode, no {@code version 2}) and no configuration naming any peer;
 * strongSwan 5.9.8 IKEv1 initiators from several addresses: gw-b (192.0.2.2, host-b behind it)
 * and branches in namespaces of this class (br3 at 203.0.113.2, br4 at 203.0.113.10, each on its
 * own link to gw-a; br5 at 198.51.100.2 behind nat5, a port-randomising NAT at 203.0.113.18),
 * each protecting 198.18.N.0/24 with 198.18.N.1 on its loopback. Own namespace prefix {@code dv1-}.
 */
@Tag("interop")
class DynamicPeersIkev1StrongswanTest {

    @RegisterExtension
    static final Testbed BED = new Testbed("dv1-", Harness.Topology.DIRECT);

    private static final String PSK = "dynamic-branch-key-ikev1-0123";

    private final Harness h = BED.harness();
    private SallyportDaemon gateway;

    /** gw-a: the seed's §5.4 shape on the harness's addresses: a main-mode IKE policy with the profile's one key. */
    static String gatewayConfig() {
        return """
            system { host-name gw-a; }
            interfaces {
                ge-0/0/0 { unit 0 { family inet { address 192.0.2.1/24; } } }
                ge-0/0/1 { unit 0 { family inet { address 198.18.1.1/24; } } }
                ms-0/0/0 {
                    unit 0 { family inet; }
                    unit 1 { dial-options { ipsec-interface-id branches; shared; } family inet; service-domain inside; }
                    unit 2 { family inet; service-domain outside; }
                }
            }
            access {
                profile branches {
                    client * {
                        ike {
                            allowed-proxy-pair local 198.18.1.0/24 remote 198.18.0.0/16;
                            ike-policy dyn;
                            ipsec-policy dyn;
                            interface-id branches;
                            initiate-dead-peer-detection;
                            dead-peer-detection { interval 2; threshold 3; }
                        }
                    }
                }
            }
            services {
                service-set dep {
                    next-hop-service { inside-service-interface ms-0/0/0.1; outside-service-interface ms-0/0/0.2; }
                    ipsec-vpn-options { local-gateway 192.0.2.1; ike-access-profile branches; }
                    ipsec-vpn-rules dynamic-peers;
                }
                ipsec-vpn {
                    rule dynamic-peers {
                        term 10 {
                            from { destination-address { 192.0.2.1/32; } }
                            then { remote-gateway 0.0.0.0; dynamic { ike-policy dyn; ipsec-policy dyn; } }
                        }
                        match-direction input;
                    }
                    ike {
                        proposal dyn { authentication-method pre-shared-keys; dh-group group14; authentication-algorithm sha-256; encryption-algorithm aes-256-cbc; }
                        policy dyn { mode main; proposals dyn; local-id ipv4_addr 192.0.2.1; pre-shared-key ascii-text "%s"; }
                    }
                    ipsec {
                        proposal dyn { protocol esp; authentication-algorithm hmac-sha1-96; encryption-algorithm aes-256-cbc; }
                        policy dyn { perfect-forward-secrecy { keys group14; } proposals dyn; }
                    }
                }
            }
            """.formatted(PSK);
    }

    /** A strongSwan IKEv1 initiator at {@code address} with identity {@code id}, offering {@code localTs} to 198.18.1.0/24. */
    private Path swanConfig(String role, String address, String id, String localTs, boolean aggressive) {
        String conf = """
            connections {
                gw {
                    version = 1
                    aggressive = %s
                    local_addrs = %s
                    remote_addrs = 192.0.2.1
                    proposals = aes256-sha256-modp2048
                    encap = yes
                    dpd_delay = 0s
                    local { auth = psk
                            id = %s }
                    remote { auth = psk
                             id = 192.0.2.1 }
                    children {
                        net {
                            local_ts = %s
                            remote_ts = 198.18.1.0/24
                            esp_proposals = aes256-sha1-modp2048
                            mode = tunnel
                            start_action = none
                            dpd_action = clear
                        }
                    }
                }
            }
            secrets {
                ike-gw {
                    id-a = %s
                    id-b = 192.0.2.1
                    secret = "%s"
                }
            }
            """.formatted(aggressive ? "yes" : "no", address, id, localTs, id, PSK);
        try {
            Path dir = h.stateDir().resolve("dv1-conf");
            Files.createDirectories(dir);
            Path file = dir.resolve(role + ".conf");
            Files.writeString(file, conf);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void ns(String... command) {
        BED.harness().run(List.of(command), Map.of(), 20).orThrow();
    }

    /** The branches' namespaces, each joined to gw-a by its own link (the harness made gw-a and gw-b). */
    @BeforeAll
    static void branches() {
        branch("br3", "203.0.113.1", "203.0.113.2", "198.18.3.1");
        branch("br4", "203.0.113.9", "203.0.113.10", "198.18.4.1");
        // br5 behind a port-randomising NAT (nat5, public 203.0.113.18), its own address 198.51.100.2.
        branch("nat5", "203.0.113.17", "203.0.113.18", null);
        Harness h = BED.harness();
        ns("ip", "netns", "add", h.ns("br5"));
        ns("ip", "-n", h.ns("br5"), "link", "set", "lo", "up");
        ns("ip", "-n", h.ns("nat5"), "link", "add", "inside", "type", "veth", "peer", "name", "wan", "netns", h.ns("br5"));
        ns("ip", "-n", h.ns("nat5"), "addr", "add", "198.51.100.1/24", "dev", "inside");
        ns("ip", "-n", h.ns("nat5"), "link", "set", "inside", "up");
        ns("ip", "-n", h.ns("br5"), "addr", "add", "198.51.100.2/24", "dev", "wan");
        ns("ip", "-n", h.ns("br5"), "link", "set", "wan", "up");
        ns("ip", "-n", h.ns("br5"), "route", "add", "default", "via", "198.51.100.1");
        ns("ip", "-n", h.ns("br5"), "addr", "add", "198.18.5.1/32", "dev", "lo");
        ns("ip", "netns", "exec", h.ns("nat5"), "sysctl", "-qw", "net.ipv4.ip_forward=1");
        ns("ip", "netns", "exec", h.ns("nat5"), "nft", "add table ip dv1_nat; add chain ip dv1_nat post { type nat hook postrouting"
                + " priority srcnat; policy accept; }; add rule ip dv1_nat post oifname wan ip saddr 198.51.100.0/24 masquerade random");
    }

    private static void branch(String role, String gwEnd, String address, String lanAddress) {
        Harness h = BED.harness();
        String nsName = h.ns(role);
        ns("ip", "netns", "add", nsName);
        ns("ip", "-n", nsName, "link", "set", "lo", "up");
        ns("ip", "-n", h.ns("gw-a"), "link", "add", role, "type", "veth", "peer", "name", "wan", "netns", nsName);
        ns("ip", "-n", h.ns("gw-a"), "addr", "add", gwEnd + "/29", "dev", role);
        ns("ip", "-n", h.ns("gw-a"), "link", "set", role, "up");
        ns("ip", "-n", nsName, "addr", "add", address + "/29", "dev", "wan");
        ns("ip", "-n", nsName, "link", "set", "wan", "up");
        ns("ip", "-n", nsName, "route", "add", "192.0.2.0/24", "via", gwEnd);
        if (lanAddress != null) {
            ns("ip", "-n", nsName, "addr", "add", lanAddress + "/32", "dev", "lo");
        }
    }

    @AfterAll
    static void removeBranchNamespaces() {
        Harness harness = BED.harness();
        for (String role : List.of("br3", "br4", "br5", "nat5")) {
            harness.run(List.of("ip", "netns", "del", harness.ns(role)), Map.of(), 20);
        }
    }

    private Ping pingFrom(String role, String source, String to) {
        return Ping.parse(h.inNs(role, 20, "ping", "-c", "3", "-i", "0.3", "-W", "2", "-I", source, to).stdout());
    }

    private String cli(String command) {
        return gateway.cli(command);
    }

    /** Aggressive mode with a pre-shared key: strongSwan initiates it only when told it does not care about security. */
    private void startBranch(String role, String address, String id, String localTs, boolean aggressive) {
        h.peerStart(role, swanConfig(role, address, id, localTs, aggressive).toString(),
                aggressive ? Map.of("INTEROP_AGGRESSIVE_PSK", "yes") : Map.of());
    }

    /**
     * One gateway: three main-mode initiators from three addresses (one behind a NAT) come up at
     * once and pass pings;
     * an aggressive-mode initiator and one whose proxy IDs lie outside the allowed pair are refused
     * with their reason in {@code show services service-sets}; br3 reconnects from a new address
     * (INITIAL-CONTACT replaces its old SAs); gw-b killed is cleared by DPD. (The Testbed stops
     * daemons between tests, so this is one test in phases.)
     */
    @Test
    void mainModePeersComeUpAtOnceAggressiveAndForeignProxyIdsAreRefusedReconnectAndDpd() {
        gateway = BED.daemon("gw-a", "dynamic-v1", gatewayConfig());
        startBranch("gw-b", "192.0.2.2", "gw-b.example.net", "198.18.2.0/24", false);
        startBranch("br3", "203.0.113.2", "br3.example.net", "198.18.3.0/24", false);
        startBranch("br5", "198.51.100.2", "br5.example.net", "198.18.5.0/24", false);
        for (String role : List.of("gw-b", "br3", "br5")) {
            h.initiate(role, 30);
        }
        for (String role : List.of("gw-b", "br3", "br5")) {
            h.waitSa(role, 30).orThrow();
        }
        Ping b = h.ping("host-b", "198.18.1.10", 3, 0.3);
        Ping a = h.ping("host-a", "198.18.2.10", 3, 0.3);
        Ping three = pingFrom("br3", "198.18.3.1", "198.18.1.10");
        Ping toThree = Ping.parse(h.inNs("host-a", 20, "ping", "-c", "3", "-i", "0.3", "-W", "2", "198.18.3.1").stdout());
        Ping five = pingFrom("br5", "198.18.5.1", "198.18.1.10");
        Ping toFive = Ping.parse(h.inNs("host-a", 20, "ping", "-c", "3", "-i", "0.3", "-W", "2", "198.18.5.1").stdout());
        String ike = cli("show services ipsec-vpn ike security-associations");
        String ipsec = cli("show services ipsec-vpn ipsec security-associations");
        System.out.println("evidence: host-b->host-a " + b + "; host-a->host-b " + a + "; br3 " + three + "; host-a->br3 " + toThree
                + "; br5 behind the NAT " + five + "; host-a->br5 " + toFive
                + "\n" + ike + ipsec + cli("show services service-sets") + h.sas("gw-b") + h.sas("br3") + h.sas("br5"));
        for (Ping p : List.of(b, a, three, toThree, five, toFive)) {
            assertTrue(p.allAnswered(), p.output());
        }
        for (String peer : List.of("192.0.2.2", "203.0.113.2", "203.0.113.18")) {
            assertTrue(ike.contains(peer), ike);
            assertTrue(ipsec.contains("Remote gateway: " + peer), ipsec);
        }
        assertTrue(ike.lines().filter(l -> l.contains("Matured") && l.contains("Main")).count() == 3, ike);
        assertTrue(h.rawSas("br3").raw().contains("version=1"), h.sas("br3"));

        refusals();
        reconnectFromANewAddress();
        killedPeerIsClearedByDeadPeerDetection();
    }

    /** br4 in aggressive mode, then in main mode with proxy IDs outside the allowed pair: both refused, with why. */
    private void refusals() {
        startBranch("br4", "203.0.113.10", "br4.example.net", "198.18.4.0/24", true);
        h.initiate("br4", 20);
        boolean aggressive = Testbed.await(Duration.ofSeconds(15),
                () -> cli("show services service-sets").contains("aggressive mode is not supported for dynamic endpoints"));
        String afterAggressive = cli("show services service-sets");
        String swanAggressive = h.sas("br4");
        h.peerStop("br4");
        startBranch("br4", "203.0.113.10", "br4.example.net", "203.0.113.64/26", false);
        h.initiate("br4", 20);
        boolean proxyIds = Testbed.await(Duration.ofSeconds(15),
                () -> cli("show services service-sets").contains("203.0.113.64-203.0.113.127"));
        String sets = cli("show services service-sets");
        System.out.println("evidence: refusals:\n" + afterAggressive + swanAggressive + sets + h.sas("br4"));
        assertTrue(aggressive && afterAggressive.contains("203.0.113.10"), afterAggressive);
        assertTrue(proxyIds && sets.contains("proxy ID"), sets);
        assertFalse(h.rawSas("br4").established() && h.sas("br4").contains("INSTALLED"), h.sas("br4"));
        assertFalse(cli("show services ipsec-vpn ipsec security-associations").contains("203.0.113.10"));
        assertFalse(cli("show services ipsec-vpn ike security-associations").contains("203.0.113.10"));
        h.peerStop("br4");
        assertTrue(h.ping("host-b", "198.18.1.10", 3, 0.3).allAnswered(), "gw-b untouched by the refusals");
    }

    private void reconnectFromANewAddress() {
        // A new lease: charon dies without a delete, br3 comes back at 203.0.113.3 and initiates afresh (INITIAL-CONTACT).
        h.peerKill("br3");
        ns("ip", "-n", h.ns("br3"), "addr", "del", "203.0.113.2/29", "dev", "wan");
        ns("ip", "-n", h.ns("br3"), "addr", "add", "203.0.113.3/29", "dev", "wan");
        ns("ip", "-n", h.ns("br3"), "route", "add", "192.0.2.0/24", "via", "203.0.113.1");   // went with the old address
        startBranch("br3", "203.0.113.3", "br3.example.net", "198.18.3.0/24", false);
        h.initiate("br3", 30);
        h.waitSa("br3", 30).orThrow();
        boolean replaced = Testbed.await(Duration.ofSeconds(10), () -> {
            String ike = cli("show services ipsec-vpn ike security-associations");
            return ike.contains("203.0.113.3") && !ike.contains("203.0.113.2 ");
        });
        Ping three = pingFrom("br3", "198.18.3.1", "198.18.1.10");
        String ike = cli("show services ipsec-vpn ike security-associations");
        System.out.println("evidence: br3 at its new address: " + three + "\n" + ike + cli("show services ipsec-vpn ipsec security-associations"));
        assertTrue(replaced, ike);
        assertTrue(three.allAnswered(), three.output());
        assertFalse(cli("show services ipsec-vpn ipsec security-associations").contains("Remote gateway: 203.0.113.2\n"));
        assertTrue(h.ping("host-b", "198.18.1.10", 3, 0.3).allAnswered(), "gw-b untouched");
    }

    private void killedPeerIsClearedByDeadPeerDetection() {
        h.peerKill("gw-b");
        boolean cleared = Testbed.await(Duration.ofSeconds(30),
                () -> !cli("show services ipsec-vpn ike security-associations").contains("192.0.2.2"));
        String sets = cli("show services service-sets");
        System.out.println("evidence: gw-b killed, DPD interval 2 threshold 3:\n" + sets
                + cli("show services ipsec-vpn ipsec security-associations"));
        assertTrue(cleared, cli("show services ipsec-vpn ike security-associations"));
        assertTrue(sets.contains("Peer 192.0.2.2 gone"), sets);
        assertFalse(cli("show services ipsec-vpn ipsec security-associations").contains("Remote gateway: 192.0.2.2"));
        assertTrue(pingFrom("br3", "198.18.3.1", "198.18.1.10").allAnswered(), "br3 untouched");
    }
}
