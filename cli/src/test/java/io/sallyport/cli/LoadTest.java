package io.sallyport.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code load ... terminal}, {@code load ... relative} and {@code load set} that keeps the good lines (issue 17 item 4). */
class LoadTest {
    @TempDir
    Path state;

    private Shell shell;
    private final Deque<Optional<String>> pastes = new ArrayDeque<>();

    @BeforeEach
    void open() throws IOException {
        shell = new Shell(StoreSession.open(state, "alice"), new DaemonLink(state), "alice", "h")
                .pasteInput(pastes::remove);
        ok("configure");
        ok("set system host-name r1");
    }

    private String ok(String line) {
        Reply r = shell.execute(line);
        assertEquals(Reply.Status.OK, r.status(), () -> "'" + line + "' failed:\n" + r.text());
        return r.text();
    }

    @Test
    void loadMergeTerminalAddsWhatIsPasted() {
        pastes.add(Optional.of("services {\n    ipsec-vpn {\n        ike {\n            proposal p1 {\n"
                + "                dh-group group14;\n            }\n        }\n    }\n}\n"));
        assertEquals("load complete\n", ok("load merge terminal"));
        assertEquals("set system host-name r1\nset services ipsec-vpn ike proposal p1 dh-group group14\n",
                ok("show | display set"));
    }

    @Test
    void loadOverrideTerminalReplacesTheCandidate() {
        pastes.add(Optional.of("system {\n    host-name r2;\n}\n"));
        ok("load override terminal");
        assertEquals("set system host-name r2\n", ok("show | display set"));
    }

    @Test
    void relativeReadsTheTextAtTheEditLevel() {
        ok("edit services ipsec-vpn ike");
        pastes.add(Optional.of("proposal p1 {\n    dh-group group14;\n}\n"));
        ok("load merge terminal relative");
        pastes.add(Optional.of("set proposal p2 dh-group group19\n"));
        ok("load set terminal relative");
        assertEquals("set services ipsec-vpn ike proposal p1 dh-group group14\nset services ipsec-vpn ike proposal p2 dh-group group19\n",
                ok("show | display set"));
    }

    @Test
    void loadSetAppliesTheGoodLinesAndReportsEachBadOne() throws IOException {
        Path file = state.resolve("changes.set");
        Files.writeString(file, String.join("\n",
                "set system host-name r2",
                "set services ipsec-vpn ike proposal p1 frobnicate 3",
                "# a comment",
                "sett system host-name r3",
                "set services ipsec-vpn ike proposal p2 dh-group group19", ""));
        String report = ok("load set " + file);
        String[] lines = report.split("\n");
        assertEquals(3, lines.length, report);
        assertTrue(lines[0].startsWith(file + ":2:(40) syntax error: unknown statement 'frobnicate'"), report);
        assertTrue(lines[1].startsWith(file + ":4:(1) syntax error"), report);
        assertEquals("load complete (2 errors)", lines[2]);
        assertEquals("set system host-name r2\nset services ipsec-vpn ike proposal p2 dh-group group19\n", ok("show | display set"));
    }

    @Test
    void withoutATerminalNothingCanBePasted() {
        pastes.add(Optional.empty());
        Reply r = shell.execute("load merge terminal");
        assertTrue(r.failed());
        assertTrue(r.text().contains("nothing loaded"), r.text());
    }

    @Test
    void overrideAndUpdateHaveNoRelative() {
        Reply r = shell.execute("load override terminal relative");
        assertTrue(r.failed() && r.text().endsWith("^\nsyntax error.\n"), r.text());
        r = shell.execute("load update terminal relative");
        assertTrue(r.failed() && r.text().endsWith("^\nsyntax error.\n"), r.text());
        assertTrue(shell.help("load merge terminal ").stream().anyMatch(h -> h.word().equals("relative")));
    }

    @Test
    void loadReplaceReplacesTaggedStatementsAndMergesTheRest() {
        ok("set services ipsec-vpn ike proposal p1 dh-group group14");
        ok("set services ipsec-vpn ike proposal p1 lifetime-seconds 3600");
        ok("set services ipsec-vpn ike proposal p2 dh-group group19");
        pastes.add(Optional.of("""
                services {
                    ipsec-vpn {
                        ike {
                            replace: proposal p1 {
                                dh-group group20;
                            }
                            proposal p2 {
                                lifetime-seconds 7200;
                            }
                        }
                    }
                }
                """));
        assertEquals("load complete\n", ok("load replace terminal"));
        assertEquals("""
                set system host-name r1
                set services ipsec-vpn ike proposal p1 dh-group group20
                set services ipsec-vpn ike proposal p2 dh-group group19
                set services ipsec-vpn ike proposal p2 lifetime-seconds 7200
                """, ok("show | display set"), "p1 replaced whole (its lifetime gone), p2 merged");
        pastes.add(Optional.of("replace: system { host-name r2; }\n"));
        Reply r = shell.execute("load merge terminal");
        assertTrue(r.failed(), "replace: is for load replace only: " + r.text());
    }

    @Test
    void loadUpdateLeavesTheCandidateEqualToTheText() {
        ok("set services ipsec-vpn ike proposal p1 dh-group group14");
        pastes.add(Optional.of("/* kept */\nsystem {\n    host-name r5;\n}\n"));
        assertEquals("load complete\n", ok("load update terminal"));
        assertEquals("/* kept */\nsystem {\n    host-name r5;\n}\n", ok("show"));
    }

    @Test
    void loadPatchAppliesACompareOutput() {
        ok("set services ipsec-vpn ike proposal p1 dh-group group14");
        ok("commit");
        ok("set system host-name r2");
        ok("delete services ipsec-vpn ike proposal p1");
        ok("set services ipsec-vpn ike proposal p3 dh-group group19");
        String patch = ok("show | compare");
        ok("rollback 0");
        pastes.add(Optional.of(patch));
        assertEquals("load complete\n", ok("load patch terminal"));
        assertEquals(patch, ok("show | compare"), "the same changes again");
        ok("rollback 0");
        pastes.add(Optional.of("[edit system]\n-   host-name r9;\n+   host-name r3;\n"));
        Reply r = shell.execute("load patch terminal");
        assertTrue(r.failed() && r.text().contains("not there as written: system host-name"), r.text());
        assertEquals("", ok("show | compare"), "a patch that does not apply changes nothing");
        ok("edit system");
        pastes.add(Optional.of("[edit]\n-   host-name r1;\n+   host-name r4;\n"));
        assertEquals("load complete\n", ok("load patch terminal relative"));
        assertTrue(ok("show").contains("host-name r4;"));
    }
}
