package io.sallyport.net.linux;

import java.net.Inet4Address;

/** Minimal IPv4 packets for the root tests (net does not depend on the packet module). */
final class TestPackets {

    static final int PROTO_UDP = 17;
    static final int PROTO_ESP = 50;

    private TestPackets() {
    }

    /** An IPv4 header with a valid checksum followed by {@code payload}. */
    static byte[] ipv4(final Inet4Address src, final Inet4Address dst, final int protocol, final byte[] payload) {
        final byte[] p = new byte[20 + payload.length];
        p[0] = 0x45;
        p[2] = (byte) (p.length >>> 8);
        p[3] = (byte) p.length;
        p[8] = 64;
        p[9] = (byte) protocol;
        System.arraycopy(src.getAddress(), 0, p, 12, 4);
        System.arraycopy(dst.getAddress(), 0, p, 16, 4);
        int sum = 0;
        for (int i = 0; i < 20; i += 2) {
            sum += ((p[i] & 0xff) << 8) | (p[i + 1] & 0xff);
        }
        sum = (sum & 0xffff) + (sum >>> 16);
        sum = (sum & 0xffff) + (sum >>> 16);
        final int checksum = ~sum & 0xffff;
        p[10] = (byte) (checksum >>> 8);
        p[11] = (byte) checksum;
        System.arraycopy(payload, 0, p, 20, payload.length);
        return p;
    }

    /** A UDP datagram with checksum 0 (allowed over IPv4). */
    static byte[] udp(final int srcPort, final int dstPort, final byte[] data) {
        final byte[] u = new byte[8 + data.length];
        u[0] = (byte) (srcPort >>> 8);
        u[1] = (byte) srcPort;
        u[2] = (byte) (dstPort >>> 8);
        u[3] = (byte) dstPort;
        u[4] = (byte) (u.length >>> 8);
        u[5] = (byte) u.length;
        System.arraycopy(data, 0, u, 8, data.length);
        return u;
    }

    static int protocol(final byte[] p) {
        return p[9] & 0xff;
    }

    static int u16(final byte[] p, final int off) {
        return ((p[off] & 0xff) << 8) | (p[off + 1] & 0xff);
    }
}
