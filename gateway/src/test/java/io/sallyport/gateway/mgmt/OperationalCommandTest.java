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
        assertEquals(new OperationalCommand.ShowIkeSecurityAssociations(Level.DETAIL, Optional.of("10.0.1.2"), Format.XML),
                parsed.command());
    }

    @Test
    void defaultsToBriefText() {
        var parsed = OperationalCommand.parse("show services ipsec-vpn ipsec security-associations");
        assertEquals(new OperationalCommand.ShowIpsecSecurityAssociations(Level.BRIEF, Optional.empty(), false, Format.TEXT),
                parsed.command());
    }

    @Test
    void parsesStatisticsFilters() {
        var parsed = OperationalCommand.parse("show services ipsec-vpn ipsec statistics detail service-set ss1 remote-gw 192.0.2.2");
        assertEquals(new OperationalCommand.ShowIpsecStatistics(Level.DETAIL, Optional.of("ss1"), Optional.of("192.0.2.2"), Format.TEXT),
                parsed.command());
    }

    @Test
    void parsesClearCommands() {
        assertEquals(new OperationalCommand.ClearIkeSecurityAssociations(Optional.of("192.0.2.2"), Optional.empty()),
                OperationalCommand.parse("clear services ipsec-vpn ike security-associations 192.0.2.2").command());
        assertEquals(new OperationalCommand.ClearIpsecSecurityAssociations(Optional.of("ss1"), Optional.empty()),
                OperationalCommand.parse("clear services ipsec-vpn ipsec security-associations ss1").command());
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
