package io.sallyport.interop;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sallyport.gateway.routing.FrrDaemons;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Reference §5.2's four routers, re-addressed to documentation ranges: R1 (host-a) — R2 (gw-a,
 * Sallyport) ==IPsec== R3 (gw-b, Sallyport) — R4 (host-b). OSPF everywhere except the underlay
 * between R2 and R3, so R1 and R4 can reach each other only over routes OSPF learned across the
 * tunnel (the harness's default routes on R1 and R4 are removed). R1 and R4 run plain FRR; R2 and
 * R3 run the FRR Sallyport starts for their {@code protocols ospf}.
 *
 * <p>It was tagged {@code unstable} after 1 failure in 5 runs: R2's outbound worker counted
 * "No SA" and one invalid SPI. Two causes were found. The responder (R3) sends ESP as soon as it
 * answers IKE_AUTH; R2's receiving worker can see it before R2's install reaches it, and the
 * control agent then told R3 INVALID_SPI for an SPI it had meanwhile installed, so R3 deleted a
 * good SA and the tunnel had to be negotiated again (now an SPI installed by then is not reported:
 * lab {@code FidelityTest.espThatOvertakesItsOwnSaInstallIsNotReportedAsInvalidSpi}). The recorded
 * failure itself (the SA pair shown installed on both sides while R2 still had none) was not
 * reproduced; this race is the only path to it that was found. And the test waited only for R1's
 * routes while R4's way back could come a moment later (one failure in 7 later runs: pings lost);
 * it now waits for every router's routes both ways.
 */
@Tag("interop")
class OspfAcrossTunnelTest {

    @RegisterExtension
    static final Testbed BED = new Testbed("ospf1-", Harness.Topology.DIRECT);

    private static final Duration CONVERGE = Duration.ofSeconds(90);
    private final Harness h = BED.harness();
    private final List<Path> plainFrr = new ArrayList<>();

    @AfterEach
    void stop() {
        BED.stopDaemons();
        cleanUp(h, plainFrr);
    }

    /** Stops the plain FRR of R1 and R4 and removes the run directories of every FRR (a failed run printed ospfd's log). */
    static void cleanUp(Harness h, List<Path> plainFrr) {
        for (Path dir : plainFrr) {
            for (String daemon : List.of("ospfd", "zebra")) {
                Path pid = dir.resolve(daemon + ".pid");
                if (Files.exists(pid)) h.run(List.of("kill", readPid(pid)), Map.of(), 10);
            }
        }
        plainFrr.forEach(dir -> h.run(List.of("rm", "-rf", dir.toString()), Map.of(), 10));
        for (String name : List.of("ospf-r2", "ospf-r3")) {
            Path run = FrrDaemons.runDirectory(h.stateDir().resolve("sallyport-" + name));
            h.run(List.of("rm", "-rf", run.toString()), Map.of(), 10);
        }
    }

    /** Reference §5.2's four routers on BED's namespaces: plain FRR on R1 and R4, Sallyport (R2 initiating) on R2 and R3. */
    static List<SallyportDaemon> fourRouters(Testbed bed, List<Path> plainFrr) {
        Harness h = bed.harness();
        h.inNs("host-a", 10, "ip", "route", "del", "default").orThrow();
        h.inNs("host-b", 10, "ip", "route", "del", "default").orThrow();
        h.inNs("host-a", 10, "ip", "addr", "add", "198.18.99.1/32", "dev", "lo").orThrow();
        h.inNs("host-b", 10, "ip", "addr", "add", "198.18.99.4/32", "dev", "lo").orThrow();
        h.inNs("gw-a", 10, "ip", "addr", "add", "198.18.99.2/32", "dev", "lo").orThrow();
        h.inNs("gw-b", 10, "ip", "addr", "add", "198.18.99.3/32", "dev", "lo").orThrow();
        startPlainFrr(h, plainFrr, "host-a", "198.18.99.1");
        startPlainFrr(h, plainFrr, "host-b", "198.18.99.4");
        return List.of(bed.daemon("gw-a", "ospf-r2", router("r2", "192.0.2.1", "192.0.2.2", "198.18.1.1/24",
                "198.18.15.1/30", "198.18.99.2", "immediately")),
            bed.daemon("gw-b", "ospf-r3", router("r3", "192.0.2.2", "192.0.2.1", "198.18.2.1/24",
                "198.18.15.2/30", "198.18.99.3", "responder-only")));
    }

    /** Every router on the path has OSPF routes to the far LAN and loopback, both ways. */
    static boolean learnedEverywhere(Harness h) {
        return learned(h, "host-a", "198.18.2.0/24", "198.18.99.4") && learned(h, "gw-a", "198.18.2.0/24", "198.18.99.4")
            && learned(h, "gw-b", "198.18.1.0/24", "198.18.99.1") && learned(h, "host-b", "198.18.1.0/24", "198.18.99.1");
    }

    @Test
    void r1ReachesR4OverRoutesOspfLearnedAcrossTheTunnel() {
        List<SallyportDaemon> routers = fourRouters(BED, plainFrr);
        SallyportDaemon r2 = routers.get(0);
        SallyportDaemon r3 = routers.get(1);

        long start = System.nanoTime();
        // Every router on the path, both ways: R4's route back to R1 may come a moment after R1's.
        boolean learned = Testbed.await(CONVERGE, () -> learnedEverywhere(h));
        String r1Routes = h.inNs("host-a", 10, "ip", "route").stdout();
        String r2Routes = h.inNs("gw-a", 10, "ip", "route").stdout();
        String tunLink = h.inNs("gw-a", 10, "ip", "link", "show", "ms-0_0_0.1").stdout();
        System.out.println("evidence: converged " + learned + " after " + (System.nanoTime() - start) / 1_000_000
            + " ms\n--- R1 ip route\n" + r1Routes + "--- R2 ip route\n" + r2Routes + "--- R2 TUN\n" + tunLink
            + "--- R2 neighbors\n" + vtysh("gw-a", FrrDaemons.runDirectory(stateDir(r2)), "show ip ospf neighbor"));
        if (!learned) {
            for (String role : List.of("gw-a", "gw-b")) {
                SallyportDaemon d = role.equals("gw-a") ? r2 : r3;
                System.out.println("--- " + role + " TUN\n" + h.inNs(role, 10, "ip", "-s", "link", "show", "ms-0_0_0.1").stdout()
                    + vtysh(role, FrrDaemons.runDirectory(stateDir(d)), "show ip ospf interface ms-0_0_0.1")
                    + d.cli("show services ipsec-vpn ipsec security-associations detail")
                    + d.cli("show services ipsec-vpn ike security-associations")
                    + d.cli("show services ipsec-vpn ipsec statistics") + d.cli("show services ipsec-vpn drops")
                    + h.run(List.of("tail", "-n", "30", FrrDaemons.runDirectory(stateDir(d)).resolve("ospfd.log").toString()),
                        Map.of(), 10).stdout());
            }
        }
        assertTrue(learned, "R1 learned no OSPF route to R4's networks within " + CONVERGE + ":\n" + r1Routes
            + "\nR2:\n" + r2Routes);
        assertTrue(tunLink.contains("MULTICAST"), "the TUN device carries MULTICAST: " + tunLink);
        assertTrue(r1Routes.lines().anyMatch(l -> l.startsWith("198.18.2.0/24") && l.contains("proto ospf")), r1Routes);
        assertTrue(r2Routes.lines().anyMatch(l -> l.startsWith("198.18.2.0/24") && l.contains("dev ms-0_0_0.1")
            && l.contains("proto ospf")), "R2 routes R4's network into the tunnel, learned by OSPF:\n" + r2Routes);

        // The Junos show commands, from the FRR the daemon runs.
        String neighbors = r2.cli("show ospf neighbor");
        String interfaces = r2.cli("show ospf interface");
        String ospfRoutes = r2.cli("show route protocol ospf");
        String allRoutes = r2.cli("show route");
        String neighborsXml = r2.cli("show ospf neighbor | display xml");
        System.out.println("evidence: R2 show ospf neighbor\n" + neighbors + "--- show ospf interface\n" + interfaces
            + "--- show route protocol ospf" + ospfRoutes + "--- show route" + allRoutes);
        assertTrue(neighbors.startsWith("Address          Interface              State     ID               Pri  Dead\n"), neighbors);
        assertTrue(neighbors.lines().anyMatch(l -> l.startsWith("198.18.15.2 ") && l.contains(" ms-0/0/0.1 ")
            && l.contains(" Full ") && l.contains(" 198.18.99.3 ")), "R3 is R2's full neighbour across the tunnel:\n" + neighbors);
        assertTrue(neighbors.lines().anyMatch(l -> l.contains(" ge-0/0/1.0 ") && l.contains(" Full ") && l.contains(" 198.18.99.1 ")),
            "R1 is R2's full neighbour on ge-0/0/1.0:\n" + neighbors);
        assertTrue(interfaces.lines().anyMatch(l -> l.startsWith("ms-0/0/0.1 ") && l.contains(" PtToPt ")), interfaces);
        assertTrue(interfaces.lines().anyMatch(l -> l.startsWith("lo0.0 ")), interfaces);
        assertTrue(ospfRoutes.contains("\ninet.0: "), ospfRoutes);
        assertTrue(ospfRoutes.lines().anyMatch(l -> l.startsWith("198.18.2.0/24 ") && l.contains("*[OSPF/10]")), ospfRoutes);
        assertTrue(ospfRoutes.contains("via ms-0/0/0.1\n"), ospfRoutes);
        assertTrue(ospfRoutes.lines().noneMatch(l -> l.contains("[Direct/0]") || l.contains("[Local/0]")), ospfRoutes);
        // The whole main table: the interfaces' networks and addresses beside what OSPF learned.
        assertTrue(allRoutes.lines().anyMatch(l -> l.contains("*[Direct/0]")) && allRoutes.lines().anyMatch(l -> l.contains("*[Local/0]"))
            && allRoutes.lines().anyMatch(l -> l.startsWith("198.18.2.0/24 ") && l.contains("*[OSPF/10]")), allRoutes);
        assertTrue(neighborsXml.contains("<ospf-neighbor-state>Full</ospf-neighbor-state>"), neighborsXml);

        Ping toR4 = h.ping("host-a", "198.18.2.10", 5, 0.2);
        Ping toR4Loopback = h.ping("host-a", "198.18.99.4", 3, 0.2);
        Ping toR1 = h.ping("host-b", "198.18.1.10", 5, 0.2);
        System.out.println("evidence: R1->R4 " + toR4 + "; R1->R4 lo " + toR4Loopback + "; R4->R1 " + toR1);
        assertTrue(toR4.allAnswered(), toR4.output());
        assertTrue(toR4Loopback.allAnswered(), toR4Loopback.output());
        assertTrue(toR1.allAnswered(), toR1.output());
        String esp = r2.cli("show services ipsec-vpn ipsec statistics");
        System.out.println("evidence: R2 " + esp);

        // Shutdown stops the FRR the daemon started, and with it the routes it learned.
        List<String> frrPids = frrPids(stateDir(r2));
        assertFalse(frrPids.isEmpty());
        r2.close();
        r3.close();
        for (String pid : frrPids) assertFalse(Files.exists(Path.of("/proc", pid)), "FRR process " + pid + " outlived the daemon");
        assertFalse(h.inNs("gw-a", 10, "ip", "route").stdout().contains("proto ospf"), "zebra withdrew its routes");
    }

    /** Whether ROLE's kernel has OSPF routes to the far LAN and the far router's loopback. */
    static boolean learned(Harness h, String role, String lan, String loopback) {
        List<String> routes = h.inNs(role, 10, "ip", "route").stdout().lines().toList();
        return routes.stream().anyMatch(l -> l.startsWith(lan + " ") && l.contains("proto ospf"))
            && routes.stream().anyMatch(l -> l.startsWith(loopback + " ") && l.contains("proto ospf"));
    }

    /** R2 or R3: next-hop service set whose term is a link-type tunnel on ms-0/0/0.1, OSPF on it. */
    static String router(String name, String local, String remote, String lan, String tunnel, String loopback,
                                 String establish) {
        return """
            system { host-name %s; }
            interfaces {
                ge-0/0/0 { unit 0 { family inet { address %s/24; } } }
                ge-0/0/1 { unit 0 { family inet { address %s; } } }
                ms-0/0/0 {
                    unit 0 { family inet; }
                    unit 1 { family inet { address %s; } service-domain inside; }
                    unit 2 { family inet; service-domain outside; }
                }
                lo0 { unit 0 { family inet { address %s/32; } } }
            }
            routing-options { router-id %s; }
            protocols {
                ospf {
                    area 0.0.0.0 {
                        interface ge-0/0/1.0 { interface-type p2p; hello-interval 1; dead-interval 4; }
                        interface ms-0/0/0.1 { interface-type p2p; hello-interval 1; dead-interval 4; }
                        interface lo0.0 { passive; }
                    }
                }
            }
            services {
                service-set ss1 {
                    next-hop-service { inside-service-interface ms-0/0/0.1; outside-service-interface ms-0/0/0.2; }
                    ipsec-vpn-options { local-gateway %s; }
                    ipsec-vpn-rules r1;
                }
                ipsec-vpn {
                    rule r1 {
                        term t1 {
                            from { ipsec-inside-interface ms-0/0/0.1; }
                            then { remote-gateway %s; dynamic { ike-policy ike-pol; ipsec-policy ipsec-pol; } }
                        }
                        match-direction input;
                    }
                    ike {
                        proposal ike-prop { authentication-method pre-shared-keys; dh-group group14; authentication-algorithm sha-256; encryption-algorithm aes-256-cbc; }
                        policy ike-pol { version 2; proposals ike-prop; local-id ipv4_addr %s; remote-id ipv4_addr %s; pre-shared-key ascii-text "%s"; }
                    }
                    ipsec {
                        proposal esp-prop { protocol esp; encryption-algorithm aes-128-gcm; }
                        policy ipsec-pol { perfect-forward-secrecy { keys group14; } proposals esp-prop; }
                    }
                    establish-tunnels %s;
                    traceoptions { file kmd size 10m; flag all; level all; }
                }
            }
            """.formatted(name, local, lan, tunnel, loopback, loopback, local, remote, local, remote,
            GatewayConfig.PSK, establish);
    }

    /** R1 or R4: zebra and ospfd in ROLE's namespace, OSPF on eth0 and lo; their run directory goes in {@code started}. */
    static void startPlainFrr(Harness h, List<Path> started, String role, String loopback) {
        Path dir = Path.of("/run/sallyport-frr-test", h.ns(role));
        h.run(List.of("install", "-d", "-o", "frr", "-g", "frr", "-m", "700", dir.toString()), Map.of(), 10).orThrow();
        started.add(dir);
        try {
            Files.writeString(dir.resolve("zebra.conf"), "hostname " + role + "\n");
            Files.writeString(dir.resolve("ospfd.conf"), """
                hostname %s
                interface eth0
                 ip ospf area 0.0.0.0
                 ip ospf network point-to-point
                 ip ospf hello-interval 1
                 ip ospf dead-interval 4
                interface lo
                 ip ospf area 0.0.0.0 %s
                router ospf
                 ospf router-id %s
                 passive-interface lo
                """.formatted(role, loopback, loopback));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        for (String daemon : List.of("zebra", "ospfd")) {
            h.inNs(role, 30, FrrDaemons.BINARIES.resolve(daemon).toString(), "-d", "-u", "frr", "-g", "frr",
                "-f", dir.resolve(daemon + ".conf").toString(), "-i", dir.resolve(daemon + ".pid").toString(),
                "-z", dir.resolve("zserv.api").toString(), "--vty_socket", dir.toString(),
                "--log", "file:" + dir.resolve(daemon + ".log")).orThrow();
        }
    }

    private String vtysh(String role, Path vtyDir, String command) {
        Harness.Result r = h.inNs(role, 20, "vtysh", "--vty_socket", vtyDir.toString(), "-c", command);
        return r.stdout() + r.stderr();
    }

    private static Path stateDir(SallyportDaemon d) {
        return BED.harness().stateDir().resolve("sallyport-" + d.name());
    }

    private static List<String> frrPids(Path stateDir) {
        List<String> out = new ArrayList<>();
        for (String daemon : List.of("zebra", "ospfd")) {
            Path pid = FrrDaemons.runDirectory(stateDir).resolve(daemon + ".pid");
            if (Files.exists(pid)) out.add(readPid(pid));
        }
        return out;
    }

    private static String readPid(Path file) {
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
