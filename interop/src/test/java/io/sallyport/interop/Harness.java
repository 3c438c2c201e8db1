package io.sallyport.interop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the vendored bash harness (interop/harness/) for one topology: every call carries this
 * topology's INTEROP_PREFIX and INTEROP_STATE_DIR, so test classes never share namespaces.
 */
public final class Harness {

    /** What a finished command left behind. */
    public record Result(List<String> command, int exit, String stdout, String stderr) {
        public boolean ok() { return exit == 0; }

        public Result orThrow() {
            if (exit != 0) throw new AssertionError("command failed (exit " + exit + "): " + String.join(" ", command)
                + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr);
            return this;
        }
    }

    public enum Topology { DIRECT, NAT }

    private final Path scripts;
    private final String prefix;
    private final Path stateDir;

    public Harness(Path repoRoot, String prefix) {
        this.scripts = repoRoot.resolve("interop/harness");
        this.prefix = prefix;
        this.stateDir = Path.of("/tmp/ipsec-interop-" + prefix.replaceAll("[^A-Za-z0-9]", ""));
    }

    public String prefix() { return prefix; }
    public Path stateDir() { return stateDir; }

    /** The real namespace name of a role ("gw-a" becomes "sp1-gw-a"). */
    public String ns(String role) { return prefix + role; }

    public Result script(String name, Map<String, String> env, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(scripts.resolve(name).toString());
        cmd.addAll(List.of(args));
        return run(cmd, env, 120);
    }

    public Result script(String name, String... args) { return script(name, Map.of(), args); }

    public void up(Topology topology) {
        script("netns-up.sh", topology.name().toLowerCase()).orThrow();
    }

    /**
     * Replaces the direct topology's wan veth pair (gw-a 192.0.2.1/24, gw-b 192.0.2.2/24) by one of
     * {@code queues} TX and RX queues each way, so a daemon on it has that many receive queues
     * (netns-up.sh, vendored, makes one of each).
     */
    public void wanQueues(int queues) {
        String q = Integer.toString(queues);
        run(List.of("ip", "-n", ns("gw-a"), "link", "del", "wan"), Map.of(), 10).orThrow();
        run(List.of("ip", "-n", ns("gw-a"), "link", "add", "wan", "numtxqueues", q, "numrxqueues", q, "type", "veth",
            "peer", "name", "wan", "numtxqueues", q, "numrxqueues", q, "netns", ns("gw-b")), Map.of(), 10).orThrow();
        for (String[] end : new String[][] {{"gw-a", "192.0.2.1/24"}, {"gw-b", "192.0.2.2/24"}}) {
            run(List.of("ip", "-n", ns(end[0]), "addr", "add", end[1], "dev", "wan"), Map.of(), 10).orThrow();
            run(List.of("ip", "-n", ns(end[0]), "link", "set", "wan", "up"), Map.of(), 10).orThrow();
        }
    }

    /** down.sh never kills what it did not start: stop the daemons first. */
    public Result down() { return script("down.sh"); }

    public void peerStart(String role, String conf, Map<String, String> env) {
        script("strongswan-peer.sh", env, "start", role, conf).orThrow();
    }

    public void peerStop(String role) { script("strongswan-peer.sh", "stop", role).orThrow(); }

    /**
     * Kills ROLE's charon with SIGKILL (it sends no DELETE), then lets the harness clean up after it.
     * The PID comes from the harness's pid file: a process this topology started.
     */
    public void peerKill(String role) {
        try {
            Path pidFile = stateDir.resolve("pids").resolve("charon-" + ns(role) + ".pid");
            String pid = Files.readString(pidFile).trim().split("\\s+")[0];
            run(List.of("kill", "-KILL", pid), Map.of(), 10).orThrow();
        } catch (IOException e) {
            throw new AssertionError("no charon pid file for " + role, e);
        }
        peerStop(role);
    }

    public Result waitSa(String role, int timeoutSeconds) {
        return script("strongswan-peer.sh", "wait-sa", role, "net", Integer.toString(timeoutSeconds));
    }

    public Result initiate(String role, int timeoutSeconds) {
        return script("strongswan-peer.sh", "initiate", role, "net", Integer.toString(timeoutSeconds));
    }

    public String sas(String role) { return script("strongswan-peer.sh", "sas", role).orThrow().stdout(); }

    /** strongSwan's SAs as its machine-readable vici dump. */
    public SwanSas rawSas(String role) {
        return SwanSas.parse(script("strongswan-peer.sh", "swanctl", role, "--list-sas", "--raw").orThrow().stdout());
    }

    /** Starts a capture; returns the pcap path, which {@link #captureSoFar} reads while it runs. */
    public String captureStart(String role, String iface) {
        return script("capture.sh", "start", role, iface).orThrow().stdout().trim();
    }

    /** The summary of a running capture up to now (tcpdump writes each packet as it comes: -U). */
    public Capture captureSoFar(String pcap) {
        return Capture.parse(script("capture.sh", "summary", pcap).orThrow().stdout());
    }

    public Capture captureStop(String role, String iface) {
        return Capture.parse(script("capture.sh", "stop", role, iface).orThrow().stdout());
    }

    /** Runs a command inside a namespace of this topology. */
    public Result inNs(String role, int timeoutSeconds, String... command) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns(role)));
        cmd.addAll(List.of(command));
        return run(cmd, Map.of(), timeoutSeconds);
    }

    public Ping ping(String fromRole, String to, int count, double intervalSeconds) {
        Result r = inNs(fromRole, count + 30, "ping", "-n", "-c", Integer.toString(count), "-i",
            Double.toString(intervalSeconds), "-W", "1", to);
        return Ping.parse(r.stdout());
    }

    /**
     * iperf3 TCP from CLIENT to the iperf3 server started on SERVER (bound to SERVER_ADDRESS);
     * REVERSE sends from the server to the client (-R). Returns the receiver's Mbit/s.
     */
    public double iperf(String client, String server, String serverAddress, int seconds, boolean reverse) {
        List<String> serverCmd = List.of("ip", "netns", "exec", ns(server), "timeout", Integer.toString(seconds + 40),
            "iperf3", "-s", "-1", "-B", serverAddress);
        Process srv;
        try {
            srv = new ProcessBuilder(serverCmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new AssertionError("cannot start iperf3 server", e);
        }
        try {
            boolean listening = Testbed.await(java.time.Duration.ofSeconds(10),
                () -> !inNs(server, 5, "ss", "-Hltn", "sport = :5201").stdout().isBlank());
            if (!listening) throw new AssertionError("iperf3 server in " + ns(server) + " not listening");
            List<String> c = new ArrayList<>(List.of("iperf3", "-c", serverAddress, "-t", Integer.toString(seconds), "-J"));
            if (reverse) c.add("-R");
            Result r = inNs(client, seconds + 30, c.toArray(String[]::new)).orThrow();
            java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("\"sum_received\"\\s*:\\s*\\{[^}]*?\"bits_per_second\"\\s*:\\s*([0-9.eE+]+)").matcher(r.stdout());
            if (!m.find()) throw new AssertionError("no sum_received in iperf3 output:\n" + r.stdout());
            return Double.parseDouble(m.group(1)) / 1e6;
        } finally {
            srv.destroy();
        }
    }

    /** Runs a command to its end (or its timeout), its output kept in files so no pipe can block it. */
    public Result run(List<String> command, Map<String, String> env, int timeoutSeconds) {
        try {
            Files.createDirectories(stateDir);
            Path out = Files.createTempFile(stateDir, "cmd-", ".out");
            Path err = Files.createTempFile(stateDir, "cmd-", ".err");
            try {
                ProcessBuilder pb = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
                pb.environment().put("INTEROP_PREFIX", prefix);
                pb.environment().put("INTEROP_STATE_DIR", stateDir.toString());
                pb.environment().putAll(env);
                Process p = pb.start();
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                    return new Result(command, 124, Files.readString(out), Files.readString(err) + "\n(timed out after "
                        + timeoutSeconds + " s)");
                }
                return new Result(command, p.exitValue(), Files.readString(out), Files.readString(err));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted: " + command, e);
        }
    }
}
