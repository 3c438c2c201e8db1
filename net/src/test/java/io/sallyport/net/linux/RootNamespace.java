package io.sallyport.net.linux;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A throw-away network namespace, {@code sp-net-test-TAG-PID}, for the root tests and the
 * benchmarks run by hand as root; nothing they do touches the host's namespace. A test class
 * declares its namespaces as {@link NamespaceExtension}s; a benchmark's {@code main}
 * {@link #create}s one and {@link #close}s it (JUnit is not on its class path).
 */
class RootNamespace implements AutoCloseable {

    final String name;
    private final ProcessCommandRunner runner = new ProcessCommandRunner();
    private boolean created;

    RootNamespace(final String tag) {
        this.name = "sp-net-test-" + tag + "-" + ProcessHandle.current().pid();
    }

    /** Namespace {@code sp-net-test-TAG-PID}, not made yet. */
    static RootNamespace named(final String tag) {
        return new RootNamespace(tag);
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

    /** Makes the namespace. */
    RootNamespace create() {
        run("ip", "netns", "add", name);
        created = true;
        return this;
    }

    /**
     * Joins {@code a} and {@code b} by a veth pair, {@code devA} in a and {@code devB} in b, each
     * with {@code queues} receive and transmit queues (0: veth's default), gives them the /24
     * addresses {@code addressA} and {@code addressesB} and brings both up.
     */
    static void joinByVeth(final RootNamespace a, final String devA, final String addressA, final RootNamespace b,
                           final String devB, final int queues, final String... addressesB) {
        final String q = Integer.toString(queues);
        if (queues == 0) {
            a.run("ip", "-n", a.name, "link", "add", devA, "type", "veth", "peer", "name", devB, "netns", b.name);
        } else {
            a.run("ip", "-n", a.name, "link", "add", devA, "numtxqueues", q, "numrxqueues", q, "type", "veth",
                    "peer", "name", devB, "numtxqueues", q, "numrxqueues", q, "netns", b.name);
        }
        a.run("ip", "-n", a.name, "addr", "add", addressA + "/24", "dev", devA);
        for (final String address : addressesB) {
            b.run("ip", "-n", b.name, "addr", "add", address + "/24", "dev", devB);
        }
        a.run("ip", "-n", a.name, "link", "set", devA, "up");
        b.run("ip", "-n", b.name, "link", "set", devB, "up");
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

    /** Deletes the namespace, with the devices in it, if this made it. */
    @Override
    public void close() {
        if (created) {
            created = false;
            runner.run(List.of("ip", "netns", "del", name));
        }
    }
}
