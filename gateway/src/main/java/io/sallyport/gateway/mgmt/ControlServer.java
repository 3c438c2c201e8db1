package io.sallyport.gateway.mgmt;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Serves {@link ControlProtocol} on a Unix-domain socket; each connection gets a virtual thread. */
public final class ControlServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ControlServer.class);
    private static final int MAX_REQUEST = 64 * 1024;

    private final Path socket;
    private final ServerSocketChannel server;
    private final ManagementApi api;
    private final Thread acceptor;

    public ControlServer(Path socket, ManagementApi api) throws IOException {
        this.socket = socket;
        this.api = api;
        Files.deleteIfExists(socket);
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        // Only the owner (root, normally) may steer the gateway.
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        this.acceptor = Thread.ofPlatform().name("control-accept").daemon().start(this::acceptLoop);
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            try {
                SocketChannel client = server.accept();
                Thread.ofVirtual().name("control-client").start(() -> serve(client));
            } catch (IOException e) {
                if (server.isOpen()) {
                    LOG.warn("control socket accept failed: {}", e.toString());
                }
            }
        }
    }

    private void serve(SocketChannel client) {
        try (client;
             BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(client), StandardCharsets.UTF_8));
             Writer out = new OutputStreamWriter(Channels.newOutputStream(client), StandardCharsets.UTF_8)) {
            String line = in.readLine();
            ControlProtocol.Reply reply;
            if (line == null || line.length() > MAX_REQUEST) {
                reply = ControlProtocol.Reply.error("error: empty or oversized request");
            } else {
                reply = safely(line);
            }
            out.write(reply.ok() ? ControlProtocol.OK : ControlProtocol.ERROR);
            out.write('\n');
            out.write(reply.text());
            out.flush();
        } catch (IOException e) {
            LOG.debug("control client went away: {}", e.toString());
        }
    }

    /** A failing command must not take the daemon down: report it to the caller instead. */
    private ControlProtocol.Reply safely(String line) {
        try {
            return api.execute(line);
        } catch (RuntimeException e) {
            LOG.error("command '{}' failed", line, e);
            return ControlProtocol.Reply.error("error: internal error while running '" + line + "': " + e);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        acceptor.interrupt();
        Files.deleteIfExists(socket);
    }
}
