package io.sallyport.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The yes/no questions before a bare delete and before leaving uncommitted changes (issue 17 item 5). */
class ConfirmationTest {
    @TempDir
    Path state;

    private Shell shell;
    private final List<String> asked = new ArrayList<>();
    private final Deque<Optional<Boolean>> answers = new ArrayDeque<>();

    @BeforeEach
    void open() throws IOException {
        shell = new Shell(StoreSession.open(state, "alice"), new DaemonLink(state), "alice", "h");
        ok("configure");
        ok("set system host-name r1");
    }

    private void answering(Optional<Boolean> answer) {
        answers.add(answer);
        shell.confirmPrompt(q -> {
            asked.add(q);
            return answers.remove();
        });
    }

    private String ok(String line) {
        Reply r = shell.execute(line);
        assertEquals(Reply.Status.OK, r.status(), () -> "'" + line + "' failed:\n" + r.text());
        return r.text();
    }

    @Test
    void aBareDeleteAsksAndNoKeepsEverything() {
        answering(Optional.of(false));
        assertEquals("", ok("delete"));
        assertEquals(List.of("Delete everything under this level? [yes,no] (no) "), asked);
        assertEquals("set system host-name r1\n", ok("show | display set"));
        answering(Optional.of(true));
        ok("delete");
        assertEquals("", ok("show"));
    }

    @Test
    void withoutATerminalABareDeleteTakesTheDefaultNoAndFails() {
        Reply r = shell.execute("delete");
        assertTrue(r.failed());
        assertTrue(r.text().contains("nothing deleted"), r.text());
        assertEquals("set system host-name r1\n", ok("show | display set"));
    }

    @Test
    void exitWithUncommittedChangesAsksAndNoStays() {
        answering(Optional.of(false));
        assertEquals("", ok("exit"));
        assertEquals(List.of("The configuration has been changed but not committed\n"
                + "Exit with uncommitted changes? [yes,no] (yes) "), asked);
        assertTrue(shell.inConfigurationMode());
        answering(Optional.of(true));
        assertEquals("Exiting configuration mode\n", ok("exit configuration-mode"), "the notice was part of the question");
        assertFalse(shell.inConfigurationMode());
    }

    @Test
    void withoutATerminalExitTakesTheDefaultYesAndSaysWhatIsLeft() {
        assertEquals("The configuration has been changed but not committed\nExiting configuration mode\n", ok("exit"));
        assertFalse(shell.inConfigurationMode());
    }

    @Test
    void nothingIsAskedWhenNothingIsUncommittedOrBelowTheTop() {
        answering(Optional.of(false));
        ok("edit system");
        ok("exit");
        assertEquals(List.of(), asked, "exit below the top only goes back a level");
        ok("commit");
        assertEquals("Exiting configuration mode\n", ok("quit"));
        assertEquals(List.of(), asked);
    }

    @Test
    void aTerminalAnswerIsYesNoOrEnterForTheDefault() {
        assertEquals(Optional.of(true), ShellRunner.answer("", true));
        assertEquals(Optional.of(false), ShellRunner.answer(" ", false));
        assertEquals(Optional.of(true), ShellRunner.answer("YES", false));
        assertEquals(Optional.of(true), ShellRunner.answer("y", false));
        assertEquals(Optional.of(false), ShellRunner.answer("no", true));
        assertEquals(Optional.empty(), ShellRunner.answer("maybe", true), "asked again");
    }
}
