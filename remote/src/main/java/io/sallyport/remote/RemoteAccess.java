package io.sallyport.remote;

import io.sallyport.config.Node;
import io.sallyport.gateway.daemon.DaemonExtension;
import io.sallyport.remote.RemoteSettings.Listener;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's remote access: starts, moves and stops the SSH listener as commits change
 * {@code system services ssh}; a commit that only changes users takes effect at the next login
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
    private Optional<Listener> sshListener = Optional.empty();
    private SshService ssh;
    private List<KeyPair> hostKeys;

    public RemoteAccess(Path stateDir, String systemHost) {
        this.stateDir = stateDir;
        this.shells = new Shells(stateDir, systemHost);
    }

    /** For {@code Daemon.start}: remote access beside the gateway. */
    public static DaemonExtension.Factory factory(String systemHost) {
        return (stateDir, management) -> new RemoteAccess(stateDir, systemHost);
    }

    @Override
    public synchronized void configure(Node active) {
        RemoteSettings settings = RemoteSettings.from(active);
        users = settings.users();
        if (!settings.ssh().equals(sshListener)) {
            stopSsh();
            settings.ssh().ifPresent(this::startSsh);
            sshListener = settings.ssh();
        }
    }

    private void startSsh(Listener listener) {
        try {
            if (hostKeys == null) hostKeys = HostKeys.loadOrCreate(stateDir);
            ssh = SshService.start(listener, "ssh", hostKeys, () -> users, throttle, delays, shells, List.of());
            LOG.info("ssh: listening on port {}{}", listener.port(),
                    listener.addresses().isEmpty() ? "" : " of " + String.join(", ", listener.addresses()));
        } catch (IOException | GeneralSecurityException e) {
            LOG.error("ssh: cannot listen on port {}: {}", listener.port(), e.getMessage());
        }
    }

    private void stopSsh() {
        if (ssh == null) return;
        try {
            ssh.close();
        } catch (IOException e) {
            LOG.warn("ssh: closing the listener: {}", e.getMessage());
        }
        ssh = null;
    }

    @Override
    public synchronized void close() {
        stopSsh();
        sshListener = Optional.empty();
        delays.shutdownNow();
    }
}
