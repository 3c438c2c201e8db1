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
import java.nio.file.StandardCopyOption;
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
        this.server = bindOwnerOnly(socket);
        this.acceptor = Thread.ofPlatform().name("control-accept").daemon().start(this::acceptLoop);
    }

    /**
     * Only the owner (root, normally) may steer the gateway. bind(2) creates the socket file with
     * the process umask, so binding at the final path and chmodding after would leave a window in
     * which anyone could connect. The socket is bound inside a fresh 0700 directory instead, made
     * owner-only there, and renamed into place: it is never reachable with a wider mode.
     */
    private static ServerSocketChannel bindOwnerOnly(Path socket) throws IOException {
        Path staging = Files.createTempDirectory(socket.toAbsolutePath().getParent(), ".sallyport-sock-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path staged = staging.resolve("s");
        ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.bind(UnixDomainSocketAddress.of(staged));
            Files.setPosixFilePermissions(staged, PosixFilePermissions.fromString("rw-------"));
            Files.move(staged, socket, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return channel;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        } finally {
            Files.deleteIfExists(staged);
            Files.delete(staging);
        }
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
