package io.sallyport.remote;

import io.sallyport.config.ConfigText;
import io.sallyport.config.store.ConfigStore;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A state directory with committed {@code system services} and {@code system login} users, and
 * the real OpenSSH tools to reach it. Passwords are hashed by {@code openssl passwd -6}, keys made
 * by {@code ssh-keygen}: nothing of ours on the client side.
 */
public final class RemoteFixture {
    public static final String ADMIN_PASSWORD = "Adm1n-secret";
    public static final String VIEWER_PASSWORD = "v1ewer-secret";

    public final Path state;
    public final int sshPort;
    public final int netconfPort;
    public final int prometheusPort;
    public final Path clientKey;

    public RemoteFixture(Path state) throws IOException, InterruptedException {
        this.state = state;
        int[] ports = freePorts(3);
        this.sshPort = ports[0];
        this.netconfPort = ports[1];
        this.prometheusPort = ports[2];
        this.clientKey = state.resolveSibling(state.getFileName() + "-client").resolve("id_ed25519");
        Files.createDirectories(clientKey.getParent());
        run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "keyuser@test", "-f", clientKey.toString()));
        String publicKey = Files.readString(clientKey.resolveSibling("id_ed25519.pub")).strip();
        String config = """
                set system host-name remote-test
                set system services ssh port %d
                set system services ssh addresses 127.0.0.1
                set system services netconf ssh port %d
                set system services prometheus port %d
                set system login user admin class super-user
                set system login user admin authentication encrypted-password "%s"
                set system login user viewer class read-only
                set system login user viewer authentication encrypted-password "%s"
                set system login user keyuser class operator
                set system login user keyuser authentication ssh-ed25519 "%s"
                """.formatted(sshPort, netconfPort, prometheusPort, opensslHash(ADMIN_PASSWORD), opensslHash(VIEWER_PASSWORD), publicKey);
        ConfigStore store = ConfigStore.open(state, Clock.systemUTC());
        try {
            store.setCandidate(ConfigText.parse(config));
        } catch (io.sallyport.config.ConfigSyntaxException e) {
            throw new IllegalStateException(e);
        }
        ConfigStore.CommitOutcome outcome = store.commit("test", Optional.empty());
        if (!outcome.committed()) throw new IllegalStateException(outcome.check().render());
    }

    public io.sallyport.config.Node active() throws IOException {
        return ConfigStore.open(state, Clock.systemUTC()).active();
    }

    public static boolean installed(String tool) {
        return Files.isExecutable(Path.of("/usr/bin", tool));
    }

    static String opensslHash(String password) throws IOException, InterruptedException {
        return run(List.of("openssl", "passwd", "-6", password)).out().strip();
    }

    /** The OpenSSH client with a throw-away known_hosts, talking to 127.0.0.1 on {@code port}. */
    public List<String> ssh(int port, String user, String... extra) {
        List<String> cmd = new java.util.ArrayList<>(List.of("ssh", "-p", String.valueOf(port),
                "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
                "-o", "ConnectTimeout=10", "-o", "NumberOfPasswordPrompts=1"));
        cmd.addAll(List.of(extra));
        cmd.add(user + "@127.0.0.1");
        return cmd;
    }

    public List<String> sshWithPassword(String password, String user, String... extra) {
        List<String> cmd = new java.util.ArrayList<>(List.of("sshpass", "-p", password));
        List<String> more = new java.util.ArrayList<>(List.of("-o", "PubkeyAuthentication=no",
                "-o", "PreferredAuthentications=password"));
        more.addAll(List.of(extra));
        cmd.addAll(ssh(sshPort, user, more.toArray(String[]::new)));
        return cmd;
    }

    /** {@code command} plus the remote command line as the last argument. */
    public static List<String> with(List<String> command, String remote) {
        List<String> out = new java.util.ArrayList<>(command);
        out.add(remote);
        return out;
    }

    public record Result(int code, String out, String err) { }

    public static Result run(List<String> command) throws IOException, InterruptedException {
        return run(command, "");
    }

    public static Result run(List<String> command, String stdin) throws IOException, InterruptedException {
        Path outFile = Files.createTempFile("remote-out", ".txt");
        Path errFile = Files.createTempFile("remote-err", ".txt");
        try {
            Process p = new ProcessBuilder(command).redirectOutput(outFile.toFile()).redirectError(errFile.toFile()).start();
            try (var in = p.getOutputStream()) {
                in.write(stdin.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + command);
            }
            return new Result(p.exitValue(), Files.readString(outFile), Files.readString(errFile));
        } finally {
            Files.deleteIfExists(outFile);
            Files.deleteIfExists(errFile);
        }
    }

    /** Free ports, all different: each socket stays open until the others are taken (one at a time may repeat). */
    public static int[] freePorts(int n) throws IOException {
        ServerSocket[] open = new ServerSocket[n];
        try {
            int[] ports = new int[n];
            for (int i = 0; i < n; i++) {
                open[i] = new ServerSocket(0);
                ports[i] = open[i].getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket s : open) {
                if (s != null) {
                    s.close();
                }
            }
        }
    }
}
