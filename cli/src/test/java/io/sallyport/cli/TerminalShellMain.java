package io.sallyport.cli;

import java.nio.file.Path;

/**
 * The interactive shell on the process's own terminal, for {@link TerminalEndToEndTest}, which
 * runs it inside a tmux pane: {@code STATE-DIR HISTORY-FILE}.
 */
public final class TerminalShellMain {
    private TerminalShellMain() {}

    public static void main(String[] args) throws Exception {
        Path state = Path.of(args[0]);
        Shell shell = new Shell(StoreSession.open(state, "alice"), new DaemonLink(state), "alice", "h");
        System.exit(ShellRunner.runInteractive(shell, Path.of(args[1])));
    }
}
