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
        return ipv4(src, dst, protocol, new byte[0], 0, 0, payload);
    }

    /**
     * An IPv4 header with {@code options} (a multiple of 4 bytes), identification {@code id}, the
     * flags and fragment offset field {@code fragment} (MF is 0x2000, the offset in 8-byte units)
     * and a valid checksum, followed by {@code payload}.
     */
    static byte[] ipv4(final Inet4Address src, final Inet4Address dst, final int protocol, final byte[] options,
                       final int id, final int fragment, final byte[] payload) {
        final int header = 20 + options.length;
        final byte[] p = new byte[header + payload.length];
        p[0] = (byte) (0x40 | header / 4);
        p[2] = (byte) (p.length >>> 8);
        p[3] = (byte) p.length;
        p[4] = (byte) (id >>> 8);
        p[5] = (byte) id;
        p[6] = (byte) (fragment >>> 8);
        p[7] = (byte) fragment;
        p[8] = 64;
        p[9] = (byte) protocol;
        System.arraycopy(src.getAddress(), 0, p, 12, 4);
        System.arraycopy(dst.getAddress(), 0, p, 16, 4);
        System.arraycopy(options, 0, p, 20, options.length);
        int sum = 0;
        for (int i = 0; i < header; i += 2) {
            sum += ((p[i] & 0xff) << 8) | (p[i + 1] & 0xff);
        }
        sum = (sum & 0xffff) + (sum >>> 16);
        sum = (sum & 0xffff) + (sum >>> 16);
        final int checksum = ~sum & 0xffff;
        p[10] = (byte) (checksum >>> 8);
        p[11] = (byte) checksum;
        System.arraycopy(payload, 0, p, header, payload.length);
        return p;
    }

    /** An Ethernet II frame of IPv4 {@code packet} from {@code from} to {@code to}. */
    static byte[] ethernet(final byte[] to, final byte[] from, final byte[] packet) {
        final byte[] f = new byte[14 + packet.length];
        System.arraycopy(to, 0, f, 0, 6);
        System.arraycopy(from, 0, f, 6, 6);
        f[12] = 0x08;
        System.arraycopy(packet, 0, f, 14, packet.length);
        return f;
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
