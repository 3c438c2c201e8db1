package io.sallyport.interop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One `sallyport daemon` in a gateway namespace, run from the packaged jar the way an operator runs
 * it. Stopped only through its own PID: SIGTERM (the daemon deletes its SAs and its TUN devices),
 * SIGKILL after 10 s. Its stderr log stays in the state dir and is printed when a test fails.
 */
public final class SallyportDaemon implements AutoCloseable {

    private final Harness harness;
    private final String name;
    private final Path stateDir;
    private final Path log;
    private final Process process;

    private SallyportDaemon(Harness harness, String name, Path stateDir, Path log, Process process) {
        this.harness = harness;
        this.name = name;
        this.stateDir = stateDir;
        this.log = log;
        this.process = process;
    }

    /** The application jar, next to this module: ../app/target/sallyport.jar. */
    public static Path jar() {
        return Testbed.repoRoot().resolve("app/target/sallyport.jar");
    }

    static Path java() { return Path.of(System.getProperty("java.home"), "bin", "java"); }

    /** Starts the daemon in ROLE's namespace with CONFIG committed (--load-config) and waits for its control socket. */
    public static SallyportDaemon start(Harness harness, String role, String name, String config) {
        return start(harness, role, name, config, List.of());
    }

    /** {@link #start(Harness, String, String, String)} with more JVM options (system properties that switch a path off). */
    public static SallyportDaemon start(Harness harness, String role, String name, String config, List<String> jvmOptions) {
        prepare(harness, name, config);
        return launch(harness, role, name, true, List.of(), jvmOptions);
    }

    private static void prepare(Harness harness, String name, String config) {
        try {
            Path dir = harness.stateDir().resolve("sallyport-" + name);
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("gw.conf"), config);
            Files.writeString(dir.resolve("daemon.log"), "");
        } catch (IOException e) {
            throw new AssertionError("cannot prepare sallyport daemon " + name, e);
        }
    }

    /**
     * Starts NAME's daemon as {@link #start} does, without the given capabilities (setpriv(1) takes
     * them out of its bounding set, so root's exec of the JVM does not get them): a host that
     * refuses what they allow, bpf(2) without CAP_BPF and CAP_SYS_ADMIN for instance.
     */
    public static SallyportDaemon startWithout(Harness harness, String role, String name, String config, String... capabilities) {
        prepare(harness, name, config);
        return launch(harness, role, name, true,
            List.of("setpriv", "--bounding-set=" + String.join(",", java.util.Arrays.stream(capabilities).map(c -> "-" + c).toList())),
            List.of());
    }

    /**
     * Starts NAME's daemon as {@link #start} does, its JVM run by {@code wrapper} (a command line
     * that ends by running the rest: setpriv(1), prlimit(1)), so under the capabilities and limits
     * a service manager would give it.
     */
    public static SallyportDaemon startWrapped(Harness harness, String role, String name, String config, List<String> wrapper) {
        prepare(harness, name, config);
        return launch(harness, role, name, true, wrapper, List.of());
    }

    /**
     * Starts NAME's daemon again on the state directory an earlier {@link #start} left behind, the way
     * the systemd unit restarts it: --config only seeds an empty store, so the store's configuration
     * is what runs. The log is appended to.
     */
    public static SallyportDaemon restart(Harness harness, String role, String name) {
        return launch(harness, role, name, false, List.of(), List.of());
    }

    private static SallyportDaemon launch(Harness harness, String role, String name, boolean loadConfig, List<String> wrapper,
                                          List<String> jvmOptions) {
        try {
            Path dir = harness.stateDir().resolve("sallyport-" + name);
            // A daemon killed with SIGKILL leaves its socket file behind.
            Files.deleteIfExists(dir.resolve("sallyport.sock"));
            Path conf = dir.resolve("gw.conf");
            Path log = dir.resolve("daemon.log");
            List<String> command = new java.util.ArrayList<>(List.of("ip", "netns", "exec", harness.ns(role)));
            command.addAll(wrapper);
            command.addAll(List.of(
                // The JVM options of packaging/sallyport.service.
                java().toString(), "--enable-native-access=ALL-UNNAMED", "-XX:+UseParallelGC", "-Xms128m", "-Xmn64m",
                "-XX:+AlwaysPreTouch"));
            command.addAll(jvmOptions);
            command.addAll(List.of("-jar", jar().toString(), "daemon", "--config", conf.toString(), "--state-dir", dir.toString()));
            if (loadConfig) command.add("--load-config");
            Process p = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
            SallyportDaemon d = new SallyportDaemon(harness, name, dir, log, p);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!Files.exists(dir.resolve("sallyport.sock"))) {
                if (!p.isAlive()) throw new AssertionError("sallyport daemon " + name + " exited with "
                    + p.exitValue() + " before its control socket appeared:\n" + d.log());
                if (System.nanoTime() > deadline) {
                    d.close();
                    throw new AssertionError("sallyport daemon " + name + ": no control socket after 30 s:\n" + d.log());
                }
                Thread.sleep(100);
            }
            return d;
        } catch (IOException e) {
            throw new AssertionError("cannot start sallyport daemon " + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public String name() { return name; }
    public long pid() { return process.pid(); }
    public boolean alive() { return process.isAlive(); }

    /** Sends one operational command over the control socket and returns what it printed. */
    public String cli(String command) {
        Harness.Result r = harness.run(List.of(java().toString(), "-XX:TieredStopAtLevel=1", "-jar", jar().toString(),
            "cli", "--state-dir", stateDir.toString(), "-c", command), Map.of(), 60);
        if (!r.ok()) throw new AssertionError("sallyport cli \"" + command + "\" failed (exit " + r.exit() + "):\n"
            + r.stdout() + r.stderr());
        return r.stdout();
    }

    /**
     * Waits until this daemon holds the SA pair of strongSwan's {@code child}: show lists our
     * outbound SA with the child's inbound SPI and our inbound SA with its outbound one. strongSwan
     * lists a child INSTALLED before we hold it when we initiate in IKEv2 (the responder installs
     * before it answers, we once its answer is verified: longer with certificates and in a cold
     * JVM) and while {@code natt-install-interval} holds our install back; a packet sent into the
     * tunnel before then finds no SA and is dropped. Returns at once when both ends hold it.
     */
    public void awaitSaPairOf(SwanSas.Child child) {
        String show = "show services ipsec-vpn ipsec security-associations";
        boolean held = Testbed.await(Duration.ofSeconds(15), () -> holdsSaPairOf(cli(show), child));
        if (!held) throw new AssertionError("sallyport daemon " + name + " does not hold strongSwan's child SA pair (in "
            + child.spiIn() + ", out " + child.spiOut() + ") 15 s after strongSwan installed it:\n" + cli(show));
    }

    /** Whether {@code showIpsec} lists strongSwan's {@code child} as our SA pair (its SPIs swapped). */
    static boolean holdsSaPairOf(String showIpsec, SwanSas.Child child) {
        return showIpsec.lines().anyMatch(l -> l.trim().startsWith("outbound") && l.contains(" " + child.spiInDecimal() + " "))
            && showIpsec.lines().anyMatch(l -> l.trim().startsWith("inbound") && l.contains(" " + child.spiOutDecimal() + " "));
    }

    /**
     * Waits (30 s at most) until this daemon and {@code peer} hold the same SA pair: one of our
     * outbound SPIs among its inbound ones and one of our inbound SPIs among its outbound ones. One
     * daemon's IKE SA Matured, or its data path up, says nothing of the other's install (nor, in
     * IKEv1, of quick mode). Returns at the first look when both hold it (one show on each).
     */
    public void awaitSaPairWith(SallyportDaemon peer) {
        String show = "show services ipsec-vpn ipsec security-associations";
        boolean paired = Testbed.await(Duration.ofSeconds(30), () -> {
            String ours = cli(show);
            String theirs = peer.cli(show);
            return spis(ours, "outbound").stream().anyMatch(spis(theirs, "inbound")::contains)
                && spis(ours, "inbound").stream().anyMatch(spis(theirs, "outbound")::contains);
        });
        if (!paired) throw new AssertionError("sallyport daemons " + name + " and " + peer.name
            + " do not hold one SA pair within 30 s:\n" + cli(show) + peer.cli(show));
    }

    /** The SPIs of the SAs of {@code direction} (inbound, outbound) that {@code showIpsec} lists. */
    private static List<String> spis(String showIpsec, String direction) {
        return showIpsec.lines().map(String::trim).filter(l -> l.startsWith(direction + " "))
            .map(l -> l.split("\\s+")[1]).toList();
    }

    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /** SIGKILL to our own PID, as a crash: no DELETE reaches the peer. Returns once the process is gone. */
    public void kill() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) throw new AssertionError("daemon " + name + " survived SIGKILL");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** SIGTERM to our own PID, SIGKILL after 10 s. */
    @Override public void close() {
        if (!process.isAlive()) return;
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
