package io.sallyport.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 17 #3: commit confirmed from the shell, with a clock the test moves. */
class CommitConfirmedShellTest {

    static final class TestClock extends Clock {
        Instant now = Instant.parse("2026-12-04T12:00:00Z");
        @Override public ZoneId getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(ZoneId zone) { return this; }
        @Override public Instant instant() { return now; }
    }

    @TempDir
    Path state;

    private final TestClock clock = new TestClock();

    private Shell shell() throws Exception {
        return new Shell(StoreSession.open(state, "alice", clock), new DaemonLink(state), "alice", "h");
    }

    private static String ok(Shell shell, String line) {
        Reply r = shell.execute(line);
        assertEquals(Reply.Status.OK, r.status(), () -> "'" + line + "' failed:\n" + r.text());
        return r.text();
    }

    @Test
    void anUnconfirmedCommitIsRolledBackAfterTheShellHasGone() throws Exception {
        Shell first = shell();
        ok(first, "configure");
        ok(first, "set system host-name good");
        ok(first, "commit");
        ok(first, "set system host-name risky");
        assertEquals("commit confirmed will be automatically rolled back in 5 minutes unless confirmed\ncommit complete\n",
                ok(first, "commit confirmed 5"));
        ok(first, "exit");
        first.close();

        clock.now = clock.now.plus(Duration.ofMinutes(5));
        String active = ok(shell(), "show configuration system");
        assertTrue(active.contains("host-name good;"), active);
        assertTrue(ok(shell(), "show system commit").contains("automatic rollback"));
    }

    @Test
    void commitCheckInTimeConfirmsAndTheDefaultIsTenMinutes() throws Exception {
        Shell shell = shell();
        ok(shell, "configure");
        ok(shell, "set system host-name kept");
        assertTrue(ok(shell, "commit confirmed").startsWith("commit confirmed will be automatically rolled back in 10 minutes"));
        assertEquals("# commit confirmed will be rolled back in 10 minutes\n[edit]", shell.banner());
        clock.now = clock.now.plus(Duration.ofMinutes(9));
        assertEquals("# commit confirmed will be rolled back in 1 minutes\n[edit]", shell.banner());
        ok(shell, "commit check");
        assertEquals("[edit]", shell.banner());
        clock.now = clock.now.plus(Duration.ofMinutes(60));
        assertTrue(ok(shell(), "show configuration system").contains("host-name kept;"));
    }

    @Test
    void aPlainCommitConfirmsToo() throws Exception {
        Shell shell = shell();
        ok(shell, "configure");
        ok(shell, "set system host-name first");
        ok(shell, "commit confirmed 1");
        ok(shell, "commit");
        clock.now = clock.now.plus(Duration.ofMinutes(2));
        assertTrue(ok(shell(), "show configuration system").contains("host-name first;"));
        assertEquals(Reply.Status.ERROR, shell.execute("commit confirmed 0").status());
    }
}
