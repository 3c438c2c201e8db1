package io.sallyport.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Commands added by whoever runs the shell (the lab's), with help, abbreviations and pipes (issue 17 item 9). */
class ShellExtensionTest {
    @TempDir
    Path state;

    private final List<String> seen = new ArrayList<>();

    private final ShellExtension greeter = new ShellExtension() {
        @Override
        public Optional<Reply> execute(String command, boolean configurationMode) {
            if (!command.startsWith("greet")) return Optional.empty();
            seen.add(command + (configurationMode ? " (run)" : ""));
            return Optional.of(Reply.ok("hello\nworld\n"));
        }

        @Override
        public List<HelpLine> next(List<String> typed) {
            return typed.isEmpty() ? List.of(new HelpLine("greet", "Say hello")) : List.of();
        }
    };

    @Test
    void addedCommandsRunWithHelpAbbreviationsAndPipes() throws IOException {
        String[] host = {"r1"};
        Shell shell = new Shell(StoreSession.open(state, "alice"), new DaemonLink(state), "alice", () -> host[0]).extendedBy(greeter);
        assertTrue(shell.help("").contains(new HelpLine("greet", "Say hello")));
        assertEquals("world\n", shell.execute("gre | match w").text());
        assertEquals(List.of("greet"), seen);
        assertEquals("alice@r1> ", shell.prompt());
        host[0] = "r2";
        assertEquals("alice@r2> ", shell.prompt(), "the host name is asked each time");
        shell.execute("configure");
        assertEquals(Reply.Status.OK, shell.execute("run greet").status());
        assertEquals(List.of("greet", "greet (run)"), seen);
        assertTrue(shell.help("run ").contains(new HelpLine("greet", "Say hello")));
    }
}
