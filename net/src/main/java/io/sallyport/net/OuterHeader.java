package io.sallyport.net;

/**
 * The outer IP header fields one datagram asks of the host, packed into an int so a send batch
 * takes them per datagram without allocating: TTL (IPv4) or hop limit (IPv6), ToS or traffic
 * class, and don't-fragment. {@link #KERNEL} asks for nothing: the host's own header.
 */
public final class OuterHeader {
    /** No values: the kernel's TTL, ToS and DF. */
    public static final int KERNEL = 0;
    private static final int GIVEN = 1 << 17;
    private static final int DF = 1 << 16;

    private OuterHeader() {
    }

    /**
     * @param ttl 1..255
     * @param tos 0..255
     * @param dontFragment DF for IPv4; IPV6_DONTFRAG (refuse local fragmentation) for IPv6
     */
    public static int of(final int ttl, final int tos, final boolean dontFragment) {
        if (ttl < 1 || ttl > 255 || tos < 0 || tos > 255) {
            throw new IllegalArgumentException("outer header TTL " + ttl + " or ToS " + tos + " out of range");
        }
        return GIVEN | (dontFragment ? DF : 0) | tos << 8 | ttl;
    }

    public static boolean given(final int outer) {
        return (outer & GIVEN) != 0;
    }

    public static int ttl(final int outer) {
        return outer & 0xFF;
    }

    public static int tos(final int outer) {
        return (outer >>> 8) & 0xFF;
    }

    public static boolean dontFragment(final int outer) {
        return (outer & DF) != 0;
    }
}
