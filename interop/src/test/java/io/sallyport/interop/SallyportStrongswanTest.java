package io.sallyport.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Sallyport as gw-a against strongSwan 5.9.8 (kernel-libipsec, so ESP always in UDP 4500) as gw-b,
 * on the direct topology. One topology for the class; every test starts its own daemon and gw-b.
 */
@Tag("interop")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SallyportStrongswanTest {

    @RegisterExtension
    static final Testbed BED = new Testbed("sp1-", Harness.Topology.DIRECT);
    static final String HOST_A = "198.18.1.10";
    static final String HOST_B = "198.18.2.10";
    static final String SHOW_IKE = "show services ipsec-vpn ike security-associations";
    static final String SHOW_IPSEC = "show services ipsec-vpn ipsec security-associations";

    private final Harness h = BED.harness();

    @AfterEach
    void stop() {
        BED.stopDaemons();
    }

    private void startPeer(Map<String, String> env) {
        h.peerStart("gw-b", "ikev2-psk", env);
    }

    /** The tunnel is up at both ends: strongSwan's child INSTALLED, and D holds the same pair (traffic may flow). */
    private void assertTunnelUp(SallyportDaemon d) {
        h.waitSa("gw-b", 30).orThrow();
        SwanSas sas = h.rawSas("gw-b");
        assertTrue(sas.established(), "strongSwan IKE_SA not ESTABLISHED:\n" + sas.raw());
        assertEquals(1, sas.installedChildren().size(), "one CHILD_SA INSTALLED:\n" + sas.raw());
        assertTrue(sas.installedChildren().getFirst().encap(), "ESP in UDP");
        d.awaitSaPairOf(sas.installedChildren().getFirst());
    }

    private void assertPingsBothWays(int count) {
        Ping ab = h.ping("host-a", HOST_B, count, 0.2);
        assertTrue(ab.allAnswered(), "host-a -> host-b: " + ab.output());
        Ping ba = h.ping("host-b", HOST_A, count, 0.2);
        assertTrue(ba.allAnswered(), "host-b -> host-a: " + ba.output());
    }

    private static void assertOnlyEspInUdp(Capture c, int atLeast) {
        System.out.println("evidence: " + c);
        assertEquals(0, c.plainInner(), "no protected-subnet packet in clear on the wire: " + c);
        assertEquals(0, c.rawEsp(), "strongSwan/libipsec only speaks ESP in UDP: " + c);
        assertTrue(c.espInUdp() >= atLeast, "at least " + atLeast + " ESP-in-UDP packets: " + c);
    }

    @Test
    @Order(1)
    void sallyportInitiatesAndCarriesPingBothWays() {
        startPeer(Map.of());
        SallyportDaemon d = BED.daemon("gw-a", "initiator", GatewayConfig.gwA().render());
        assertTunnelUp(d);
        h.captureStart("gw-b", "wan");
        assertPingsBothWays(5);
        assertOnlyEspInUdp(h.captureStop("gw-b", "wan"), 20);

        SwanSas sas = h.rawSas("gw-b");
        SwanSas.Ike ike = sas.ikes().getFirst();
        String showIke = d.cli(SHOW_IKE);
        System.out.println("evidence:\n" + showIke);
        assertTrue(showIke.lines().anyMatch(l -> l.startsWith("192.0.2.2") && l.contains("Matured")
            && l.contains(ike.initiatorSpi()) && l.contains(ike.responderSpi())), showIke);
        SwanSas.Child child = sas.installedChildren().getFirst();
        String showIpsec = d.cli(SHOW_IPSEC);
        System.out.println("evidence:\n" + showIpsec);
        // strongSwan's inbound SPI is Sallyport's outbound one and the other way round.
        assertTrue(showIpsec.lines().anyMatch(l -> l.trim().startsWith("outbound") && l.contains(" " + child.spiInDecimal() + " ")), showIpsec);
        assertTrue(showIpsec.lines().anyMatch(l -> l.trim().startsWith("inbound") && l.contains(" " + child.spiOutDecimal() + " ")), showIpsec);
    }

    @Test
    @Order(8)
    void tcpBothWaysWithFullSizeSegments() {
        // Last in the class: a stalled transfer leaves host-a's kernel retransmitting for a while, and
        // that traffic would trigger Sallyport's on-traffic SA setup in the tests that follow it.
        startPeer(Map.of());
        SallyportDaemon d = BED.daemon("gw-a", "tcp", GatewayConfig.gwA().render());
        assertTunnelUp(d);
        h.captureStart("gw-b", "wan");
        // host-a -> host-b first, on fresh hosts: full-size segments exceed Sallyport's tunnel MTU, so
        // host-a must get Sallyport's "need to frag". (Run after b->a, it would pass anyway: host-b then
        // caches gw-b's PMTU 1400 and advertises a smaller MSS.)
        double ab = h.iperf("host-a", "host-b", HOST_B, 2, false);
        // host-b -> host-a: strongSwan's ipsec0 (MTU 1400) makes gw-b send "need to frag" to host-b.
        double ba = h.iperf("host-a", "host-b", HOST_B, 2, true);
        Capture c = h.captureStop("gw-b", "wan");
        System.out.printf("evidence: iperf3 2 s a->b %.1f Mbit/s, b->a %.1f Mbit/s; %s%n", ab, ba, c);
        assertTrue(ba > 1, "TCP host-b -> host-a: " + ba + " Mbit/s");
        assertTrue(ab > 1, "TCP host-a -> host-b: " + ab + " Mbit/s; Sallyport's counters:\n"
            + d.cli("show services ipsec-vpn ipsec statistics"));
        assertOnlyEspInUdp(c, 100);
    }

    @Test
    @Order(2)
    void clearOnSallyportDeletesTheSaOnStrongswan() {
        startPeer(Map.of());
        SallyportDaemon d = BED.daemon("gw-a", "clear", GatewayConfig.gwA().render());
        assertTunnelUp(d);
        SwanSas before = h.rawSas("gw-b");
        String oldIke = before.ikes().getFirst().initiatorSpi();
        String oldChild = before.installedChildren().getFirst().spiIn();
        d.cli("clear services ipsec-vpn ike security-associations");
        boolean gone = Testbed.await(Duration.ofSeconds(5), () -> !h.rawSas("gw-b").hasIkeSpi(oldIke));
        SwanSas after = h.rawSas("gw-b");
        System.out.println("evidence: IKE SA " + oldIke + " before clear; after: " + after.raw().strip());
        assertTrue(gone, "strongSwan still lists IKE SA " + oldIke + " after clear:\n" + after.raw());
        assertTrue(after.installedChildren().stream().noneMatch(c -> c.spiIn().equals(oldChild)), after.raw());
    }

    @Test
    @Order(3)
    void strongswanInitiatesSallyportResponds() {
        startPeer(Map.of());
        SallyportDaemon d = BED.daemon("gw-a", "responder", GatewayConfig.gwA().withEstablish("responder-only").render());
        assertFalse(h.rawSas("gw-b").established(), "responder-only: Sallyport must not initiate");
        Harness.Result init = h.initiate("gw-b", 30);
        System.out.println("evidence: " + init.stdout().lines().filter(l -> l.contains("established")).toList());
        init.orThrow();
        assertTunnelUp(d);
        h.captureStart("gw-b", "wan");
        assertPingsBothWays(3);
        assertOnlyEspInUdp(h.captureStop("gw-b", "wan"), 12);
    }

    @Test
    @Order(4)
    void interfaceStyleServiceSet() {
        startPeer(Map.of());
        SallyportDaemon d = BED.daemon("gw-a", "interface-style", GatewayConfig.gwA().withStyle(GatewayConfig.Style.INTERFACE).render());
        assertTunnelUp(d);
        h.captureStart("gw-b", "wan");
        assertPingsBothWays(3);
        assertOnlyEspInUdp(h.captureStop("gw-b", "wan"), 12);
    }

    @Test
    @Order(5)
    void childRekeyUnderTrafficLosesAtMostAFewPackets() throws Exception {
        startPeer(Map.of("INTEROP_CHILD_REKEY_TIME", "15s"));
        SallyportDaemon d = BED.daemon("gw-a", "rekey", GatewayConfig.gwA().render());
        assertTunnelUp(d);
        String oldSpi = h.rawSas("gw-b").installedChildren().getFirst().spiIn();
        Process ping = new ProcessBuilder("ip", "netns", "exec", h.ns("host-a"), "ping", "-n", "-q", "-i", "0.1", "-w", "45", HOST_B)
            .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            // The pings run over the old SA first (10 each way, about a second; the rekey is 13.5 s
            // or more after the SA came up), so the rekey comes under traffic.
            assertTrue(Testbed.await(Duration.ofSeconds(10), () -> h.rawSas("gw-b").installedChildren().stream()
                    .anyMatch(c -> c.spiIn().equals(oldSpi) && c.packetsIn() >= 10 && c.packetsOut() >= 10)),
                "no pings over the CHILD_SA before its rekey:\n" + h.sas("gw-b"));
            boolean rekeyed = Testbed.await(Duration.ofSeconds(35), () -> {
                List<SwanSas.Child> now = h.rawSas("gw-b").installedChildren();
                return !now.isEmpty() && now.stream().noneMatch(c -> c.spiIn().equals(oldSpi));
            });
            assertTrue(rekeyed, "strongSwan did not rekey the CHILD_SA within 35 s:\n" + h.sas("gw-b"));
            // The pings go on over the new SA (10 each way, about a second) before the loss is counted.
            assertTrue(Testbed.await(Duration.ofSeconds(10), () -> h.rawSas("gw-b").installedChildren().stream()
                    .anyMatch(c -> !c.spiIn().equals(oldSpi) && c.packetsIn() >= 10 && c.packetsOut() >= 10)),
                "no pings over the new CHILD_SA:\n" + h.sas("gw-b"));
        } finally {
            new ProcessBuilder("kill", "-INT", Long.toString(ping.pid())).start().waitFor();
            ping.waitFor(5, TimeUnit.SECONDS);
        }
        Ping result = Ping.parse(new String(ping.getInputStream().readAllBytes()));
        SwanSas.Child fresh = h.rawSas("gw-b").installedChildren().getFirst();
        System.out.println("evidence: old SPI " + oldSpi + ", new " + fresh.spiIn() + "/" + fresh.spiOut() + ", ping " + result);
        assertNotEquals(oldSpi, fresh.spiIn());
        assertTrue(result.lost() <= 5, "lost more than 5 pings across the rekey: " + result);
        String showIpsec = d.cli(SHOW_IPSEC);
        assertTrue(showIpsec.contains(" " + fresh.spiInDecimal() + " "), "Sallyport shows the new SA:\n" + showIpsec);
    }

    @Test
    @Order(6)
    void deadPeerDetectionBringsTheTunnelBackAfterPeerRestart() {
        startPeer(Map.of());
        SallyportDaemon d = BED.daemon("gw-a", "dpd", GatewayConfig.gwA().withDpd().render());
        assertTunnelUp(d);
        assertTrue(h.ping("host-a", HOST_B, 2, 0.2).allAnswered());
        // SIGKILL, so that no DELETE reaches Sallyport: only DPD can find out.
        h.peerKill("gw-b");
        boolean noticed = Testbed.await(Duration.ofSeconds(30),
            () -> d.cli(SHOW_IKE).lines().noneMatch(l -> l.startsWith("192.0.2.2") && l.contains("Matured")));
        System.out.println("evidence: after SIGKILL of strongSwan, Sallyport shows:\n" + d.cli(SHOW_IKE));
        assertTrue(noticed, "DPD (interval 2, threshold 3) did not drop the IKE SA of the dead peer within 30 s");
        startPeer(Map.of());
        // No traffic meanwhile: establish-tunnels immediately must bring the tunnel back by itself.
        Harness.Result back = h.waitSa("gw-b", 30);
        assertTrue(back.ok(), "tunnel not back by itself 30 s after the peer restarted; Sallyport shows:\n"
            + d.cli(SHOW_IKE) + "\nstrongSwan:\n" + h.sas("gw-b"));
        d.awaitSaPairOf(h.rawSas("gw-b").installedChildren().getFirst());
        Ping again = h.ping("host-a", HOST_B, 3, 0.2);
        assertTrue(again.allAnswered(), "after peer restart: " + again.output());
    }

    @Test
    @Order(7)
    void clearRenegotiatesRightAwayWithEstablishImmediately() {
        startPeer(Map.of());
        SallyportDaemon d = BED.daemon("gw-a", "clear-renegotiate", GatewayConfig.gwA().render());
        assertTunnelUp(d);
        String oldIke = h.rawSas("gw-b").ikes().getFirst().initiatorSpi();
        d.cli("clear services ipsec-vpn ike security-associations");
        // Reference 4.8: with establish-tunnels immediately the tunnels are re-negotiated right away.
        boolean renegotiated = Testbed.await(Duration.ofSeconds(15), () -> {
            SwanSas now = h.rawSas("gw-b");
            return !now.hasIkeSpi(oldIke) && now.established() && !now.installedChildren().isEmpty();
        });
        System.out.println("evidence: after clear: " + h.rawSas("gw-b").raw().strip());
        assertTrue(renegotiated, "no new IKE SA within 15 s of clear (establish-tunnels immediately); Sallyport shows:\n"
            + d.cli(SHOW_IKE));
    }

    @Test
    @Order(9)
    void backupRemoteGatewayTakesOverWhenThePrimaryDoesNotAnswer() {
        startPeer(Map.of());
        // The primary 192.0.2.3 does not exist on the link; strongSwan at 192.0.2.2 is the backup.
        String config = GatewayConfig.gwA().render()
            .replace("then { remote-gateway 192.0.2.2;", "then { remote-gateway 192.0.2.3; backup-remote-gateway 192.0.2.2;");
        // Failover comes when kmd gives up on the primary's IKE_SA_INIT: after 2 retransmissions
        // (3.5 s) under the daemon's test hook instead of 5 (31.5 s), so the test waits less, not for less.
        SallyportDaemon d = BED.daemon("gw-a", "backup-gateway", config, "-Dsallyport.test.ike-retransmit-tries=2");
        Harness.Result up = h.waitSa("gw-b", 60);
        String extensive = d.cli(SHOW_IPSEC + " extensive");
        System.out.println("evidence: after failover Sallyport shows:\n" + extensive);
        assertTrue(up.ok(), "no tunnel to the backup gateway within 60 s; Sallyport shows:\n" + d.cli(SHOW_IKE)
            + "\n" + extensive);
        assertTrue(extensive.contains("Remote gateway: 192.0.2.2"), extensive);
        assertTrue(extensive.contains("Primary remote gateway: 192.0.2.3, State: Standby"), extensive);
        assertTrue(extensive.contains("Backup remote gateway: 192.0.2.2, State: Active"), extensive);
        assertTrue(extensive.contains("Failover counter: 1"), extensive);
        d.awaitSaPairOf(h.rawSas("gw-b").installedChildren().getFirst());
        assertTrue(h.ping("host-a", HOST_B, 3, 0.2).allAnswered());
    }

    @Test
    @Order(10)
    void twoTermsTowardsOneGatewayKeepBothTunnels() {
        startPeer(Map.of());
        // Two terms to the same gateway: as on Junos, two CHILD_SAs of one IKE SA (the second by
        // CREATE_CHILD_SA). Both narrow strongSwan's /24 selectors; its side stays 198.18.2.0/25
        // because kernel-libipsec needs a local address (198.18.2.1) inside its selector to install
        // the route.
        String config = GatewayConfig.gwA().render()
            .replace("from { source-address { 198.18.1.0/24; } destination-address { 198.18.2.0/24; } }",
                "from { source-address { 198.18.1.0/25; } destination-address { 198.18.2.0/25; } }")
            .replace("match-direction input;",
                "term t2 { from { source-address { 198.18.1.128/25; } destination-address { 198.18.2.0/25; } }"
                    + " then { remote-gateway 192.0.2.2; dynamic { ike-policy ike-pol; ipsec-policy ipsec-pol; } } }"
                    + " match-direction input;");
        SallyportDaemon d = BED.daemon("gw-a", "two-terms", config);
        boolean both = Testbed.await(Duration.ofSeconds(30), () -> {
            SwanSas sas = h.rawSas("gw-b");
            return sas.ikes().stream().filter(i -> i.state().equals("ESTABLISHED")).count() == 1
                && sas.installedChildren().size() == 2;
        });
        // Let a late second IKE SA or a lost child show, if any, before looking again.
        Testbed.await(Duration.ofSeconds(3), () -> false);
        SwanSas sas = h.rawSas("gw-b");
        System.out.println("evidence: two terms, strongSwan shows:\n" + sas.raw().strip());
        assertTrue(both, "strongSwan does not hold one IKE SA with two children:\n" + sas.raw()
            + "\nSallyport shows:\n" + d.cli(SHOW_IPSEC));
        assertEquals(1, sas.ikes().size(), sas.raw());
        assertEquals(2, sas.installedChildren().size(), sas.raw());
        assertTrue(h.ping("host-a", HOST_B, 3, 0.2).allAnswered(), "term t1 carries host-a <-> host-b");
        String show = d.cli(SHOW_IPSEC);
        assertTrue(show.contains("Term: t1, Tunnel index: 1") && show.contains("Term: t2, Tunnel index: 2"), show);
        String ike = d.cli("show services ipsec-vpn ike security-associations");
        assertEquals(1, ike.lines().filter(l -> l.startsWith("192.0.2.2")).count(), ike);
    }

    @Test
    @Order(11)
    void linkTypeTunnelOnTheTermsInsideInterface() {
        startPeer(Map.of());
        // Reference 5.1's link-type alternative: the term matches its inside unit, which has an
        // address of its own; the tunnel proposes 0.0.0.0/0 and strongSwan narrows it to its /24s.
        String config = GatewayConfig.gwA().render()
            .replace("unit 1 { family inet; service-domain inside; }",
                "unit 1 { family inet { address 10.10.10.1/30; } service-domain inside; }")
            .replace("from { source-address { 198.18.1.0/24; } destination-address { 198.18.2.0/24; } }",
                "from { ipsec-inside-interface ms-0/0/0.1; }");
        SallyportDaemon d = BED.daemon("gw-a", "link-type", config);
        assertTunnelUp(d);
        assertPingsBothWays(3);
        String addr = h.inNs("gw-a", 10, "ip", "-o", "-4", "address", "show", "dev", "ms-0_0_0.1").orThrow().stdout();
        assertTrue(addr.contains("10.10.10.1/30"), "the unit's address sits on its TUN device: " + addr);
        String show = d.cli(SHOW_IPSEC + " detail");
        System.out.println("evidence: link-type tunnel:\n" + show);
        assertTrue(show.contains("IPSec inside interface: ms-0/0/0.1"), show);
        assertTrue(show.contains("Local identity: ipv4_subnet(any:0,[0..7]=0.0.0.0/0)"), show);
    }
    /**
     * RFC 7296 §1.2, §2.21: Sallyport's term protects 198.18.3.0/24, which strongSwan's child does
     * not hold, so strongSwan answers IKE_AUTH with TS_UNACCEPTABLE and keeps its IKE SA; Sallyport
     * keeps it too (the same SPIs seconds later, at both ends), shows the peer's reason and asks for
     * the child again over it with CREATE_CHILD_SA (establish-tunnels immediately), refused again.
     */
    @Test
    @Order(12)
    void aChildRefusedInIkeAuthLeavesTheIkeSaUpAtBothEnds() {
        startPeer(Map.of());
        long refusalsBefore = tsRefusalsLogged();
        String config = GatewayConfig.gwA().render()
            .replace("from { source-address { 198.18.1.0/24; }", "from { source-address { 198.18.3.0/24; }");
        assertTrue(config.contains("198.18.3.0/24"), config);
        SallyportDaemon d = BED.daemon("gw-a", "child-refused", config);
        assertTrue(Testbed.await(Duration.ofSeconds(20), () -> d.cli("show services service-sets").contains("TS unacceptable")),
            d.cli("show services service-sets") + h.sas("gw-b"));
        SwanSas first = h.rawSas("gw-b");
        assertEquals(1, first.ikes().size(), first.raw());
        SwanSas.Ike ike = first.ikes().getFirst();
        // Sallyport asks again 2 s and 6 s after the refusal (the wait doubles): IKE_AUTH's refusal and two more in strongSwan's log.
        boolean askedAgain = Testbed.await(Duration.ofSeconds(10), () -> tsRefusalsLogged() - refusalsBefore >= 3);
        SwanSas later = h.rawSas("gw-b");
        String showIke = d.cli(SHOW_IKE);
        String sets = d.cli("show services service-sets");
        System.out.println("evidence: child refused in IKE_AUTH, IKE SA kept; strongSwan shows:\n" + later.raw().strip()
            + "\nSallyport shows:\n" + showIke + sets);
        assertEquals(1, later.ikes().size(), later.raw());
        assertEquals("ESTABLISHED", later.ikes().getFirst().state(), later.raw());
        assertEquals(ike.initiatorSpi(), later.ikes().getFirst().initiatorSpi(), "the same IKE SA: " + later.raw());
        assertEquals(0, later.installedChildren().size(), later.raw());
        assertTrue(showIke.lines().anyMatch(l -> l.startsWith("192.0.2.2") && l.contains("Matured") && l.contains(ike.initiatorSpi())), showIke);
        assertTrue(sets.contains("child SA refused by the peer: TS unacceptable"), sets);
        assertTrue(askedAgain, "Sallyport asks for the child again over the kept IKE SA: "
            + (tsRefusalsLogged() - refusalsBefore) + " TS_UNACCEPTABLE answers");
    }

    /** The TS_UNACCEPTABLE notifies strongSwan's log shows it sent (its message summaries: {@code N(TS_UNACCEPT)}). */
    private long tsRefusalsLogged() {
        String log = h.run(List.of("cat", h.stateDir().resolve(h.ns("gw-b")).resolve("charon.log").toString()), Map.of(), 10).stdout();
        return log.lines().filter(l -> l.contains("generating") && l.contains("N(TS_UNACCEPT)")).count();
    }

    @Test
    @Order(13)
    void tcpMssLowersTheMssOfSynsBothWaysThroughTheTunnel() {
        startPeer(Map.of());
        SallyportDaemon gwA = BED.daemon("gw-a", "tcp-mss", GatewayConfig.gwA().render()
            .replace("ipsec-vpn-options {", "tcp-mss 1200; ipsec-vpn-options {"));
        assertTunnelUp(gwA);
        String atB = h.captureStart("host-b", "eth0");
        String atA = h.captureStart("host-a", "eth0");
        // Both hosts' links have MTU 1500: each end offers MSS 1460. strongSwan (gw-b) does not clamp,
        // so host-b's SYN shows Sallyport's clamp on the way into the tunnel, host-a's SYN-ACK the
        // one on the way out of it; the transfer completing says the checksums verified.
        double mbits = h.iperf("host-a", "host-b", HOST_B, 1, false);
        h.captureStop("host-b", "eth0");
        h.captureStop("host-a", "eth0");
        List<String> synsAtB = syns(atB, "src host " + HOST_A);
        List<String> synAcksAtA = syns(atA, "src host " + HOST_B);
        System.out.printf("evidence: iperf3 1 s %.1f Mbit/s; SYNs at host-b %s; SYN-ACKs at host-a %s%n", mbits, synsAtB,
            synAcksAtA);
        assertTrue(mbits > 0, "the connection through the tunnel carried data");
        assertFalse(synsAtB.isEmpty(), "host-a's SYNs reached host-b");
        assertFalse(synAcksAtA.isEmpty(), "host-b's SYN-ACKs reached host-a");
        for (String syn : concat(synsAtB, synAcksAtA)) {
            assertTrue(syn.contains("mss 1200,") || syn.contains("mss 1200]"), syn);
            assertFalse(syn.contains("incorrect"), "checksum: " + syn);
        }
        // Junos's counts of the same: every SYN and SYN-ACK the hosts saw was received and lowered
        // (the workers publish their counters within 100 ms).
        int seen = synsAtB.size() + synAcksAtA.size();
        String counts = "(?s).*\\n\\S+ +\\S+ +" + seen + " +" + seen + "\\n.*";
        assertTrue(Testbed.await(Duration.ofSeconds(5),
                () -> gwA.cli("show services service-sets statistics tcp-mss").matches(counts)),
            gwA.cli("show services service-sets statistics tcp-mss"));
    }

    /** tcpdump's verbose lines of the pcap's SYNs (and SYN-ACKs) matching {@code filter}, one per packet. */
    private List<String> syns(String pcap, String filter) {
        return h.run(List.of("tcpdump", "-vvnr", pcap, "tcp[tcpflags] & tcp-syn != 0 and " + filter), Map.of(), 30)
            .stdout().lines().filter(l -> l.contains("Flags [S")).toList();
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }
}
