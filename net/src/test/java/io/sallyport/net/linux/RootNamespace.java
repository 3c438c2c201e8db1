package io.sallyport.net.linux;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A throw-away network namespace for root-gated tests; nothing touches the host namespace. */
final class RootNamespace implements AutoCloseable {

    final String name;
    private final ProcessCommandRunner runner = new ProcessCommandRunner();

    private RootNamespace(final String name) {
        this.name = name;
        run("ip", "netns", "add", name);
    }

    private RootNamespace() {
        this("sp-net-test-" + ProcessHandle.current().pid());
    }

    /** Why this environment cannot run root tests, or null when it can. */
    static String whyUnavailable() {
        final LinuxCapabilities caps = LinuxCapabilities.ofCurrentProcess();
        if (!caps.has(LinuxCapabilities.Capability.CAP_NET_ADMIN) || (caps.effective() & (1L << 21)) == 0) {
            return "needs root (CAP_NET_ADMIN and CAP_SYS_ADMIN) to create a network namespace";
        }
        if (!Files.exists(Path.of("/dev/net/tun"))) {
            return "needs /dev/net/tun";
        }
        if (!Files.isExecutable(Path.of("/usr/sbin/ip")) && !Files.isExecutable(Path.of("/sbin/ip"))
                && !Files.isExecutable(Path.of("/usr/bin/ip"))) {
            return "needs iproute2's ip";
        }
        return null;
    }

    /** Creates the namespace, or skips the calling test when this environment cannot. */
    static RootNamespace createOrSkip() {
        final String why = whyUnavailable();
        Assumptions.assumeTrue(why == null, why);
        return new RootNamespace();
    }

    /** Creates the namespace, or returns null when this environment cannot. */
    static RootNamespace createIfPossible() {
        return whyUnavailable() == null ? new RootNamespace() : null;
    }

    /** Creates namespace {@code sp-net-test-TAG-PID}, for a class that keeps its own, or returns null when this environment cannot. */
    static RootNamespace createIfPossible(final String tag) {
        return whyUnavailable() == null ? new RootNamespace("sp-net-test-" + tag + "-" + ProcessHandle.current().pid()) : null;
    }

    void run(final String... command) {
        output(command);
    }

    /** What {@code command} printed; it must succeed. */
    String output(final String... command) {
        final CommandRunner.Result r = runner.run(List.of(command));
        if (r.exitCode() != 0) {
            throw new IllegalStateException(String.join(" ", command) + ": " + r.stderr());
        }
        return r.stdout();
    }

    /** The link-layer address of {@code device} in this namespace. */
    byte[] mac(final String device) {
        final String out = output("ip", "-n", name, "-o", "link", "show", device);
        final int at = out.indexOf("link/ether ") + "link/ether ".length();
        return java.util.HexFormat.ofDelimiter(":").parseHex(out.substring(at, at + 17));
    }

    /** IPv4 packets this namespace's IP stack received ({@code Ip: InReceives} of its /proc/net/snmp). */
    long ipInReceives() {
        final List<String> ip = output("ip", "netns", "exec", name, "cat", "/proc/net/snmp").lines()
                .filter(l -> l.startsWith("Ip: ")).toList();
        final List<String> names = List.of(ip.get(0).split(" "));
        return Long.parseLong(ip.get(1).split(" ")[names.indexOf("InReceives")]);
    }

    @Override
    public void close() {
        runner.run(List.of("ip", "netns", "del", name));
    }
}
