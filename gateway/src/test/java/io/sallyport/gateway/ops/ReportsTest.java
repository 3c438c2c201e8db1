package io.sallyport.gateway.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReportsTest {

    private static IkeSaView router1Sa() {
        return new IkeSaView("10.0.1.2", 500, "10.0.1.1", 500, true, true,
                0x8a74b32c96a3f9e5L, 0x0c5d8e1f4b7a2936L, "IKEv2", "Pre-shared-keys", "ge-0/0/0", "default",
                2214, "hmac-sha1-96", "3des-cbc", "hmac-sha1", 2,
                new IkeSaView.Traffic(8388, 8388, 125, 125), IkeSaView.Payloads.NONE, 1, 0, 0, 0, null);
    }

    private static IpsecTunnelView router1Tunnel() {
        return new IpsecTunnelView("ipsec-ss1", "default", "vpn-rule-r1", "term1", 1, "10.0.1.1", "10.0.1.2",
                "ms-4/0/0.1", 1500, false, 0,
                IpsecTunnelView.proxyId("172.16.0.0/16"), IpsecTunnelView.proxyId("192.168.0.0/16"),
                List.of(new IpsecSaView(true, 1562914436L, false, true, "ESP", "hmac-sha1-96", "3des-cbc", 28000, 28800, true, 128),
                        new IpsecSaView(false, 3498214667L, false, true, "ESP", "hmac-sha1-96", "3des-cbc", 28000, 28800, true, 128)),
                null, new IpsecTunnelView.Redundancy("10.0.1.2", false, "10.0.2.2", 1));
    }

    @Test
    void ikeBriefMatchesTheReferenceLayout() {
        String expected = """
                Remote Address  State         Initiator cookie  Responder cookie  Exchange type
                10.0.1.2        Matured       8a74b32c96a3f9e5  0c5d8e1f4b7a2936  IKEv2
                """;
        assertEquals(expected, IkeSecurityAssociationsReport.brief(List.of(router1Sa())));
    }

    @Test
    void ikeBriefSaysWhyAPeerIsDown() {
        IkeSaView failed = new IkeSaView("10.0.1.2", 500, "10.0.1.1", 500, true, false, 0x1L, 0L, "IKEv2",
                "Pre-shared-keys", "ge-0/0/0", "default", 0, "", "", "", 0, IkeSaView.Traffic.NONE,
                IkeSaView.Payloads.NONE, 0, 0, 0, 1, "authentication failed (peer sent AUTHENTICATION_FAILED)");
        String out = IkeSecurityAssociationsReport.brief(List.of(failed));
        assertTrue(out.contains("Not matured"), out);
        assertTrue(out.contains("10.0.1.2: authentication failed"), out);
    }

    @Test
    void ipsecBriefMatchesTheReferenceLayout() {
        String expected = """
                Service set: ipsec-ss1, IKE Routing-instance: default

                  Rule: vpn-rule-r1, Term: term1, Tunnel index: 1
                  Local gateway: 10.0.1.1, Remote gateway: 10.0.1.2
                  Local identity: ipv4_subnet(any:0,[0..7]=172.16.0.0/16)
                  Remote identity: ipv4_subnet(any:0,[0..7]=192.168.0.0/16)

                    Direction SPI         AUX-SPI     Mode       Type     Protocol
                    inbound   1562914436  0           tunnel     dynamic  ESP
                    outbound  3498214667  0           tunnel     dynamic  ESP

                """;
        assertEquals(expected, IpsecSecurityAssociationsReport.brief(List.of(router1Tunnel()), false));
    }

    @Test
    void ipsecDetailShowsStateAndReplayWindow() {
        String out = IpsecSecurityAssociationsReport.detail(List.of(router1Tunnel()), true);
        assertTrue(out.contains("IPSec inside interface: ms-4/0/0.1, Tunnel MTU: 1500"), out);
        assertTrue(out.contains("Direction: inbound, SPI: 5d282e84, AUX-SPI: 0"), out);
        assertTrue(out.contains("Mode: tunnel, Type: dynamic, State: Installed"), out);
        assertTrue(out.contains("Anti-replay service: Enabled, Replay window size: 128"), out);
    }

    @Test
    void extensiveAddsTheRedundancyBlock() {
        String out = IpsecSecurityAssociationsReport.extensive(List.of(router1Tunnel()), false);
        assertTrue(out.contains("    Primary remote gateway: 10.0.1.2, State: Standby\n"
                + "    Backup remote gateway: 10.0.2.2, State: Active\n    Failover counter: 1\n"), out);
        assertTrue(!IpsecSecurityAssociationsReport.detail(List.of(router1Tunnel()), false).contains("redundancy"));
    }

    @Test
    void xmlUsesTheReferenceTags() {
        String xml = Display.xml(IpsecSecurityAssociationsReport.element(List.of(router1Tunnel())));
        assertTrue(xml.contains("<svc-set-name>ipsec-ss1</svc-set-name>"), xml);
        assertTrue(xml.contains("<sa-spi>1562914436</sa-spi>"), xml);
        assertTrue(xml.contains("<sa-state>installed</sa-state>"), xml);
    }

    @Test
    void jsonCollectsRepeatedTagsIntoOneArray() {
        String json = Display.json(IpsecSecurityAssociationsReport.element(List.of(router1Tunnel())));
        assertEquals(1, json.split("\"security-associations\" :", -1).length - 1, json);
        assertTrue(json.contains("\"sa-direction\" : [\n"), json);
        assertTrue(json.contains("\"data\" : \"outbound\""), json);
    }

    @Test
    void statisticsBriefSumsTheTunnelsOfASet() {
        IpsecStatisticsView a = new IpsecStatisticsView("ms-4/0/0", "ss", "10.0.1.1", "10.0.1.2", 1,
                100, 200, 1, 2, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        IpsecStatisticsView b = new IpsecStatisticsView("ms-4/0/0", "ss", "10.0.1.1", "10.0.1.3", 2,
                1000, 2000, 10, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        String out = IpsecStatisticsReport.text(List.of(a, b), false);
        assertTrue(out.contains("Encrypted bytes:             1100"), out);
        assertTrue(out.contains("Replay errors: 3"), out);
        String detail = IpsecStatisticsReport.text(List.of(a, b), true);
        assertTrue(detail.contains("Local gateway: 10.0.1.1, Remote gateway: 10.0.1.3, Tunnel index: 2"), detail);
    }
}
