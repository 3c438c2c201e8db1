package io.sallyport.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Sallyport as gw-a at 198.51.100.2 behind a port-randomising NAT, strongSwan as gw-b: NAT-T. */
@Tag("interop")
class SallyportBehindNatTest {

    @RegisterExtension
    static final Testbed BED = new Testbed("sp2-", Harness.Topology.NAT);

    private final Harness h = BED.harness();

    @AfterEach
    void stop() {
        BED.stopDaemons();
    }

    private SallyportDaemon tunnelUp(GatewayConfig config, String name) {
        return tunnelUp(config.render(), name);
    }

    /** The tunnel up at both ends: strongSwan holds the child SA ({@link #strongswanHoldsTheSa}), and so does D. */
    private SallyportDaemon tunnelUp(String config, String name) {
        SallyportDaemon d = strongswanHoldsTheSa(config, name);
        d.awaitSaPairOf(h.rawSas("gw-b").installedChildren().getFirst());
        return d;
    }

    /**
     * strongSwan as gw-b, Sallyport as gw-a with CONFIG, until strongSwan holds the child SA, seen
     * from the NAT's outside address. Sallyport may not hold it yet (it installs once it has
     * strongSwan's answer, and natt-install-interval holds that back).
     */
    private SallyportDaemon strongswanHoldsTheSa(String config, String name) {
        h.peerStart("gw-b", "ikev2-psk", Map.of());
        SallyportDaemon d = BED.daemon("gw-a", name, config);
        h.waitSa("gw-b", 30).orThrow();
        SwanSas sas = h.rawSas("gw-b");
        assertTrue(sas.established(), sas.raw());
        assertEquals("192.0.2.1", sas.ikes().getFirst().remoteHost(), "gw-b sees the NAT's outside address");
        return d;
    }

    @Test
    void tunnelThroughNatPingsBothWaysAndKeepsTheMappingAlive() {
        SallyportDaemon d = tunnelUp(GatewayConfig.gwABehindNat(), "nat");
        String pcap = h.captureStart("gw-b", "wan");
        Ping ab = h.ping("host-a", "198.18.2.10", 5, 0.2);
        Ping ba = h.ping("host-b", "198.18.1.10", 5, 0.2);
        // The default keepalive interval is 20 s: wait for the first one, not for a fixed time.
        Testbed.await(Duration.ofSeconds(30), () -> h.captureSoFar(pcap).natKeepalive() >= 1);
        Capture c = h.captureStop("gw-b", "wan");
        System.out.println("evidence: a->b " + ab + "; b->a " + ba + "; " + c);
        System.out.println("evidence:\n" + d.cli("show services ipsec-vpn ike security-associations detail"));
        assertTrue(ab.allAnswered(), ab.output());
        assertTrue(ba.allAnswered(), ba.output());
        assertEquals(0, c.plainInner(), c.toString());
        assertTrue(c.espInUdp() >= 20, c.toString());
        assertTrue(c.natKeepalive() >= 1, "gw-a behind the NAT sends NAT-T keepalives: " + c);
    }

    /**
     * NAT-T's ESP in UDP (port 4500, UDP GSO batches) carries the term's TTL 37, ToS 40 and DF
     * through the NAT (which takes one from the TTL): before, the kernel's header (TTL 64, ToS 0).
     */
    @Test
    void natTOuterHeaderCarriesTheTermsTtlTosAndDf() {
        String config = GatewayConfig.gwABehindNat().render();
        String term = "remote-gateway 192.0.2.2; ";
        assertTrue(config.contains(term), config);
        tunnelUp(config.replace(term, term + "ttl 37; tos 40; set-dont-fragment-bit; "), "nat-outer");
        h.captureStart("gw-b", "wan");
        Ping ab = h.ping("host-a", "198.18.2.10", 5, 0.2);
        Ping ba = h.ping("host-b", "198.18.1.10", 5, 0.2);
        Capture c = h.captureStop("gw-b", "wan");
        assertTrue(ab.allAnswered(), ab.output());
        assertTrue(ba.allAnswered(), ba.output());
        String esp = "src host 192.0.2.1 and udp dst port 4500 and udp[4:2] > 16 and udp[8:4] != 0";
        int fromA = count(c, esp);
        int fromAAsSet = count(c, esp + " and ip[8] = 36 and ip[1] = 40 and ip[6] & 0x40 != 0");
        System.out.println("evidence: gw-a's ESP in UDP through the NAT " + fromA + ", with TTL 37 (36 after the NAT), ToS 40, DF "
            + fromAAsSet + "; " + c);
        assertTrue(fromA >= 10, c.toString());
        assertEquals(fromA, fromAAsSet, "every NAT-T ESP packet from gw-a carries its term's TTL, ToS and DF");
    }

    private int count(Capture c, String filter) {
        return (int) h.run(java.util.List.of("tcpdump", "-nr", c.pcap(), filter), Map.of(), 30).stdout().lines().count();
    }

    @Test
    void natKeepaliveIntervalIsHonoured() {
        tunnelUp(GatewayConfig.gwABehindNat().withNatKeepalive(2), "nat-keepalive-2");
        String pcap = h.captureStart("gw-b", "wan");
        // Two keepalives within 7 s (the default interval, 20 s, would give none).
        Testbed.await(Duration.ofSeconds(7), () -> h.captureSoFar(pcap).natKeepalive() >= 2);
        Capture c = h.captureStop("gw-b", "wan");
        System.out.println("evidence: nat-keepalive 2, at most 7 s idle: " + c);
        assertTrue(c.natKeepalive() >= 2, "ipsec-vpn-options nat-keepalive 2: a keepalive every 2 s: " + c);
    }

    /**
     * {@code natt-install-interval 10} (reference §1.6: "delay before installing IPsec SA when NAT-T
     * is in use"): strongSwan holds the child SA as soon as the exchange ends, Sallyport hands it
     * to its data plane ten seconds after agreeing it, so host-a's pings pass only then. Without
     * the statement they pass at once (0.3 s in a run with {@code natt-install-interval 0}).
     */
    @Test
    void nattInstallIntervalHoldsTheChildSaBackThatLong() {
        String config = GatewayConfig.gwABehindNat().render();
        String dynamic = "dynamic { ike-policy ike-pol;";
        assertTrue(config.contains(dynamic), config);
        SallyportDaemon d = strongswanHoldsTheSa(config.replace(dynamic, "dynamic { natt-install-interval 10; ike-policy ike-pol;"),
            "natt-install-interval");
        long agreed = System.nanoTime();
        assertTrue(Testbed.await(Duration.ofSeconds(30), () -> h.ping("host-a", "198.18.2.10", 1, 0.2).allAnswered()),
            d.cli("show services ipsec-vpn ipsec security-associations detail"));
        double seconds = (System.nanoTime() - agreed) / 1e9;
        Ping ab = h.ping("host-a", "198.18.2.10", 5, 0.2);
        Ping ba = h.ping("host-b", "198.18.1.10", 5, 0.2);
        System.out.printf("evidence: natt-install-interval 10: host-a's first answered ping %.1f s after strongSwan held"
            + " the child SA; then a->b %s, b->a %s%n", seconds, ab, ba);
        // strongSwan held the SA before Sallyport got the answer that agreed it, so the wait is the
        // interval less the time strongswanHoldsTheSa took to see strongSwan's SA (it polls every 0.2 s).
        assertTrue(seconds >= 8, "the child SA was installed after " + seconds + " s");
        assertTrue(ab.allAnswered(), ab.output());
        assertTrue(ba.allAnswered(), ba.output());
    }
}
