package io.sallyport.gateway.routing;

import io.sallyport.config.model.Configuration;
import io.sallyport.gateway.linux.ChildProcesses;
import io.sallyport.gateway.plan.GatewayPlan;
import io.sallyport.net.HostAddress;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs FRR's zebra and ospfd for the committed {@code protocols ospf}, as children of the daemon
 * in its network namespace, with everything of theirs in one run directory per state directory
 * ({@link #runDirectory}; owner {@code frr}, mode 0700: configuration files, PID files, the zserv
 * socket, the vty sockets, logs). It is not in the state directory because FRR drops to user
 * {@code frr}, which cannot pass the 0700 root-owned state directory. A commit
 * that changes FRR's configuration restarts both (routes OSPF learned are withdrawn and learned
 * again); one that removes {@code protocols ospf} stops them; so does {@link #close()}. Stops
 * only the processes it started, by PID, and at start those its PID files name when they are
 * still FRR's binaries (left by a daemon that was killed).
 */
public final class FrrDaemons implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FrrDaemons.class);
    /** Debian's frr package. */
    public static final Path BINARIES = Path.of("/usr/lib/frr");
    private static final String USER = "frr";
    private static final Path RUN_ROOT = Path.of("/run/sallyport-frr");
    private static final long START_MILLIS = 10_000;
    private static final long STOP_SECONDS = 5;
    private static final long QUERY_SECONDS = 10;
    private static final Path VTYSH = Path.of("/usr/bin/vtysh");

    private final Path runDir;
    private final Path binaries;
    private final List<Process> running = new ArrayList<>();
    private Optional<FrrConfig> applied = Optional.empty();

    public FrrDaemons(Path runDir, Path binaries) {
        this.runDir = runDir;
        this.binaries = binaries;
        stopLeftovers();
    }

    /**
     * Brings FRR in step with {@code config}; returns warnings for the commit (statements FRR does
     * not run, or why FRR could not start).
     */
    public synchronized List<String> apply(Configuration config, GatewayPlan plan, List<HostAddress> hostAddresses) {
        Optional<FrrConfig> wanted = OspfFrr.map(config, new UnitDevices(config, plan, hostAddresses));
        List<String> warnings = new ArrayList<>(wanted.map(FrrConfig::warnings).orElse(List.of()));
        if (wanted.equals(applied) && running.stream().allMatch(Process::isAlive)) return warnings;
        stop();
        applied = wanted;
        if (wanted.isEmpty()) return warnings;
        try {
            start(wanted.get());
            LOG.info("FRR (zebra, ospfd) running for protocols ospf; run directory {}", runDir);
        } catch (IOException e) {
            stop();
            warnings.add("protocols ospf: FRR could not start (" + e.getMessage() + "); OSPF does not run");
        }
        return warnings;
    }

    /** The run directory for the daemon with {@code stateDir}: short enough for socket paths. */
    public static Path runDirectory(Path stateDir) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                .digest(stateDir.toAbsolutePath().normalize().toString().getBytes(StandardCharsets.UTF_8));
            return RUN_ROOT.resolve(HexFormat.of().formatHex(digest, 0, 6));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is a required JCA algorithm", e);
        }
    }

    /** The vty socket directory, for {@code vtysh --vty_socket}. */
    public Path vtyDirectory() {
        return runDir;
    }

    /** The configuration FRR was last started with; empty when {@code protocols ospf} is not committed. */
    public synchronized Optional<FrrConfig> applied() {
        return applied;
    }

    /**
     * Runs one {@code vtysh} command against the FRR this object started (its vty sockets) and
     * returns what it printed; bounded by {@value #QUERY_SECONDS} s.
     */
    public String vtysh(String command) throws IOException {
        return ProcessAnswer.read(List.of(VTYSH.toString(), "--vty_socket", runDir.toString(), "-c", command), QUERY_SECONDS, "vtysh");
    }

    /** True while zebra and ospfd run. */
    public synchronized boolean running() {
        return !running.isEmpty() && running.stream().allMatch(Process::isAlive);
    }

    private void start(FrrConfig config) throws IOException {
        if (!Files.isExecutable(binaries.resolve("ospfd"))) {
            throw new IOException("FRR is not installed (no " + binaries.resolve("ospfd") + "; Debian package frr)");
        }
        UserPrincipalLookupService users = runDir.getFileSystem().getUserPrincipalLookupService();
        UserPrincipal user;
        GroupPrincipal group;
        try {
            user = users.lookupPrincipalByName(USER);
            group = users.lookupPrincipalByGroupName(USER);
        } catch (IOException e) {
            throw new IOException("no user " + USER + " (Debian package frr creates it)");
        }
        Files.createDirectories(runDir.getParent());
        Files.setPosixFilePermissions(runDir.getParent(), PosixFilePermissions.fromString("rwx--x--x"));
        Files.createDirectories(runDir);
        Files.setPosixFilePermissions(runDir, PosixFilePermissions.fromString("rwx------"));
        own(runDir, user, group);
        write("zebra.conf", config.zebra(), user, group);
        write("ospfd.conf", config.ospfd(), user, group);
        Path zserv = runDir.resolve("zserv.api");
        Files.deleteIfExists(zserv);
        running.add(launch("zebra", zserv));
        awaitSocket(zserv, "zebra");
        running.add(launch("ospfd", zserv));
        awaitSocket(runDir.resolve("ospfd.vty"), "ospfd");
    }

    private Process launch(String name, Path zserv) throws IOException {
        Files.deleteIfExists(runDir.resolve(name + ".vty"));
        return new ProcessBuilder(binaries.resolve(name).toString(),
                "-u", USER, "-g", USER,
                "-f", runDir.resolve(name + ".conf").toString(),
                "-i", runDir.resolve(name + ".pid").toString(),
                "-z", zserv.toString(),
                "--vty_socket", runDir.toString(),
                "--log", "file:" + runDir.resolve(name + ".log"))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(runDir.resolve(name + ".out").toFile()))
            .start();
    }

    /** Polls for the socket a daemon makes once it is ready (bounded). */
    private void awaitSocket(Path socket, String daemon) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_MILLIS);
        while (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            if (running.stream().anyMatch(p -> !p.isAlive())) {
                throw new IOException(daemon + " exited; see " + runDir.resolve(daemon + ".out"));
            }
            if (System.nanoTime() > deadline) throw new IOException(daemon + " did not start within " + START_MILLIS + " ms");
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while starting " + daemon);
            }
        }
    }

    private void write(String name, String text, UserPrincipal user, GroupPrincipal group) throws IOException {
        Path tmp = runDir.resolve(name + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        own(tmp, user, group);
        Files.move(tmp, runDir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static void own(Path p, UserPrincipal user, GroupPrincipal group) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        view.setOwner(user);
        view.setGroup(group);
    }

    /** Stops ospfd first (so it withdraws nothing through a zebra that is gone), then zebra. */
    private void stop() {
        ChildProcesses.stopInOrder(running.reversed(), STOP_SECONDS);
        running.clear();
    }

    /** A daemon killed without stopping FRR leaves it running: stop it by its PID file. */
    private void stopLeftovers() {
        for (String name : List.of("ospfd", "zebra")) {
            Path pidFile = runDir.resolve(name + ".pid");
            try {
                if (!Files.exists(pidFile)) continue;
                long pid = Long.parseLong(Files.readString(pidFile).strip());
                String binary = binaries.resolve(name).toString();
                ProcessHandle.of(pid)
                    .filter(h -> h.info().command().map(binary::equals).orElse(false))
                    .ifPresent(h -> {
                        LOG.info("stopping {} (PID {}) left by an earlier run", name, pid);
                        h.destroy();
                        h.onExit().orTimeout(STOP_SECONDS, TimeUnit.SECONDS).exceptionally(t -> null).join();
                    });
            } catch (IOException | NumberFormatException e) {
                LOG.warn("cannot read {}: {}", pidFile, e.getMessage());
            }
        }
    }

    @Override
    public synchronized void close() {
        stop();
        applied = Optional.empty();
    }
}
