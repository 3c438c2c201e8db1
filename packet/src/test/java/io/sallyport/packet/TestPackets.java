package io.sallyport.packet;

import java.util.Random;

/** Builds valid test packets from documentation addresses (192.0.2.0/24, 198.51.100.0/24, 2001:db8::/32). */
final class TestPackets {
    private TestPackets() {}

    static final int SRC = 0xC0000201; // 192.0.2.1
    static final int DST = 0xC6336402; // 198.51.100.2

    static byte[] ipv4Udp(final int payload, final boolean df, final int id, final long seed) {
        final int total = 20 + 8 + payload;
        final byte[] b = new byte[total];
        new Random(seed).nextBytes(b);
        Ipv4View.write(b, 0, 0, total, id, df ? Ipv4View.FLAG_DF : 0, 64, IpProtocol.UDP, SRC, DST);
        UdpView.write(b, 20, 40000, 53, 8 + payload);
        UdpView.fillChecksum(b, 0, 20, 8 + payload);
        return b;
    }

    static byte[] ipv6Udp(final int payload, final long seed) {
        final int total = 40 + 8 + payload;
        final byte[] b = new byte[total];
        new Random(seed).nextBytes(b);
        Ipv6View.write(b, 0, 0, 0, 8 + payload, IpProtocol.UDP, 64, v6(1), v6(2));
        UdpView.write(b, 40, 40000, 53, 8 + payload);
        UdpView.fillChecksum(b, 0, 40, 8 + payload);
        return b;
    }

    static byte[] v6(final int last) {
        final byte[] a = new byte[16];
        a[0] = 0x20;
        a[1] = 0x01;
        a[2] = 0x0d;
        a[3] = (byte) 0xb8;
        a[15] = (byte) last;
        return a;
    }
}
