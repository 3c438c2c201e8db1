package io.sallyport.packet;

/**
 * Splits a TCP super-packet (one IP header, one TCP header, up to 64 KB of payload: what a TUN
 * device with TSO hands over) into the MSS-sized segments the sending host's TCP would have sent
 * without the offload, the way the kernel's own software GSO does: every segment carries a copy of
 * the headers with its own IP length and checksum, IPv4 identification (incremented per segment),
 * sequence number and full TCP checksum; FIN and PSH stay on the last segment only, CWR on the
 * first only. Allocation-free; the caller owns both arrays.
 *
 * <p>Only plain headers are split: an IPv4 header with options is kept, IPv6 extension headers
 * and IPv4 fragments are refused ({@link #count} returns -1).
 */
public final class TcpSegmenter {
    private static final int FIN = 0x01;
    private static final int PSH = 0x08;
    private static final int CWR = 0x80;

    private TcpSegmenter() {}

    /**
     * How many segments of at most {@code mss} payload bytes the packet at {@code buf[off, off + len)}
     * splits into (1 when it fits already), or -1 when it is not a TCP packet this class splits.
     */
    public static int count(final byte[] buf, final int off, final int len, final int mss) {
        final int headers = headerLength(buf, off, len);
        if (headers < 0 || mss < 1) {
            return -1;
        }
        final int payload = len - headers;
        return payload <= mss ? 1 : (payload + mss - 1) / mss;
    }

    /**
     * Length of the IP + TCP headers of a TCP packet (IPv4 without fragmentation, or IPv6 without
     * extension headers) whose IP length field matches {@code len}; -1 for anything else.
     */
    public static int headerLength(final byte[] buf, final int off, final int len) {
        if (len < 1) {
            return -1;
        }
        final int version = (buf[off] & 0xF0) >>> 4;
        final int ipHeader;
        if (version == 4) {
            if (len < Ipv4View.MIN_HEADER) {
                return -1;
            }
            ipHeader = (buf[off] & 0x0F) * 4;
            final int frag = Bytes.u16(buf, off + 6);
            if (ipHeader < Ipv4View.MIN_HEADER || (buf[off + 9] & 0xFF) != IpProtocol.TCP
                    || (frag & (Ipv4View.FLAG_MF | 0x1FFF)) != 0 || Bytes.u16(buf, off + 2) != len) {
                return -1;
            }
        } else if (version == 6) {
            if (len < Ipv6View.HEADER || (buf[off + 6] & 0xFF) != IpProtocol.TCP
                    || Bytes.u16(buf, off + 4) != len - Ipv6View.HEADER) {
                return -1;
            }
            ipHeader = Ipv6View.HEADER;
        } else {
            return -1;
        }
        if (len < ipHeader + 20) {
            return -1;
        }
        final int tcpHeader = ((buf[off + ipHeader + 12] & 0xF0) >>> 4) * 4;
        if (tcpHeader < 20 || ipHeader + tcpHeader > len) {
            return -1;
        }
        return ipHeader + tcpHeader;
    }

    /**
     * Writes segment {@code index} (0-based, below {@link #count}) of the packet at
     * {@code buf[off, off + len)} to {@code out[outOff ..]}, complete with checksums.
     *
     * @return the segment's length
     */
    public static int write(final byte[] buf, final int off, final int len, final int mss, final int index,
                            final byte[] out, final int outOff) {
        final boolean v4 = (buf[off] & 0xF0) == 0x40;
        final int headers = headerLength(buf, off, len);
        final int ipHeader = v4 ? (buf[off] & 0x0F) * 4 : Ipv6View.HEADER;
        final int payload = len - headers;
        final int segments = payload <= mss ? 1 : (payload + mss - 1) / mss;
        final int from = index * mss;
        final int chunk = Math.min(mss, payload - from);
        System.arraycopy(buf, off, out, outOff, headers);
        System.arraycopy(buf, off + headers + from, out, outOff + headers, chunk);
        final int segLen = headers + chunk;
        if (v4) {
            Bytes.put16(out, outOff + 2, segLen);
            Bytes.put16(out, outOff + 4, Bytes.u16(buf, off + 4) + index);
            Bytes.put16(out, outOff + 10, 0);
            Bytes.put16(out, outOff + 10, Checksum.compute(out, outOff, ipHeader));
        } else {
            Bytes.put16(out, outOff + 4, segLen - Ipv6View.HEADER);
        }
        final int tcp = outOff + ipHeader;
        Bytes.put32(out, tcp + 4, (int) (Bytes.u32(buf, off + ipHeader + 4) + from));
        int flags = buf[off + ipHeader + 13] & 0xFF;
        if (index < segments - 1) {
            flags &= ~(FIN | PSH);
        }
        if (index > 0) {
            flags &= ~CWR;
        }
        out[tcp + 13] = (byte) flags;
        fillTcpChecksum(out, outOff, ipHeader, segLen);
        return segLen;
    }

    /** Computes and stores the full TCP checksum of the packet at {@code buf[ip, ip + len)}. */
    static void fillTcpChecksum(final byte[] buf, final int ip, final int ipHeader, final int len) {
        final int tcp = ip + ipHeader;
        final int tcpLen = len - ipHeader;
        Bytes.put16(buf, tcp + 16, 0);
        final long sum = Checksum.add(Checksum.pseudoHeader(buf, ip, IpProtocol.TCP, tcpLen), buf, tcp, tcpLen);
        Bytes.put16(buf, tcp + 16, Checksum.finish(sum));
    }
}
