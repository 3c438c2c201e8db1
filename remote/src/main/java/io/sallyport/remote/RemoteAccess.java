package io.sallyport.remote;

import io.sallyport.config.Node;
import io.sallyport.gateway.daemon.DaemonExtension;
import io.sallyport.gateway.mgmt.ControlClient;
import io.sallyport.gateway.mgmt.ControlProtocol;
import io.sallyport.gateway.mgmt.ManagementApi;
import io.sallyport.remote.RemoteSettings.Listener;
import io.sallyport.remote.metrics.MetricsService;
import io.sallyport.remote.netconf.ConfigLock;
import io.sallyport.remote.netconf.NetconfChannel;
import io.sallyport.remote.ssh.SshService;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.sshd.server.subsystem.SubsystemFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's remote access: starts, moves and stops the SSH, NETCONF and metrics listeners as
 * commits change {@code system services ssh}, {@code netconf ssh} and {@code prometheus} (sessions open on a
 * moved listener go on until they end); a commit that only changes users takes effect at the next login
 * without touching open sessions.
 */
public final class RemoteAccess implements DaemonExtension {
    private static final Logger LOG = LoggerFactory.getLogger(RemoteAccess.class);

    private final Path stateDir;
    private final Shells shells;
    private final LoginThrottle throttle = new LoginThrottle(System::nanoTime);
    private final ScheduledExecutorService delays =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("ssh-auth-delay").daemon().factory());
    private volatile Map<String, LoginUser> users = Map.of();
    private final ConfigLock lock = new ConfigLock();
    private Optional<Listener> sshListener = Optional.empty();
    private Optional<Listener> netconfListener = Optional.empty();
    private SshService ssh;
    private SshService netconf;
    private final ManagementApi management;
    private Optional<Listener> prometheusListener = Optional.empty();
    private MetricsService metrics;
    private List<KeyPair> hostKeys;

    /** @param management the daemon's management API: metrics read the same views as {@code show} */
    public RemoteAccess(Path stateDir, String systemHost, ManagementApi management) {
        this.stateDir = stateDir;
        this.shells = new Shells(stateDir, systemHost);
        this.management = management;
    }

    /** Remote access outside the daemon's process: the management API through the control socket. */
    public RemoteAccess(Path stateDir, String systemHost) {
        this(stateDir, systemHost, overControlSocket(stateDir));
    }

    /** For {@code Daemon.start}: remote access beside the gateway. */
    public static DaemonExtension.Factory factory(String systemHost) {
        return (stateDir, management) -> new RemoteAccess(stateDir, systemHost, management);
    }

    private static ManagementApi overControlSocket(Path stateDir) {
        ControlClient client = new ControlClient(ControlProtocol.socketPath(stateDir));
        return line -> {
            try {
                return client.execute(line);
            } catch (IOException e) {
                return ControlProtocol.Reply.error("error: the Sallyport daemon is not answering: " + e.getMessage());
            }
        };
    }

    @Override
    public synchronized void configure(Node active) {
        RemoteSettings settings = RemoteSettings.from(active);
        users = settings.users();
        if (!settings.ssh().equals(sshListener)) {
            if (ssh != null) ssh.retire();
            ssh = settings.ssh().map(l -> start(l, "ssh")).orElse(null);
            sshListener = settings.ssh();
        }
        if (!settings.netconf().equals(netconfListener)) {
            if (netconf != null) netconf.retire();
            netconf = settings.netconf().map(l -> start(l, "netconf")).orElse(null);
            netconfListener = settings.netconf();
        }
        if (!settings.prometheus().equals(prometheusListener)) {
            if (metrics != null) metrics.close();
            metrics = settings.prometheus().map(this::startMetrics).orElse(null);
            prometheusListener = settings.prometheus();
        }
    }

    private MetricsService startMetrics(Listener listener) {
        try {
            MetricsService m = MetricsService.start(listener, management);
            LOG.info("prometheus: serving /metrics on port {} of {}", listener.port(), String.join(", ", listener.addresses()));
            return m;
        } catch (IOException e) {
            LOG.error("prometheus: cannot listen on port {}: {}", listener.port(), e.getMessage());
            return null;
        }
    }

    /**
     * The ssh listener serves the CLI and the netconf subsystem (as Junos does on port 22); the
     * netconf listener serves only the subsystem.
     */
    private SshService start(Listener listener, String service) {
        try {
            if (hostKeys == null) hostKeys = HostKeys.loadOrCreate(stateDir);
            SubsystemFactory subsystem = NetconfChannel.factory(shells, lock, ch -> SshService.remoteUser(ch, "netconf"));
            SshService s = SshService.start(listener, service, hostKeys, () -> users, throttle, delays,
                    service.equals("ssh") ? shells : null, List.of(subsystem));
            LOG.info("{}: listening on port {}{}", service, listener.port(),
                    listener.addresses().isEmpty() ? "" : " of " + String.join(", ", listener.addresses()));
            return s;
        } catch (IOException | GeneralSecurityException e) {
            LOG.error("{}: cannot listen on port {}: {}", service, listener.port(), e.getMessage());
            return null;
        }
    }

    private static SshService stop(SshService s, String service) {
        if (s == null) return null;
        try {
            s.close();
        } catch (IOException e) {
            LOG.warn("{}: closing the listener: {}", service, e.getMessage());
        }
        return null;
    }

    @Override
    public synchronized void close() {
        ssh = stop(ssh, "ssh");
        netconf = stop(netconf, "netconf");
        if (metrics != null) metrics.close();
        metrics = null;
        prometheusListener = Optional.empty();
        sshListener = Optional.empty();
        netconfListener = Optional.empty();
        delays.shutdownNow();
    }
}
