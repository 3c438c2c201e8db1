package io.sallyport.net.linux;

import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
        int ifindex = 0;
        byte[] via = destination.getAddress();
        for (int at = NLMSG_HEADER + RTMSG; at + 4 <= r.getInt(0); ) {
            final int len = Short.toUnsignedInt(r.getShort(at));
            final int type = Short.toUnsignedInt(r.getShort(at + 2)) & 0x3fff;
            if (len < 4 || at + len > r.getInt(0)) {
                break;
            }
            if (type == RTA_OIF && len >= 8) {
                ifindex = r.getInt(at + 4);
            } else if (type == RTA_GATEWAY && len == 8) {
                via = new byte[4];
                r.get(at + 4, via);
            }
            at += (len + 3) & ~3;
        }
        if (ifindex == 0) {
            return Optional.empty();
        }
        final int oif = ifindex;
        final byte[] hop = via;
        final Optional<ByteBuffer> neigh = netlink.get(seq -> neighbourRequest(seq, oif, hop), RTM_NEWNEIGH);
        if (neigh.isEmpty()) {
            return Optional.empty();
        }
        final ByteBuffer n = neigh.get();
        if ((Short.toUnsignedInt(n.getShort(NLMSG_HEADER + 8)) & NUD_USABLE) == 0) {
            return Optional.empty();
        }
        for (int at = NLMSG_HEADER + NDMSG; at + 4 <= n.getInt(0); ) {
            final int len = Short.toUnsignedInt(n.getShort(at));
            final int type = Short.toUnsignedInt(n.getShort(at + 2)) & 0x3fff;
            if (len < 4 || at + len > n.getInt(0)) {
                break;
            }
            if (type == NDA_LLADDR && len == 4 + 6) {
                final byte[] mac = new byte[6];
                n.get(at + 4, mac);
                return Optional.of(new NextHop(oif, mac));
            }
            at += (len + 3) & ~3;
        }
        return Optional.empty();
    }

    private static byte[] routeRequest(final int seq, final Inet4Address source, final Inet4Address destination) {
        final ByteBuffer b = header(RTMSG + 8 + 8, RTM_GETROUTE, seq);
        b.put((byte) Libc.AF_INET).put((byte) 32).put((byte) 32).put((byte) 0);
        b.put(new byte[8]);
        attribute(b, RTA_DST, destination.getAddress());
        attribute(b, RTA_SRC, source.getAddress());
        return b.array();
    }

    private static byte[] neighbourRequest(final int seq, final int ifindex, final byte[] address) {
        final ByteBuffer b = header(NDMSG + 8, RTM_GETNEIGH, seq);
        b.put((byte) Libc.AF_INET).put((byte) 0).putShort((short) 0).putInt(ifindex).putShort((short) 0)
                .put((byte) 0).put((byte) 0);
        attribute(b, NDA_DST, address);
        return b.array();
    }

    private static ByteBuffer header(final int body, final int type, final int seq) {
        final ByteBuffer b = ByteBuffer.allocate(NLMSG_HEADER + body).order(ByteOrder.nativeOrder());
        b.putInt(NLMSG_HEADER + body).putShort((short) type).putShort((short) NLM_F_REQUEST).putInt(seq).putInt(0);
        return b;
    }

    private static void attribute(final ByteBuffer b, final int type, final byte[] value) {
        b.putShort((short) (4 + value.length)).putShort((short) type).put(value);
    }

    @Override
    public void close() {
        netlink.close();
    }
}
