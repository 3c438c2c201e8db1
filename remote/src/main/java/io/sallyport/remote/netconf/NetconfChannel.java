package io.sallyport.remote.netconf;

import io.sallyport.remote.Audit;
import io.sallyport.remote.RemoteUser;
import io.sallyport.remote.Shells;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.subsystem.SubsystemFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@code netconf} SSH subsystem (RFC 6242): framing on the channel, a {@link NetconfSession} behind it. */
public final class NetconfChannel implements Command {
    private static final Logger LOG = LoggerFactory.getLogger(NetconfChannel.class);
    private static final AtomicInteger SESSION_IDS = new AtomicInteger();

    private final Shells shells;
    private final ConfigLock lock;
    private final Function<ChannelSession, RemoteUser> user;
    private InputStream in;
    private OutputStream out;
    private ExitCallback exit;
    private Thread worker;

    private NetconfChannel(Shells shells, ConfigLock lock, Function<ChannelSession, RemoteUser> user) {
        this.shells = shells;
        this.lock = lock;
        this.user = user;
    }

    /** The subsystem factory; {@code user} tells who authenticated the channel's session. */
    public static SubsystemFactory factory(Shells shells, ConfigLock lock, Function<ChannelSession, RemoteUser> user) {
        return new SubsystemFactory() {
            @Override
            public String getName() { return "netconf"; }

            @Override
            public Command createSubsystem(ChannelSession channel) {
                return new NetconfChannel(shells, lock, user);
            }
        };
    }

    @Override public void setInputStream(InputStream in) { this.in = new BufferedInputStream(in); }

    @Override public void setOutputStream(OutputStream out) { this.out = out; }

    @Override public void setErrorStream(OutputStream err) { }

    @Override public void setExitCallback(ExitCallback exit) { this.exit = exit; }

    @Override
    public void start(ChannelSession channel, Environment env) throws IOException {
        RemoteUser who = user.apply(channel);
        int id = SESSION_IDS.incrementAndGet();
        NetconfSession session = new NetconfSession(id, who, lock,
                new ConfigurationRpcs(shells.stateDir(), who, id, lock),
                new OperationalRpcs(shells.open(who), new SystemFacts(shells.stateDir(), shells.systemHost())));
        worker = Thread.ofVirtual().name("netconf-" + id).start(() -> {
            int code = serve(session, who);
            session.closed();
            Audit.logout(who.name(), who.source());
            exit.onExit(code);
        });
    }

    private int serve(NetconfSession session, RemoteUser who) {
        Framing framing = new Framing(in, out);
        try {
            framing.write(session.hello());
            for (String message = framing.read(); message != null; message = framing.read()) {
                NetconfSession.Outcome outcome = session.handle(message);
                if (outcome.reply().isPresent()) framing.write(outcome.reply().get());
                if (outcome.chunked()) framing.useChunks();
                if (outcome.close()) return 0;
            }
            return 0;
        } catch (Framing.FramingException e) {
            LOG.warn("netconf session of '{}' from {} closed: {}", who.name(), who.source(), e.getMessage());
            return 1;
        } catch (IOException e) {
            LOG.debug("netconf session of '{}' ended: {}", who.name(), e.toString());
            return 1;
        }
    }

    @Override
    public void destroy(ChannelSession channel) {
        if (worker != null) worker.interrupt();
    }
}
