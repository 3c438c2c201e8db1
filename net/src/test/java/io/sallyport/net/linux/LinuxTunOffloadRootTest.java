package io.sallyport.net.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sallyport.net.PortCounter;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A TUN queue with offloads against the kernel's own TCP, in a namespace this class creates
 * (device {@code sptso0}, 198.18.97.1/30; the test plays the far end 198.18.97.2 behind the TUN).
 * A socket in the namespace connects out through the TUN; the test answers the handshake, then:
 * the kernel's first flight of data arrives as one TSO super-packet that {@link LinuxTun#read}
 * hands out as separate segments with valid checksums (checked here with a sum of this class's
 * own); and three segments the test writes are joined into one GSO write that the kernel accepts
 * and delivers to the socket.
 */
@Tag("root")
class LinuxTunOffloadRootTest {
    private static final String DEV = "sptso0";
    private static final byte[] LOCAL = {(byte) 198, 18, 97, 1};
    private static final byte[] FAR = {(byte) 198, 18, 97, 2};
    private static final int FAR_PORT = 5201;
    private static final long ISN = 0x1000_0000L;

    @RegisterExtension
    static final NamespaceExtension ns = NamespaceExtension.named("tso");

    @Test
    @DisplayName("TSO super-packets read as checksummed segments; written segments joined into one GSO write the kernel accepts")
    void splitsAndJoinsAgainstTheKernel() throws Exception {
        final LinuxTun tun = NetNamespace.call(ns.name, () -> LinuxTun.openWithOffloads(DEV, 1500));
        try (tun) {
            assertTrue(tun.offloads());
            ns.run("ip", "-n", ns.name, "addr", "add", "198.18.97.1/30", "dev", DEV);
            final SocketChannel client = NetNamespace.call(ns.name, () -> {
                final SocketChannel c = SocketChannel.open();
                c.configureBlocking(false);
                c.connect(new InetSocketAddress(java.net.InetAddress.getByAddress(FAR), FAR_PORT));
                return c;
            });
            try (client; Selector selector = Selector.open()) {
                final byte[] syn = readTcp(tun, 0x02);
                final int clientPort = u16(syn, 20);
                final long clientSeq = u32(syn, 24) + 1;
                // SYN-ACK with MSS 1000, so the kernel's first flight (10 segments) is one super-packet.
                tun.write(tcp(1, clientPort, ISN, clientSeq, 0x12, new byte[] {2, 4, 0x03, (byte) 0xE8}, new byte[0]), 0, 44);
                tun.flush();
                client.register(selector, SelectionKey.OP_CONNECT);
                assertTrue(selector.select(5000) > 0, "the client's connect completes");
                assertTrue(client.finishConnect());
                readTcp(tun, 0x10); // the handshake's ACK

                final byte[] data = new byte[8000];
                new Random(7).nextBytes(data);
                assertEquals(data.length, client.write(ByteBuffer.wrap(data)));
                final ByteArrayOutputStream got = new ByteArrayOutputStream();
                long seq = clientSeq;
                while (got.size() < data.length) {
                    final byte[] seg = readTcp(tun, -1);
                    final int ihl = (seg[0] & 0x0F) * 4;
                    final int hdr = ihl + ((seg[ihl + 12] & 0xF0) >>> 4) * 4;
                    assertEquals(0, sum(seg, 0, ihl, 0), "IPv4 header checksum");
                    assertEquals(0, sum(seg, ihl, seg.length - ihl, pseudo(seg, seg.length - ihl)), "TCP checksum");
                    assertEquals(seq, u32(seg, ihl + 4), "segments in order");
                    assertTrue(seg.length - hdr <= 1000, "at most the MSS");
                    got.write(seg, hdr, seg.length - hdr);
                    seq += seg.length - hdr;
                }
                assertArrayEquals(data, got.toByteArray());
                assertTrue(tun.counters().get(PortCounter.OFFLOAD_SPLIT) >= 1, "a super-packet was split");

                final byte[] reply = new byte[3000];
                new Random(8).nextBytes(reply);
                for (int i = 0; i < 3; i++) {
                    final byte[] seg = tcp(100 + i, clientPort, ISN + 1 + i * 1000L, seq, i == 2 ? 0x18 : 0x10, new byte[0],
                            Arrays.copyOfRange(reply, i * 1000, i * 1000 + 1000));
                    assertTrue(tun.write(seg, 0, seg.length));
                }
                tun.flush();
                assertEquals(1, tun.counters().get(PortCounter.OFFLOAD_JOINED), "one write for the three segments");
                client.register(selector, SelectionKey.OP_READ);
                final ByteBuffer in = ByteBuffer.allocate(reply.length);
                while (in.hasRemaining()) {
                    selector.selectedKeys().clear();
                    assertTrue(selector.select(5000) > 0, "the kernel delivered the joined packet");
                    client.read(in);
                }
                assertArrayEquals(reply, in.array());
            }
        }
    }

    /** Reads TCP packets from the TUN until one with exactly {@code flags} (or any, with -1) arrives. */
    private static byte[] readTcp(final LinuxTun tun, final int flags) {
        final byte[] buf = new byte[70000];
        for (int i = 0; i < 100; i++) {
            assertTrue(tun.awaitReadable(5000), "a packet comes out of the TUN");
            final int n = tun.read(buf, 0, buf.length);
            if (n >= 40 && (buf[0] & 0xF0) == 0x40 && buf[9] == 6) {
                final int ihl = (buf[0] & 0x0F) * 4;
                final boolean hasData = n > ihl + ((buf[ihl + 12] & 0xF0) >>> 4) * 4;
                if (flags == -1 ? hasData : (buf[ihl + 13] & 0xFF) == flags && !hasData) {
                    return Arrays.copyOf(buf, n);
                }
            }
        }
        throw new AssertionError("no TCP packet with flags " + flags);
    }

    /** An IPv4 TCP packet from the far end to the client, with checksums (IP identification {@code id}). */
    private static byte[] tcp(final int id, final int clientPort, final long seq, final long ack, final int flags,
                              final byte[] options, final byte[] payload) {
        final int tcpLen = 20 + options.length + payload.length;
        final byte[] p = new byte[20 + tcpLen];
        p[0] = 0x45;
        put16(p, 2, p.length);
        put16(p, 4, id);
        put16(p, 6, 0x4000);
        p[8] = 64;
        p[9] = 6;
        System.arraycopy(FAR, 0, p, 12, 4);
        System.arraycopy(LOCAL, 0, p, 16, 4);
        put16(p, 10, sum(p, 0, 20, 0));
        put16(p, 20, FAR_PORT);
        put16(p, 22, clientPort);
        put32(p, 24, seq);
        put32(p, 28, ack);
        p[32] = (byte) ((5 + options.length / 4) << 4);
        p[33] = (byte) flags;
        put16(p, 34, 65535);
        System.arraycopy(options, 0, p, 40, options.length);
        System.arraycopy(payload, 0, p, 40 + options.length, payload.length);
        put16(p, 36, sum(p, 20, tcpLen, pseudo(p, tcpLen)));
        return p;
    }

    private static int pseudo(final byte[] p, final int tcpLen) {
        int s = 6 + tcpLen;
        for (int i = 12; i < 20; i += 2) {
            s += u16(p, i);
        }
        return s;
    }

    /** RFC 1071: the complemented one's-complement sum of 16-bit words, from a starting sum. */
    private static int sum(final byte[] b, final int off, final int len, final int start) {
        long s = start;
        for (int i = 0; i + 1 < len; i += 2) {
            s += u16(b, off + i);
        }
        if ((len & 1) != 0) {
            s += (b[off + len - 1] & 0xFF) << 8;
        }
        while ((s >>> 16) != 0) {
            s = (s & 0xFFFF) + (s >>> 16);
        }
        return (int) (~s & 0xFFFF);
    }

    private static int u16(final byte[] b, final int off) {
        return ((b[off] & 0xFF) << 8) | (b[off + 1] & 0xFF);
    }

    private static long u32(final byte[] b, final int off) {
        return ((long) u16(b, off) << 16) | u16(b, off + 2);
    }

    private static void put16(final byte[] b, final int off, final int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }

    private static void put32(final byte[] b, final int off, final long v) {
        put16(b, off, (int) (v >>> 16) & 0xFFFF);
        put16(b, off + 2, (int) v & 0xFFFF);
    }
}
