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
        awaitMatured(a);
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
        BED.daemon("gw-b", "outer-b", GatewayConfig.gwB().render(), RAW_SOCKETS);
        awaitMatured(a);
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
        awaitMatured(a);
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

    @Test
    void udpEncapsulateOnPort4565() {
        SallyportDaemon a = BED.daemon("gw-a", "udp-a", GatewayConfig.gwA().withUdpEncapsulate(4565).render());
        BED.daemon("gw-b", "udp-b", GatewayConfig.gwB().withUdpEncapsulate(4565).render());
        awaitMatured(a);
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
