package io.sallyport.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 15 #3: ~/.sallyport_history is owner-only and never holds a secret. */
class ShellHistoryTest {
    @TempDir
    Path tmp;

    private Shell shell() throws Exception {
        return new Shell(StoreSession.open(tmp.resolve("state"), "alice"), new DaemonLink(tmp.resolve("state")), "alice", "h");
    }

    @Test
    void secretValuesAreLeftOutOfHistoryLines() throws Exception {
        Shell shell = shell();
        assertEquals("configure", shell.historyLine("configure"));
        shell.execute("configure");
        assertEquals("set services ipsec-vpn ike policy p1 pre-shared-key ascii-text",
                shell.historyLine("set services ipsec-vpn ike policy p1 pre-shared-key ascii-text \"my key\""));
        assertEquals("set services ipsec-vpn ike policy p1 pre-shared-key hexadecimal",
                shell.historyLine("set services ipsec-vpn ike policy p1 pre-shared-key hexadecimal 0a0b0c"));
        assertEquals("set ser ipsec-vpn ike pol p1 pre-shared-key asc",
                shell.historyLine("set ser ipsec-vpn ike pol p1 pre-shared-key asc k3y"), "abbreviated keywords");
        assertEquals("set services ipsec-vpn rule r1 term t1 then manual direction bidirectional authentication key ascii-text",
                shell.historyLine("set services ipsec-vpn rule r1 term t1 then manual direction bidirectional authentication key ascii-text abc"));
        assertEquals("set services ipsec-vpn ike policy p1 description",
                shell.historyLine("set services ipsec-vpn ike policy p1 description $9$abcdefg"));
        assertEquals("set services ipsec-vpn ike policy p1 description text",
                shell.historyLine("set services ipsec-vpn ike policy p1 description text"));
        shell.execute("edit services ipsec-vpn ike policy p1");
        assertEquals("set pre-shared-key ascii-text", shell.historyLine("set pre-shared-key ascii-text s3cret"));
    }

    @Test
    void theHistoryFileIsOwnerOnlyAndHoldsNoSecret() throws Exception {
        Path file = tmp.resolve(".sallyport_history");
        Files.writeString(file, "");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        SecretFreeHistory.prepareFile(file);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));

        Path fresh = tmp.resolve("fresh_history");
        SecretFreeHistory.prepareFile(fresh);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh)));

        Shell shell = shell();
        shell.execute("configure");
        SecretFreeHistory history = new SecretFreeHistory(shell::historyLine);
        try (Terminal terminal = TerminalBuilder.builder().dumb(true)
                .streams(new ByteArrayInputStream(new byte[0]), new ByteArrayOutputStream()).build()) {
            LineReader reader = LineReaderBuilder.builder().terminal(terminal).history(history)
                    .variable(LineReader.HISTORY_FILE, fresh).build();
            history.attach(reader);
            history.add("set services ipsec-vpn ike policy p1 pre-shared-key ascii-text \"s3cret key\"");
            history.add("show | compare");
            history.save();
        }
        String text = Files.readString(fresh);
        assertFalse(text.contains("s3cret"), text);
        assertTrue(text.contains("pre-shared-key ascii-text"), text);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh)));
    }
}
