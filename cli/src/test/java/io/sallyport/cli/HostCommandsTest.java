package io.sallyport.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Operational commands answered from the host: show version, logs, files, monitor, ping, traceroute (issue 17 item 8). */
class HostCommandsTest {
    @TempDir
    Path state;

    private Shell shell;
    private Path log;

    @BeforeEach
    void open() throws IOException {
        shell = new Shell(StoreSession.open(state, "alice"), new DaemonLink(state), "alice", "h");
        log = Files.createDirectories(state.resolve("log"));
        Files.writeString(log.resolve("kmd-trace"), "Dec 04 23:00:00.000 ike: first\nDec 04 23:00:01.000 ike: second\n");
    }

    private String ok(String line) {
        Reply r = shell.execute(line);
        assertEquals(Reply.Status.OK, r.status(), () -> "'" + line + "' failed:\n" + r.text());
        return r.text();
    }

    private String fails(String line) {
        Reply r = shell.execute(line);
        assertEquals(Reply.Status.ERROR, r.status(), () -> "'" + line + "' should fail but printed:\n" + r.text());
        return r.text();
    }

    @Test
    void showVersionNamesTheHostAndTheSoftware() {
        String v = ok("show version");
        assertTrue(v.startsWith("Hostname: h\nModel: sallyport\nSallyport: "), v);
        assertTrue(v.contains("\nJava: " + Runtime.version()), v);
        assertTrue(fails("show version detail").endsWith("^\nsyntax error.\n"));
    }

    @Test
    void showLogAndFileShowReadTheTraceFilesAndNothingElse() {
        assertEquals("Dec 04 23:00:00.000 ike: first\nDec 04 23:00:01.000 ike: second\n", ok("show log kmd-trace"));
        assertEquals(ok("show log kmd-trace"), ok("file show /var/log/kmd-trace"), "Junos's path means the same file");
        assertEquals("Dec 04 23:00:01.000 ike: second\n", ok("show log kmd-trace | match second"));
        assertTrue(ok("show log").contains(" kmd-trace\n"));
        assertTrue(ok("file list").contains("-rw"));
        assertTrue(ok("file list /var/log").contains(" kmd-trace\n"));
        assertTrue(fails("file show /etc/passwd").contains("is outside it"));
        assertTrue(fails("file show ../candidate.conf").contains("is outside it"));
        assertTrue(fails("show log /var/log/../../etc/shadow").contains("is outside it"));
        assertTrue(fails("file list /etc").contains("is outside it"));
        assertTrue(fails("show log kmd").contains("could not resolve file: kmd"));
        assertTrue(fails("file copy a b").endsWith("^\nsyntax error.\n"));
        assertTrue(shell.help("show log ").contains(new HelpLine("kmd-trace", "")), "? lists the log files");
        assertEquals(java.util.List.of("kmd-trace"), shell.complete("file show k"));
    }

    @Test
    void monitorNeedsATerminalAndFollowsTheFileOnOne() throws IOException {
        assertTrue(fails("monitor start kmd-trace").contains("use 'show log kmd-trace'"));
        shell.monitor().attach();
        ok("monitor start kmd-trace");
        assertEquals("monitor start \"kmd-trace\"\n", ok("monitor list"));
        assertEquals("", shell.monitor().poll(), "only what is written from now on");
        Files.writeString(log.resolve("kmd-trace"), "third\nfour", StandardOpenOption.APPEND);
        assertEquals("*** kmd-trace ***\nthird\n", shell.monitor().poll(), "a line is printed once complete");
        Files.writeString(log.resolve("kmd-trace"), "th\n", StandardOpenOption.APPEND);
        assertEquals("*** kmd-trace ***\nfourth\n", shell.monitor().poll());
        Files.writeString(log.resolve("kmd-trace"), "new\n");  // rotated: a shorter, new file
        assertEquals("*** kmd-trace ***\nnew\n", shell.monitor().poll());
        ok("monitor stop");
        Files.writeString(log.resolve("kmd-trace"), "unseen\n", StandardOpenOption.APPEND);
        assertEquals("", shell.monitor().poll());
        assertTrue(fails("monitor stop kmd-trace").contains("not monitoring"));
        assertTrue(fails("monitor start /etc/passwd").contains("only its own logs"));
    }

    @Test
    void pingRunsTheHostsPingOnLoopback() {
        String out = ok("ping 127.0.0.1 count 1");
        assertTrue(out.contains("1 packets transmitted, 1 received"), out);
        assertTrue(fails("ping 127.0.0.1 count 0").contains("invalid value '0' for count (1..100)"));
        assertTrue(fails("ping -f").contains("invalid host name"));
        assertTrue(fails("ping 127.0.0.1 flood 1").endsWith("^\nsyntax error.\n"));
        assertTrue(fails("ping 127.0.0.1 count").endsWith("^\nsyntax error, expecting <count>.\n"));
    }

    @Test
    void aMissingHostProgramIsSaid() {
        shell.programs(name -> Optional.empty());
        assertEquals("error: traceroute is not installed on this host\n", fails("traceroute 127.0.0.1"));
    }

    @Test
    void operationalErrorsPutTheCaretUnderTheWordAtFault() {
        String text = fails("show services frob");
        assertTrue(text.startsWith(" ".repeat(shell.prompt().length() + 14) + "^\n"), text);
        text = fails("show frob");
        assertTrue(text.startsWith(" ".repeat(shell.prompt().length() + 5) + "^\n"), text);
        assertFalse(shell.help("show ").stream().noneMatch(h -> h.word().equals("version")));
    }
}
