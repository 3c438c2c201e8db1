package io.sallyport.gateway.mgmt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sallyport.gateway.mgmt.OperationalCommand.Format;
import io.sallyport.gateway.mgmt.OperationalCommand.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OperationalCommandTest {

    @Test
    void parsesIkeSecurityAssociationsWithLevelPeerAndDisplay() {
        var parsed = OperationalCommand.parse("show services ipsec-vpn ike security-associations detail 10.0.1.2 | display xml");
        assertNull(parsed.error());
        assertEquals(new OperationalCommand.ShowIkeSecurityAssociations(Level.DETAIL,
                        OperationalCommand.Filter.peer("10.0.1.2"), Format.XML),
                parsed.command());
    }

    @Test
    void defaultsToBriefText() {
        var parsed = OperationalCommand.parse("show services ipsec-vpn ipsec security-associations");
        assertEquals(new OperationalCommand.ShowIpsecSecurityAssociations(Level.BRIEF, OperationalCommand.Filter.ALL, false,
                        Format.TEXT),
                parsed.command());
    }

    @Test
    void parsesStatisticsFilters() {
        var parsed = OperationalCommand.parse("show services ipsec-vpn ipsec statistics detail service-set ss1 remote-gw 192.0.2.2");
        assertEquals(new OperationalCommand.ShowIpsecStatistics(Level.DETAIL, new OperationalCommand.Filter(Optional.of("ss1"),
                        Optional.of("192.0.2.2"), java.util.OptionalInt.empty(), Optional.empty()), Format.TEXT),
                parsed.command());
    }

    @Test
    void parsesRoutingCommands() {
        assertEquals(new OperationalCommand.ShowOspfNeighbor(Format.TEXT), OperationalCommand.parse("show ospf neighbor").command());
        assertEquals(new OperationalCommand.ShowOspfInterface(Format.JSON),
                OperationalCommand.parse("show ospf interface | display json").command());
        assertEquals(new OperationalCommand.ShowRoute(Optional.of("ospf"), Optional.empty(), Format.XML),
                OperationalCommand.parse("show route protocol ospf | display xml").command());
        assertEquals(new OperationalCommand.ShowRoute(Optional.empty(), Optional.of("vpn-a.inet.0"), Format.TEXT),
                OperationalCommand.parse("show route table vpn-a.inet.0").command());
        assertEquals("syntax error, expecting <neighbor> or <interface>: database",
                OperationalCommand.parse("show ospf database").error());
        assertEquals("syntax error, expecting <direct>, <local>, <static> or <ospf>: bgp", OperationalCommand.parse("show route protocol bgp").error());
    }

    @Test
    void parsesClearCommands() {
        assertEquals(new OperationalCommand.ClearIkeSecurityAssociations(OperationalCommand.Filter.peer("192.0.2.2")),
                OperationalCommand.parse("clear services ipsec-vpn ike security-associations 192.0.2.2").command());
        assertEquals(new OperationalCommand.ClearIpsecSecurityAssociations(OperationalCommand.Filter.serviceSet("ss1")),
                OperationalCommand.parse("clear services ipsec-vpn ipsec security-associations ss1").command());
    }

    @Test
    void parsesTheReferenceOptions() {
        // Reference §4.1: routing-instance, tunnel-index, peer-address, hex, clear ike statistics,
        // clear ipsec statistics remote-gateway (issue 9).
        assertEquals(new OperationalCommand.ShowIkeStatistics(new OperationalCommand.Filter(Optional.empty(),
                        Optional.of("10.0.1.2"), java.util.OptionalInt.empty(), Optional.of("default")), Format.TEXT),
                OperationalCommand.parse("show services ipsec-vpn ike statistics peer-address 10.0.1.2 routing-instance default")
                        .command());
        assertEquals(new OperationalCommand.ShowIpsecSecurityAssociations(Level.DETAIL, new OperationalCommand.Filter(
                        Optional.of("ss1"), Optional.empty(), java.util.OptionalInt.of(2), Optional.empty()), true, Format.TEXT),
                OperationalCommand.parse("show services ipsec-vpn ipsec security-associations detail ss1 tunnel-index 2 hex")
                        .command());
        assertEquals(new OperationalCommand.ClearIkeStatistics(OperationalCommand.Filter.peer("10.0.1.2")),
                OperationalCommand.parse("clear services ipsec-vpn ike statistics 10.0.1.2").command());
        assertEquals(new OperationalCommand.ClearIpsecStatistics(new OperationalCommand.Filter(Optional.empty(),
                        Optional.of("10.0.1.2"), java.util.OptionalInt.empty(), Optional.empty())),
                OperationalCommand.parse("clear services ipsec-vpn ipsec statistics remote-gateway 10.0.1.2").command());
        assertEquals(new OperationalCommand.ClearIpsecSecurityAssociations(new OperationalCommand.Filter(
                        Optional.of("ss1"), Optional.empty(), java.util.OptionalInt.of(1), Optional.empty())),
                OperationalCommand.parse("clear services ipsec-vpn ipsec security-associations ss1 tunnel-index 1").command());
        assertEquals(new OperationalCommand.ShowCertificates(Level.DETAIL, Optional.of("ss1"), Format.XML),
                OperationalCommand.parse("show services ipsec-vpn certificates detail service-set ss1 | display xml").command());
        assertEquals(new OperationalCommand.ShowCertificates(Level.BRIEF, Optional.of("ss1"), Format.TEXT),
                OperationalCommand.parse("show services ipsec-vpn certificates ss1").command());
        assertEquals(new OperationalCommand.ClearCertificates(Optional.empty(), java.util.OptionalInt.of(3)),
                OperationalCommand.parse("clear services ipsec-vpn certificates service-set all certificate-cache-entry 3").command());
        assertEquals(new OperationalCommand.ClearCertificates(Optional.of("ss1"), java.util.OptionalInt.empty()),
                OperationalCommand.parse("clear services ipsec-vpn certificates service-set ss1").command());
        assertTrue(OperationalCommand.parse("clear services ipsec-vpn certificates").error().startsWith("syntax error"));
        assertTrue(OperationalCommand.parse("clear services ipsec-vpn certificates service-set all certificate-cache-entry x")
                .error().startsWith("syntax error"));
        assertEquals(new OperationalCommand.ShowDrops(Format.XML),
                OperationalCommand.parse("show services ipsec-vpn drops | display xml").command());
        assertTrue(OperationalCommand.parse("show services ipsec-vpn ipsec statistics tunnel-index x").error()
                .startsWith("syntax error"));
        assertTrue(OperationalCommand.parse("clear services ipsec-vpn ipsec statistics ss1 extra").error()
                .startsWith("syntax error"));
    }

    @Test
    void parsesTheTcpMssStatisticsOfServiceSets() {
        assertEquals(new OperationalCommand.ShowTcpMss(Optional.empty(), Format.TEXT),
                OperationalCommand.parse("show services service-sets statistics tcp-mss").command());
        assertEquals(new OperationalCommand.ShowTcpMss(Optional.of("ms-0/0/0"), Format.XML),
                OperationalCommand.parse("show services service-sets statistics tcp-mss interface ms-0/0/0 | display xml").command());
        assertEquals(new OperationalCommand.ShowServiceSets(Format.TEXT),
                OperationalCommand.parse("show services service-sets").command());
        assertEquals("syntax error, expecting <statistics>: summary",
                OperationalCommand.parse("show services service-sets summary").error());
        assertEquals("syntax error, expecting <tcp-mss>: ids",
                OperationalCommand.parse("show services service-sets statistics ids").error());
        assertEquals("syntax error, expecting <interface-name>",
                OperationalCommand.parse("show services service-sets statistics tcp-mss interface").error());
        assertEquals("syntax error: extra",
                OperationalCommand.parse("show services service-sets statistics tcp-mss interface ms-0/0/0 extra").error());
    }

    @Test
    void rejectsUnknownWordsWithASyntaxError() {
        assertTrue(OperationalCommand.parse("show services ipsec-vpn ike bogus").error().startsWith("syntax error"));
        assertTrue(OperationalCommand.parse("show services ipsec-vpn ike statistics 1.2.3.4 extra").error().startsWith("syntax error"));
        assertTrue(OperationalCommand.parse("show configuration | display yaml").error().startsWith("syntax error"));
        assertTrue(OperationalCommand.parse("reboot").error().startsWith("syntax error"));
    }

    @Test
    void controlSocketCarriesOneCommandAndItsReply(@TempDir Path dir) throws Exception {
        Path socket = ControlProtocol.socketPath(dir);
        try (ControlServer server = new ControlServer(socket, line -> line.startsWith("fail")
                ? ControlProtocol.Reply.error("error: " + line)
                : ControlProtocol.Reply.ok("echo " + line + "\nsecond line\n"))) {
            ControlClient client = new ControlClient(socket);
            assertTrue(client.daemonSocketExists());
            assertEquals(ControlProtocol.Reply.ok("echo show x\nsecond line\n"), client.execute("show x"));
            assertEquals(ControlProtocol.Reply.error("error: fail now"), client.execute("fail now"));
        }
        assertTrue(Files.notExists(socket));
    }

    @Test
    void aThrowingCommandIsReportedNotFatal(@TempDir Path dir) throws Exception {
        Path socket = ControlProtocol.socketPath(dir);
        try (ControlServer server = new ControlServer(socket, line -> { throw new IllegalStateException("boom"); })) {
            var reply = new ControlClient(socket).execute("show");
            assertTrue(!reply.ok() && reply.text().contains("boom"), reply.text());
            // The server still answers after a command threw.
            assertTrue(new ControlClient(socket).execute("show").text().contains("boom"));
        }
    }
}
