package io.sallyport.interop;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An IKEv1 ISAKMP SA that ends at its lifetime while its IPsec SA is up: Sallyport (gw-a, the
 * dynamic-endpoint access profile of {@link DynamicBranches}, IKE lifetime 180 s, cut to 30 s by
 * the daemon's test hook {@code -Dsallyport.test.ike-lifetime-seconds}) against a strongSwan 5.9.8
 * main-mode initiator (gw-b) that does not re-authenticate within it. Own namespace prefix {@code v1x-}.
 */
@Tag("interop")
class Ikev1PhaseOneExpiryStrongswanTest {

    @RegisterExtension
    static final Testbed BED = new Testbed("v1x-", Harness.Topology.DIRECT);

    private static final String PSK = "phase-one-expiry-key-0123456789";
    private static final String SHOW_IKE = "show services ipsec-vpn ike security-associations";
    private static final String SHOW_IPSEC = "show services ipsec-vpn ipsec security-associations";

    /**
     * The ISAKMP SA's lifetime under the test hook: a commit allows 180 s at least, which the test
     * would wait for; kmd's timers act on this instead. Nothing on the wire changes, and strongSwan's
     * own timers lie hours away ({@code reauth_time 2h}, no rekey), far beyond it as beyond 180 s.
     */
    private static final int IKE_LIFETIME_SECONDS = 30;

    private final Harness h = BED.harness();

    /** The access profile's gateway with an IKE lifetime of 180 s (the shortest a Junos commit allows). */
    private static String gatewayConfig() {
        String c = DynamicBranches.gatewayConfig("mode main;", "authentication-algorithm hmac-sha1-96; encryption-algorithm aes-256-cbc;", PSK);
        assertTrue(c.contains("dh-group group14; authentication-algorithm sha-256;"), c);
        return c.replace("dh-group group14; authentication-algorithm sha-256;", "dh-group group14; authentication-algorithm sha-256; lifetime-seconds 180;");
    }

    /**
     * At its lifetime only the ISAKMP SA goes (a Delete for it alone): Sallyport keeps the IPsec SA and
     * shows it (no IKE SA line), as Junos does (RFC 2409: phase 2 does not depend on phase 1).
     * strongSwan, which ties its CHILD_SAs to their IKE_SA, drops its own on that Delete without
     * a word (its {@code isakmp_delete} destroys the IKE_SA with them), so the tunnel carries
     * nothing until it initiates again: its new main mode says INITIAL-CONTACT, which clears the
     * kept SA, and the new pair carries traffic. Nothing is left behind at either end.
     */
    @Test
    void whenTheIsakmpSaExpiresOnlyItGoesTheIpsecSaStaysUntilThePeerComesBack() {
        SallyportDaemon gw = BED.daemon("gw-a", "v1-expiry", gatewayConfig(),
                "-Dsallyport.test.ike-lifetime-seconds=" + IKE_LIFETIME_SECONDS);
        DynamicBranches branches = new DynamicBranches(BED);
        h.peerStart("gw-b", branches.swanConfig("gw-b", List.of("version = 1", "aggressive = no", "rekey_time = 0s",
                "reauth_time = 2h"), "192.0.2.2", "gw-b.example.net", "198.18.2.0/24", "aes256-sha1-modp2048", PSK).toString(), Map.of());
        h.initiate("gw-b", 30);
        h.waitSa("gw-b", 30).orThrow();
        assertTrue(h.ping("host-b", "198.18.1.10", 3, 0.3).allAnswered());
        String ikeBefore = gw.cli(SHOW_IKE);
        String ipsecBefore = gw.cli(SHOW_IPSEC);
        assertTrue(ikeBefore.contains("192.0.2.2"), ikeBefore);
        Matcher spi = Pattern.compile("inbound +(\\d+)").matcher(ipsecBefore);
        assertTrue(spi.find(), ipsecBefore);
        String keptSpi = spi.group(1);

        boolean expired = Testbed.await(Duration.ofSeconds(IKE_LIFETIME_SECONDS + 20), () -> !gw.cli(SHOW_IKE).contains("192.0.2.2"));
        // Sallyport's show drops the SA as it sends the Delete; strongSwan ends its IKE_SA and CHILD_SA
        // when the Delete reaches it. Wait for that: an initiate before it would go over the IKE_SA
        // the Delete is about to end.
        boolean swanDropped = Testbed.await(Duration.ofSeconds(10), () -> h.rawSas("gw-b").ikes().isEmpty());
        String ike = gw.cli(SHOW_IKE);
        String ipsec = gw.cli(SHOW_IPSEC);
        String swan = h.sas("gw-b");
        System.out.println("evidence: before\n" + ikeBefore + ipsecBefore + "after the ISAKMP SA's lifetime (" + IKE_LIFETIME_SECONDS + " s)\n" + ike + ipsec
                + gw.cli("show services service-sets") + "strongSwan after Sallyport's Delete of the ISAKMP SA:\n" + swan);
        assertTrue(expired, ike);
        assertTrue(ipsec.contains("Remote gateway: 192.0.2.2") && ipsec.contains(keptSpi), ipsec);
        assertTrue(swanDropped, "strongSwan keeps its SAs after Sallyport's Delete of the ISAKMP SA:\n" + swan);

        // The peer comes back: INITIAL-CONTACT clears the kept SA, the new pair carries the traffic.
        h.initiate("gw-b", 30);
        h.waitSa("gw-b", 30).orThrow();
        Ping back = h.ping("host-b", "198.18.1.10", 3, 0.3);
        Ping there = h.ping("host-a", "198.18.2.10", 3, 0.3);
        String ikeAfter = gw.cli(SHOW_IKE);
        String ipsecAfter = gw.cli(SHOW_IPSEC);
        System.out.println("evidence: gw-b initiated again: " + back + " / " + there + "\n" + ikeAfter + ipsecAfter + h.sas("gw-b"));
        assertTrue(back.allAnswered() && there.allAnswered(), back.output() + there.output());
        assertTrue(ikeAfter.contains("192.0.2.2"), ikeAfter);
        assertFalse(ipsecAfter.contains(keptSpi), "the kept SA went with INITIAL-CONTACT: " + ipsecAfter);
        assertTrue(ipsecAfter.lines().filter(l -> l.contains("inbound")).count() == 1, ipsecAfter);
    }
}
