package io.sallyport.net.linux;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/** {@code struct sockaddr_in}: family (host order), port and address (network order), zero pad. */
final class SockAddrIn {

    private static final ValueLayout.OfShort PORT_BE =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN);

    private SockAddrIn() {
    }

    static void write(final MemorySegment sa, final Inet4Address address, final int port) {
        sa.fill((byte) 0);
        sa.set(ValueLayout.JAVA_SHORT, 0, (short) Libc.AF_INET);
        sa.set(PORT_BE, 2, (short) port);
        MemorySegment.copy(address.getAddress(), 0, sa, ValueLayout.JAVA_BYTE, 4, 4);
    }

    /** The IPv4 address as a big-endian int, to compare with a cached one without allocating. */
    static int addressBits(final MemorySegment sa) {
        return sa.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN), 4);
    }

    static InetSocketAddress read(final MemorySegment sa) {
        final byte[] raw = new byte[4];
        MemorySegment.copy(sa, ValueLayout.JAVA_BYTE, 4, raw, 0, 4);
        final int port = Short.toUnsignedInt(sa.get(PORT_BE, 2));
        try {
            return new InetSocketAddress(InetAddress.getByAddress(raw), port);
        } catch (final UnknownHostException e) {
            throw new IllegalStateException("a 4-byte address is always valid", e);
        }
    }

    static Inet4Address requireIpv4(final InetAddress address, final String what) {
        if (address instanceof Inet4Address v4) {
            return v4;
        }
        throw new IllegalArgumentException(what + " must be an IPv4 address: " + address);
    }
}
