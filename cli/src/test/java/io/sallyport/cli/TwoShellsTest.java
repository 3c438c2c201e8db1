package io.sallyport.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 17 #1: two shells on one state directory, editing in turn, behave as on Junos. */
class TwoShellsTest {
    @TempDir
    Path state;

    private Shell alice;
    private Shell bob;

    @BeforeEach
    void open() throws IOException {
        alice = new Shell(StoreSession.open(state, "alice"), new DaemonLink(state), "alice", "h");
        bob = new Shell(StoreSession.open(state, "bob"), new DaemonLink(state), "bob", "h");
    }

    private static String ok(Shell shell, String line) {
        Reply r = shell.execute(line);
        assertEquals(Reply.Status.OK, r.status(), () -> "'" + line + "' failed:\n" + r.text());
        return r.text();
    }

    private static String fails(Shell shell, String line) {
        Reply r = shell.execute(line);
        assertEquals(Reply.Status.ERROR, r.status(), () -> "'" + line + "' should fail but printed:\n" + r.text());
        return r.text();
    }

    @Test
    void oneSharedCandidateAndNoCommitUndoesAnother() {
        assertEquals("Entering configuration mode\n", ok(alice, "configure"));
        String entered = ok(bob, "configure");
        assertTrue(entered.startsWith("Entering configuration mode\nUsers currently editing the configuration:\n  alice terminal cli (pid "
                + ProcessHandle.current().pid() + ") on since "), entered);
        ok(alice, "set system host-name from-alice");
        assertTrue(ok(bob, "show system").contains("host-name from-alice;"), "bob sees alice's change live");
        ok(bob, "set services ipsec-vpn establish-tunnels immediately");
        ok(alice, "set services service-set S1 ipsec-vpn-options tunnel-mtu 1400");
        String candidate = ok(bob, "show");
        assertTrue(candidate.contains("establish-tunnels immediately;") && candidate.contains("tunnel-mtu 1400;"), candidate);
        ok(alice, "delete services service-set S1");
        ok(alice, "commit");
        ok(bob, "set system host-name from-bob");
        ok(bob, "commit");
        String active = ok(alice, "run show configuration");
        assertTrue(active.contains("host-name from-bob;"), active);
        assertTrue(active.contains("establish-tunnels immediately;"), "bob's commit keeps what alice committed:\n" + active);
    }

    @Test
    void configureExclusiveLocksOutOtherSessionsAndDiscardsOnExit() {
        ok(alice, "configure exclusive");
        String entered = ok(bob, "configure");
        assertTrue(entered.contains("  alice terminal cli (pid ") && entered.contains(" exclusive\n"), entered);
        String refused = fails(bob, "set system host-name b");
        assertTrue(refused.startsWith("error: configuration database locked by:\n  alice terminal cli (pid "), refused);
        fails(bob, "commit");
        fails(bob, "configure exclusive");
        ok(alice, "set system host-name a");
        assertTrue(ok(alice, "exit").contains("The configuration has been changed but not committed"));
        ok(bob, "set system host-name b");
        assertTrue(ok(bob, "show system").contains("host-name b;"));
        ok(bob, "exit");
        ok(bob, "configure");
        ok(bob, "set system host-name c");
        assertTrue(fails(alice, "configure exclusive").startsWith("error: configuration database modified\n"));
    }

    @Test
    void configurePrivateEditsACopyMergedAtCommitAndRefusesAConflict() {
        assertTrue(ok(alice, "configure private").startsWith("warning: uncommitted changes will be discarded on exit\n"
                + "Entering configuration mode\n"));
        ok(alice, "set system host-name private-a");
        ok(bob, "configure");
        assertEquals("", ok(bob, "show system"), "a private change is not in the shared candidate");
        ok(alice, "commit");
        assertTrue(ok(bob, "run show configuration system").contains("host-name private-a;"));

        ok(alice, "set services ipsec-vpn establish-tunnels immediately");
        ok(bob, "set system host-name shared-b");
        ok(bob, "commit");
        ok(alice, "commit");
        String merged = ok(bob, "run show configuration");
        assertTrue(merged.contains("host-name shared-b;") && merged.contains("establish-tunnels immediately;"),
                "alice's private change merged onto bob's commit:\n" + merged);

        ok(alice, "set system host-name private-again");
        ok(bob, "set system host-name shared-again");
        ok(bob, "commit");
        String refused = fails(alice, "commit");
        assertEquals("[edit]\n  'system host-name'\n    modified by another commit since 'configure private'\n"
                + "error: commit failed: (configuration database modified)\n", refused);
        assertTrue(ok(alice, "run show configuration system").contains("host-name shared-again;"));
    }

    @Test
    void configurePrivateIsRefusedWhileTheSharedCandidateHasChanges() {
        ok(bob, "configure");
        ok(bob, "set system host-name b");
        assertTrue(fails(alice, "configure private").startsWith("error: shared configuration database modified\n"));
        assertFalse(alice.inConfigurationMode());
    }

    @Test
    void unknownWordsAfterConfigureAreSyntaxErrors() {
        Reply r = alice.execute("configure foobar");
        assertEquals(Reply.Status.ERROR, r.status());
        assertEquals(" ".repeat("alice@h> configure ".length()) + "^\nsyntax error.\n", r.text());
        assertFalse(alice.inConfigurationMode());
        fails(alice, "configure exclusive now");
    }

    @Test
    void staleSessionsOfDeadProcessesAreNotListed() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Files.createDirectories(state.resolve("sessions"));
        Files.writeString(state.resolve("sessions/" + gone.pid() + "-1"), "carol\nEXCLUSIVE\n0\n");
        assertEquals("Entering configuration mode\n", ok(alice, "configure"));
        ok(alice, "set system host-name a");
        assertFalse(Files.exists(state.resolve("sessions/" + gone.pid() + "-1")));
    }
}
