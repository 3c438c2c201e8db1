package io.sallyport.net.linux;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;

/**
 * {@code struct sockaddr_in} (16 bytes: family in host order, port and address in network
 * order) and {@code struct sockaddr_in6} (28 bytes: family, port, flow info, address, scope id).
 * Segments passed here are at least {@link Libc#SOCKADDR_IN6_SIZE} bytes.
 */
final class SockAddr {

    private static final ValueLayout.OfShort PORT_BE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private SockAddr() {
    }

    /** Writes {@code address:port}; returns the length to pass as {@code socklen_t}. */
    static int write(final MemorySegment sa, final InetAddress address, final int port) {
        sa.fill((byte) 0);
        sa.set(PORT_BE, 2, (short) port);
        if (address instanceof Inet6Address v6) {
            sa.set(ValueLayout.JAVA_SHORT, 0, (short) Libc.AF_INET6);
            MemorySegment.copy(v6.getAddress(), 0, sa, ValueLayout.JAVA_BYTE, 8, 16);
            sa.set(ValueLayout.JAVA_INT_UNALIGNED, 24, v6.getScopeId());
            return Libc.SOCKADDR_IN6_SIZE;
        }
        sa.set(ValueLayout.JAVA_SHORT, 0, (short) Libc.AF_INET);
        MemorySegment.copy(address.getAddress(), 0, sa, ValueLayout.JAVA_BYTE, 4, 4);
        return Libc.SOCKADDR_IN_SIZE;
    }

    static InetSocketAddress read(final MemorySegment sa) {
        final int port = Short.toUnsignedInt(sa.get(PORT_BE, 2));
        try {
            if (sa.get(ValueLayout.JAVA_SHORT, 0) == Libc.AF_INET6) {
                final byte[] raw = new byte[16];
                MemorySegment.copy(sa, ValueLayout.JAVA_BYTE, 8, raw, 0, 16);
                final int scope = sa.get(ValueLayout.JAVA_INT_UNALIGNED, 24);
                return new InetSocketAddress(scope == 0 ? InetAddress.getByAddress(raw)
                        : Inet6Address.getByAddress(null, raw, scope), port);
            }
            final byte[] raw = new byte[4];
            MemorySegment.copy(sa, ValueLayout.JAVA_BYTE, 4, raw, 0, 4);
            return new InetSocketAddress(InetAddress.getByAddress(raw), port);
        } catch (final UnknownHostException e) {
            throw new IllegalStateException("a 4- or 16-byte address is always valid", e);
        }
    }

    static String format(final InetSocketAddress a) {
        return a.getAddress() instanceof Inet6Address
                ? "[" + a.getAddress().getHostAddress() + "]:" + a.getPort()
                : a.getAddress().getHostAddress() + ":" + a.getPort();
    }
}
