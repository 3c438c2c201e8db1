package io.sallyport.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The set-up the dynamic-peer tests share, on their {@link Testbed}'s own namespace prefix:
 * Sallyport's gw-a with an IKE access profile and no configuration naming any peer; branches in
 * namespaces of the test class (br3 at 203.0.113.2, br4 at 203.0.113.10, each on its own link to
 * gw-a; br5 at 198.51.100.2 behind nat5, a port-randomising NAT at 203.0.113.18), each protecting
 * 198.18.N.0/24 with 198.18.N.1 on its loopback; and the strongSwan initiators' configurations.
 * The test class calls {@link #create} from its {@code @BeforeAll} (after the Testbed made gw-a)
 * and {@link #remove} from its {@code @AfterAll}.
 */
final class DynamicBranches {

    private static final List<String> NAMESPACES = List.of("br3", "br4", "br5", "nat5");

    private final Harness h;
    /** The prefix without its punctuation: the nft table and configuration directory are named after it. */
    private final String tag;

    DynamicBranches(Testbed bed) {
        this.h = bed.harness();
        this.tag = h.prefix().replaceAll("[^A-Za-z0-9]", "");
    }

    /**
     * gw-a: the seed's §5.4 shape on the harness's addresses; the rule's term is the dynamic peer
     * (0.0.0.0). {@code ikePolicy} says the IKE version or mode (e.g. {@code version 2;}),
     * {@code ipsecAlgorithms} the IPsec proposal's algorithms.
     */
    static String gatewayConfig(String ikePolicy, String ipsecAlgorithms, String psk) {
        return gatewayConfig("", "pre-shared-keys", ikePolicy + " local-id ipv4_addr 192.0.2.1; pre-shared-key ascii-text \"" + psk + "\";",
                "", ipsecAlgorithms);
    }

    /**
     * gw-a as {@link #gatewayConfig(String, String, String)}, its IKE proposal's authentication
     * {@code method} ({@code rsa-signatures}, {@code ecdsa-signatures-256}), its IKE policy in main
     * mode with identity {@code localFqdn} and {@code local-certificate gw-a}; the service set trusts
     * CA profile {@code interop} ({@code trusted-ca}), whose certificate the test loads.
     */
    static String certificateGatewayConfig(String method, String localFqdn, String ipsecAlgorithms) {
        return gatewayConfig("security { pki { ca-profile interop { ca-identity interop; } } }\n", method,
                "mode main; local-id fqdn " + localFqdn + "; local-certificate gw-a;", " trusted-ca interop;", ipsecAlgorithms);
    }

    private static String gatewayConfig(String pki, String method, String policy, String setOptions, String ipsecAlgorithms) {
        return pki + """
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
                    ipsec-vpn-options { local-gateway 192.0.2.1; ike-access-profile branches;%s }
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
                        proposal dyn { authentication-method %s; dh-group group14; authentication-algorithm sha-256; encryption-algorithm aes-256-cbc; }
                        policy dyn { proposals dyn; %s }
                    }
                    ipsec {
                        proposal dyn { protocol esp; %s }
                        policy dyn { perfect-forward-secrecy { keys group14; } proposals dyn; }
                    }
                }
            }
            """.formatted(setOptions, method, policy, ipsecAlgorithms);
    }

    /** The local traffic selector of every initiator's child {@code foreign}: outside every allowed proxy pair. */
    static final String FOREIGN_TS = "203.0.113.64/26";

    /**
     * A strongSwan initiator's configuration file for {@code role} at {@code address} with identity
     * {@code id}, offering {@code localTs} to 198.18.1.0/24; {@code options} are the connection's
     * version settings (e.g. {@code version = 2}).
     */
    Path swanConfig(String role, List<String> options, String address, String id, String localTs, String espProposals, String psk) {
        String conf = connection(options, address, localTs, espProposals, """
                    local { auth = psk
                            id = %s }
                    remote { auth = psk
                             id = 192.0.2.1 }""".formatted(id)) + """
            secrets {
                ike-gw {
                    id-a = %s
                    id-b = 192.0.2.1
                    secret = "%s"
                }
            }
            """.formatted(id, psk);
        try {
            Path dir = h.stateDir().resolve(tag + "-conf");
            Files.createDirectories(dir);
            Path file = dir.resolve(role + ".conf");
            Files.writeString(file, conf);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A strongSwan IKEv1 main-mode initiator for {@code role} at {@code address} that signs with
     * certificate {@code cert} of {@code pki} ({@code cert}.pem, its key {@code cert}.key, of
     * {@code keyType} rsa or ecdsa) as {@code id}, expects gw-a as {@code gwFqdn} under the
     * interop CA, and offers {@code localTs} to 198.18.1.0/24: a directory with its swanctl.conf
     * and credentials, which the harness installs (with the CA's certificate: it looks for a line
     * {@code auth = pubkey}).
     */
    Path certificateSwanConfig(String role, String address, String id, String localTs, String espProposals, TestPki pki,
                               String cert, String keyType, String gwFqdn) {
        String conf = connection(List.of("version = 1", "aggressive = no", "send_cert = always"), address, localTs, espProposals, """
                    local {
                        auth = pubkey
                        certs = %s.pem
                        id = %s
                    }
                    remote {
                        auth = pubkey
                        id = %s
                        cacerts = ca.pem
                    }""".formatted(cert, id, gwFqdn));
        try {
            Path dir = h.stateDir().resolve(tag + "-conf").resolve(role + "-" + cert);
            h.run(List.of("rm", "-rf", dir.toString()), Map.of(), 10).orThrow();
            Path keys = dir.resolve(keyType.equals("ecdsa") ? "ecdsa" : "private");
            Files.createDirectories(dir.resolve("x509"));
            Files.createDirectories(keys);
            Files.copy(pki.file(cert + ".pem"), dir.resolve("x509").resolve(cert + ".pem"));
            Files.copy(pki.file(cert + ".key"), keys.resolve(cert + ".key"));
            Files.writeString(dir.resolve("swanctl.conf"), conf);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Connection {@code gw} to gw-a: {@code auth} is its local and remote sections; children net ({@code localTs}) and foreign. */
    private static String connection(List<String> options, String address, String localTs, String espProposals, String auth) {
        return """
            connections {
                gw {
                    %s
                    local_addrs = %s
                    remote_addrs = 192.0.2.1
                    proposals = aes256-sha256-modp2048
                    encap = yes
                    dpd_delay = 0s
            %s
                    children {
                        net {
                            local_ts = %s
                            remote_ts = 198.18.1.0/24
                            esp_proposals = %s
                            mode = tunnel
                            start_action = none
                            dpd_action = clear
                        }
                        foreign {
                            local_ts = %s
                            remote_ts = 198.18.1.0/24
                            esp_proposals = %s
                            mode = tunnel
                            start_action = none
                        }
                    }
                }
            }
            """.formatted(String.join("\n        ", options), address, auth, localTs, espProposals, FOREIGN_TS, espProposals);
    }

    /** Runs {@code command} (in the root namespace: {@code ip -n ...}, {@code ip netns exec ...}); fails the test if it fails. */
    private void ns(String... command) {
        h.run(List.of(command), Map.of(), 20).orThrow();
    }

    /** The branches' namespaces, each joined to gw-a by its own link (the harness made gw-a and gw-b). */
    void create() {
        branch("br3", "203.0.113.1", "203.0.113.2", "198.18.3.1");
        branch("br4", "203.0.113.9", "203.0.113.10", "198.18.4.1");
        // br5 behind a port-randomising NAT (nat5, public 203.0.113.18), its own address 198.51.100.2.
        branch("nat5", "203.0.113.17", "203.0.113.18", null);
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
        String table = tag + "_nat";
        ns("ip", "netns", "exec", h.ns("nat5"), "nft", "add table ip " + table + "; add chain ip " + table + " post { type nat hook"
                + " postrouting priority srcnat; policy accept; }; add rule ip " + table + " post oifname wan ip saddr 198.51.100.0/24"
                + " masquerade random");
    }

    /**
     * br3's address on its link to gw-a becomes {@code address} (in 203.0.113.0/29) whatever it
     * was: a new lease (203.0.113.2 at first; a test that moved it leaves it moved).
     */
    void br3At(String address) {
        ns("ip", "-n", h.ns("br3"), "addr", "flush", "dev", "wan");
        ns("ip", "-n", h.ns("br3"), "addr", "add", address + "/29", "dev", "wan");
        ns("ip", "-n", h.ns("br3"), "route", "replace", "192.0.2.0/24", "via", "203.0.113.1");   // went with the old address
    }

    /** Deletes the namespaces {@link #create} made (whatever part of them exists). */
    void remove() {
        for (String role : NAMESPACES) {
            h.run(List.of("ip", "netns", "del", h.ns(role)), Map.of(), 20);
        }
    }

    /**
     * A namespace joined to gw-a by link {@code role}: gw-a's end is {@code gwEnd}, the namespace's
     * is {@code address}; {@code lanAddress} (null: none) on its loopback stands for its protected network.
     */
    private void branch(String role, String gwEnd, String address, String lanAddress) {
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

    /** Three pings from {@code role}'s namespace, from {@code source}, to {@code to}. */
    Ping pingFrom(String role, String source, String to) {
        return Ping.parse(h.inNs(role, 20, "ping", "-c", "3", "-i", "0.3", "-W", "2", "-I", source, to).stdout());
    }

    /** Three pings from {@code role}'s namespace to {@code to}. */
    Ping pingFrom(String role, String to) {
        return Ping.parse(h.inNs(role, 20, "ping", "-c", "3", "-i", "0.3", "-W", "2", to).stdout());
    }
}
