package io.sallyport.remote.ssh;

import io.sallyport.cli.Shell;
import io.sallyport.cli.ShellRunner;
import io.sallyport.remote.Audit;
import io.sallyport.remote.RemoteUser;
import io.sallyport.remote.Shells;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.apache.sshd.common.channel.PtyMode;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.Signal;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.jline.terminal.Attributes;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Sallyport CLI on an SSH channel. A shell request with a pty gets the interactive shell on a
 * JLine terminal over the channel's streams; {@code ssh host 'show ...'} runs its commands in
 * line mode and exits 0 or 1, as {@code sallyport cli -c} does; a shell without a pty reads
 * commands line by line.
 */
final class CliChannel implements Command {
    private static final Logger LOG = LoggerFactory.getLogger(CliChannel.class);

    private final Shells shells;
    private final String command;
    private InputStream in;
    private OutputStream out;
    private OutputStream err;
    private ExitCallback exit;
    private Thread worker;
    private Terminal terminal;

    /** @param command the exec request's command line, or null for a shell request */
    CliChannel(Shells shells, String command) {
        this.shells = shells;
        this.command = command;
    }

    @Override public void setInputStream(InputStream in) { this.in = in; }

    @Override public void setOutputStream(OutputStream out) { this.out = out; }

    @Override public void setErrorStream(OutputStream err) { this.err = err; }

    @Override public void setExitCallback(ExitCallback exit) { this.exit = exit; }

    @Override
    public void start(ChannelSession channel, Environment env) {
        RemoteUser user = SshService.remoteUser(channel, "ssh");
        worker = Thread.ofVirtual().name("ssh-cli-" + user.name()).start(() -> {
            int code;
            try {
                code = run(user, env);
            } catch (IOException | RuntimeException e) {
                LOG.warn("ssh session of '{}' ended: {}", user.name(), e.toString());
                code = 1;
            }
            Audit.logout(user.name(), user.source());
            exit.onExit(code);
        });
    }

    private int run(RemoteUser user, Environment env) throws IOException {
        Shell shell = shells.open(user);
        PrintWriter stdout = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true);
        PrintWriter stderr = new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true);
        if (command != null) return ShellRunner.runCommandArgument(shell, command, stdout, stderr);
        if (!env.getEnv().containsKey(Environment.ENV_TERM)) { // TERM comes with the pty request
            return ShellRunner.runLines(shell, new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)), stdout, stderr);
        }
        terminal = terminal(env);
        env.addSignalListener((ch, signal) -> {
            terminal.setSize(size(env.getEnv()));
            terminal.raise(Terminal.Signal.WINCH);
        }, Signal.WINCH);
        try (Terminal t = terminal) {
            return ShellRunner.runInteractive(shell, t, history(user));
        }
    }

    /** The client's terminal: its type and size, with the output processing a pty gives (\n → \r\n). */
    private Terminal terminal(Environment env) throws IOException {
        Attributes attributes = new Attributes();
        attributes.setInputFlag(Attributes.InputFlag.ICRNL, true);
        attributes.setOutputFlag(Attributes.OutputFlag.OPOST, true);
        attributes.setOutputFlag(Attributes.OutputFlag.ONLCR, true);
        attributes.setLocalFlag(Attributes.LocalFlag.ISIG, true);
        attributes.setLocalFlag(Attributes.LocalFlag.ICANON, true);
        attributes.setLocalFlag(Attributes.LocalFlag.ECHO, true);
        attributes.setControlChar(Attributes.ControlChar.VINTR, controlChar(env, PtyMode.VINTR, 3));
        attributes.setControlChar(Attributes.ControlChar.VEOF, controlChar(env, PtyMode.VEOF, 4));
        attributes.setControlChar(Attributes.ControlChar.VERASE, controlChar(env, PtyMode.VERASE, 127));
        // No queries to the client's terminal: over a slow link the answers come after JLine stops waiting.
        return ShellRunner.withoutProbes(TerminalBuilder.builder())
                .system(false)
                .name("ssh")
                .type(env.getEnv().getOrDefault(Environment.ENV_TERM, "vt100"))
                .streams(in, out)
                .encoding(StandardCharsets.UTF_8)
                .attributes(attributes)
                .size(size(env.getEnv()))
                .build();
    }

    private static int controlChar(Environment env, PtyMode mode, int dflt) {
        Integer v = env.getPtyModes().get(mode);
        return v == null ? dflt : v;
    }

    private static Size size(Map<String, String> env) {
        return new Size(number(env.get(Environment.ENV_COLUMNS), 80), number(env.get(Environment.ENV_LINES), 24));
    }

    /** A client without a terminal of its own ({@code ssh -tt} from a pipe) says 0 columns: use the default. */
    private static int number(String text, int dflt) {
        try {
            int n = text == null ? dflt : Integer.parseInt(text);
            return n > 0 ? n : dflt;
        } catch (NumberFormatException e) {
            return dflt;
        }
    }

    /** Each user's command history, beside the host keys (owner-only). */
    private Path history(RemoteUser user) throws IOException {
        Path dir = shells.stateDir().resolve("ssh").resolve("history");
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        return dir.resolve(user.name());
    }

    @Override
    public void destroy(ChannelSession channel) throws IOException {
        if (worker != null) worker.interrupt();
        if (terminal != null) terminal.close();
    }
}
