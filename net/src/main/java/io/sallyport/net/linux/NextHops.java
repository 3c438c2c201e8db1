package io.sallyport.net.linux;

import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Optional;

/**
 * Where the kernel would send an IPv4 packet from a local address: the egress device and the
 * next hop's link address, asked over rtnetlink ({@code RTM_GETROUTE} for the route, then
 * {@code RTM_GETNEIGH} for the gateway's or the destination's neighbour entry). Used off the data
 * path only (the resolver of an {@link XdpEspPath} asks, and its senders read the published
 * table).
 */
final class NextHops implements AutoCloseable {

    /** The route and neighbour answer for one destination. */
    record NextHop(int ifindex, byte[] mac) {
        @Override
        public boolean equals(final Object o) {
            return o instanceof NextHop h && h.ifindex == ifindex && Arrays.equals(h.mac, mac);
        }

        @Override
        public int hashCode() {
            return 31 * ifindex + Arrays.hashCode(mac);
        }

        @Override
        public String toString() {
            return "ifindex " + ifindex + " lladdr " + java.util.HexFormat.ofDelimiter(":").formatHex(mac);
        }
    }

    private static final int NLMSG_HEADER = 16;
    private static final int NLM_F_REQUEST = 1;
    /** The attribute type's bits (NLA_F_NESTED and NLA_F_NET_BYTEORDER masked out). */
    private static final int NLA_TYPE_MASK = 0x3fff;
    private static final int RTM_NEWROUTE = 24;
    private static final int RTM_GETROUTE = 26;
    private static final int RTM_NEWNEIGH = 28;
    private static final int RTM_GETNEIGH = 30;
    /** {@code struct rtmsg}: family, dst_len, src_len, tos, table, protocol, scope, type, flags. */
    private static final int RTMSG = 12;
    /** {@code struct ndmsg}: family, pad, pad, ifindex, state, flags, type. */
    private static final int NDMSG = 12;
    private static final int RTA_DST = 1;
    private static final int RTA_SRC = 2;
    private static final int RTA_OIF = 4;
    private static final int RTA_GATEWAY = 5;
    private static final int RTN_UNICAST = 1;
    private static final int NDA_DST = 1;
    private static final int NDA_LLADDR = 2;
    /** Neighbour states whose link address may be used: REACHABLE, STALE, DELAY, PROBE, NOARP, PERMANENT. */
    private static final int NUD_USABLE = 0x02 | 0x04 | 0x08 | 0x10 | 0x40 | 0x80;

    private final RtNetlink netlink;

    private NextHops(final RtNetlink netlink) {
        this.netlink = netlink;
    }

    /** Opens an rtnetlink socket in the calling thread's network namespace. */
    static NextHops open() {
        return new NextHops(RtNetlink.open());
    }

    /**
     * The egress device and next hop's link address of a unicast packet from {@code source} to
     * {@code destination}, or empty when the kernel has no such route or no usable neighbour
     * entry yet (the kernel resolves it when it sends something there itself).
     */
    Optional<NextHop> lookup(final Inet4Address source, final Inet4Address destination) {
        final Optional<ByteBuffer> route = netlink.get(seq -> routeRequest(seq, source, destination), RTM_NEWROUTE);
        if (route.isEmpty() || Byte.toUnsignedInt(route.get().get(NLMSG_HEADER + 7)) != RTN_UNICAST) {
            return Optional.empty();
        }
        final ByteBuffer r = route.get();
        final int oif = attribute(r, NLMSG_HEADER + RTMSG, RTA_OIF, 4);
        if (oif < 0 || r.getInt(oif) == 0) {
            return Optional.empty();
        }
        final int ifindex = r.getInt(oif);
        final int gateway = attribute(r, NLMSG_HEADER + RTMSG, RTA_GATEWAY, 4);
        final byte[] hop = destination.getAddress();
        if (gateway >= 0) {
            r.get(gateway, hop);
        }
        final Optional<ByteBuffer> neigh = netlink.get(seq -> neighbourRequest(seq, ifindex, hop), RTM_NEWNEIGH);
        if (neigh.isEmpty() || (Short.toUnsignedInt(neigh.get().getShort(NLMSG_HEADER + 8)) & NUD_USABLE) == 0) {
            return Optional.empty();
        }
        final int lladdr = attribute(neigh.get(), NLMSG_HEADER + NDMSG, NDA_LLADDR, 6);
        if (lladdr < 0) {
            return Optional.empty();
        }
        final byte[] mac = new byte[6];
        neigh.get().get(lladdr, mac);
        return Optional.of(new NextHop(ifindex, mac));
    }

    /**
     * Where the value of the first {@code type} attribute with exactly {@code size} bytes of value
     * starts in the message {@code m} (attributes from {@code from} to its {@code nlmsg_len}), or -1.
     */
    private static int attribute(final ByteBuffer m, final int from, final int type, final int size) {
        for (int at = from; at + 4 <= m.getInt(0); ) {
            final int len = Short.toUnsignedInt(m.getShort(at));
            if (len < 4 || at + len > m.getInt(0)) {
                return -1;
            }
            if ((Short.toUnsignedInt(m.getShort(at + 2)) & NLA_TYPE_MASK) == type && len == 4 + size) {
                return at + 4;
            }
            at += (len + 3) & ~3;
        }
        return -1;
    }

    private static byte[] routeRequest(final int seq, final Inet4Address source, final Inet4Address destination) {
        return new NetlinkMessageWriter(RTM_GETROUTE, NLM_F_REQUEST, seq)
                .u8(Libc.AF_INET).u8(32).u8(32).u8(0) // family, dst_len, src_len, tos
                .u32(0).u32(0) // table, protocol, scope, type; flags
                .attribute(RTA_DST, destination.getAddress())
                .attribute(RTA_SRC, source.getAddress())
                .finish();
    }

    private static byte[] neighbourRequest(final int seq, final int ifindex, final byte[] address) {
        return new NetlinkMessageWriter(RTM_GETNEIGH, NLM_F_REQUEST, seq)
                .u8(Libc.AF_INET).u8(0).u16(0).u32(ifindex).u16(0).u8(0).u8(0) // ndmsg
                .attribute(NDA_DST, address)
                .finish();
    }

    @Override
    public void close() {
        netlink.close();
    }
}
