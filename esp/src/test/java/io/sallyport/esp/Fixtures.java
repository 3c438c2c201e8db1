package io.sallyport.esp;

import io.sallyport.crypto.EncryptionAlgorithm;
import io.sallyport.crypto.IntegrityAlgorithm;
import io.sallyport.packet.IpProtocol;
import io.sallyport.packet.Ipv4View;
import io.sallyport.packet.Ipv6View;
import io.sallyport.packet.UdpView;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Random;

/** SA pairs and inner packets for tests, on documentation addresses only. */
final class Fixtures {
    private Fixtures() {}

    static final int HEAD = OutboundPath.MAX_HEADROOM;
    static final int TAIL = OutboundPath.MAX_TAILROOM;

    record Suite(EncryptionAlgorithm enc, IntegrityAlgorithm integ) {
        @Override
        public String toString() {
            return enc.keyword() + (integ == null ? "" : "+" + integ.ipsecKeyword());
        }
    }

    static InetAddress addr(final String s) {
        try {
            return InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    static final InetAddress V4_A = addr("192.0.2.1");
    static final InetAddress V4_B = addr("198.51.100.2");
    static final InetAddress V6_A = addr("2001:db8::1");
    static final InetAddress V6_B = addr("2001:db8::2");

    static byte[] key(final int n, final long seed) {
        final byte[] k = new byte[n];
        new Random(seed).nextBytes(k);
        return k;
    }

    /** The same SA seen from the sender (local A, remote B); the receiver only needs SPI and keys. */
    static EspSa.Builder sa(final Suite s, final boolean v6Outer, final long seed) {
        return EspSa.builder(0x1000 + (int) (seed & 0xFFF), s.enc(), s.integ(),
                key(s.enc().keyMaterialSize(), seed), s.integ() == null ? null : key(s.integ().keySize(), ~seed),
                v6Outer ? V6_A : V4_A, v6Outer ? V6_B : V4_B).ivSeed(seed);
    }

    /** IPv4/UDP inner packet placed at HEAD in a buffer with tailroom; returns the buffer. */
    static byte[] innerV4(final int payload, final boolean df, final long seed) {
        final int total = 20 + 8 + payload;
        final byte[] b = new byte[HEAD + total + TAIL];
        new Random(seed).nextBytes(b);
        Ipv4View.write(b, HEAD, 0x28, total, (int) seed & 0xFFFF, df ? Ipv4View.FLAG_DF : 0, 64, IpProtocol.UDP,
                0x0A000001, 0x0A000102);
        UdpView.write(b, HEAD + 20, 40000 + (int) (seed & 0xFF), 53, 8 + payload);
        UdpView.fillChecksum(b, HEAD, HEAD + 20, 8 + payload);
        return b;
    }

    static byte[] innerV6(final int payload, final long seed) {
        final int total = 40 + 8 + payload;
        final byte[] b = new byte[HEAD + total + TAIL];
        new Random(seed).nextBytes(b);
        final byte[] s = addr("2001:db8:1::1").getAddress();
        final byte[] d = addr("2001:db8:2::2").getAddress();
        Ipv6View.write(b, HEAD, 0x28, 0, 8 + payload, IpProtocol.UDP, 64, s, d);
        UdpView.write(b, HEAD + 40, 40000, 53, 8 + payload);
        UdpView.fillChecksum(b, HEAD, HEAD + 40, 8 + payload);
        return b;
    }

    static int innerLength(final byte[] b) {
        return (b[HEAD] & 0xF0) == 0x40 ? ((b[HEAD + 2] & 0xFF) << 8 | (b[HEAD + 3] & 0xFF))
                : 40 + ((b[HEAD + 4] & 0xFF) << 8 | (b[HEAD + 5] & 0xFF));
    }
}
