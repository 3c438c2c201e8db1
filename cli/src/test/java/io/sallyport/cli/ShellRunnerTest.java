package io.sallyport.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code -c} and piped-stdin paths that scripts and tests use. */
class ShellRunnerTest {
    @TempDir
    Path state;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private Shell shell() throws IOException {
        return new Shell(StoreSession.open(state, "alice"), new DaemonLink(state), "alice", "lab-host");
    }

    private int c(String argument) throws IOException {
        return ShellRunner.runCommandArgument(shell(), argument, new PrintWriter(out), new PrintWriter(err));
    }

    @Test
    void commandArgumentRunsEachCommandAndExitsZero() throws IOException {
        assertEquals(0, c("configure; set system host-name r9; commit"));
        assertEquals("Entering configuration mode\ncommit complete\n", out.toString());
        out.getBuffer().setLength(0);
        assertEquals(0, c("show configuration | display set"));
        assertEquals("set system host-name r9\n", out.toString());
    }

    @Test
    void theFirstFailingCommandStopsTheRunWithExitOne() throws IOException {
        assertEquals(1, c("configure; set system host-name \"bad name\"; commit"));
        assertTrue(err.toString().startsWith("set system host-name \"bad name\"\n"), "the command is echoed above the caret: " + err);
        assertTrue(!out.toString().contains("commit complete"), "commit never ran");
    }

    @Test
    void linesFromStdinAreCommands() throws IOException {
        String script = "configure\nset system host-name r3\ncommit and-quit\nshow configuration system\n";
        int rc = ShellRunner.runLines(shell(), new BufferedReader(new StringReader(script)), new PrintWriter(out), new PrintWriter(err));
        assertEquals(0, rc, err::toString);
        assertTrue(out.toString().endsWith("host-name r3;\n"), out::toString);
    }
}
