package io.sallyport.interop;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * strongSwan as gw-a behind a port-randomising NAT, Sallyport as gw-b outside it: when the NAT
 * forgets gw-a's mapping and makes a new one on another port, Sallyport's ESP in UDP follows
 * the peer to the new port once an authenticated IKE message (strongSwan's DPD) comes from
 * there (RFC 7296 §2.23), so traffic towards gw-a's side flows again. Before, only the IKE SA
 * followed, and ESP kept going to a mapping the NAT no longer had. Without DPD, authenticated ESP
 * from the new mapping alone moves the IKE SA and its child SA there.
 */
@Tag("interop")
class NatRebindingTest {

    @RegisterExtension
    static final Testbed BED = new Testbed("spr-", Harness.Topology.NAT);

    private static final Pattern REMOTE = Pattern.compile("Remote: 192\\.0\\.2\\.1:(\\d+)");

    private final Harness h = BED.harness();

    @AfterEach
    void stop() {
        BED.stopDaemons();
    }

    /** The remote port of Sallyport's IKE SA with gw-a, as show has it. */
    private static String remotePort(SallyportDaemon d) {
        Matcher m = REMOTE.matcher(d.cli("show services ipsec-vpn ike security-associations detail"));
        assertTrue(m.find(), "the IKE SA's remote address and port");
        return m.group(1);
    }

    /** The NAT's mappings of gw-a's (198.51.100.2) port 4500, as conntrack lists them. */
    private java.util.List<String> natMappingsOfGwA4500() {
        return h.inNs("nat", 10, "cat", "/proc/net/nf_conntrack").orThrow().stdout().lines()
            .filter(l -> l.contains(" udp ") && l.contains("src=198.51.100.2 ") && l.contains("sport=4500 ")).toList();
    }

    private boolean natMapsGwA4500() {
        return !natMappingsOfGwA4500().isEmpty();
    }

    /**
     * Whether the NAT maps gw-a's port 4500 to {@code port} (the reply direction's destination
     * port) for at least the next 10 s: conntrack's fifth field is the seconds left, so a mapping
     * made under the one-second timeout, about to lapse, does not count.
     */
    private boolean natKeepsGwA4500At(String port) {
        return natMappingsOfGwA4500().stream().anyMatch(l -> l.matches(".*dport=" + port + "( .*|$)")
            && Integer.parseInt(l.trim().split("\\s+")[4]) >= 10);
    }

    /**
     * No DPD on either side (strongSwan's {@code INTEROP_DPD_DELAY=0s}; Sallyport's gw-b has none):
     * gw-a's mapping lapses while the tunnel is idle, then host-a pings, so the first thing from
     * the new mapping is ESP. Sallyport's inbound worker authenticates it from the new port and
     * reports it; the IKE SA (show's remote port) and the child SA follow, and pings pass both ways.
     * Without the follow the replies keep going to the lapsed mapping and the pings from host-a fail.
     */
    @Test
    void authenticatedEspAloneFollowsThePeerWithoutDpd() {
        SallyportDaemon d = BED.daemon("gw-b", "rebinding-esp", gwBForAPeerBehindTheNat());
        h.peerStart("gw-a", "ikev2-psk", Map.of("INTEROP_DPD_DELAY", "0s"));
        espAloneFollowsThePeer(d, "IKE SA", "");
    }

    @Test
    void espFollowsThePeerToItsNewNatMapping() {
        SallyportDaemon d = BED.daemon("gw-b", "rebinding", gwBForAPeerBehindTheNat());
        h.peerStart("gw-a", "ikev2-psk", Map.of("INTEROP_DPD_DELAY", "2s"));
        h.initiate("gw-a", 30).orThrow();
        String before = remotePort(d);
        Ping up = h.ping("host-b", "198.18.1.10", 3, 0.2);
        assertTrue(up.allAnswered(), up.output());

        // The NAT forgets idle mappings after a second: between two of gw-a's DPDs (every 2 s) the
        // mapping of gw-a's port 4500 lapses, and the next DPD gets a new, random, source port.
        natForgetsIdleMappingsAfterASecond(true);
        // gw-a's next DPD comes from the new mapping: kmd's IKE SA follows it, and its show says so.
        assertTrue(Testbed.await(Duration.ofSeconds(20), () -> !before.equals(remotePort(d))), "the IKE SA follows the peer");
        System.out.println("evidence: IKE SA at 192.0.2.1:" + before + ", then at 192.0.2.1:" + remotePort(d) + "\n"
            + d.log().lines().filter(l -> l.contains("follows the peer")).reduce("", (a, b) -> a + b + "\n"));

        // Back to the usual timeouts so the mapping stays while the pings run. The mapping the IKE
        // SA moved to kept the one-second timeout of its last packet and may lapse (the next DPD
        // then makes another, and the SAs follow again): wait until the NAT keeps a mapping, under
        // the usual timeout, to the port the IKE SA is at.
        natForgetsIdleMappingsAfterASecond(false);
        assertTrue(Testbed.await(Duration.ofSeconds(20), () -> natKeepsGwA4500At(remotePort(d))),
            "the NAT keeps gw-a's port 4500 at the port the IKE SA is at: " + natMappingsOfGwA4500());
        Ping ba = h.ping("host-b", "198.18.1.10", 5, 0.2);
        Ping ab = h.ping("host-a", "198.18.2.10", 5, 0.2);
        System.out.println("evidence: after the rebinding b->a " + ba + "; a->b " + ab + "; IKE SA at 192.0.2.1:"
            + remotePort(d) + "; the NAT's mappings of gw-a's port 4500: " + natMappingsOfGwA4500());
        assertTrue(ba.allAnswered(), ba.output());
        assertTrue(ab.allAnswered(), ab.output());
    }

    /**
     * The same with IKEv1 (the gateway's IKE policy without {@code version 2}, strongSwan's
     * ikev1-psk variant as gw-a): its ISAKMP SA and the ESP in UDP of its IPsec SA follow gw-a's
     * new mapping at its next R-U-THERE (RFC 3947 §4).
     */
    @Test
    void ikev1EspFollowsThePeerToItsNewNatMapping() {
        String config = gwBForAPeerBehindTheNat();
        assertTrue(config.contains("version 2; "), config);
        SallyportDaemon d = BED.daemon("gw-b", "rebinding-v1", config.replace("version 2; ", ""));
        h.peerStart("gw-a", "ikev1-psk", Map.of("INTEROP_DPD_DELAY", "2s", "INTEROP_IKE_PROPOSALS", "aes256-sha256-modp2048",
            "INTEROP_ESP_PROPOSALS", "aes128gcm16-modp2048"));
        h.initiate("gw-a", 30).orThrow();
        String before = remotePort(d);
        Ping up = h.ping("host-b", "198.18.1.10", 3, 0.2);
        assertTrue(up.allAnswered(), up.output());

        natForgetsIdleMappingsAfterASecond(true);
        boolean followed = Testbed.await(Duration.ofSeconds(20), () -> !before.equals(remotePort(d)));
        String after = remotePort(d);
        natForgetsIdleMappingsAfterASecond(false);
        boolean kept = Testbed.await(Duration.ofSeconds(20), () -> natKeepsGwA4500At(remotePort(d)));
        Ping ba = h.ping("host-b", "198.18.1.10", 5, 0.2);
        Ping ab = h.ping("host-a", "198.18.2.10", 5, 0.2);
        System.out.println("evidence: IKEv1: ISAKMP SA at 192.0.2.1:" + before + ", then at 192.0.2.1:" + after + "\n"
            + d.log().lines().filter(l -> l.contains("follows the peer")).reduce("", (a, b) -> a + b + "\n")
            + "after the rebinding b->a " + ba + "; a->b " + ab);
        assertTrue(followed, "the ISAKMP SA follows the peer");
        assertTrue(kept, "the NAT keeps gw-a's port 4500 at the port the ISAKMP SA is at: " + natMappingsOfGwA4500());
        assertTrue(ba.allAnswered(), ba.output());
        assertTrue(ab.allAnswered(), ab.output());
    }

    /**
     * IKEv1 without DPD: gw-a's mapping lapses while idle, host-a's pings are the first thing from
     * the new mapping, and that authenticated ESP alone moves the ISAKMP SA and its IPsec SA
     * (RFC 3947 §4, RFC 3948; strongSwan does the same on the kernel's mapping event).
     */
    @Test
    void ikev1AuthenticatedEspAloneFollowsThePeerWithoutDpd() {
        SallyportDaemon d = BED.daemon("gw-b", "rebinding-v1-esp", gwBForAPeerBehindTheNat().replace("version 2; ", ""));
        h.peerStart("gw-a", "ikev1-psk", Map.of("INTEROP_DPD_DELAY", "0s", "INTEROP_IKE_PROPOSALS", "aes256-sha256-modp2048",
            "INTEROP_ESP_PROPOSALS", "aes128gcm16-modp2048"));
        espAloneFollowsThePeer(d, "ISAKMP SA", "IKEv1 without DPD: ");
    }

    /**
     * gw-a (started, no DPD) initiates; its mapping lapses while the tunnel is idle, then host-a
     * pings, so the first thing from the new mapping is ESP; {@code sa} (IKE SA or ISAKMP SA) and
     * its child follow, and pings pass both ways.
     */
    private void espAloneFollowsThePeer(SallyportDaemon d, String sa, String evidence) {
        h.initiate("gw-a", 30).orThrow();
        String before = remotePort(d);
        Ping up = h.ping("host-b", "198.18.1.10", 3, 0.2);
        assertTrue(up.allAnswered(), up.output());

        // The NAT forgets idle mappings after a second; nothing is sent meanwhile (no DPD, the
        // keepalives come every 20 s), so gw-a's mapping lapses.
        natForgetsIdleMappingsAfterASecond(true);
        assertTrue(Testbed.await(Duration.ofSeconds(30), () -> !natMapsGwA4500()), "gw-a's NAT mapping lapses");
        natForgetsIdleMappingsAfterASecond(false);

        // host-a's pings: ESP from a new, random, port; the first replies may leave before the move.
        Ping first = h.ping("host-a", "198.18.2.10", 3, 0.2);
        boolean followed = Testbed.await(Duration.ofSeconds(10), () -> !before.equals(remotePort(d)));
        String after = remotePort(d);
        Ping ab = h.ping("host-a", "198.18.2.10", 5, 0.2);
        Ping ba = h.ping("host-b", "198.18.1.10", 5, 0.2);
        String drops = d.cli("show services ipsec-vpn drops");
        System.out.println("evidence: " + evidence + sa + " at 192.0.2.1:" + before + ", then at 192.0.2.1:" + after
            + "; first pings from host-a " + first + "; after the move a->b " + ab + ", b->a " + ba + "\n"
            + d.log().lines().filter(l -> l.contains("following the peer") || l.contains("follows the peer"))
                .reduce("", (a, b) -> a + b + "\n")
            + drops.lines().filter(l -> l.contains("new peer endpoint")).reduce("", (a, b) -> a + b + "\n"));
        assertTrue(ab.allAnswered(), ab.output());
        assertTrue(ba.allAnswered(), ba.output());
        assertTrue(followed, "the " + sa + " follows the peer's authenticated ESP");
        assertTrue(d.log().contains("authenticated ESP"), "moved by ESP, not by IKE:\n" + d.log());
    }

    /** gw-b's configuration for strongSwan behind the NAT, which identifies itself by its own, private, address. */
    private static String gwBForAPeerBehindTheNat() {
        return GatewayConfig.gwB().render().replace("remote-id ipv4_addr 192.0.2.1;", "remote-id ipv4_addr 198.51.100.2;");
    }

    /** The NAT's UDP timeouts: a second ({@code lapse}), so idle mappings lapse, or the usual 30 s and 120 s. */
    private void natForgetsIdleMappingsAfterASecond(boolean lapse) {
        h.inNs("nat", 10, "sysctl", "-w", "net.netfilter.nf_conntrack_udp_timeout=" + (lapse ? 1 : 30),
            "net.netfilter.nf_conntrack_udp_timeout_stream=" + (lapse ? 1 : 120)).orThrow();
    }
}
