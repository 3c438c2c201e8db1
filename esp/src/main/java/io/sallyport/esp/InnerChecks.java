package io.sallyport.esp;

import io.sallyport.packet.Bytes;
import io.sallyport.packet.Checksum;
import io.sallyport.packet.IpProtocol;

/**
 * Checks on the inner packet: the "active IP checks" that {@code passive-mode-tunneling} turns off
 * (version, length, TTL, protocol, options, addresses, land attack), and the deeper
 * {@code header-integrity-check} (IPv4 checksum; TCP, UDP and ICMP header sanity). Each failure
 * names its {@link DropReason}; null means the packet passes. Stateless and allocation-free.
 */
final class InnerChecks {
    private InnerChecks() {}

    /**
     * Length of the inner packet according to its own header, or -1 if the header is not a sane
     * IPv4/IPv6 header within {@code len} bytes. Trailing bytes beyond it are TFC padding (RFC 4303 §2.7).
     */
    static int ipLength(final byte[] b, final int off, final int len) {
        if (len < 1) {
            return -1;
        }
        final int version = (b[off] & 0xF0) >>> 4;
        if (version == 4) {
            if (len < 20) {
                return -1;
            }
            final int hl = (b[off] & 0x0F) * 4;
            final int tl = Bytes.u16(b, off + 2);
            return hl < 20 || tl < hl || tl > len ? -1 : tl;
        }
        if (version == 6) {
            if (len < 40) {
                return -1;
            }
            final int tl = 40 + Bytes.u16(b, off + 4);
            return tl > len ? -1 : tl;
        }
        return -1;
    }

    /** The active checks (skipped in passive mode), on a packet whose {@link #ipLength} is {@code len}. */
    static DropReason active(final byte[] b, final int off, final int len) {
        if ((b[off] & 0xF0) == 0x40) {
            if ((b[off + 8] & 0xFF) == 0) {
                return DropReason.INNER_ZERO_TTL;
            }
            final int proto = b[off + 9] & 0xFF;
            if (proto == 255) {
                return DropReason.INNER_BAD_PROTOCOL;
            }
            final int src = Bytes.i32(b, off + 12);
            final int dst = Bytes.i32(b, off + 16);
            if (src == dst) {
                return DropReason.INNER_LAND_ATTACK;
            }
            if (src == 0 || src == -1 || (src >>> 28) == 0xE || (src >>> 24) == 127 || dst == 0 || (dst >>> 24) == 127) {
                return DropReason.INNER_BAD_ADDRESS;
            }
            final int hl = (b[off] & 0x0F) * 4;
            if (hl > 20 && !optionsWellFormed(b, off + 20, hl - 20)) {
                return DropReason.INNER_BAD_OPTIONS;
            }
            return null;
        }
        if ((b[off + 7] & 0xFF) == 0) {
            return DropReason.INNER_ZERO_TTL;
        }
        if ((b[off + 8] & 0xFF) == 0xFF || isZero16(b, off + 24) || isLoopback16(b, off + 8) || isLoopback16(b, off + 24)) {
            return DropReason.INNER_BAD_ADDRESS;
        }
        if (java.util.Arrays.equals(b, off + 8, off + 24, b, off + 24, off + 40)) {
            return DropReason.INNER_LAND_ATTACK;
        }
        return null;
    }

    /** {@code header-integrity-check}: IPv4 checksum and the transport header of a first fragment. */
    static DropReason headers(final byte[] b, final int off, final int len) {
        final int l4;
        final int proto;
        if ((b[off] & 0xF0) == 0x40) {
            final int hl = (b[off] & 0x0F) * 4;
            if (Checksum.compute(b, off, hl) != 0) {
                return DropReason.INNER_BAD_CHECKSUM;
            }
            if ((Bytes.u16(b, off + 6) & 0x1FFF) != 0) {
                return null; // non-first fragment: no transport header to check
            }
            l4 = off + hl;
            proto = b[off + 9] & 0xFF;
            final boolean fragmented = (Bytes.u16(b, off + 6) & 0x2000) != 0;
            return transport(b, proto, l4, off + len - l4, fragmented);
        }
        proto = b[off + 6] & 0xFF;
        l4 = off + 40;
        return transport(b, proto, l4, off + len - l4, false);
    }

    private static DropReason transport(final byte[] b, final int proto, final int l4, final int l4Len,
                                        final boolean fragmented) {
        switch (proto) {
            case IpProtocol.TCP -> {
                if (l4Len < 20) {
                    return fragmented ? null : DropReason.INNER_BAD_TCP;
                }
                final int dataOffset = ((b[l4 + 12] & 0xF0) >>> 4) * 4;
                final int flags = b[l4 + 13] & 0x3F;
                final boolean syn = (flags & 0x02) != 0;
                final boolean fin = (flags & 0x01) != 0;
                final boolean rst = (flags & 0x04) != 0;
                if (dataOffset < 20 || (!fragmented && dataOffset > l4Len) || flags == 0 || (syn && fin) || (syn && rst)
                        || Bytes.u16(b, l4) == 0 || Bytes.u16(b, l4 + 2) == 0) {
                    return DropReason.INNER_BAD_TCP;
                }
                return null;
            }
            case IpProtocol.UDP -> {
                if (l4Len < 8) {
                    return fragmented ? null : DropReason.INNER_BAD_UDP;
                }
                final int udpLen = Bytes.u16(b, l4 + 4);
                if (udpLen < 8 || (!fragmented && udpLen != l4Len) || Bytes.u16(b, l4 + 2) == 0) {
                    return DropReason.INNER_BAD_UDP;
                }
                return null;
            }
            case IpProtocol.ICMP, IpProtocol.ICMPV6 -> {
                return l4Len < 8 && !fragmented ? DropReason.INNER_BAD_ICMP : null;
            }
            default -> {
                return null;
            }
        }
    }

    /** Each option is EOL, NOP or a TLV whose length is at least 2 and fits. */
    private static boolean optionsWellFormed(final byte[] b, final int off, final int len) {
        int i = 0;
        while (i < len) {
            final int type = b[off + i] & 0xFF;
            if (type == 0) {
                return true;
            }
            if (type == 1) {
                i++;
                continue;
            }
            if (i + 1 >= len) {
                return false;
            }
            final int optLen = b[off + i + 1] & 0xFF;
            if (optLen < 2 || i + optLen > len) {
                return false;
            }
            i += optLen;
        }
        return true;
    }

    private static boolean isZero16(final byte[] b, final int off) {
        for (int i = 0; i < 16; i++) {
            if (b[off + i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean isLoopback16(final byte[] b, final int off) {
        for (int i = 0; i < 15; i++) {
            if (b[off + i] != 0) {
                return false;
            }
        }
        return b[off + 15] == 1;
    }
}
