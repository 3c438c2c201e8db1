package io.sallyport.bench;

import io.sallyport.net.IpPrefix;
import io.sallyport.net.NetworkControl;
import io.sallyport.net.Route;
import io.sallyport.net.linux.LinuxNetworkControl;
import io.sallyport.net.linux.NetlinkNetworkControl;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What a dynamic peer's reverse route costs the control thread: one {@code addRoute} and one
 * {@code deleteRoute} of {@code 198.51.100.0/24 dev spbench0 metric 5}, over rtnetlink
 * ({@link NetlinkNetworkControl}) or with an {@code ip} process each ({@link LinuxNetworkControl}).
 * Root only: the routes go into a namespace the benchmark creates ({@code sp-bench-route-PID},
 * veth {@code spbench0} with 198.18.99.1/30) and deletes at the end; the host's are untouched.
 * Both controls address that namespace the same way the tests do: the socket opened inside it,
 * {@code ip -n NS} (one {@code setns} more per process than the daemon's {@code ip}, noise beside
 * the fork and exec).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class HostRouteBenchmark {

    @Param({"netlink", "ip"})
    public String control;

    private final String namespace = "sp-bench-route-" + ProcessHandle.current().pid();
    private final Route route = Route.toDevice(IpPrefix.parse("198.51.100.0/24"), "spbench0").withMetric(5);
    private NetworkControl network;
    private NetlinkNetworkControl netlink;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        run("ip", "netns", "add", namespace);
        run("ip", "-n", namespace, "link", "add", "spbench0", "type", "veth", "peer", "name", "spbench1");
        run("ip", "-n", namespace, "link", "set", "spbench0", "up");
        run("ip", "-n", namespace, "link", "set", "spbench1", "up");
        run("ip", "-n", namespace, "addr", "add", "198.18.99.1/30", "dev", "spbench0");
        if (control.equals("netlink")) {
            netlink = NetlinkNetworkControl.openIn(namespace);
            network = netlink;
        } else {
            network = LinuxNetworkControl.ofNamespace(namespace);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        if (netlink != null) {
            netlink.close();
        }
        run("ip", "netns", "del", namespace);
    }

    @Benchmark
    public void addAndDeleteRoute() {
        network.addRoute(route);
        network.deleteRoute(route);
    }

    private static void run(final String... command) throws IOException, InterruptedException {
        final Process p = new ProcessBuilder(List.of(command)).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed (exit " + p.exitValue() + ")");
        }
    }
}
