package io.sallyport.app;

import io.sallyport.config.ConfigSyntaxException;
import io.sallyport.config.ConfigText;
import io.sallyport.config.check.CheckResult;
import io.sallyport.config.check.CommitCheck;
import io.sallyport.config.model.Configuration;
import io.sallyport.config.model.StaticRoute;
import io.sallyport.config.model.Unit;
import io.sallyport.gateway.linux.ChildProcesses;
import io.sallyport.gateway.mgmt.ControlProtocol;
import io.sallyport.lab.LabException;
import io.sallyport.lab.Topology;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.HashSet;
import java.util.concurrent.TimeUnit;

/**
 * A lab topology on real network namespaces ({@code sallyport lab --netns FILE}, root): a
 * namespace per router and host named PREFIX + node, a veth pair per link (a router end is named
 * after its physical interface, {@code ge-1/0/0} → {@code ge-1_0_0}; a host end {@code eth0}),
 * the routers' {@code family inet} addresses on those devices ({@code lo0}'s on {@code lo}), IP
 * forwarding on, the router's configuration committed into its store and its {@code pki} lines run
 * there ({@code sallyport cli --state-dir}), then the Sallyport daemon on that store in each router's
 * namespace, which runs FRR for {@code protocols ospf} as it does on any host. Static routes
 * through an address are the host's to carry, so the lab adds them ({@code ip route}), as the
 * in-JVM lab does; a host gets its address and default route. Nothing joins the namespaces to
 * the host's: their traffic stays in them. {@link #close()} stops the daemons it started (SIGTERM, by PID: they
 * delete their SAs at the peer and stop FRR) and deletes the namespaces and the state
 * directories.
 *
 * <p>What the host can do to a running lab: {@link #restart} power-cycles a router's daemon
 * (SIGKILL by the PID the lab started, then a new daemon on the same store); {@link #fault} takes
 * a link down or up ({@code ip link set} on both ends) or drops a share of what each end sends
 * (an nftables table per end, {@code numgen random}) or sends a copy of a share of it (an nftables
 * {@code netdev} table on the device's egress hook, {@code dup}). Delay and reordering need
 * {@code sch_netem}, which the lab does not assume the kernel has.
 *
 * <p>Left out, with a warning: addresses of units other than 0 of a linked interface (no VLANs)
 * and of interfaces no link of the topology joins.
 */
final class NetnsLab implements AutoCloseable {
    private static final long START_SECONDS = 60;
    private static final long STOP_SECONDS = 20;

    private final Topology topology;
    private final String prefix;
    private final Path root;
    private final List<String> namespaces = new ArrayList<>();
    private final Map<String, Process> daemons = new LinkedHashMap<>();
    private final Set<Topology.LinkSpec> down = new HashSet<>();
    private final Map<Topology.LinkSpec, Integer> lossPercent = new LinkedHashMap<>();
    private final Map<Topology.LinkSpec, Integer> duplicatePercent = new LinkedHashMap<>();
    private Path jar;
    private final Map<String, Path> stateDirs = new LinkedHashMap<>();
    private final Map<String, List<InetAddress>> addresses = new LinkedHashMap<>();
    private final List<String> warnings = new ArrayList<>();
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private NetnsLab(Topology topology, String prefix) throws IOException {
        this.topology = topology;
        this.prefix = prefix;
        this.root = Files.createTempDirectory("sallyport-netns-lab-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }

    /**
     * Builds the topology and starts a daemon per router (from {@code jar}), waiting until each
     * answers on its control socket.
     *
     * @throws LabException when a step fails (what was built is removed again)
     */
    static NetnsLab start(Topology topology, String prefix, Path jar) throws LabException {
        NetnsLab lab;
        try {
            lab = new NetnsLab(topology, prefix);
        } catch (IOException e) {
            throw new LabException("cannot make the lab's directory: " + e.getMessage());
        }
        try {
            lab.build(jar);
            return lab;
        } catch (LabException | RuntimeException e) {
            lab.close();
            throw e;
        }
    }

    private void build(Path jar) throws LabException {
        this.jar = jar;
        Map<String, Configuration> configs = new LinkedHashMap<>();
        for (Topology.RouterSpec r : topology.routers()) {
            configs.put(r.name(), configuration(r));
            namespace(r.name());
            ip(r.name(), "link", "set", "lo", "up");
            run(List.of("ip", "netns", "exec", ns(r.name()), "sysctl", "-q", "-w", "net.ipv4.ip_forward=1"));
        }
        for (Topology.HostSpec h : topology.hosts()) {
            namespace(h.name());
            ip(h.name(), "link", "set", "lo", "up");
            addresses.computeIfAbsent(h.name(), k -> new ArrayList<>()).add(h.address());
        }
        for (Topology.LinkSpec l : topology.links()) {
            String a = device(l.a());
            String b = device(l.b());
            run(List.of("ip", "link", "add", "name", a, "netns", ns(l.a().node()), "type", "veth", "peer", "name", b,
                    "netns", ns(l.b().node())));
            ip(l.a().node(), "link", "set", a, "up");
            ip(l.b().node(), "link", "set", b, "up");
        }
        for (Topology.HostSpec h : topology.hosts()) {
            ip(h.name(), "address", "add", h.address().getHostAddress() + "/" + h.prefixLength(), "dev", "eth0");
            ip(h.name(), "route", "add", "default", "via", h.gateway().getHostAddress());
        }
        for (Map.Entry<String, Configuration> c : configs.entrySet()) {
            addresses(c.getKey(), c.getValue());
        }
        for (Map.Entry<String, Configuration> c : configs.entrySet()) {
            staticRoutes(c.getKey(), c.getValue());
        }
        for (Topology.RouterSpec r : topology.routers()) {
            prepareStore(r, jar);
            launchDaemon(r.name());
        }
        for (Topology.RouterSpec r : topology.routers()) {
            awaitControlSocket(r.name());
        }
    }

    /** The routers' state directories, by name (for {@code sallyport cli --state-dir}). */
    Map<String, Path> stateDirs() {
        return Map.copyOf(stateDirs);
    }

    List<String> warnings() {
        return List.copyOf(warnings);
    }

    boolean hasNode(String node) {
        return addresses.containsKey(node) || stateDirs.containsKey(node);
    }

    /** A node's first address (a router's first configured one), or the literal address given. */
    Optional<InetAddress> resolve(String nodeOrAddress) {
        List<InetAddress> own = addresses.get(nodeOrAddress);
        if (own != null && !own.isEmpty()) {
            return Optional.of(own.getFirst());
        }
        try {
            return Optional.of(InetAddress.ofLiteral(nodeOrAddress));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** {@code show lab}: namespaces, links, daemons. */
    String describe() {
        StringBuilder out = new StringBuilder();
        for (Topology.RouterSpec r : topology.routers()) {
            Process p = daemons.get(r.name());
            out.append("router ").append(r.name()).append("  namespace ").append(ns(r.name()))
                    .append("  daemon ").append(p == null ? "-" : p.isAlive() ? "PID " + p.pid() : "exited " + p.exitValue())
                    .append("  sallyport cli --state-dir ").append(stateDirs.get(r.name())).append('\n');
        }
        for (Topology.HostSpec h : topology.hosts()) {
            out.append("host ").append(h.name()).append("  namespace ").append(ns(h.name())).append("  ")
                    .append(h.address().getHostAddress()).append('/').append(h.prefixLength()).append('\n');
        }
        for (Topology.LinkSpec l : topology.links()) {
            out.append("link ").append(l.a()).append(" (").append(device(l.a())).append(") -- ").append(l.b())
                    .append(" (").append(device(l.b())).append(")");
            if (down.contains(l)) {
                out.append("  down");
            }
            if (lossPercent.containsKey(l)) {
                out.append("  loss ").append(lossPercent.get(l)).append("% (dropped ").append(l.a().node()).append(' ')
                        .append(counted(l.a(), "inet", lossTable(l.a()))).append(", ").append(l.b().node()).append(' ')
                        .append(counted(l.b(), "inet", lossTable(l.b()))).append(')');
            }
            if (duplicatePercent.containsKey(l)) {
                out.append("  duplicate ").append(duplicatePercent.get(l)).append("% (copied ").append(l.a().node()).append(' ')
                        .append(counted(l.a(), "netdev", duplicateTable(l.a()))).append(", ").append(l.b().node()).append(' ')
                        .append(counted(l.b(), "netdev", duplicateTable(l.b()))).append(')');
            }
            out.append('\n');
        }
        return out.toString();
    }

    /** Runs {@code command} in {@code node}'s namespace; its output and exit status. */
    CommandResult exec(String node, List<String> command, long timeoutSeconds) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns(node)));
        full.addAll(command);
        return CommandResult.of(full, timeoutSeconds);
    }

    private String ns(String node) {
        return prefix + node;
    }

    private void namespace(String node) throws LabException {
        run(List.of("ip", "netns", "add", ns(node)));
        namespaces.add(ns(node));
    }

    /** A router end is named after its physical interface; a host has one device, eth0. */
    private static String device(Topology.End end) {
        return end.device().map(d -> {
            int dot = d.lastIndexOf('.');
            return (dot < 0 ? d : d.substring(0, dot)).replace('/', '_');
        }).orElse("eth0");
    }

    private Configuration configuration(Topology.RouterSpec r) throws LabException {
        try {
            CheckResult check = CommitCheck.check(ConfigText.parse(r.configText()));
            return check.configuration().orElseThrow(() -> new LabException(topology.source() + ":" + r.line() + ": router "
                    + r.name() + ": its configuration does not commit:\n" + check.render()));
        } catch (ConfigSyntaxException e) {
            throw new LabException(topology.source() + ":" + r.line() + ": router " + r.name() + ": " + e.getMessage());
        }
    }

    /** Each unit's addresses on its device: a linked interface's veth (unit 0 only), lo0's on lo. */
    private void addresses(String router, Configuration config) throws LabException {
        List<String> linked = topology.links().stream().flatMap(l -> java.util.stream.Stream.of(l.a(), l.b()))
                .filter(e -> e.node().equals(router)).map(NetnsLab::device).toList();
        for (var ifd : config.interfaces().values()) {
            String device = ifd.name().equals("lo0") ? "lo" : ifd.name().replace('/', '_');
            for (Unit u : ifd.units().values()) {
                if (u.inetAddresses().isEmpty()) {
                    continue;
                }
                if (!device.equals("lo") && !linked.contains(device)) {
                    warnings.add("router " + router + " interface " + u.name() + ": no link in the topology; its addresses are left out");
                    continue;
                }
                if (u.number() != 0 && !device.equals("lo")) {
                    warnings.add("router " + router + " interface " + u.name() + ": only unit 0 of a linked interface gets addresses");
                    continue;
                }
                for (String a : u.inetAddresses()) {
                    ip(router, "address", "add", a, "dev", device);
                    addresses.computeIfAbsent(router, k -> new ArrayList<>()).add(InetAddress.ofLiteral(a.substring(0, a.indexOf('/'))));
                }
            }
        }
    }

    /** {@code static route P next-hop ADDRESS}: the host's routing carries it (Sallyport installs only routes into its units). */
    private void staticRoutes(String router, Configuration config) throws LabException {
        for (StaticRoute r : config.routingOptions().staticRoutes()) {
            for (String hop : r.nextHops()) {
                if (hop.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
                    ip(router, "route", "add", r.prefix(), "via", hop);
                }
            }
        }
    }

    /** The router's store: its configuration committed, then its {@code pki} lines run. */
    private void prepareStore(Topology.RouterSpec r, Path jar) throws LabException {
        Path dir = root.resolve(r.name().replaceAll("[^A-Za-z0-9-]", "_"));
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Path config = root.resolve(r.name().replaceAll("[^A-Za-z0-9-]", "_") + ".conf");
            Files.writeString(config, r.configText(), StandardCharsets.UTF_8);
            stateDirs.put(r.name(), dir);
            // The configuration first (a certificate is loaded into a CA profile it names), then the pki lines.
            cli(r, dir, jar, "configure; load override " + config + "; commit and-quit", r.line());
            for (Topology.PkiStep step : r.pki()) {
                cli(r, dir, jar, pkiCommand(r, step), step.line());
            }
        } catch (IOException e) {
            throw new LabException("router " + r.name() + ": cannot prepare its store: " + e.getMessage());
        }
    }

    /** The daemon on the router's store in its namespace; its output appended to the router's log. */
    private void launchDaemon(String router) throws LabException {
        try {
            Process p = new ProcessBuilder("ip", "netns", "exec", ns(router), java(), "-jar", jar.toString(), "daemon",
                    "--state-dir", stateDirs.get(router).toString())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(root.resolve(router + ".log").toFile()))
                    .start();
            daemons.put(router, p);
        } catch (IOException e) {
            throw new LabException("router " + router + ": cannot start its daemon: " + e.getMessage());
        }
    }

    /**
     * {@code restart router NAME}: a power cycle. The daemon gets SIGKILL (by the PID the lab
     * started; {@code ip netns exec} execs it, so that is the JVM's), so its peers get no deletes;
     * then a new daemon starts on the same store, and this returns once its control socket is
     * back. The FRR the killed daemon ran keeps routing until then; the new daemon stops it (by its
     * PID files, as after any crash) and starts its own, so the router's OSPF adjacencies restart too.
     *
     * @return the new daemon's PID
     */
    long restart(String router) throws LabException {
        Process old = daemons.get(router);
        if (old == null) {
            throw new LabException("no router " + router + " (routers: " + String.join(", ", stateDirs.keySet()) + ")");
        }
        old.destroyForcibly();
        try {
            if (!old.waitFor(STOP_SECONDS, TimeUnit.SECONDS)) {
                throw new LabException("router " + router + ": its daemon (PID " + old.pid() + ") did not die of SIGKILL");
            }
            // The killed daemon's socket file stays; the new one's appearing is what says it is up.
            Files.deleteIfExists(ControlProtocol.socketPath(stateDirs.get(router)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("interrupted while restarting router " + router);
        } catch (IOException e) {
            throw new LabException("router " + router + ": cannot remove its old control socket: " + e.getMessage());
        }
        launchDaemon(router);
        awaitControlSocket(router);
        return daemons.get(router).pid();
    }

    /** What {@code fault link A B ...} does on namespaces. */
    sealed interface LinkFault {
        /** Both ends' devices down ({@code ip link set DEV down}). */
        record Down() implements LinkFault {
        }

        /** Both ends' devices up again; a loss set on the link stays. */
        record Up() implements LinkFault {
        }

        /** Each end drops {@code percent} of the IPv4 and IPv6 packets it sends (ARP and ND pass); replaces an earlier loss. */
        record Loss(int percent) implements LinkFault {
            public Loss {
                if (percent < 0 || percent > 100) {
                    throw new IllegalArgumentException("loss is a percentage from 0 to 100: " + percent);
                }
            }
        }

        /**
         * Each end sends a second copy of {@code percent} of the frames it sends, right behind the first
         * (nftables {@code dup} on the device's egress hook, so ARP and ND are copied too); replaces an
         * earlier duplication.
         */
        record Duplicate(int percent) implements LinkFault {
            public Duplicate {
                if (percent < 0 || percent > 100) {
                    throw new IllegalArgumentException("duplicate is a percentage from 0 to 100: " + percent);
                }
            }
        }

        /** Removes the loss and duplication the lab added; a link that is down stays down, as in the in-JVM lab. */
        record Clear() implements LinkFault {
        }
    }

    /** Applies {@code fault} to the link between nodes {@code a} and {@code b}, on both its ends. */
    void fault(String a, String b, LinkFault fault) throws LabException {
        Topology.LinkSpec link = link(a, b);
        switch (fault) {
            case LinkFault.Down d -> {
                ip(link.a().node(), "link", "set", device(link.a()), "down");
                ip(link.b().node(), "link", "set", device(link.b()), "down");
                down.add(link);
            }
            case LinkFault.Up u -> {
                ip(link.a().node(), "link", "set", device(link.a()), "up");
                ip(link.b().node(), "link", "set", device(link.b()), "up");
                down.remove(link);
            }
            case LinkFault.Loss loss -> {
                removeLoss(link);
                for (Topology.End end : List.of(link.a(), link.b())) {
                    String table = lossTable(end);
                    nft(end.node(), "add table inet " + table);
                    nft(end.node(), "add chain inet " + table + " out { type filter hook postrouting priority 0; }");
                    nft(end.node(), "add rule inet " + table + " out oifname \"" + device(end) + "\" numgen random mod 100 < "
                            + loss.percent() + " counter drop");
                }
                lossPercent.put(link, loss.percent());
            }
            case LinkFault.Duplicate duplicate -> {
                removeDuplicate(link);
                for (Topology.End end : List.of(link.a(), link.b())) {
                    String table = duplicateTable(end);
                    nft(end.node(), "add table netdev " + table);
                    nft(end.node(), "add chain netdev " + table + " out { type filter hook egress device \"" + device(end)
                            + "\" priority 0; }");
                    nft(end.node(), "add rule netdev " + table + " out numgen random mod 100 < " + duplicate.percent()
                            + " counter dup to \"" + device(end) + "\"");
                }
                duplicatePercent.put(link, duplicate.percent());
            }
            case LinkFault.Clear c -> {
                removeLoss(link);
                removeDuplicate(link);
            }
        }
    }

    /** What the rule of an end's loss or duplication table has dropped or copied so far (its counter), or "?" when nft cannot say. */
    private String counted(Topology.End end, String family, String table) {
        CommandResult r = exec(end.node(), List.of("nft", "list", "table", family, table), 10);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("counter packets (\\d+)").matcher(r.output());
        return r.exit() == 0 && m.find() ? m.group(1) : "?";
    }

    private void removeLoss(Topology.LinkSpec link) throws LabException {
        if (lossPercent.remove(link) == null) {
            return;
        }
        for (Topology.End end : List.of(link.a(), link.b())) {
            nft(end.node(), "delete table inet " + lossTable(end));
        }
    }

    private void removeDuplicate(Topology.LinkSpec link) throws LabException {
        if (duplicatePercent.remove(link) == null) {
            return;
        }
        for (Topology.End end : List.of(link.a(), link.b())) {
            nft(end.node(), "delete table netdev " + duplicateTable(end));
        }
    }

    private Topology.LinkSpec link(String a, String b) throws LabException {
        return topology.links().stream()
                .filter(l -> l.a().node().equals(a) && l.b().node().equals(b) || l.a().node().equals(b) && l.b().node().equals(a))
                .findFirst().orElseThrow(() -> new LabException("no link between " + a + " and " + b));
    }

    /** The nftables table holding one end's loss rule: the lab's own, so clearing it touches nothing else. */
    private static String lossTable(Topology.End end) {
        return "sallyport_lab_loss_" + device(end).replaceAll("[^A-Za-z0-9]", "_");
    }

    /** The nftables table holding one end's duplication rule, beside its loss table. */
    private static String duplicateTable(Topology.End end) {
        return "sallyport_lab_dup_" + device(end).replaceAll("[^A-Za-z0-9]", "_");
    }

    private void nft(String node, String command) throws LabException {
        run(List.of("ip", "netns", "exec", ns(node), "nft", command));
    }

    /** A {@code pki} line's command, the files it names written next to the store and named by their paths. */
    private String pkiCommand(Topology.RouterSpec r, Topology.PkiStep step) throws IOException {
        Path files = Files.createDirectories(root.resolve(r.name() + "-pki"));
        List<String> words = new ArrayList<>(List.of(step.command().split("\\s+")));
        for (int i = 0; i + 1 < words.size(); i++) {
            String file = words.get(i + 1);
            if ((words.get(i).equals("filename") || words.get(i).equals("key")) && step.files().containsKey(file)) {
                Path copy = files.resolve(Path.of(file).getFileName().toString());
                Files.writeString(copy, step.files().get(file), StandardCharsets.UTF_8);
                words.set(i + 1, copy.toString());
            }
        }
        return String.join(" ", words);
    }

    /** {@code sallyport cli --state-dir DIR -c COMMANDS} on the router's store, before its daemon runs. */
    private void cli(Topology.RouterSpec r, Path dir, Path jar, String commands, int line) throws LabException {
        CommandResult done = CommandResult.of(List.of(java(), "-jar", jar.toString(), "cli", "--state-dir", dir.toString(),
                "-c", commands), START_SECONDS);
        if (done.exit() != 0) {
            throw new LabException(topology.source() + ":" + line + ": router " + r.name() + ": " + done.output().strip());
        }
    }

    private static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    private void awaitControlSocket(String router) throws LabException {
        Path socket = ControlProtocol.socketPath(stateDirs.get(router));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_SECONDS);
        while (!Files.exists(socket)) {
            Process p = daemons.get(router);
            if (!p.isAlive()) {
                throw new LabException("router " + router + ": its daemon exited (" + p.exitValue() + "): " + tail(router));
            }
            if (System.nanoTime() > deadline) {
                throw new LabException("router " + router + ": its daemon did not open its control socket within "
                        + START_SECONDS + " s: " + tail(router));
            }
            try {
                p.waitFor(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LabException("interrupted while starting router " + router);
            }
        }
    }

    private String tail(String router) {
        try {
            List<String> lines = Files.readAllLines(root.resolve(router + ".log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 10), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private void ip(String node, String... args) throws LabException {
        List<String> command = new ArrayList<>(List.of("ip", "-n", ns(node)));
        command.addAll(List.of(args));
        run(command);
    }

    private static void run(List<String> command) throws LabException {
        CommandResult r = CommandResult.of(command, 30);
        if (r.exit() != 0) {
            throw new LabException("'" + String.join(" ", command) + "' failed (exit " + r.exit() + "): " + r.output().strip());
        }
    }

    /** Stops the daemons (SIGTERM: they delete their SAs and stop FRR), then deletes the namespaces and directories. */
    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return; // closed by the shutdown hook and by the command both
        }
        ChildProcesses.stopTogether(daemons.values(), STOP_SECONDS);
        for (String n : namespaces.reversed()) {
            CommandResult.of(List.of("ip", "netns", "del", n), 30);
        }
        try (var all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            System.err.println("warning: cannot remove " + root + ": " + e.getMessage());
        }
    }

    /** A finished child process: its exit status and what it printed (stdout and stderr). */
    record CommandResult(int exit, String output) {
        static CommandResult of(List<String> command, long timeoutSeconds) {
            try {
                Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
                // The output is small (ip, ping, cli -c); read it to the end, then wait for the exit.
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    return new CommandResult(-1, out + "(no exit within " + timeoutSeconds + " s)");
                }
                return new CommandResult(p.exitValue(), out);
            } catch (IOException e) {
                return new CommandResult(-1, e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new CommandResult(-1, "interrupted");
            }
        }
    }
}
