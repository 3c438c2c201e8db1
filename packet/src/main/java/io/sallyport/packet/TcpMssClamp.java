package io.sallyport.packet;

/**
 * Lowers the MSS option of a TCP SYN or SYN-ACK (IPv4 or IPv6) to a ceiling, in place, fixing the
 * TCP checksum incrementally (RFC 1624). It never raises the MSS and adds no option when there is
 * none, as Juniper documents both its service-set {@code tcp-mss} (the value is replaced in "a TCP
 * packet with the SYN bit and MSS option set" when larger) and the SRX's {@code security flow
 * tcp-mss} (SYNs "whose MSS value is higher"); Linux's TCPMSS target, which inserts a missing
 * option, is not the model. Every read is bounded by the packet's own lengths and {@code len}, so
 * a malformed packet is left as it is; stateless and allocation-free.
 */
public final class TcpMssClamp {

    /** What the clamp found. */
    public enum Result {
        /** Not a TCP SYN whose options could be read: left untouched. */
        NOT_SYN,
        /** A SYN whose MSS was absent or not above the ceiling: left untouched. */
        SYN_KEPT,
        /** A SYN whose MSS was lowered to the ceiling. */
        SYN_CLAMPED
    }

    private static final int TCP_FLAG_SYN = 0x02;
    private static final int TCP_FLAG_RST = 0x04;
    private static final int OPTION_END = 0;
    private static final int OPTION_NOP = 1;
    private static final int OPTION_MSS = 2;
    /** IPv6 extension headers walked to reach TCP; more than this many is left alone. */
    private static final int MAX_EXTENSION_HEADERS = 8;

    private TcpMssClamp() {}

    /**
     * Clamps the IP packet at {@code buf[off .. off+len)} to {@code mss} (1..65535); the packet's
     * checksums must be complete (not a device's partial checksum).
     */
    public static Result clamp(final byte[] buf, final int off, final int len, final int mss) {
        if (len < 1) {
            return Result.NOT_SYN;
        }
        final int version = (buf[off] & 0xF0) >>> 4;
        int tcp;
        int end;
        if (version == 4) {
            if (len < Ipv4View.MIN_HEADER) {
                return Result.NOT_SYN;
            }
            final int hl = (buf[off] & 0x0F) * 4;
            end = off + Math.min(Bytes.u16(buf, off + 2), len);
            // A non-first fragment has no TCP header; a first fragment's header may be whole.
            if (hl < Ipv4View.MIN_HEADER || (buf[off + 9] & 0xFF) != IpProtocol.TCP
                    || (Bytes.u16(buf, off + 6) & 0x1FFF) != 0) {
                return Result.NOT_SYN;
            }
            tcp = off + hl;
        } else if (version == 6) {
            if (len < Ipv6View.HEADER) {
                return Result.NOT_SYN;
            }
            end = off + Math.min(Ipv6View.HEADER + Bytes.u16(buf, off + 4), len);
            tcp = ipv6Tcp(buf, off, end);
            if (tcp < 0) {
                return Result.NOT_SYN;
            }
        } else {
            return Result.NOT_SYN;
        }
        if (tcp + 20 > end) {
            return Result.NOT_SYN;
        }
        final int flags = buf[tcp + 13] & 0xFF;
        if ((flags & (TCP_FLAG_SYN | TCP_FLAG_RST)) != TCP_FLAG_SYN) {
            return Result.NOT_SYN;
        }
        final int options = tcp + 20;
        final int optionsEnd = tcp + ((buf[tcp + 12] & 0xF0) >>> 4) * 4;
        if (optionsEnd < options || optionsEnd > end) {
            return Result.NOT_SYN;
        }
        final int at = mssOption(buf, options, optionsEnd);
        if (at < 0) {
            return Result.SYN_KEPT;
        }
        final int old = Bytes.u16(buf, at + 2);
        if (old <= mss) {
            return Result.SYN_KEPT;
        }
        Bytes.put16(buf, at + 2, mss);
        // The value sits at an odd distance from the TCP header when an odd number of one-byte
        // options precede it: its bytes then fall in two checksum words, and it adds to the sum
        // byte-swapped (RFC 1071 §2(B)), so the swapped values update the checksum.
        final boolean odd = ((at + 2 - tcp) & 1) != 0;
        final int checksum = Bytes.u16(buf, tcp + 16);
        Bytes.put16(buf, tcp + 16, odd ? Checksum.update(checksum, swap(old), swap(mss))
                : Checksum.update(checksum, old, mss));
        return Result.SYN_CLAMPED;
    }

    /** Offset of the TCP header behind the IPv6 header and its extension headers, or -1. */
    private static int ipv6Tcp(final byte[] buf, final int off, final int end) {
        int next = buf[off + 6] & 0xFF;
        int at = off + Ipv6View.HEADER;
        for (int i = 0; i < MAX_EXTENSION_HEADERS; i++) {
            switch (next) {
                case IpProtocol.TCP -> {
                    return at;
                }
                case IpProtocol.HOP_BY_HOP, IpProtocol.IPV6_ROUTING, IpProtocol.IPV6_DEST_OPTS -> {
                    if (at + 8 > end) {
                        return -1;
                    }
                    next = buf[at] & 0xFF;
                    at += ((buf[at + 1] & 0xFF) + 1) * 8;
                }
                case IpProtocol.IPV6_FRAGMENT -> {
                    if (at + 8 > end || (Bytes.u16(buf, at + 2) & 0xFFF8) != 0) {
                        return -1; // a non-first fragment: no TCP header here
                    }
                    next = buf[at] & 0xFF;
                    at += 8;
                }
                default -> {
                    return -1;
                }
            }
        }
        return -1;
    }

    /** Offset of a well-formed MSS option (kind 2, length 4) in {@code [from, to)}, or -1. */
    private static int mssOption(final byte[] buf, final int from, final int to) {
        int i = from;
        while (i < to) {
            final int kind = buf[i] & 0xFF;
            if (kind == OPTION_END) {
                return -1;
            }
            if (kind == OPTION_NOP) {
                i++;
                continue;
            }
            if (i + 1 >= to) {
                return -1;
            }
            final int optLen = buf[i + 1] & 0xFF;
            if (optLen < 2 || i + optLen > to) {
                return -1;
            }
            if (kind == OPTION_MSS) {
                return optLen == 4 ? i : -1;
            }
            i += optLen;
        }
        return -1;
    }

    private static int swap(final int v) {
        return ((v & 0xFF) << 8) | ((v >>> 8) & 0xFF);
    }
}
