package io.sallyport.gateway.mgmt;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The shell's side of {@link ControlProtocol}. */
public final class ControlClient {
    private final Path socket;

    public ControlClient(Path socket) {
        this.socket = socket;
    }

    /** Whether a daemon socket exists; a stale one is found out by {@link #execute}. */
    public boolean daemonSocketExists() {
        return Files.exists(socket);
    }

    public ControlProtocol.Reply execute(String commandLine) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ch.write(ByteBuffer.wrap((commandLine.replace('\n', ' ') + "\n").getBytes(StandardCharsets.UTF_8)));
            String all = new String(readAll(ch), StandardCharsets.UTF_8);
            int nl = all.indexOf('\n');
            String status = nl < 0 ? all : all.substring(0, nl);
            String text = nl < 0 ? "" : all.substring(nl + 1);
            return new ControlProtocol.Reply(status.equals(ControlProtocol.OK), text);
        }
    }

    private static byte[] readAll(SocketChannel ch) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        ByteBuffer buf = ByteBuffer.allocate(8192);
        while (ch.read(buf) >= 0) {
            buf.flip();
            out.write(buf.array(), 0, buf.limit());
            buf.clear();
        }
        return out.toByteArray();
    }
}
