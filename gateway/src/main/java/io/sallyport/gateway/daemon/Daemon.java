package io.sallyport.gateway.daemon;

import io.sallyport.config.ConfigPrinter;
import io.sallyport.config.Node;
import io.sallyport.config.check.CheckResult;
import io.sallyport.config.check.CommitCheck;
import io.sallyport.config.model.Configuration;
import io.sallyport.config.store.ConfigStore;
import io.sallyport.gateway.linux.LinuxGatewayHost;
import io.sallyport.gateway.mgmt.ControlProtocol;
import io.sallyport.gateway.mgmt.ControlProtocol.Reply;
import io.sallyport.gateway.mgmt.ControlServer;
import io.sallyport.gateway.mgmt.PkiOperations;
import io.sallyport.gateway.pki.CertificateServices;
import io.sallyport.gateway.plan.GatewayPlan;
import io.sallyport.gateway.plan.InstanceTables;
import io.sallyport.gateway.plan.Planner;
import io.sallyport.gateway.routing.FrrDaemons;
import io.sallyport.gateway.routing.FrrRouting;
import io.sallyport.gateway.routing.IpRouteListing;
import io.sallyport.gateway.routing.MainRoutes;
import io.sallyport.gateway.routing.PolicyRoutingInstances;
import io.sallyport.gateway.routing.RoutingCommands;
import io.sallyport.gateway.runtime.Gateway;
import io.sallyport.gateway.runtime.GatewayHost;
import io.sallyport.gateway.runtime.GatewayManagement;
import io.sallyport.gateway.runtime.LocalGatewayWatch;
import io.sallyport.gateway.runtime.ThreadedRunner;
import io.sallyport.ike.KmdOptions;
import io.sallyport.net.HostNetworkException;
import io.sallyport.net.linux.LinuxCapabilities;
import io.sallyport.net.linux.LinuxRouteEvents;
import io.sallyport.pki.PkiStore;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code sallyport daemon}: the gateway on a Linux host. Seeds an empty store from a configuration
 * file if given, runs the committed configuration, serves the control socket, re-applies on
 * {@code commit}, on SIGHUP, when a {@code commit confirmed} rolls back, and when the host's addresses change, and stops cleanly on SIGTERM.
 */
public final class Daemon implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);
    /**
     * A test hook, not a Junos setting: {@code -Dsallyport.test.ipsec-lifetime-seconds=N} caps every
     * IKEv2 child SA's and IKEv1 IPsec SA's lifetime at N seconds (a commit allows 180 at least), so a benchmark sees this
     * gateway's own rekeys under load within seconds ({@code bin/interop-throughput --rekey-loss}).
     */
    static final String TEST_CHILD_LIFETIME_PROPERTY = "sallyport.test.ipsec-lifetime-seconds";
    /**
     * A test hook, not a Junos setting: {@code -Dsallyport.test.ike-lifetime-seconds=N} caps every
     * IKEv2 IKE SA's and IKEv1 ISAKMP SA's lifetime at N seconds (a commit allows 180 at least), so
     * an interop test sees phase 1 expire or rekey within seconds ({@code Ikev1PhaseOneExpiryStrongswanTest}).
     */
    static final String TEST_IKE_LIFETIME_PROPERTY = "sallyport.test.ike-lifetime-seconds";
    /**
     * A test hook, not a Junos setting: {@code -Dsallyport.test.ike-retransmit-tries=N} gives up on
     * an IKE request after N retransmissions instead of 5 (31.5 s), so an interop test sees a peer
     * that never answers declared unreachable within seconds ({@code backup-remote-gateway}'s failover).
     */
    static final String TEST_RETRANSMIT_TRIES_PROPERTY = "sallyport.test.ike-retransmit-tries";
    private static final long HOST_POLL_MILLIS = 2000;
    private static final long SETTLE_MILLIS = 100;
    private static final Set<LinuxCapabilities.Capability> NEEDED = Set.of(
            LinuxCapabilities.Capability.CAP_NET_ADMIN, LinuxCapabilities.Capability.CAP_NET_RAW,
            LinuxCapabilities.Capability.CAP_NET_BIND_SERVICE);

    private final Path stateDir;
    private final GatewayHost host;
    private final Gateway gateway;
    private final ControlServer control;
    private final KmdTrace trace;
    private final Thread hostWatch;
    private final LocalGatewayWatch localGateways;
    private final DaemonExtension extension;
    private final CommitConfirmWatch confirmWatch;
    private final FrrDaemons frr;
    private final PolicyRoutingInstances instances;
    private final CertificateServices certificates;
    private volatile Set<InetAddress> hostAddresses;
    private volatile boolean stopping;

    private static KmdOptions kmdOptions() throws DaemonException {
        KmdOptions options = KmdOptions.defaults();
        long child = testHook(TEST_CHILD_LIFETIME_PROPERTY, "every IKEv2 child SA and IKEv1 IPsec SA lives at most %d s, whatever its lifetime-seconds");
        if (child > 0) {
            options = options.withChildLifetimeCap(child);
        }
        long ike = testHook(TEST_IKE_LIFETIME_PROPERTY, "every IKEv2 IKE SA and IKEv1 ISAKMP SA lives at most %d s, whatever its lifetime-seconds");
        if (ike > 0) {
            options = options.withIkeLifetimeCap(ike);
        }
        long tries = testHook(TEST_RETRANSMIT_TRIES_PROPERTY, "an IKE request is retransmitted %d times before the peer counts as not responding");
        if (tries > 0) {
            options = options.withRetransmitTries((int) Math.min(tries, Integer.MAX_VALUE));
        }
        return options;
    }

    /**
     * A test hook's number, 0 when the property is not set; logged as a warning (EFFECT, with the
     * number for its {@code %d}) when it is.
     */
    private static long testHook(String property, String effect) throws DaemonException {
        String value = System.getProperty(property);
        if (value == null) {
            return 0;
        }
        long n;
        try {
            n = Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            n = 0;
        }
        if (n < 1) {
            throw new DaemonException("-D" + property + "=" + value + ": a whole number, 1 or more");
        }
        LOG.warn("test hook -D{}={}: {}", property, n, effect.formatted(n));
        return n;
    }

    private Daemon(Path stateDir, GatewayHost host, DaemonExtension.Factory extensions) throws IOException, DaemonException {
        this.stateDir = stateDir;
        this.host = host;
        this.trace = new KmdTrace(stateDir.resolve("log"), Clock.systemUTC());
        ThreadedRunner runner = new ThreadedRunner(System::nanoTime);
        this.localGateways = new LocalGatewayWatch(host);
        this.gateway = new Gateway(localGateways.gatedHost(), runner, SecureRandom::new, kmdOptions(), trace);
        this.hostAddresses = addresses();
        this.certificates = new CertificateServices(new PkiStore(stateDir), Clock.systemUTC());
        this.frr = new FrrDaemons(FrrDaemons.runDirectory(stateDir), FrrDaemons.BINARIES);
        this.instances = new PolicyRoutingInstances(host.network(), () -> Clock.systemUTC().instant().getEpochSecond(),
                PolicyRoutingInstances.linuxVrfDriver());
        GatewayManagement management = new GatewayManagement(gateway, this::reloadReply, this::activeText,
                new PkiOperations(new PkiStore(stateDir), new SecureRandom(), this::caProfiles),
                new RoutingCommands(Optional.of(new FrrRouting(frr)), instances, Optional.of(new MainRoutes(
                        new IpRouteListing(), () -> Clock.systemUTC().instant().getEpochSecond()))));
        this.extension = extensions.start(stateDir, management);
        this.confirmWatch = new CommitConfirmWatch(stateDir, Clock.systemUTC());
        reload();
        this.control = new ControlServer(ControlProtocol.socketPath(stateDir), management);
        this.hostWatch = Thread.ofPlatform().name("host-watch").daemon().start(this::watchHost);
        boolean hangUpReloads = ReloadSignal.install(() -> {
            Reply r = reloadReply();
            if (r.ok()) {
                LOG.info("SIGHUP: applied the active configuration from the store");
            } else {
                LOG.warn("SIGHUP: {}", r.text().strip());
            }
        });
        if (!hangUpReloads) {
            LOG.warn("SIGHUP is ignored by this process (started under nohup?): it will not reload the configuration");
        }
    }

    /**
     * Checks privileges, seeds an empty store from {@code configFile} when given (or commits it
     * anyway when {@code loadConfig}: see {@link ConfigSeed}), and starts.
     *
     * @throws DaemonException with a message for the user when it cannot start
     */
    public static Daemon start(Optional<Path> configFile, boolean loadConfig, Path stateDir) throws DaemonException {
        return start(configFile, loadConfig, stateDir, (dir, management) -> DaemonExtension.NONE);
    }

    /** {@link #start(Optional, boolean, Path)} with an extension (SSH, NETCONF) that follows each commit. */
    public static Daemon start(Optional<Path> configFile, boolean loadConfig, Path stateDir,
                               DaemonExtension.Factory extensions) throws DaemonException {
        FatalErrors.install();
        String missing = LinuxCapabilities.ofCurrentProcess().explainMissing(NEEDED);
        if (!missing.isEmpty()) {
            throw new DaemonException("sallyport daemon needs root or these capabilities: " + missing);
        }
        LinuxGatewayHost host;
        try {
            host = new LinuxGatewayHost();
        } catch (IllegalArgumentException e) {
            // A -D setting the host cannot take (a worker count out of range): refused before the store is touched.
            throw new DaemonException(e.getMessage());
        }
        try {
            ConfigStore store = ConfigStore.open(stateDir, Clock.systemUTC());
            if (configFile.isPresent()) {
                ConfigSeed.apply(configFile.get(), loadConfig, store, line -> LOG.info("{}", line));
            }
            return new Daemon(stateDir, host, extensions);
        } catch (IOException e) {
            throw new DaemonException("cannot use state directory " + stateDir + ": " + e.getMessage());
        }
    }

    private synchronized Reply reloadReply() {
        try {
            List<String> warnings = reload();
            return Reply.ok(warnings.stream().map(w -> "warning: " + w + "\n").collect(Collectors.joining()));
        } catch (IOException | DaemonException e) {
            return Reply.error("error: reload failed: " + e.getMessage() + "\n");
        }
    }

    /** Reads the committed configuration and applies it; returns the plan's warnings. */
    private synchronized List<String> reload() throws IOException, DaemonException {
        Node active = ConfigStore.open(stateDir, Clock.systemUTC()).active();
        CheckResult check = CommitCheck.check(active);
        Configuration config = check.configuration()
                .orElseThrow(() -> new DaemonException("the committed configuration does not pass the commit checks:\n"
                        + check.renderErrors()));
        Set<InetAddress> present = hostAddresses;
        // gw-interface local gateways of running sets stay planned: their outage is the watch's.
        Set<InetAddress> watched = LocalGatewayWatch.watchedAddresses(gateway);
        GatewayPlan plan = new Planner(a -> present.contains(a) || watched.contains(a), Optional.of(certificates)).plan(config);
        trace.configure(plan.trace());
        if (host instanceof LinuxGatewayHost linux) {
            // Sockets a local gateway in a VRF opens from here on send by the instance's table.
            linux.marks(InstanceTables.localGatewayMarks(config));
        }
        gateway.apply(plan);
        if (!LocalGatewayWatch.watchedAddresses(gateway).equals(watched)) {
            // A gw-interface set changed by this commit while its address is gone could not bind:
            // plan again without it, so it is down for the missing address and comes back with it.
            Set<InetAddress> running = LocalGatewayWatch.watchedAddresses(gateway);
            plan = new Planner(a -> present.contains(a) || running.contains(a), Optional.of(certificates)).plan(config);
            gateway.apply(plan);
        }
        List<String> warnings = new ArrayList<>(plan.warnings());
        warnings.addAll(frr.apply(config, plan, host.network().addresses()));
        warnings.addAll(instances.apply(config, plan, host.network().addresses()));
        warnings.forEach(w -> LOG.warn("{}", w));
        extension.configure(active);
        return warnings;
    }

    /** The CA profiles of the committed configuration, for {@code request security pki ... load}. */
    private Set<String> caProfiles() {
        try {
            return ConfigStore.open(stateDir, Clock.systemUTC()).active().child("security").flatMap(s -> s.child("pki"))
                    .map(p -> p.all("ca-profile").stream().map(Node::key).collect(Collectors.toSet())).orElse(Set.of());
        } catch (IOException e) {
            return Set.of();
        }
    }

    private String activeText() {
        try {
            return ConfigPrinter.braces(ConfigStore.open(stateDir, Clock.systemUTC()).active());
        } catch (IOException e) {
            return "error: cannot read the committed configuration: " + e.getMessage() + "\n";
        }
    }

    private Set<InetAddress> addresses() {
        return host.network().addresses().stream().map(a -> a.address()).collect(Collectors.toUnmodifiableSet());
    }

    /**
     * A local-gateway address that appears or goes away brings its service sets up or down; for
     * gw-interface sets the watch suspends and resumes them instead (address or link down).
     */
    private void watchHost() {
        LinuxRouteEvents events = hostEvents();
        try {
            watchHost(events);
        } finally {
            if (events != null) {
                events.close();
            }
        }
    }

    /**
     * The kernel's link and address notifications wake the host watch at once; without them
     * (no rtnetlink for this process) it polls. It runs every {@value #HOST_POLL_MILLIS} ms
     * either way: {@code commit confirmed} deadlines and retries have no event of their own.
     */
    private static LinuxRouteEvents hostEvents() {
        try {
            return LinuxRouteEvents.open();
        } catch (HostNetworkException e) {
            LOG.warn("no rtnetlink notifications ({}): the host watch polls every {} ms", e.getMessage(),
                    HOST_POLL_MILLIS);
            return null;
        }
    }

    private void watchHost(LinuxRouteEvents events) {
        while (!stopping) {
            try {
                if (events == null) {
                    Thread.sleep(HOST_POLL_MILLIS);
                } else if (events.await(HOST_POLL_MILLIS)) {
                    // Changes come in bursts (a device with its addresses and routes): look once it settled.
                    Thread.sleep(SETTLE_MILLIS);
                    events.await(0);
                }
                Set<InetAddress> now = addresses();
                if (!now.equals(hostAddresses)) {
                    LOG.info("host addresses changed; re-planning");
                    hostAddresses = now;
                    reload();
                }
                localGateways.poll(gateway);
                gateway.recreateDeletedDevices();
                if (confirmWatch.poll()) {
                    LOG.warn("commit confirmed was not confirmed in time; rolled back to the previous configuration");
                    reload();
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException | IOException | DaemonException e) {
                LOG.warn("host watch: {}", e.getMessage());
            }
        }
    }

    /** Blocks until SIGTERM or SIGINT, then shuts down. */
    public void runUntilStopped() {
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            close();
            done.countDown();
        }, "shutdown"));
        LOG.info("sallyport daemon running; control socket {}", ControlProtocol.socketPath(stateDir));
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public synchronized void close() {
        if (stopping) {
            return;
        }
        stopping = true;
        hostWatch.interrupt();
        extension.close();
        try {
            control.close();
        } catch (IOException e) {
            LOG.warn("closing control socket: {}", e.getMessage());
        }
        gateway.close();
        instances.close();
        frr.close();
        trace.configure(Optional.empty());
        LOG.info("sallyport daemon stopped");
    }

    /** A reason the daemon cannot start or reload, for the user. */
    public static final class DaemonException extends Exception {
        public DaemonException(String message) {
            super(message);
        }
    }
}
