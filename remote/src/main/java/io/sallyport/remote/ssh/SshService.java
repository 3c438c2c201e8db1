package io.sallyport.remote.ssh;

import io.sallyport.remote.Audit;
import io.sallyport.remote.LoginThrottle;
import io.sallyport.remote.LoginUser;
import io.sallyport.remote.RemoteSettings.Listener;
import io.sallyport.remote.RemoteUser;
import io.sallyport.remote.Shells;
import java.io.IOException;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.ServerBuilder;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.session.ServerSession;
import org.apache.sshd.server.subsystem.SubsystemFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SSH listener on Apache MINA SSHD: the CLI (shell and exec requests) when {@code cli} is
 * set, and the given subsystems (NETCONF). Authentication against the configured users, with
 * the throttle, at most {@value #MAX_AUTH_TRIES} tries per connection and {@link #LOGIN_GRACE}
 * to finish logging in.
 */
public final class SshService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SshService.class);
    static final int MAX_AUTH_TRIES = 6;
    static final Duration LOGIN_GRACE = Duration.ofSeconds(60);

    private final ListeningServer server;
    private final AtomicInteger sessions = new AtomicInteger();
    private volatile boolean retired;

    private SshService(ListeningServer server) {
        this.server = server;
    }

    /** MINA's server with one more move: stop accepting connections while the open ones go on. */
    private static final class ListeningServer extends SshServer {
        void stopAccepting() {
            if (acceptor != null) acceptor.unbind();
        }
    }

    /**
     * Starts listening.
     *
     * @param service    the service name for the audit log ({@code ssh}, {@code netconf})
     * @param shells     opens the CLI, or null for a NETCONF-only listener
     * @param subsystems the SSH subsystems offered (NETCONF)
     */
    public static SshService start(Listener listener, String service, List<KeyPair> hostKeys,
                                   Supplier<Map<String, LoginUser>> users, LoginThrottle throttle,
                                   ScheduledExecutorService delays, Shells shells,
                                   List<SubsystemFactory> subsystems) throws IOException {
        ListeningServer server = (ListeningServer) ServerBuilder.builder().factory(ListeningServer::new).build();
        server.setPort(listener.port());
        if (!listener.addresses().isEmpty()) server.setHost(String.join(",", listener.addresses()));
        server.setKeyPairProvider(KeyPairProvider.wrap(hostKeys));
        Authenticators auth = new Authenticators(users, throttle, delays);
        server.setPasswordAuthenticator(auth);
        server.setPublickeyAuthenticator(auth);
        server.setKeyboardInteractiveAuthenticator(null);
        CoreModuleProperties.MAX_AUTH_REQUESTS.set(server, MAX_AUTH_TRIES);
        CoreModuleProperties.AUTH_TIMEOUT.set(server, LOGIN_GRACE);
        CoreModuleProperties.SERVER_IDENTIFICATION.set(server, "Sallyport");
        if (shells != null) {
            server.setShellFactory(channel -> new CliChannel(shells, null));
            server.setCommandFactory((channel, command) -> new CliChannel(shells, command));
        }
        server.setSubsystemFactories(subsystems);
        SshService ssh = new SshService(server);
        server.addSessionListener(new SessionListener() {
            @Override
            public void sessionCreated(Session session) {
                ssh.sessions.incrementAndGet();
            }

            @Override
            public void sessionEvent(Session session, Event event) {
                if (event == Event.Authenticated && session instanceof ServerSession s) {
                    Audit.login(s.getUsername(), Authenticators.source(s), s.getAttribute(Authenticators.METHOD), service);
                }
            }

            @Override
            public void sessionClosed(Session session) {
                // The last session of a retired listener takes the server with it (not on MINA's I/O thread).
                if (ssh.sessions.decrementAndGet() == 0 && ssh.retired) Thread.ofVirtual().start(ssh::stopQuietly);
            }
        });
        server.start();
        return ssh;
    }

    /** Who authenticated the channel's session, for the audit log and the login class. */
    public static RemoteUser remoteUser(ChannelSession channel, String service) {
        var session = channel.getSession();
        return new RemoteUser(session.getAttribute(Authenticators.USER), Authenticators.source(session), service);
    }

    /** The port actually bound (the configured one). */
    public int port() { return server.getPort(); }

    /**
     * A commit moved or removed this listener: no new connections, but the sessions already open
     * (the one that made the commit, say) go on until they end, as on Junos.
     */
    public void retire() {
        retired = true;
        server.stopAccepting();
        if (sessions.get() == 0) stopQuietly();
    }

    private void stopQuietly() {
        try {
            server.stop(true);
        } catch (IOException e) {
            LOG.warn("closing a retired ssh listener: {}", e.getMessage());
        }
    }

    /** The daemon stops: every session ends now. */
    @Override
    public void close() throws IOException {
        server.stop(true);
    }
}
