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
import java.util.function.Supplier;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.session.ServerSession;
import org.apache.sshd.server.subsystem.SubsystemFactory;

/**
 * One SSH listener on Apache MINA SSHD: the CLI (shell and exec requests) when {@code cli} is
 * set, and the given subsystems (NETCONF). Authentication against the configured users, with
 * the throttle, at most {@value #MAX_AUTH_TRIES} tries per connection and {@link #LOGIN_GRACE}
 * to finish logging in.
 */
public final class SshService implements AutoCloseable {
    static final int MAX_AUTH_TRIES = 6;
    static final Duration LOGIN_GRACE = Duration.ofSeconds(60);

    private final SshServer server;

    private SshService(SshServer server) {
        this.server = server;
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
        SshServer server = SshServer.setUpDefaultServer();
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
        server.addSessionListener(new SessionListener() {
            @Override
            public void sessionEvent(Session session, Event event) {
                if (event == Event.Authenticated && session instanceof ServerSession s) {
                    Audit.login(s.getUsername(), Authenticators.source(s), s.getAttribute(Authenticators.METHOD), service);
                }
            }
        });
        server.start();
        return new SshService(server);
    }

    /** Who authenticated the channel's session, for the audit log and the login class. */
    public static RemoteUser remoteUser(ChannelSession channel, String service) {
        var session = channel.getSession();
        return new RemoteUser(session.getAttribute(Authenticators.USER), Authenticators.source(session), service);
    }

    /** The port actually bound (the configured one). */
    public int port() { return server.getPort(); }

    @Override
    public void close() throws IOException {
        server.stop(true);
    }
}
