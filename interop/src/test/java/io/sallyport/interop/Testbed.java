package io.sallyport.interop;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * One topology for one test class (register it as a static extension): own prefix and state dir,
 * the daemons started on it, and a teardown that always runs: daemons stopped by PID, then down.sh.
 * When a test fails it prints the daemons' logs and the tail of the charon logs.
 */
public final class Testbed implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback, TestWatcher {

    private final Harness harness;
    private final Harness.Topology topology;
    private final int wanQueues;
    private final List<SallyportDaemon> daemons = new ArrayList<>();

    public Testbed(String prefix, Harness.Topology topology) {
        this(prefix, topology, 1);
    }

    /** A direct topology whose wan has {@code wanQueues} queues each way ({@link Harness#wanQueues}). */
    public Testbed(String prefix, Harness.Topology topology, int wanQueues) {
        if (wanQueues != 1 && topology != Harness.Topology.DIRECT) {
            throw new IllegalArgumentException("a wan of several queues is the direct topology's");
        }
        this.harness = new Harness(repoRoot(), prefix);
        this.topology = topology;
        this.wanQueues = wanQueues;
    }

    /** The repository root: the parent of this module's directory (surefire's basedir). */
    public static Path repoRoot() {
        Path module = Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
        Path root = module.getParent();
        if (!Files.isDirectory(root.resolve("interop/harness"))) throw new AssertionError("no interop/harness under " + root);
        return root;
    }

    public Harness harness() { return harness; }

    @Override public void beforeAll(ExtensionContext context) {
        if (!Files.isRegularFile(SallyportDaemon.jar()))
            throw new AssertionError("no " + SallyportDaemon.jar() + ": build app first (mvn -pl interop -am verify)");
        harness.up(topology);
        if (wanQueues > 1) harness.wanQueues(wanQueues);
    }

    public SallyportDaemon daemon(String role, String name, String config, String... jvmOptions) {
        SallyportDaemon d = SallyportDaemon.start(harness, role, name, config, List.of(jvmOptions));
        daemons.add(d);
        return d;
    }

    /** Starts a daemon without the given capabilities (see {@link SallyportDaemon#startWithout}). */
    public SallyportDaemon daemonWithout(String role, String name, String config, String... capabilities) {
        SallyportDaemon d = SallyportDaemon.startWithout(harness, role, name, config, capabilities);
        daemons.add(d);
        return d;
    }

    /** Starts a daemon under a wrapper command (see {@link SallyportDaemon#startWrapped}). */
    public SallyportDaemon daemonWrapped(String role, String name, String config, List<String> wrapper) {
        SallyportDaemon d = SallyportDaemon.startWrapped(harness, role, name, config, wrapper);
        daemons.add(d);
        return d;
    }

    /** Starts NAME's daemon again on its state directory (see {@link SallyportDaemon#restart}). */
    public SallyportDaemon restart(String role, String name) {
        SallyportDaemon d = SallyportDaemon.restart(harness, role, name);
        daemons.add(d);
        return d;
    }

    /** Stops this test's daemons; their logs stay available to {@link #testFailed} (called after @AfterEach). */
    public void stopDaemons() {
        for (SallyportDaemon d : daemons) d.close();
    }

    @Override public void beforeEach(ExtensionContext context) {
        stopDaemons();
        daemons.clear();
    }

    @Override public void afterAll(ExtensionContext context) {
        stopDaemons();
        Harness.Result r = harness.down();
        if (!r.ok()) System.err.println("down.sh failed: " + r.stderr());
    }

    @Override public void testFailed(ExtensionContext context, Throwable cause) {
        System.err.println("=== " + context.getDisplayName() + " failed; evidence follows");
        for (SallyportDaemon d : daemons) System.err.println("--- sallyport " + d.name() + " log\n" + d.log());
        for (String role : List.of("gw-a", "gw-b")) {
            Path charonLog = harness.stateDir().resolve(harness.ns(role)).resolve("charon.log");
            if (Files.exists(charonLog)) {
                Harness.Result tail = harness.run(List.of("tail", "-n", "40", charonLog.toString()), Map.of(), 10);
                System.err.println("--- charon " + role + " (last 40 lines)\n" + tail.stdout());
            }
        }
    }

    /** Polls CONDITION every 250 ms; false when TIMEOUT passes first. */
    public static boolean await(Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (condition.getAsBoolean()) return true;
            if (System.nanoTime() > deadline) return false;
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }
}
