package io.sallyport.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * IKEv1 NAT traversal (RFC 3947): Sallyport as gw-a at 198.51.100.2 behind the port-randomising
 * NAT, strongSwan's ikev1-psk variant as gw-b, in main mode and in aggressive mode. Own
 * namespace prefix {@code sv1n-}.
 */
@Tag("interop")
class SallyportIkev1BehindNatTest {

    @RegisterExtension
    static final Testbed BED = new Testbed("sv1n-", Harness.Topology.NAT);
    /** gw-b speaks what GatewayConfig's proposals say. */
    static final Map<String, String> PROPOSALS = Map.of("INTEROP_IKE_PROPOSALS", "aes256-sha256-modp2048",
            "INTEROP_ESP_PROPOSALS", "aes128gcm16-modp2048");

    private final Harness h = BED.harness();

    @AfterEach
    void stop() {
        BED.stopDaemons();
    }

    private void throughNat(boolean aggressive, String name) {
        Map<String, String> env = new java.util.HashMap<>(PROPOSALS);
        if (aggressive) {
            env.put("INTEROP_AGGRESSIVE", "yes");
            env.put("INTEROP_AGGRESSIVE_PSK", "yes");
        }
        h.peerStart("gw-b", "ikev1-psk", env);
        // nat-keepalive 2: the first keepalive within seconds. The default interval (20 s) is
        // SallyportBehindNatTest's to prove; the timer is the same for both IKE versions.
        String config = GatewayConfig.gwABehindNat().withNatKeepalive(2).render();
        assertTrue(config.contains("version 2; "), config);
        SallyportDaemon d = BED.daemon("gw-a", name, config.replace("version 2; ", aggressive ? "mode aggressive; " : ""));
        h.waitSa("gw-b", 30).orThrow();
        SwanSas sas = h.rawSas("gw-b");
        assertTrue(sas.established() && sas.raw().contains("version=1"), sas.raw());
        assertEquals("192.0.2.1", sas.ikes().getFirst().remoteHost(), "gw-b sees the NAT's outside address");
        d.awaitSaPairOf(sas.installedChildren().getFirst());
        String pcap = h.captureStart("gw-b", "wan");
        Ping ab = h.ping("host-a", "198.18.2.10", 5, 0.2);
        Ping ba = h.ping("host-b", "198.18.1.10", 5, 0.2);
        // Wait for the first keepalive, not for a fixed time.
        Testbed.await(Duration.ofSeconds(30), () -> h.captureSoFar(pcap).natKeepalive() >= 1);
        Capture c = h.captureStop("gw-b", "wan");
        String detail = d.cli("show services ipsec-vpn ike security-associations detail");
        System.out.println("evidence: a->b " + ab + "; b->a " + ba + "; " + c + "\n" + detail);
        assertTrue(ab.allAnswered(), ab.output());
        assertTrue(ba.allAnswered(), ba.output());
        assertEquals(0, c.plainInner(), c.toString());
        assertTrue(c.espInUdp() >= 20, "ESP in UDP through the NAT: " + c);
        assertTrue(c.natKeepalive() >= 1, "gw-a behind the NAT sends NAT-T keepalives: " + c);
        assertTrue(detail.contains("Exchange type: " + (aggressive ? "Aggressive" : "Main")) && detail.contains(":4500"), detail);
    }

    @Test
    void mainModeThroughNat() {
        throughNat(false, "v1-nat-main");
    }

    @Test
    void aggressiveModeThroughNat() {
        throughNat(true, "v1-nat-aggressive");
    }
}
