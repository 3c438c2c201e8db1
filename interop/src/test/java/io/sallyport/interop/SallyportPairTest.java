package io.sallyport.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Sallyport on both gateways (no strongSwan): raw ESP, udp-encapsulate on port 4565, manual SAs. */
@Tag("interop")
class SallyportPairTest {

    @RegisterExtension
    static final Testbed BED = new Testbed("sp3-", Harness.Topology.DIRECT);
    /** Plain ESP through the raw sockets instead of AF_XDP (the packet taps of the daemon's wan see its ESP). */
    private static final String RAW_SOCKETS = "-Dsallyport.esp.af-xdp=false";

    private final Harness h = BED.harness();

    @AfterEach
    void stop() {
        BED.stopDaemons();
    }

    private void awaitMatured(SallyportDaemon d) {
        boolean up = Testbed.await(Duration.ofSeconds(30), () -> d.cli("show services ipsec-vpn ike security-associations")
            .lines().anyMatch(l -> l.startsWith("192.0.2.2") && l.contains("Matured")));
        assertTrue(up, "gw-a's IKE SA with 192.0.2.2 not Matured within 30 s:\n" + d.cli("show services ipsec-vpn ike security-associations"));
    }

    /**
     * Waits until gw-a's IKE SA with gw-b is Matured and both daemons hold the same SA pair.
     * Matured says only that gw-a has finished IKE_AUTH, or in IKEv1 main mode, after which quick
     * mode still negotiates the IPsec SA; the first pings need the pair installed at both ends.
     */
    private void awaitTunnel(SallyportDaemon a, SallyportDaemon b) {
        awaitMatured(a);
        a.awaitSaPairWith(b);
    }

    private Capture pingBothWaysCaptured() {
        h.captureStart("gw-b", "wan");
        Ping ab = h.ping("host-a", "198.18.2.10", 5, 0.2);
        Ping ba = h.ping("host-b", "198.18.1.10", 5, 0.2);
        Capture c = h.captureStop("gw-b", "wan");
        System.out.println("evidence: a->b " + ab + "; b->a " + ba + "; " + c);
        assertTrue(ab.allAnswered(), "host-a -> host-b: " + ab.output());
        assertTrue(ba.allAnswered(), "host-b -> host-a: " + ba.output());
        assertEquals(0, c.plainInner(), "nothing of the protected subnets in clear: " + c);
        return c;
    }

    private int count(Capture c, String filter) {
        return (int) h.run(List.of("tcpdump", "-nr", c.pcap(), filter), Map.of(), 30).stdout().lines().count();
    }

    /**
     * gw-a sends and receives plain ESP through AF_XDP (the default), gw-b through its raw sockets:
     * the frames gw-a's AF_XDP socket sends are what gw-b's kernel takes, and the other way round.
     * An XDP program that takes ESP sits before the packet taps, so the capture on gw-b's wan sees
     * ESP only while gw-b has none; the IKEv1 pair tests run both with AF_XDP.
     */
    @Test
    void dynamicIkeWithoutNatUsesPlainEsp() {
        SallyportDaemon a = BED.daemon("gw-a", "pair-a", GatewayConfig.gwA().render());
        SallyportDaemon b = BED.daemon("gw-b", "pair-b", GatewayConfig.gwB().render(), RAW_SOCKETS);
        awaitTunnel(a, b);
        Capture c = pingBothWaysCaptured();
        assertTrue(c.rawEsp() >= 20, "plain ESP (IP protocol 50): " + c);
        String pathA = a.cli("show services service-sets").replaceAll("\\s+", " ");
        String pathB = b.cli("show services service-sets").replaceAll("\\s+", " ");
        System.out.println("evidence: gw-a " + pathA.replaceAll(".*(raw ESP over IPv4 on [^;]*).*", "$1"));
        assertTrue(pathA.contains("through AF_XDP on wan"), pathA);
        assertTrue(pathB.contains("AF_XDP: off"), pathB);
        assertEquals(0, c.espInUdp(), "no NAT, no UDP encapsulation: " + c);
        for (Map.Entry<String, SallyportDaemon> e : Map.of("gw-a", a, "gw-b", b).entrySet()) {
            SallyportDaemon d = e.getValue();
            String sets = d.cli("show services service-sets").replaceAll("\\s+", " ");
            if (sets.contains("read queues with a device worker each")) {
                // Several device workers: the steering table sent every packet to its tunnel's worker.
                String drops = d.cli("show services ipsec-vpn drops");
                System.out.println("evidence: " + e.getKey() + " has several device workers; handed between them: "
                    + drops.contains("Handed to the device worker"));
                assertFalse(drops.contains("Handed to the device worker"), "nothing handed between device workers:\n" + drops);
            }
        }
    }

    /**
     * The outer IPv4 header of plain ESP is the SA's: gw-a's term sets TTL 37, ToS 40 and DF; gw-b
     * keeps the defaults (TTL 64, ToS 0, DF clear, which the kernel's own header would have set).
     */
    @Test
    void outerHeaderCarriesTheTermsTtlTosAndDf() {
        String config = GatewayConfig.gwA().render();
        String term = "remote-gateway 192.0.2.2; ";
        assertTrue(config.contains(term), config);
        SallyportDaemon a = BED.daemon("gw-a", "outer-a",
            config.replace(term, term + "ttl 37; tos 40; set-dont-fragment-bit; "));
        // gw-a's ESP leaves through AF_XDP; gw-b's raw sockets leave its wan's packet taps the ESP.
        SallyportDaemon b = BED.daemon("gw-b", "outer-b", GatewayConfig.gwB().render(), RAW_SOCKETS);
        awaitTunnel(a, b);
        Capture c = pingBothWaysCaptured();
        int fromA = count(c, "src host 192.0.2.1 and ip proto 50");
        int fromAAsSet = count(c, "src host 192.0.2.1 and ip proto 50 and ip[8] = 37 and ip[1] = 40 and ip[6] & 0x40 != 0");
        int fromB = count(c, "src host 192.0.2.2 and ip proto 50");
        int fromBDefaults = count(c, "src host 192.0.2.2 and ip proto 50 and ip[8] = 64 and ip[1] = 0 and ip[6] & 0x40 = 0");
        System.out.println("evidence: gw-a ESP " + fromA + ", with TTL 37, ToS 40, DF " + fromAAsSet
            + "; gw-b ESP " + fromB + ", with TTL 64, ToS 0, no DF " + fromBDefaults);
        assertTrue(fromA >= 10, c.toString());
        assertEquals(fromA, fromAAsSet, "every ESP packet from gw-a carries its term's TTL, ToS and DF");
        assertTrue(fromB >= 10, c.toString());
        assertEquals(fromB, fromBDefaults, "every ESP packet from gw-b carries the defaults");
    }

    /**
     * ESP in UDP ({@code udp-encapsulate 4565}, sent in UDP GSO batches) carries the SA's outer
     * header too: gw-a's term sets TTL 37, ToS 40 and DF; gw-b's copies TTL, ToS and DF from the
     * inner packet, so host-b's two kinds of ping (TTL 50, ToS 0x20, DF; TTL 40, ToS 0x48, no DF)
     * leave gw-b in ESP with two outer headers ten TTL apart, never mixed within a batch.
     */
    @Test
    void udpEncapsulateOuterHeaderCarriesTheTermsTtlTosAndDf() {
        String configA = GatewayConfig.gwA().withUdpEncapsulate(4565).render();
        String configB = GatewayConfig.gwB().withUdpEncapsulate(4565).render();
        String termA = "remote-gateway 192.0.2.2; ";
        String termB = "remote-gateway 192.0.2.1; ";
        assertTrue(configA.contains(termA) && configB.contains(termB), configA + configB);
        SallyportDaemon a = BED.daemon("gw-a", "udpouter-a", configA.replace(termA, termA + "ttl 37; tos 40; set-dont-fragment-bit; "));
        SallyportDaemon b = BED.daemon("gw-b", "udpouter-b", configB.replace(termB, termB
            + "copy-ttl-from-inner-ip-header; copy-tos-from-inner-ip-header; copy-dont-fragment-bit; "));
        awaitTunnel(a, b);
        h.captureStart("gw-b", "wan");
        Ping ab = h.ping("host-a", "198.18.2.10", 5, 0.2);
        Harness.Result df = h.inNs("host-b", 20, "ping", "-n", "-c", "5", "-i", "0.2", "-t", "50", "-Q", "0x20", "-M", "do",
            "198.18.1.10");
        Harness.Result noDf = h.inNs("host-b", 20, "ping", "-n", "-c", "5", "-i", "0.2", "-t", "40", "-Q", "0x48", "-M",
            "dont", "198.18.1.10");
        Capture c = h.captureStop("gw-b", "wan");
        assertTrue(ab.allAnswered(), ab.output());
        assertTrue(df.ok() && df.stdout().contains(" 0% packet loss"), df.stdout() + df.stderr());
        assertTrue(noDf.ok() && noDf.stdout().contains(" 0% packet loss"), noDf.stdout() + noDf.stderr());
        int fromA = count(c, "src host 192.0.2.1 and udp dst port 4565");
        int fromAAsSet = count(c, "src host 192.0.2.1 and udp dst port 4565 and ip[8] = 37 and ip[1] = 40 and ip[6] & 0x40 != 0");
        // gw-b's headers, as tcpdump prints them: (tos 0x20, ttl N, ..., flags [DF], ...)
        List<String> fromB = h.run(List.of("tcpdump", "-vnr", c.pcap(), "src host 192.0.2.2 and udp dst port 4565"),
                Map.of(), 30).stdout().lines().filter(l -> l.contains("proto UDP"))
            .map(l -> l.replaceAll(".*\\(tos (0x[0-9a-f]+), ttl (\\d+), .*flags \\[([^]]*)\\].*", "$1 $2 $3")).toList();
        System.out.println("evidence: gw-a ESP in UDP " + fromA + ", with TTL 37, ToS 40, DF " + fromAAsSet
            + "; gw-b's outer headers (tos ttl flags): " + new java.util.TreeMap<>(fromB.stream().collect(
                java.util.stream.Collectors.groupingBy(x -> x, java.util.stream.Collectors.counting()))));
        assertTrue(fromA >= 15, c.toString());
        assertEquals(fromA, fromAAsSet, "every ESP-in-UDP packet from gw-a carries its term's TTL, ToS and DF");
        List<String> withDf = fromB.stream().filter(x -> x.startsWith("0x20 ") && x.endsWith(" DF")).toList();
        List<String> withoutDf = fromB.stream().filter(x -> x.startsWith("0x48 ") && x.endsWith(" none")).toList();
        assertEquals(5, withDf.size(), "host-b's DF pings, ToS and DF copied: " + fromB);
        assertEquals(5, withoutDf.size(), "host-b's other pings, ToS copied, no DF: " + fromB);
        assertEquals(5, fromB.stream().filter(x -> x.startsWith("0x0 ")).count(), "the replies to host-a's pings: " + fromB);
        assertEquals(15, fromB.size(), fromB.toString());
        int ttlDf = Integer.parseInt(withDf.getFirst().split(" ")[1]);
        int ttlOther = Integer.parseInt(withoutDf.getFirst().split(" ")[1]);
        assertEquals(10, ttlDf - ttlOther, "TTL copied from each inner packet: " + fromB);
        assertTrue(withDf.stream().allMatch(x -> x.equals(withDf.getFirst())) && withoutDf.stream().allMatch(x -> x.equals(withoutDf.getFirst())),
            fromB.toString());
    }

    /** Both gateways' policies without {@code version 2} (IKEv1), in main mode or with {@code mode aggressive}. */
    private static String ikev1(GatewayConfig c, boolean aggressive) {
        String text = c.render();
        assertTrue(text.contains("version 2; "), text);
        return text.replace("version 2; ", aggressive ? "mode aggressive; " : "");
    }

    private void ikev1Pair(boolean aggressive, String exchangeType) {
        String tag = aggressive ? "v1agg" : "v1main";
        SallyportDaemon a = BED.daemon("gw-a", tag + "-a", ikev1(GatewayConfig.gwA(), aggressive));
        SallyportDaemon b = BED.daemon("gw-b", tag + "-b", ikev1(GatewayConfig.gwB().withEstablish("responder-only"), aggressive));
        awaitTunnel(a, b);
        pingBothWaysCaptured();
        String showA = a.cli("show services ipsec-vpn ike security-associations");
        String showB = b.cli("show services ipsec-vpn ike security-associations detail");
        System.out.println("evidence:\n" + showA + showB);
        assertTrue(showA.lines().anyMatch(l -> l.startsWith("192.0.2.2") && l.contains("Matured") && l.trim().endsWith(exchangeType)), showA);
        assertTrue(showB.contains("Role: Responder, State: Matured") && showB.contains("Exchange type: " + exchangeType), showB);
    }

    @Test
    void ikev1MainModeBetweenTwoSallyports() {
        ikev1Pair(false, "Main");
    }

    @Test
    void ikev1AggressiveModeBetweenTwoSallyports() {
        ikev1Pair(true, "Aggressive");
    }

    /**
     * A host that refuses bpf(2) (gw-a's daemon runs without CAP_BPF and CAP_SYS_ADMIN) gets inside
     * devices of one queue, whose worker writes what the inbound workers hand it, and plain ESP on
     * the raw sockets instead of AF_XDP: traffic still flows both ways, and the log and the
     * {@code Data path:} line say which path is in use and why.
     */
    @Test
    void aHostRefusingBpfGetsOneQueuePerDeviceAndTheHandoff() {
        SallyportDaemon a = BED.daemonWithout("gw-a", "nobpf-a", GatewayConfig.gwA().render(), "bpf", "sys_admin");
        // gw-b on its raw sockets, so its wan's packet taps see the ESP of both.
        SallyportDaemon b = BED.daemon("gw-b", "nobpf-b", GatewayConfig.gwB().render(), RAW_SOCKETS);
        awaitTunnel(a, b);
        Capture c = pingBothWaysCaptured();
        assertTrue(c.rawEsp() >= 20, "plain ESP both ways: " + c);
        String sets = a.cli("show services service-sets").replaceAll("\\s+", " ");
        System.out.println("evidence: gw-a " + sets);
        assertTrue(sets.contains("TUN: one queue per inside device") && sets.contains("the host refused a steered multi-queue device"),
            "the Data path line names the single-queue device and the refusal:\n" + sets);
        // Nor AF_XDP (the XDP program needs bpf(2)): the raw sockets, and the line says why.
        assertTrue(sets.contains("AF_XDP: not on 192.0.2.1 (the host refused it:"), "the Data path line names the AF_XDP refusal:\n" + sets);
        assertTrue(a.log().contains("the host refused a steered multi-queue device"), "the log says so:\n" + a.log());
    }

    /**
     * The packaged unit's privileges run the eBPF paths: gw-a's daemon starts with exactly the
     * capability sets, memory-lock limit and no-new-privileges flag that packaging/sallyport.service
     * gives it (read from the file, so a change there changes this test: setpriv(1) for the sets,
     * prlimit(1) for the limit, systemd's default of 8 MiB where the unit sets none), and its
     * {@code Data path:} line names the steered multi-queue devices and AF_XDP; pings pass. systemd
     * is not what runs here (no systemd as PID 1), so {@code systemd-analyze verify} checks the
     * file itself.
     */
    @Test
    void thePackagedUnitsPrivilegesRunTheEbpfPaths() throws java.io.IOException {
        java.nio.file.Path unit = Testbed.repoRoot().resolve("packaging/sallyport.service");
        Harness.Result verify = h.run(List.of("systemd-analyze", "verify", unit.toString()), Map.of(), 30);
        assertTrue(verify.ok() && verify.stderr().isBlank(), "systemd-analyze verify: " + verify.stdout() + verify.stderr());
        List<String> lines = java.nio.file.Files.readAllLines(unit);
        List<String> bounding = unitCapabilities(lines, "CapabilityBoundingSet");
        List<String> ambient = unitCapabilities(lines, "AmbientCapabilities");
        String memlock = lines.stream().filter(l -> l.startsWith("LimitMEMLOCK=")).map(l -> l.substring(13).trim())
            .reduce((first, last) -> last).orElse("8M");
        List<String> wrapper = new java.util.ArrayList<>(List.of("prlimit", "--memlock=" + bytes(memlock) + ":" + bytes(memlock),
            "setpriv", "--bounding-set=-all" + plus(bounding), "--inh-caps=-all" + plus(ambient), "--ambient-caps=-all" + plus(ambient)));
        if (lines.contains("NoNewPrivileges=yes")) wrapper.add("--no-new-privs");
        System.out.println("evidence: the unit's privileges: " + String.join(" ", wrapper));

        SallyportDaemon a = BED.daemonWrapped("gw-a", "unit-a", GatewayConfig.gwA().render(), wrapper);
        SallyportDaemon b = BED.daemon("gw-b", "unit-b", GatewayConfig.gwB().render(), RAW_SOCKETS);
        String status = h.run(List.of("grep", "-E", "^(Cap(Bnd|Amb)|NoNewPrivs)", "/proc/" + a.pid() + "/status"), Map.of(), 10).stdout()
            + h.run(List.of("prlimit", "--memlock", "--pid", Long.toString(a.pid())), Map.of(), 10).stdout();
        System.out.println("evidence: gw-a's daemon runs with\n" + status);
        awaitTunnel(a, b);
        Capture c = pingBothWaysCaptured();
        assertTrue(c.rawEsp() >= 20, "plain ESP: " + c);
        String sets = a.cli("show services service-sets").replaceAll("\\s+", " ");
        System.out.println("evidence: gw-a " + sets);
        assertTrue(sets.contains("TUN: multi-queue per inside device") && !sets.contains("the host refused"),
            "steered TUN queues, nothing refused:\n" + sets + "\n" + a.log());
        assertTrue(sets.contains("through AF_XDP on wan"), "AF_XDP:\n" + sets + "\n" + a.log());
    }

    /** The capabilities a unit's KEY lines name, as setpriv spells them (lower case, no CAP_). */
    private static List<String> unitCapabilities(List<String> unit, String key) {
        List<String> caps = unit.stream().filter(l -> l.startsWith(key + "="))
            .flatMap(l -> java.util.Arrays.stream(l.substring(key.length() + 1).trim().split("\\s+")))
            .map(c -> c.toLowerCase(java.util.Locale.ROOT).replaceFirst("^cap_", "")).toList();
        assertFalse(caps.isEmpty(), "the unit sets " + key);
        return caps;
    }

    private static String plus(List<String> caps) {
        return caps.stream().map(c -> ",+" + c).reduce("", String::concat);
    }

    /** A systemd size (K, M, G, T: powers of 1024; infinity) as prlimit takes it. */
    private static String bytes(String size) {
        if (size.equals("infinity")) return "unlimited";
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)([KMGT]?)").matcher(size);
        assertTrue(m.matches(), "LimitMEMLOCK=" + size);
        return Long.toString(Long.parseLong(m.group(1)) << (10 * " KMGT".indexOf(m.group(2).isEmpty() ? " " : m.group(2))));
    }

    @Test
    void udpEncapsulateOnPort4565() {
        SallyportDaemon a = BED.daemon("gw-a", "udp-a", GatewayConfig.gwA().withUdpEncapsulate(4565).render());
        SallyportDaemon b = BED.daemon("gw-b", "udp-b", GatewayConfig.gwB().withUdpEncapsulate(4565).render());
        awaitTunnel(a, b);
        Capture c = pingBothWaysCaptured();
        int udp4565 = count(c, "udp port 4565");
        System.out.println("evidence: udp port 4565 packets: " + udp4565);
        assertTrue(udp4565 >= 20, "ESP in UDP to port 4565: " + udp4565 + "; " + c);
        assertEquals(0, c.rawEsp(), c.toString());
        assertEquals(0, c.espInUdp(), "nothing on 4500 for data: " + c);
        // Several inner flows (ping to two hosts, TCP to six ports) leave from several source ports.
        h.captureStart("gw-b", "wan");
        h.ping("host-a", "198.18.2.10", 2, 0.2);
        h.ping("host-a", "198.18.2.1", 2, 0.2);
        for (int port = 5001; port <= 5006; port++) {
            h.inNs("host-a", 5, "timeout", "1", "bash", "-c", "echo > /dev/tcp/198.18.2.10/" + port);
        }
        Capture flows = h.captureStop("gw-b", "wan");
        List<String> sourcePorts = h.run(List.of("tcpdump", "-nr", flows.pcap(), "src host 192.0.2.1 and udp dst port 4565"),
                Map.of(), 30).stdout().lines()
            .map(l -> l.replaceAll(".* 192\\.0\\.2\\.1\\.(\\d+) > .*", "$1")).distinct().toList();
        System.out.println("evidence: udp-encapsulate source ports from gw-a: " + sourcePorts);
        assertTrue(sourcePorts.size() >= 2, "inner flows spread over source ports: " + sourcePorts);
    }

    @Test
    void manualSaTunnel() {
        SallyportDaemon a = BED.daemon("gw-a", "manual-a", GatewayConfig.gwA().withManualSa().render());
        BED.daemon("gw-b", "manual-b", GatewayConfig.gwB().withManualSa().render(), RAW_SOCKETS);
        String show = a.cli("show services ipsec-vpn ipsec security-associations");
        System.out.println("evidence:\n" + show);
        assertTrue(show.lines().anyMatch(l -> l.contains("1000") && l.contains("manual")), show);
        Capture c = pingBothWaysCaptured();
        assertTrue(c.rawEsp() >= 20, "manual SA without udp-encapsulate: plain ESP: " + c);
        assertEquals(0, c.ikeUdp500() + c.ikeUdp4500(), "no IKE for manual SAs: " + c);
    }
}
