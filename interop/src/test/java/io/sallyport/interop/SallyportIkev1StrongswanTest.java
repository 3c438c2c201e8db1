package io.sallyport.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
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
 * Sallyport speaking IKEv1 main mode (its IKE policy without {@code version 2}, the Junos default)
 * as gw-a against strongSwan 5.9.8 with the harness's ikev1-psk variant as gw-b, direct topology:
 * both roles with pings across, {@code clear}, the show output, and a quick-mode rekey under
 * traffic. Own namespace prefix {@code sv1-}.
 */
@Tag("interop")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SallyportIkev1StrongswanTest {

    @RegisterExtension
    static final Testbed BED = new Testbed("sv1-", Harness.Topology.DIRECT);
    static final String HOST_A = "198.18.1.10";
    static final String HOST_B = "198.18.2.10";
    static final String SHOW_IKE = "show services ipsec-vpn ike security-associations";
    /** gw-b speaks what GatewayConfig's proposals say: aes-256-cbc/sha-256/group14, ESP aes-128-gcm with PFS group14. */
    static final Map<String, String> PROPOSALS = Map.of("INTEROP_IKE_PROPOSALS", "aes256-sha256-modp2048",
        "INTEROP_ESP_PROPOSALS", "aes128gcm16-modp2048");

    private final Harness h = BED.harness();

    @AfterEach
    void stop() {
        BED.stopDaemons();
    }

    /** The same gateway configuration with the policy's {@code version 2} removed: Junos then speaks IKEv1. */
    private static String ikev1(GatewayConfig c) {
        String text = c.render();
        assertTrue(text.contains("version 2; "), text);
        return text.replace("version 2; ", "");
    }

    private void startPeer(Map<String, String> extra) {
        Map<String, String> env = new java.util.HashMap<>(PROPOSALS);
        env.putAll(extra);
        h.peerStart("gw-b", "ikev1-psk", env);
    }

    /** The tunnel is up at both ends: strongSwan's child INSTALLED, and D holds the same pair (traffic may flow). */
    private void assertTunnelUp(SallyportDaemon d) {
        h.waitSa("gw-b", 30).orThrow();
        SwanSas sas = h.rawSas("gw-b");
        assertTrue(sas.established(), "strongSwan IKE_SA not ESTABLISHED:\n" + sas.raw());
        assertTrue(sas.raw().contains("version=1"), "strongSwan speaks IKEv1:\n" + sas.raw());
        assertEquals(1, sas.installedChildren().size(), "one CHILD_SA INSTALLED:\n" + sas.raw());
        d.awaitSaPairOf(sas.installedChildren().getFirst());
    }

    private void assertPingsBothWays(int count) {
        Ping ab = h.ping("host-a", HOST_B, count, 0.2);
        assertTrue(ab.allAnswered(), "host-a -> host-b: " + ab.output());
        Ping ba = h.ping("host-b", HOST_A, count, 0.2);
        assertTrue(ba.allAnswered(), "host-b -> host-a: " + ba.output());
    }

    @Test
    @Order(1)
    void sallyportInitiatesMainModeAndCarriesPingBothWays() {
        startPeer(Map.of());
        SallyportDaemon d = BED.daemon("gw-a", "v1-initiator", ikev1(GatewayConfig.gwA()));
        assertTunnelUp(d);
        h.captureStart("gw-b", "wan");
        assertPingsBothWays(5);
        Capture c = h.captureStop("gw-b", "wan");
        System.out.println("evidence: " + c);
        assertEquals(0, c.plainInner(), "no protected-subnet packet in clear on the wire: " + c);
        assertTrue(c.espInUdp() >= 20, c.toString());

        SwanSas.Ike ike = h.rawSas("gw-b").ikes().getFirst();
        String showIke = d.cli(SHOW_IKE);
        System.out.println("evidence:\n" + showIke);
        assertTrue(showIke.lines().anyMatch(l -> l.startsWith("192.0.2.2") && l.contains("Matured")
            && l.contains(ike.initiatorSpi()) && l.contains(ike.responderSpi()) && l.trim().endsWith("Main")), showIke);
        String detail = d.cli(SHOW_IKE + " detail");
        System.out.println("evidence:\n" + detail);
        assertTrue(detail.contains("Role: Initiator, State: Matured"), detail);
        assertTrue(detail.contains("Exchange type: Main, Authentication method: Pre-shared-keys"), detail);
        assertTrue(detail.contains("Encryption            : aes-256-cbc"), detail);
        assertTrue(detail.contains("Diffie-Hellman group  : 14"), detail);
    }

    /**
     * Sallyport's aggressive-mode initiator against strongSwan as responder. strongSwan answers
     * aggressive mode with a pre-shared key only when told to accept its risk
     * ({@code INTEROP_AGGRESSIVE_PSK=yes} in the harness).
     */
    @Test
    @Order(7)
    void sallyportInitiatesAggressiveModeAgainstStrongswan() {
        startPeer(Map.of("INTEROP_AGGRESSIVE", "yes", "INTEROP_AGGRESSIVE_PSK", "yes"));
        String config = GatewayConfig.gwA().render();
        assertTrue(config.contains("version 2; "), config);
        SallyportDaemon d = BED.daemon("gw-a", "v1-aggressive", config.replace("version 2; ", "mode aggressive; "));
        assertTunnelUp(d);
        assertPingsBothWays(3);
        String log = h.run(List.of("cat", h.stateDir().resolve(h.ns("gw-b")).resolve("charon.log").toString()), Map.of(), 10).stdout();
        assertTrue(log.contains("is initiating a Aggressive Mode IKE_SA"), "strongSwan responded to aggressive mode:\n" + log);
        String showIke = d.cli(SHOW_IKE);
        System.out.println("evidence:\n" + showIke);
        assertTrue(showIke.lines().anyMatch(l -> l.startsWith("192.0.2.2") && l.contains("Matured") && l.trim().endsWith("Aggressive")), showIke);
    }

    /**
     * strongSwan proposes a kilobyte lifetime (RFC 2407 SA Life Type 2): Sallyport enforces it.
     * strongSwan's own rekey is set just below its limit (1,480,000 of 1,500,000 bytes), so
     * Sallyport, whose soft limit is 80-90 % of it, rekeys first, by bytes, under traffic.
     */
    @Test
    @Order(8)
    void kilobyteLifetimeOfStrongswanIsEnforcedBySallyportsOwnByteRekey() throws Exception {
        startPeer(Map.of("INTEROP_CHILD_REKEY_BYTES", "1480000", "INTEROP_CHILD_LIFE_BYTES", "1500000"));
        String config = ikev1(GatewayConfig.gwA().withEstablish("responder-only"));
        assertTrue(config.contains("establish-tunnels responder-only;"), config);
        SallyportDaemon d = BED.daemon("gw-a", "v1-kilobytes",
            config.replace("establish-tunnels responder-only;", "establish-tunnels responder-only; traceoptions { file kmd; level all; flag all; }"));
        h.initiate("gw-b", 30).orThrow();
        assertTunnelUp(d);
        String oldSpi = h.rawSas("gw-b").installedChildren().getFirst().spiIn();
        // The trace file outlives a run (the state directory is kept): count this run's byte rekeys only.
        long byteRekeysBefore = kmdLog("v1-kilobytes").lines().filter(l -> l.contains("soft kilobyte lifetime reached")).count();
        // About 1.5 MB each way: 1250 pings of 1200 bytes, 200 a second.
        Process ping = new ProcessBuilder("ip", "netns", "exec", h.ns("host-a"), "ping", "-n", "-q", "-i", "0.005", "-s", "1200",
            "-c", "1250", HOST_B).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        ping.waitFor(60, TimeUnit.SECONDS);
        Ping result = Ping.parse(new String(ping.getInputStream().readAllBytes()));
        boolean rekeyed = Testbed.await(Duration.ofSeconds(10), () -> {
            List<SwanSas.Child> now = h.rawSas("gw-b").installedChildren();
            return !now.isEmpty() && now.stream().noneMatch(c -> c.spiIn().equals(oldSpi));
        });
        String log = kmdLog("v1-kilobytes");
        System.out.println("evidence: ping " + result + "; old SPI " + oldSpi + ", now " + h.rawSas("gw-b").installedChildren()
            + "; " + log.lines().filter(l -> l.contains("kilobyte")).toList());
        assertTrue(log.contains("kilobytes for the IPsec SA"), "kmd trace:\n" + log + d.log());
        assertTrue(log.lines().filter(l -> l.contains("soft kilobyte lifetime reached")).count() > byteRekeysBefore,
            "Sallyport did not rekey by bytes:\n" + log);
        assertTrue(rekeyed, "no byte-triggered rekey:\n" + h.sas("gw-b"));
        assertTrue(result.lost() <= 5, "lost more than 5 pings across the byte-triggered rekey: " + result);
        assertTrue(h.ping("host-a", HOST_B, 3, 0.2).allAnswered());
    }

    /** The kmd trace file of the daemon run {@code name} (traceoptions file kmd). */
    private String kmdLog(String name) {
        return h.run(List.of("cat", h.stateDir().resolve("sallyport-" + name).resolve("log").resolve("kmd").toString()), Map.of(), 10).stdout();
    }

    /**
     * ESP for an SPI Sallyport does not know, from strongSwan's address: Sallyport tells strongSwan
     * with an INVALID-SPI notify in a protected informational (RFC 2408 §3.14.1), once for the
     * burst; strongSwan decrypts it, checks its HASH and logs it (strongSwan 5.9.8 only logs
     * IKEv1 INVALID-SPI). The tunnel stays.
     */
    @Test
    @Order(9)
    void espForAnUnknownSpiIsReportedToStrongswanInAProtectedInformational() {
        startPeer(Map.of());
        // respond-bad-spi: without it Sallyport, like Junos, does not answer an unknown SPI.
        String config = ikev1(GatewayConfig.gwA());
        assertTrue(config.contains("policy ike-pol { "), config);
        SallyportDaemon d = BED.daemon("gw-a", "v1-invalid-spi", config.replace("policy ike-pol { ", "policy ike-pol { respond-bad-spi; "));
        assertTunnelUp(d);
        String send = "import socket\ns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\ns.bind(('192.0.2.2', 40000))\n"
                + "for i in range(5): s.sendto(bytes.fromhex('0badc0de00000001') + bytes(32), ('192.0.2.1', 4500))\n";
        h.inNs("gw-b", 10, "python3", "-c", send).orThrow();
        Path log = h.stateDir().resolve(h.ns("gw-b")).resolve("charon.log");
        boolean logged = Testbed.await(Duration.ofSeconds(10), () -> h.run(List.of("cat", log.toString()), Map.of(), 10).stdout()
                .contains("received INVALID_SPI error notify"));
        String charon = h.run(List.of("cat", log.toString()), Map.of(), 10).stdout();
        System.out.println("evidence (strongSwan): " + charon.lines().filter(l -> l.contains("INVALID_SPI")).toList());
        assertTrue(logged, "strongSwan did not log the INVALID-SPI notify:\n" + charon);
        assertEquals(1, charon.lines().filter(l -> l.contains("received INVALID_SPI error notify")).count(),
                "one notification for the burst of five:\n" + charon);
        String stats = d.cli("show services ipsec-vpn ike statistics");
        System.out.println("evidence:\n" + stats);
        assertTrue(stats.matches("(?s).*Invalid SPI notifications sent:\\s+1\n.*"), stats);
        assertPingsBothWays(3);
    }

    @Test
    @Order(2)
    void clearOnSallyportDeletesTheIsakmpSaOnStrongswan() {
        startPeer(Map.of());
        SallyportDaemon d = BED.daemon("gw-a", "v1-clear", ikev1(GatewayConfig.gwA()));
        assertTunnelUp(d);
        String oldIke = h.rawSas("gw-b").ikes().getFirst().initiatorSpi();
        String oldChild = h.rawSas("gw-b").installedChildren().getFirst().spiIn();
        d.cli("clear services ipsec-vpn ike security-associations");
        boolean gone = Testbed.await(Duration.ofSeconds(5), () -> !h.rawSas("gw-b").hasIkeSpi(oldIke));
        SwanSas after = h.rawSas("gw-b");
        System.out.println("evidence: ISAKMP SA " + oldIke + " before clear; after: " + after.raw().strip());
        assertTrue(gone, "strongSwan still lists ISAKMP SA " + oldIke + " after clear:\n" + after.raw());
        assertTrue(after.installedChildren().stream().noneMatch(c -> c.spiIn().equals(oldChild)), after.raw());
    }

    @Test
    @Order(3)
    void strongswanInitiatesMainModeSallyportResponds() {
        startPeer(Map.of());
        SallyportDaemon d = BED.daemon("gw-a", "v1-responder", ikev1(GatewayConfig.gwA().withEstablish("responder-only")));
        assertFalse(h.rawSas("gw-b").established(), "responder-only: Sallyport must not initiate");
        Harness.Result init = h.initiate("gw-b", 30);
        System.out.println("evidence: " + init.stdout().lines().filter(l -> l.contains("established")).toList());
        init.orThrow();
        assertTunnelUp(d);
        assertPingsBothWays(3);
    }

    @Test
    @Order(4)
    void quickModeRekeyUnderTrafficLosesAtMostAFewPackets() throws Exception {
        startPeer(Map.of("INTEROP_CHILD_REKEY_TIME", "15s"));
        SallyportDaemon d = BED.daemon("gw-a", "v1-rekey", ikev1(GatewayConfig.gwA()));
        assertTunnelUp(d);
        String oldSpi = h.rawSas("gw-b").installedChildren().getFirst().spiIn();
        Process ping = new ProcessBuilder("ip", "netns", "exec", h.ns("host-a"), "ping", "-n", "-q", "-i", "0.1", "-w", "45", HOST_B)
            .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            awaitPingsOverTheOldSa(oldSpi);
            boolean rekeyed = Testbed.await(Duration.ofSeconds(35), () -> {
                List<SwanSas.Child> now = h.rawSas("gw-b").installedChildren();
                return !now.isEmpty() && now.stream().noneMatch(c -> c.spiIn().equals(oldSpi));
            });
            assertTrue(rekeyed, "no quick-mode rekey within 35 s:\n" + h.sas("gw-b"));
            // The pings go on over the new SA (10 each way, about a second) before the loss is counted.
            assertTrue(Testbed.await(Duration.ofSeconds(10), () -> carriedPings(h.rawSas("gw-b"), spi -> !spi.equals(oldSpi))),
                "no pings over the new IPsec SA:\n" + h.sas("gw-b"));
        } finally {
            new ProcessBuilder("kill", "-INT", Long.toString(ping.pid())).start().waitFor();
            ping.waitFor(5, TimeUnit.SECONDS);
        }
        Ping result = Ping.parse(new String(ping.getInputStream().readAllBytes()));
        SwanSas.Child fresh = h.rawSas("gw-b").installedChildren().getFirst();
        System.out.println("evidence: old SPI " + oldSpi + ", new " + fresh.spiIn() + "/" + fresh.spiOut() + ", ping " + result);
        assertNotEquals(oldSpi, fresh.spiIn());
        assertTrue(result.lost() <= 5, "lost more than 5 pings across the rekey: " + result);
        String showIpsec = d.cli("show services ipsec-vpn ipsec security-associations");
        assertTrue(showIpsec.contains(" " + fresh.spiInDecimal() + " "), "Sallyport shows the new SA:\n" + showIpsec);
    }

    /** Whether one of strongSwan's IPsec SAs whose inbound SPI {@code spiIn} takes carried 10 pings each way. */
    private static boolean carriedPings(SwanSas sas, java.util.function.Predicate<String> spiIn) {
        return sas.installedChildren().stream()
            .anyMatch(c -> spiIn.test(c.spiIn()) && c.packetsIn() >= 10 && c.packetsOut() >= 10);
    }

    /**
     * The pings run over the old IPsec SA first (10 each way, about a second; strongSwan's rekey and
     * re-authentication come 13.5 s or more after the SA came up), so what follows comes under traffic.
     */
    private void awaitPingsOverTheOldSa(String oldSpi) {
        assertTrue(Testbed.await(Duration.ofSeconds(10), () -> carriedPings(h.rawSas("gw-b"), oldSpi::equals)),
            "no pings over the IPsec SA before it was replaced:\n" + h.sas("gw-b"));
    }

    @Test
    @Order(5)
    void deadPeerDetectionFindsAKilledPeerAndTheTunnelComesBack() {
        startPeer(Map.of());
        SallyportDaemon d = BED.daemon("gw-a", "v1-dpd", ikev1(GatewayConfig.gwA().withDpd()));
        assertTunnelUp(d);
        assertTrue(h.ping("host-a", HOST_B, 2, 0.2).allAnswered());
        // SIGKILL, so that no Delete reaches Sallyport: only R-U-THERE going unanswered can tell.
        h.peerKill("gw-b");
        boolean noticed = Testbed.await(Duration.ofSeconds(30),
            () -> d.cli(SHOW_IKE).lines().noneMatch(l -> l.startsWith("192.0.2.2") && l.contains("Matured")));
        System.out.println("evidence: after SIGKILL of strongSwan, Sallyport shows:\n" + d.cli(SHOW_IKE));
        assertTrue(noticed, "DPD (interval 2, threshold 3) did not drop the ISAKMP SA of the dead peer within 30 s");
        startPeer(Map.of());
        Harness.Result back = h.waitSa("gw-b", 45);
        assertTrue(back.ok(), "tunnel not back by itself after the peer restarted; Sallyport shows:\n"
            + d.cli(SHOW_IKE) + "\nstrongSwan:\n" + h.sas("gw-b"));
        d.awaitSaPairOf(h.rawSas("gw-b").installedChildren().getFirst());
        assertTrue(h.ping("host-a", HOST_B, 3, 0.2).allAnswered());
    }

    @Test
    @Order(6)
    void phase1ReauthenticationByStrongswanUnderTrafficLosesAtMostAFewPackets() throws Exception {
        startPeer(Map.of("INTEROP_IKE_REAUTH_TIME", "15s"));
        SallyportDaemon d = BED.daemon("gw-a", "v1-reauth", ikev1(GatewayConfig.gwA().withEstablish("responder-only")));
        h.initiate("gw-b", 30).orThrow();
        assertTunnelUp(d);
        String oldIke = h.rawSas("gw-b").ikes().getFirst().initiatorSpi();
        String oldSpi = h.rawSas("gw-b").installedChildren().getFirst().spiIn();
        Process ping = new ProcessBuilder("ip", "netns", "exec", h.ns("host-a"), "ping", "-n", "-q", "-i", "0.1", "-w", "45", HOST_B)
            .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            awaitPingsOverTheOldSa(oldSpi);
            boolean reauthenticated = Testbed.await(Duration.ofSeconds(35), () -> {
                SwanSas now = h.rawSas("gw-b");
                return !now.hasIkeSpi(oldIke) && now.established() && !now.installedChildren().isEmpty();
            });
            assertTrue(reauthenticated, "strongSwan did not re-authenticate within 35 s:\n" + h.sas("gw-b"));
            // The pings go on over the new ISAKMP SA's IPsec SA (10 each way) before the loss is counted.
            assertTrue(Testbed.await(Duration.ofSeconds(10), () -> carriedPings(h.rawSas("gw-b"), spi -> !spi.equals(oldSpi))),
                "no pings over the new IPsec SA:\n" + h.sas("gw-b"));
        } finally {
            new ProcessBuilder("kill", "-INT", Long.toString(ping.pid())).start().waitFor();
            ping.waitFor(5, TimeUnit.SECONDS);
        }
        Ping result = Ping.parse(new String(ping.getInputStream().readAllBytes()));
        System.out.println("evidence: ISAKMP SA " + oldIke + " re-authenticated; ping " + result + "; Sallyport shows:\n" + d.cli(SHOW_IKE));
        assertTrue(result.lost() <= 5, "lost more than 5 pings across the phase-1 re-authentication: " + result);
        assertEquals(1, d.cli(SHOW_IKE).lines().filter(l -> l.contains("Matured")).count(), d.cli(SHOW_IKE));
    }
    /**
     * Two terms towards gw-b with the same IKE policy, as on Junos: one ISAKMP SA and one quick
     * mode per term; strongSwan's one IKEv1 connection carries them as two children (its side
     * stays 198.18.2.0/25: kernel-libipsec needs its own 198.18.2.1 inside its selector).
     */
    @Test
    @Order(20)
    void twoTermsTowardsOneGatewayShareOneIsakmpSa() throws java.io.IOException {
        startTwoChildPeer();
        SallyportDaemon d = BED.daemon("gw-a", "v1-two-terms", twoTermConfig(GatewayConfig.gwA()));
        boolean both = Testbed.await(Duration.ofSeconds(30), () -> {
            SwanSas sas = h.rawSas("gw-b");
            return sas.ikes().stream().filter(i -> i.state().equals("ESTABLISHED")).count() == 1
                && sas.installedChildren().size() == 2;
        });
        // Let a late second ISAKMP SA or a lost child show, if any, before looking again.
        Testbed.await(Duration.ofSeconds(3), () -> false);
        assertOneIsakmpSaWithTwoChildren(d, both);
    }

    /**
     * The same two terms with strongSwan initiating (Sallyport responder-only): its second child
     * goes over the ISAKMP SA its first made, and Sallyport's responder picks term t2 for its
     * quick mode (the term whose selectors contain the proxy IDs) under that SA.
     */
    @Test
    @Order(21)
    void twoStrongswanChildrenTowardsUsShareOneIsakmpSa() throws java.io.IOException {
        startTwoChildPeer();
        SallyportDaemon d = BED.daemon("gw-a", "v1-two-terms-responder",
            twoTermConfig(GatewayConfig.gwA().withEstablish("responder-only")));
        h.initiate("gw-b", 30).orThrow();
        h.script("strongswan-peer.sh", "initiate", "gw-b", "net2", "30").orThrow();
        boolean both = Testbed.await(Duration.ofSeconds(10), () -> h.rawSas("gw-b").installedChildren().size() == 2);
        assertOneIsakmpSaWithTwoChildren(d, both);
    }

    private void assertOneIsakmpSaWithTwoChildren(SallyportDaemon d, boolean both) {
        SwanSas sas = h.rawSas("gw-b");
        String ike = d.cli(SHOW_IKE);
        String ipsec = d.cli("show services ipsec-vpn ipsec security-associations");
        System.out.println("evidence: two IKEv1 terms, strongSwan shows:\n" + sas.raw().strip() + "\nSallyport shows:\n" + ike + ipsec);
        assertTrue(both, "strongSwan does not hold one ISAKMP SA with two children:\n" + sas.raw() + "\nSallyport shows:\n" + ipsec);
        assertEquals(1, sas.ikes().size(), sas.raw());
        assertEquals(2, sas.installedChildren().size(), sas.raw());
        assertTrue(h.ping("host-a", HOST_B, 3, 0.2).allAnswered(), "term t1 carries host-a <-> host-b");
        assertTrue(ipsec.contains("Term: t1, Tunnel index: 1") && ipsec.contains("Term: t2, Tunnel index: 2"), ipsec);
        assertEquals(1, ike.lines().filter(l -> l.startsWith("192.0.2.2")).count(), ike);
    }

    /**
     * strongSwan's one IKEv1 connection with two children, {@code net} (198.18.1.0/25) and
     * {@code net2} (198.18.1.128/25), its side 198.18.2.0/25 (kernel-libipsec needs its own
     * 198.18.2.1 inside its selector).
     */
    private void startTwoChildPeer() throws java.io.IOException {
        String swan = Files.readString(Testbed.repoRoot().resolve("interop/harness/conf/ikev1-psk/gw-b.conf"));
        String child = "            net {\n                local_ts  = @LAN_B@\n                remote_ts = @LAN_A@";
        assertTrue(swan.contains(child), swan);
        String twoChildren = swan.replace(child, "            net2 {\n"
            + "                local_ts  = 198.18.2.0/25\n"
            + "                remote_ts = 198.18.1.128/25\n"
            + "                esp_proposals = @ESP_PROPOSALS:aes256-sha1-modp2048@\n"
            + "                mode = tunnel\n"
            + "            }\n"
            + "            net {\n"
            + "                local_ts  = 198.18.2.0/25\n"
            + "                remote_ts = 198.18.1.0/25");
        Path conf = h.stateDir().resolve("two-children-gw-b.conf");
        Files.writeString(conf, twoChildren);
        h.peerStart("gw-b", conf.toString(), PROPOSALS);
    }

    /** gw-a's term t1 for 198.18.1.0/25 and a term t2 for 198.18.1.128/25, both towards gw-b with one IKE policy. */
    private static String twoTermConfig(GatewayConfig gwA) {
        return ikev1(gwA)
            .replace("from { source-address { 198.18.1.0/24; } destination-address { 198.18.2.0/24; } }",
                "from { source-address { 198.18.1.0/25; } destination-address { 198.18.2.0/25; } }")
            .replace("match-direction input;",
                "term t2 { from { source-address { 198.18.1.128/25; } destination-address { 198.18.2.0/25; } }"
                    + " then { remote-gateway 192.0.2.2; dynamic { ike-policy ike-pol; ipsec-policy ipsec-pol; } } }"
                    + " match-direction input;");
    }
}
