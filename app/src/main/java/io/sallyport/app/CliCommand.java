package io.sallyport.app;

import io.sallyport.cli.DaemonLink;
import io.sallyport.cli.Shell;
import io.sallyport.cli.ShellRunner;
import io.sallyport.cli.StoreSession;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code sallyport cli}: the Junos-like shell, interactive or for one command ({@code -c}). */
@Command(name = "cli", mixinStandardHelpOptions = true,
        description = {"The Junos-like shell: operational mode and configuration mode.",
                "Without -c it reads commands from stdin when that is not a terminal."})
final class CliCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "Configuration store and control socket (default: $SALLYPORT_STATE_DIR, "
                    + "else /var/lib/sallyport for root, else ~/.local/state/sallyport).")
    Path stateDir;

    @Option(names = "-c", paramLabel = "COMMAND",
            description = "Run COMMAND (several may be separated by ';') and exit: 0 on success, 1 on error.")
    String command;

    @Override
    public Integer call() throws IOException {
        Path dir = stateDir != null ? stateDir : StateDirectory.fromEnvironment();
        String user = System.getProperty("user.name");
        Shell shell = new Shell(StoreSession.open(dir, user), new DaemonLink(dir), user, systemHostName());
        if (command != null) {
            return ShellRunner.runCommandArgument(shell, command, spec.commandLine().getOut(), spec.commandLine().getErr());
        }
        Console console = System.console();
        if (console == null || !console.isTerminal()) {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            return ShellRunner.runLines(shell, in, spec.commandLine().getOut(), spec.commandLine().getErr());
        }
        return ShellRunner.runInteractive(shell, Path.of(System.getProperty("user.home"), ".sallyport_history"));
    }

    /** The kernel's host name, read without a DNS lookup; the resolver's answer otherwise. */
    static String systemHostName() {
        try {
            Path kernel = Path.of("/proc/sys/kernel/hostname");
            if (Files.isReadable(kernel)) return Files.readString(kernel).strip();
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "sallyport";
        }
    }
}
