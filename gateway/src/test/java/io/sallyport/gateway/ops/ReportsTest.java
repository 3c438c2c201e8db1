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
                new IkeSaView.Traffic(8388, 8388, 125, 125), IkeSaView.Payloads.NONE, 1, 0, 0, 0);
    }

    private static IpsecTunnelView router1Tunnel() {
        return new IpsecTunnelView("ipsec-ss1", "default", "vpn-rule-r1", "term1", 1, "10.0.1.1", "10.0.1.2",
                "ms-4/0/0.1", 1500, false, 0,
                IpsecTunnelView.proxyId("172.16.0.0/16"), IpsecTunnelView.proxyId("192.168.0.0/16"),
                List.of(new IpsecSaView(true, 1562914436L, false, true, "ESP", "hmac-sha1-96", "3des-cbc", 28000, 28800, true, 128, true, 0, false, 64),
                        new IpsecSaView(false, 3498214667L, false, true, "ESP", "hmac-sha1-96", "3des-cbc", 28000, 28800, true, 128, true, 0, false, 64)),
                null, new IpsecTunnelView.Redundancy("10.0.1.2", false, "10.0.2.2", 1));
    }

    @Test
    void ikeStatisticsOfAnIkev1SaAddExchangeCountsAfterTheReferenceLayout() {
        IkeSaView.Payloads p = new IkeSaView.Payloads(1, 2, 3, 4, 4, 3, 0, 1, 0, 0, List.of(
                new IkeSaView.Exchange("Main", 3, 3, 0), new IkeSaView.Exchange("Quick", 1, 2, 0),
                new IkeSaView.Exchange("Informational", 5, 7, 0)));
        IkeSaView sa = new IkeSaView("12.0.1.1", 500, "11.0.1.1", 500, true, true, 0x7fbfe094090a111aL, 0xa20c3812ec9ca32bL,
                "Main", "Pre-shared-keys", "ge-0/0/0", "default", 2214, "hmac-sha1-96", "3des-cbc", "hmac-sha1", 2,
                new IkeSaView.Traffic(28876, 28876, 427, 427), p, 24, 22, 12, 0);
        assertEquals("""
                IKE peer 12.0.1.1
                  Initiator cookie: 7fbfe094090a111a, Responder cookie: a20c3812ec9ca32b
                  Local: 11.0.1.1:500, Remote: 12.0.1.1:500
                  IPSec security associations: 24 created, 22 deleted, 12 rekeys
                  Exchange type: Main
                  Traffic statistics:
                   Input  bytes  :                28876
                   Output bytes  :                28876
                   Input  packets:                  427
                   Output packets:                  427
                  Payload statistics:
                   Delete payloads received:              1
                   Delete payloads sent:                  2
                   DPD request payloads received:         3
                   DPD request payloads sent:             4
                   DPD response payloads received:        4
                   DPD response payloads sent:            3
                   DPD response payloads missed:          0
                   DPD response maximum delay:            1
                   Invalid SPI notifications received:    0
                   Invalid SPI notifications sent:        0
                  Exchange statistics:
                   Main           received:      3, sent:      3, failed:    0
                   Quick          received:      1, sent:      2, failed:    0
                   Informational  received:      5, sent:      7, failed:    0

                """, IkeStatisticsReport.text(List.of(sa)));
        String xml = IkeStatisticsReport.element(List.of(sa)).toString();
        assertTrue(xml.contains("ike-sa-exchange-statistics"), xml);
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
    void ikeBriefOfANegotiatingSaHasOnlyTheReferenceColumns() {
        // Why a peer is down is not a Junos line: it lives in show services service-sets (issue 9).
        IkeSaView negotiating = new IkeSaView("10.0.1.2", 500, "10.0.1.1", 500, true, false, 0x1L, 0L, "IKEv2",
                "Pre-shared-keys", "ge-0/0/0", "default", 0, "", "", "", 0, IkeSaView.Traffic.NONE,
                IkeSaView.Payloads.NONE, 0, 0, 0, 1);
        assertEquals("""
                Remote Address  State         Initiator cookie  Responder cookie  Exchange type
                10.0.1.2        Not matured   0000000000000001  0000000000000000  IKEv2
                """, IkeSecurityAssociationsReport.brief(List.of(negotiating)));
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
        // Reference §4.4: the ToS and TTL lines of each SA.
        assertTrue(out.contains("    Anti-replay service: Enabled, Replay window size: 128\n"
                + "    Copy ToS from inner IP header: Enabled\n"
                + "    Copy TTL from inner IP header: Disabled, TTL value: 64\n"), out);
        String xml = Display.xml(IpsecSecurityAssociationsReport.element(List.of(router1Tunnel())));
        assertTrue(xml.contains("<sa-copy-tos-from-inner-ip-header>enabled</sa-copy-tos-from-inner-ip-header>")
                && xml.contains("<sa-copy-ttl-from-inner-ip-header>disabled</sa-copy-ttl-from-inner-ip-header>")
                && xml.contains("<sa-ttl-value>64</sa-ttl-value>") && !xml.contains("sa-tos-value"), xml);
    }

    @Test
    void replayLineKeepsItsShapeWithAntiReplayOffAndFailuresStayOutOfDetail() {
        IpsecTunnelView down = new IpsecTunnelView("ss", "default", "r", "t", 1, "10.0.1.1", "10.0.1.2", "ms-4/0/0.1",
                1500, false, 0, IpsecTunnelView.proxyId("0.0.0.0/0"), IpsecTunnelView.proxyId("0.0.0.0/0"),
                List.of(new IpsecSaView(true, 1L, true, true, "ESP", "hmac-sha1-96", "aes-128-cbc", -1, -1, false, 0,
                        false, 0, true, 0)), "no IPsec SA negotiated yet", null);
        String detail = IpsecSecurityAssociationsReport.detail(List.of(down), false);
        assertTrue(detail.contains("    Anti-replay service: Disabled, Replay window size: 0\n"
                + "    Copy ToS from inner IP header: Disabled, ToS value: 0\n"
                + "    Copy TTL from inner IP header: Enabled\n"), detail);
        assertTrue(!detail.contains("Tunnel down") && !IpsecSecurityAssociationsReport.brief(List.of(down), false)
                .contains("Tunnel down"), detail);
        assertTrue(IpsecSecurityAssociationsReport.extensive(List.of(down), false)
                .contains("  Tunnel down: no IPsec SA negotiated yet\n"));
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

    @Test
    void serviceSetsShowTheDataPathsCountsUnderItsLine() {
        ServiceSetsReport.SetView set = new ServiceSetsReport.SetView("ss", "ms-0/0/0.1", "sp0", null, 0, 0, List.of(),
                java.util.Optional.empty());
        String counts = "AF_XDP frames received on 192.0.2.2 (wan), per receive queue: 0: 120, 1: 0";
        String out = ServiceSetsReport.text(List.of(set), "raw ESP through AF_XDP", List.of(counts), List.of());
        assertTrue(out.contains("Data path: raw ESP through AF_XDP\n  " + counts + "\n"), out);
        assertEquals(out.replace("  " + counts + "\n", ""),
                ServiceSetsReport.text(List.of(set), "raw ESP through AF_XDP", List.of(), List.of()), "no counts, no line");
        String xml = Display.xml(ServiceSetsReport.element(List.of(set), "raw ESP through AF_XDP", List.of(counts)));
        assertTrue(xml.contains("<data-path-count>" + counts + "</data-path-count>"), xml);
    }

    @Test
    void tcpMssStatisticsHaveJunossColumnsOneRowPerServiceSet() {
        List<TcpMssReport.Row> rows = List.of(new TcpMssReport.Row("ms-0/0/0", "ipsec-ss1", 3, 2),
                new TcpMssReport.Row("ms-0/0/0", "ipsec-ss2", 0, 0));
        assertEquals("""
                Interface     Service Set               SYN Received  SYN Modified
                ms-0/0/0      ipsec-ss1                            3             2
                ms-0/0/0      ipsec-ss2                            0             0
                """, TcpMssReport.text(rows));
        String xml = Display.xml(TcpMssReport.element(rows));
        assertTrue(xml.contains("<service-set-name>ipsec-ss1</service-set-name>"), xml);
        assertTrue(xml.contains("<syn-received>3</syn-received>"), xml);
        assertTrue(xml.contains("<syn-modified>2</syn-modified>"), xml);
    }
}
