package io.sallyport.packet;

/**
 * Builders for the ICMP errors a tunnel endpoint sends back to the inside: IPv4 "fragmentation
 * needed" (RFC 792, MTU field per RFC 1191) and "time exceeded", ICMPv6 "packet too big" and
 * "time exceeded" (RFC 4443). Each writes a complete IP packet into {@code out} and returns its
 * length, or 0 when RFC 1812 §4.3.2.7 / RFC 4443 §2.4(e) forbid an error for that packet.
 */
/* {@code out} must not overlap the original packet. */
public final class IcmpErrors {
    private IcmpErrors() {}

    /** RFC 1812 §4.3.2.3: an ICMPv4 error should not exceed 576 bytes. */
    public static final int IPV4_MAX_ERROR = 576;
    public static final int DEFAULT_TTL = 64;

    public static int ipv4FragmentationNeeded(final byte[] orig, final int off, final int len, final int routerAddress,
                                              final int nextHopMtu, final byte[] out, final int outOff) {
        return ipv4Error(orig, off, len, routerAddress, 3, 4, nextHopMtu & 0xFFFF, out, outOff);
    }

    public static int ipv4TimeExceeded(final byte[] orig, final int off, final int len, final int routerAddress,
                                       final byte[] out, final int outOff) {
        return ipv4Error(orig, off, len, routerAddress, 11, 0, 0, out, outOff);
    }

    public static int ipv6PacketTooBig(final byte[] orig, final int off, final int len, final byte[] routerAddress,
                                       final int mtu, final byte[] out, final int outOff) {
        return ipv6Error(orig, off, len, routerAddress, 2, 0, mtu, out, outOff);
    }

    public static int ipv6TimeExceeded(final byte[] orig, final int off, final int len, final byte[] routerAddress,
                                       final byte[] out, final int outOff) {
        return ipv6Error(orig, off, len, routerAddress, 3, 0, 0, out, outOff);
    }

    private static int ipv4Error(final byte[] orig, final int off, final int len, final int router, final int type,
                                 final int code, final int word, final byte[] out, final int outOff) {
        if (len < Ipv4View.MIN_HEADER || (orig[off] & 0xF0) != 0x40) {
            return 0;
        }
        final int hl = (orig[off] & 0x0F) * 4;
        final int src = Bytes.i32(orig, off + 12);
        final int proto = orig[off + 9] & 0xFF;
        // No error about a non-initial fragment, an unspecified/multicast/broadcast/loopback source.
        if ((Bytes.u16(orig, off + 6) & 0x1FFF) != 0 || src == 0 || (src >>> 28) >= 0xE || (src >>> 24) == 127) {
            return 0;
        }
        // No error about an ICMP error message (RFC 1812 §4.3.2.7): only echo/echo-reply/info types pass.
        if (proto == IpProtocol.ICMP && hl < len && new IcmpView().wrap(orig, off + hl, len - hl).isIpv4Error()) {
            return 0;
        }
        final int quote = Math.min(len, IPV4_MAX_ERROR - Ipv4View.MIN_HEADER - 8);
        final int total = Ipv4View.MIN_HEADER + 8 + quote;
        final int icmp = outOff + Ipv4View.MIN_HEADER;
        System.arraycopy(orig, off, out, icmp + 8, quote);
        out[icmp] = (byte) type;
        out[icmp + 1] = (byte) code;
        Bytes.put16(out, icmp + 2, 0);
        Bytes.put32(out, icmp + 4, word);
        Bytes.put16(out, icmp + 2, Checksum.compute(out, icmp, 8 + quote));
        Ipv4View.write(out, outOff, 0xC0, total, 0, 0, DEFAULT_TTL, IpProtocol.ICMP, router, src);
        return total;
    }

    private static int ipv6Error(final byte[] orig, final int off, final int len, final byte[] router, final int type,
                                 final int code, final int word, final byte[] out, final int outOff) {
        if (len < Ipv6View.HEADER || (orig[off] & 0xF0) != 0x60) {
            return 0;
        }
        final int srcOff = off + 8;
        if ((orig[srcOff] & 0xFF) == 0xFF || isUnspecified(orig, srcOff)) {
            return 0;
        }
        if ((orig[off + 6] & 0xFF) == IpProtocol.ICMPV6 && len > Ipv6View.HEADER
                && (orig[off + Ipv6View.HEADER] & 0x80) == 0) {
            return 0; // RFC 4443 §2.4(e.1): never about an ICMPv6 error (types < 128)
        }
        final int quote = Math.min(len, Ipv6View.MIN_MTU - Ipv6View.HEADER - 8);
        final int icmpLen = 8 + quote;
        final int icmp = outOff + Ipv6View.HEADER;
        System.arraycopy(orig, off, out, icmp + 8, quote);
        Ipv6View.write(out, outOff, 0xC0, 0, icmpLen, IpProtocol.ICMPV6, 255, router, router);
        System.arraycopy(orig, srcOff, out, outOff + 24, 16);
        out[icmp] = (byte) type;
        out[icmp + 1] = (byte) code;
        Bytes.put16(out, icmp + 2, 0);
        Bytes.put32(out, icmp + 4, word);
        final long sum = Checksum.add(Checksum.pseudoHeader(out, outOff, IpProtocol.ICMPV6, icmpLen), out, icmp, icmpLen);
        Bytes.put16(out, icmp + 2, Checksum.finish(sum));
        return Ipv6View.HEADER + icmpLen;
    }

    private static boolean isUnspecified(final byte[] b, final int off) {
        for (int i = 0; i < 16; i++) {
            if (b[off + i] != 0) {
                return false;
            }
        }
        return true;
    }
}
