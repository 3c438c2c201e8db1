package io.sallyport.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code update} in {@code configure private}; {@code Discard uncommitted changes?} on leaving exclusive or private (issue 17 item 1). */
class PrivateUpdateTest {
    @TempDir
    Path state;

    private Shell alice;
    private Shell bob;
    private final List<String> asked = new ArrayList<>();
    private Optional<Boolean> answer = Optional.empty();

    @BeforeEach
    void open() throws IOException {
        alice = new Shell(StoreSession.open(state, "alice"), new DaemonLink(state), "alice", "h").confirmPrompt(q -> {
            asked.add(q);
            return answer;
        });
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
    void updateBringsOthersCommitsIntoThePrivateCopy() {
        ok(alice, "configure private");
        ok(alice, "set system host-name from-alice");
        ok(bob, "configure");
        ok(bob, "set services ipsec-vpn establish-tunnels immediately");
        ok(bob, "commit");
        assertTrue(!ok(alice, "show").contains("establish-tunnels"), "a private copy does not see commits by itself");
        ok(alice, "update");
        String shown = ok(alice, "show");
        assertTrue(shown.contains("establish-tunnels immediately;") && shown.contains("host-name from-alice;"), shown);
        ok(bob, "set system host-name from-bob");
        ok(bob, "commit");
        String refused = fails(alice, "update");
        assertTrue(refused.contains("'system host-name'") && refused.endsWith("error: update failed: (configuration database modified)\n"), refused);
        assertTrue(ok(alice, "show").contains("host-name from-alice;"), "a refused update leaves the copy as it was");
        assertTrue(fails(bob, "update").contains("only available in configure private"));
    }

    @Test
    void leavingExclusiveOrPrivateWithChangesAsksToDiscardThem() {
        ok(alice, "configure exclusive");
        ok(alice, "set system host-name r1");
        answer = Optional.of(false);
        assertEquals("", ok(alice, "exit"));
        assertEquals(ConfigurationMode.DISCARD_QUESTION, asked.getLast());
        assertTrue(alice.inConfigurationMode(), "no: stays");
        answer = Optional.of(true);
        assertEquals(ConfigurationMode.DISCARDED + "\nExiting configuration mode\n", ok(alice, "exit"));
        ok(alice, "configure private");
        ok(alice, "set system host-name r2");
        answer = Optional.empty();
        assertEquals(ConfigurationMode.UNCOMMITTED + "\n" + ConfigurationMode.DISCARDED + "\nExiting configuration mode\n", ok(alice, "exit"),
                "nobody to ask: the default, yes, said");
        ok(bob, "configure");
        assertTrue(!ok(bob, "show").contains("host-name"), "discarded");
    }
}
