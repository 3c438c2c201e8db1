package io.sallyport.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shell on a real pseudo-terminal: {@link TerminalShellMain} in a tmux pane of its own tmux
 * server (a private socket, killed afterwards), driven with {@code send-keys} and read with
 * {@code capture-pane}: TAB, a second TAB, Space, {@code ?}, the echo-off secret prompt, paging
 * and {@code | no-more}, a paste ended by Ctrl-D (issue 17, "done when").
 */
class TerminalEndToEndTest {
    private static final Duration PATIENCE = Duration.ofSeconds(20);
    private static final int ROWS = 12;

    @TempDir
    Path state;

    private String server;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/tmux")), "tmux drives the pseudo-terminal");
        server = "sallyport-cli-e2e-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // JLine's waits for a terminal's answers cut to 1 ms: an answer to any query the shell
        // sends arrives late, as on a loaded machine, and lands on the line as typed keys.
        tmux("new-session", "-d", "-s", "t", "-x", "200", "-y", String.valueOf(ROWS),
                java + " -Dorg.jline.terminal.probe.timeout=1 -Dorg.jline.terminal.drain.timeout=1"
                        + " --enable-native-access=ALL-UNNAMED -cp " + System.getProperty("java.class.path")
                        + " io.sallyport.cli.TerminalShellMain " + state + " " + state.resolve("history"));
        await("the prompt", s -> s.contains("alice@h>"));
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) tmux("kill-server");
    }

    private String tmux(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("tmux", "-L", server));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0 && !args[0].equals("kill-server")) fail("tmux " + String.join(" ", args) + ": " + out);
        return out;
    }

    private void keys(String... keys) throws Exception {
        List<String> args = new ArrayList<>(List.of("send-keys", "-t", "t"));
        args.addAll(List.of(keys));
        tmux(args.toArray(String[]::new));
    }

    /** Literal text, no key names. */
    private void type(String text) throws Exception {
        tmux("send-keys", "-t", "t", "-l", text);
    }

    private String screen() throws Exception {
        return tmux("capture-pane", "-p", "-t", "t");
    }

    /** The screen once {@code until} holds; the test fails with the screen if it never does. */
    private String await(String what, Predicate<String> until) throws Exception {
        Instant deadline = Instant.now().plus(PATIENCE);
        String s = screen();
        while (!until.test(s)) {
            if (Instant.now().isAfter(deadline)) fail("no " + what + " on the terminal:\n" + s);
            pause();
            s = screen();
        }
        return s;
    }

    /** Between two looks at the screen: the condition, not this pause, is what the test waits for. */
    private static void pause() throws InterruptedException {
        Thread.sleep(50);
    }

    /** The line the cursor is on up to the cursor (capture-pane drops trailing blanks; the cursor keeps them). */
    private String cursorLine() throws Exception {
        String[] at = tmux("display-message", "-p", "-t", "t", "#{cursor_x} #{cursor_y}").strip().split(" ");
        int x = Integer.parseInt(at[0]);
        String line = screen().lines().toList().get(Integer.parseInt(at[1]));
        return (line + " ".repeat(Math.max(0, x - line.length()))).substring(0, x);
    }

    /** Waits until the line up to the cursor reads {@code expected}, trailing blanks included. */
    private void awaitLine(String expected) throws Exception {
        Instant deadline = Instant.now().plus(PATIENCE);
        while (!cursorLine().equals(expected)) {
            if (Instant.now().isAfter(deadline)) {
                fail("expected the line '" + expected + "', the cursor line is '" + cursorLine() + "' on:\n" + screen());
            }
            pause();
        }
    }

    @Test
    void tabCompletesASecondTabListsAndSpaceCompletesKeywords() throws Exception {
        type("conf");
        keys("Tab");
        awaitLine("alice@h> configure ");
        keys("Enter");
        await("configuration mode", s -> s.contains("[edit]") && s.contains("alice@h#"));
        type("set services ipsec-vpn i");
        keys("Tab");
        keys("Tab");
        String s = await("the listing", x -> x.contains("Possible completions:") && x.contains("ipsec "));
        assertTrue(s.contains("  ike "), s);
        assertTrue(s.contains("IKE configuration"), "with the help text, as '?' lists them:\n" + s);
        keys("C-u");
        type("set serv");
        type(" ");
        awaitLine("alice@h# set services ");
        type("ipsec-v");
        type(" ");
        awaitLine("alice@h# set services ipsec-vpn ");
        type("ike proposal p");
        type(" ");
        awaitLine("alice@h# set services ipsec-vpn ike proposal p ");
    }

    @Test
    void questionMarkListsWithoutTakingTheLine() throws Exception {
        type("show ");
        type("?");
        String s = await("the help", x -> x.contains("Possible completions:") && x.contains("version"));
        assertTrue(s.contains("Show software process revision levels"), s);
        awaitLine("alice@h> show ");
    }

    @Test
    void aSecretIsAskedWithEchoOffAndNeverShown() throws Exception {
        type("configure");
        keys("Enter");
        await("configuration mode", s -> s.contains("alice@h#"));
        type("set services ipsec-vpn ike policy k1 pre-shared-key ascii-text");
        keys("Enter");
        await("the secret prompt", s -> s.contains("New ascii-text (secret):"));
        type("not-on-screen-42");
        keys("Enter");
        await("the second prompt", s -> s.contains("Retype new ascii-text (secret):"));
        type("not-on-screen-42");
        keys("Enter");
        type("show services ipsec-vpn ike");
        keys("Enter");
        String s = await("the key", x -> x.contains("pre-shared-key ascii-text \"$9$") && x.contains("## SECRET-DATA"));
        assertFalse(s.contains("not-on-screen-42"), s);
        assertFalse(Files.readString(state.resolve("history")).contains("not-on-screen"), "nor in the history");
    }

    @Test
    void questionsAreAnsweredOnTheTerminal() throws Exception {
        type("configure");
        keys("Enter");
        await("configuration mode", s -> s.contains("alice@h#"));
        type("set system host-name r1");
        keys("Enter");
        type("exit");
        keys("Enter");
        await("the question", s -> s.contains("Exit with uncommitted changes? [yes,no] (yes)"));
        type("maybe");
        keys("Enter");
        await("the question again", s -> s.split("Exit with uncommitted changes", -1).length == 3);
        type("no");
        keys("Enter");
        await("the prompt again", s -> s.stripTrailing().endsWith("[edit]\nalice@h#"));
        type("delete");
        keys("Enter");
        await("the delete question", s -> s.contains("Delete everything under this level? [yes,no] (no)"));
        type("y");
        keys("Enter");
        await("the prompt after delete", s -> s.stripTrailing().endsWith("[edit]\nalice@h#") && s.lastIndexOf("(no)") < s.lastIndexOf("[edit]"));
        type("show | count");
        keys("Enter");
        await("nothing left", s -> s.contains("Count: 0 lines"));
    }

    @Test
    void monitorPrintsWhatATraceFileGainsAboveThePrompt() throws Exception {
        Path log = Files.createDirectories(state.resolve("log")).resolve("kmd-trace");
        Files.writeString(log, "old line\n");
        type("monitor start kmd-trace");
        keys("Enter");
        await("the command run", x -> x.contains("alice@h> monitor start kmd-trace\nalice@h>"));
        Files.writeString(log, "Dec 05 00:00:01.000 ike: IKE_SA_INIT sent\n", java.nio.file.StandardOpenOption.APPEND);
        String s = await("the new trace line", x -> x.contains("*** kmd-trace ***") && x.contains("ike: IKE_SA_INIT sent"));
        assertFalse(s.contains("old line"), "only what was written after the start");
        type("monitor stop");
        keys("Enter");
        await("the command run", x -> x.contains("alice@h> monitor stop\nalice@h>"));
    }

    @Test
    void longOutputIsPagedUnlessNoMore() throws Exception {
        type("configure");
        keys("Enter");
        await("configuration mode", s -> s.contains("alice@h#"));
        type("load set terminal");
        keys("Enter");
        await("the paste prompt", s -> s.contains("[Type ^D at a new line to end input]"));
        for (int i = 1; i <= 30; i++) {
            type("set services ipsec-vpn ike proposal p" + i + " dh-group group14");
            keys("Enter");
        }
        keys("C-d");
        await("the load", s -> s.contains("load complete"));
        keys("C-l");
        await("a clear screen", x -> !x.contains("dh-group") && !x.contains("load complete"));
        type("show | display set");
        keys("Enter");
        String s = await("the more prompt", x -> x.contains(Pager.MORE));
        assertTrue(s.contains("proposal p1 dh-group") && !s.contains("proposal p30 "), s);
        keys("G");
        s = await("the rest", x -> x.contains("proposal p30 dh-group") && !x.contains(Pager.MORE));
        keys("C-l");
        await("a clear screen", x -> !x.contains("dh-group") && !x.contains("load complete"));
        type("show | display set | no-more");
        keys("Enter");
        await("all of it", x -> x.contains("proposal p30 dh-group") && x.contains("alice@h#"));
        assertFalse(screen().contains(Pager.MORE));
        type("show | display set");
        keys("Enter");
        await("the more prompt again", x -> x.contains(Pager.MORE));
        keys("q");
        await("the prompt after q", x -> !x.contains(Pager.MORE) && x.stripTrailing().endsWith("alice@h#"));
        assertEquals(-1, screen().indexOf("proposal p30 dh-group"), "q stops the output");
    }
}
