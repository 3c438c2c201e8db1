package io.sallyport.packet;

/**
 * Joins consecutive segments of one TCP flow back into a super-packet, the inverse of
 * {@link TcpSegmenter}, so a device that takes GSO packets (a TUN device with {@code IFF_VNET_HDR})
 * gets one write and one pass through the host's stack for a whole burst. The joined packet is
 * exactly what the kernel's GSO re-splits into the same segments: a segment joins only when its
 * checksum is valid, it continues the sequence (and, on IPv4, the identification) of the previous
 * one, every header field but those matches the first segment (addresses, ports, TTL/hop limit,
 * TOS/traffic class, DF, acknowledgement, window, options), its flags are ACK (PSH allowed, and
 * it ends the packet), and every segment before it carried exactly the first one's payload size.
 * Anything else the caller writes alone after {@link #finish finishing} what is held.
 *
 * <p>One flow at a time, owned by one thread, no allocation after construction.
 */
public final class TcpCoalescer {
    private static final int ACK = 0x10;
    private static final int PSH = 0x08;
    private static final int MAX_IP_LENGTH = 65535;
    private static final java.lang.invoke.VarHandle LE_LONG =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
    private static final java.lang.invoke.VarHandle LE_INT =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(int[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    private final int h;
    private final byte[] packet;
    private int length;
    private int segments;
    private boolean v4;
    private int ipHeader;
    private int headers;
    private int segmentSize;
    private long nextSeq;
    private int nextId;
    private boolean closed;

    /** @param headroom bytes kept free before the packet, for a device header the caller writes there */
    public TcpCoalescer(final int headroom) {
        this.h = headroom;
        this.packet = new byte[headroom + MAX_IP_LENGTH];
    }

    /** The joined packet: {@link #length()} bytes from the headroom on, after {@link #finish}. */
    public byte[] packet() { return packet; }

    public int length() { return length; }

    /** Segments held: 0 when empty. */
    public int segments() { return segments; }

    /** Payload bytes of every segment but the last: the GSO segment size to announce. */
    public int segmentSize() { return segmentSize; }

    /** IP + TCP header length of the joined packet. */
    public int headerLength() { return headers; }

    public int ipHeaderLength() { return ipHeader; }

    public boolean isIpv4() { return v4; }

    /**
     * Takes the packet at {@code buf[off, off + len)} into the held super-packet (or starts one with
     * it when none is held). False when it cannot join: the caller then finishes and writes what is
     * held, and offers the packet again (it starts a new one) or writes it alone.
     */
    public boolean offer(final byte[] buf, final int off, final int len) {
        final int hdr = TcpSegmenter.headerLength(buf, off, len);
        if (hdr < 0 || len == hdr) {
            return false;
        }
        final boolean isV4 = (buf[off] & 0xF0) == 0x40;
        final int ipHdr = isV4 ? (buf[off] & 0x0F) * 4 : Ipv6View.HEADER;
        final int flags = buf[off + ipHdr + 13] & 0xFF;
        if ((flags & ~PSH) != ACK) {
            return false;
        }
        final int payload = len - hdr;
        if (segments == 0) {
            if (!checksumValid(buf, off, ipHdr, len)) {
                return false;
            }
            System.arraycopy(buf, off, packet, h, len);
            length = len;
            segments = 1;
            v4 = isV4;
            ipHeader = ipHdr;
            headers = hdr;
            segmentSize = payload;
            nextSeq = Bytes.u32(buf, off + ipHdr + 4) + payload;
            nextId = isV4 ? (Bytes.u16(buf, off + 4) + 1) & 0xFFFF : 0;
            closed = (flags & PSH) != 0;
            return true;
        }
        if (closed || isV4 != v4 || hdr != headers || payload > segmentSize
                || length - headers != segmentSize * segments || length + payload > MAX_IP_LENGTH
                || (Bytes.u32(buf, off + ipHdr + 4) != (nextSeq & 0xFFFF_FFFFL))
                || !sameHeaders(buf, off)
                || (v4 && Bytes.u16(buf, off + 4) != nextId)
                || !checksumValid(buf, off, ipHdr, len)) {
            return false;
        }
        System.arraycopy(buf, off + hdr, packet, h + length, payload);
        length += payload;
        segments++;
        nextSeq += payload;
        nextId = (nextId + 1) & 0xFFFF;
        if ((flags & PSH) != 0) {
            packet[h + ipHeader + 13] |= PSH;
            closed = true;
        }
        return true;
    }

    /**
     * Makes the held packet ready to write: with one segment it is left as it came (complete
     * checksums); with more, the IP length (and IPv4 header checksum) covers the whole packet and
     * the TCP checksum field holds the partial pseudo-header sum ({@code NEEDS_CSUM} at
     * {@link #ipHeaderLength()} + 16), for the host to complete per segment.
     */
    public void finish() {
        if (segments < 2) {
            return;
        }
        if (v4) {
            Bytes.put16(packet, h + 2, length);
            Bytes.put16(packet, h + 10, 0);
            Bytes.put16(packet, h + 10, Checksum.compute(packet, h, ipHeader));
        } else {
            Bytes.put16(packet, h + 4, length - Ipv6View.HEADER);
        }
        Bytes.put16(packet, h + ipHeader + 16, Checksum.partialPseudoHeader(packet, h, IpProtocol.TCP, length - ipHeader));
    }

    /** Forgets the held packet (after it was written). */
    public void clear() {
        segments = 0;
        length = 0;
    }

    /**
     * Every header byte but lengths, checksums, IPv4 identification, sequence number and flags,
     * eight bytes per comparison: the bytes allowed to differ are masked out of the fixed headers
     * (little-endian loads: byte k of a load is bits 8k to 8k + 7 of the mask).
     */
    private boolean sameHeaders(final byte[] buf, final int off) {
        if (v4) {
            // version/IHL, TOS, flags/fragment, TTL, protocol, source; destination and options
            if (differ(buf, off, 0, 0xFFFF_0000_0000_FFFFL) || differ(buf, off, 8, 0xFFFF_FFFF_0000_FFFFL)
                    || !equal(buf, off, 16, ipHeader - 16)) {
                return false;
            }
        } else if (differ(buf, off, 0, 0xFFFF_0000_FFFF_FFFFL) || !equal(buf, off, 8, 32)) {
            // version, traffic class, flow label, next header, hop limit; addresses
            return false;
        }
        final int t = ipHeader;
        // ports; acknowledgement, data offset, window; urgent pointer; options
        return !differ(buf, off, t, 0x0000_0000_FFFF_FFFFL) && !differ(buf, off, t + 8, 0xFFFF_00FF_FFFF_FFFFL)
                && (((int) LE_INT.get(buf, off + t + 16) ^ (int) LE_INT.get(packet, h + t + 16)) & 0xFFFF_0000) == 0
                && equal(buf, off, t + 20, headers - t - 20);
    }

    /** Whether the eight bytes at {@code at} (from the IP header) differ from the held packet's under {@code mask}. */
    private boolean differ(final byte[] buf, final int off, final int at, final long mask) {
        return (((long) LE_LONG.get(buf, off + at) ^ (long) LE_LONG.get(packet, h + at)) & mask) != 0;
    }

    /** Whether {@code n} bytes at {@code at} (from the IP header) equal the held packet's. */
    private boolean equal(final byte[] buf, final int off, final int at, final int n) {
        int i = 0;
        for (; i + 8 <= n; i += 8) {
            if ((long) LE_LONG.get(buf, off + at + i) != (long) LE_LONG.get(packet, h + at + i)) {
                return false;
            }
        }
        for (; i < n; i++) {
            if (buf[off + at + i] != packet[h + at + i]) {
                return false;
            }
        }
        return true;
    }

    /** The TCP checksum, and on IPv4 the header checksum: joining must not hide a corrupt segment. */
    private static boolean checksumValid(final byte[] buf, final int off, final int ipHdr, final int len) {
        if ((buf[off] & 0xF0) == 0x40 && Checksum.compute(buf, off, ipHdr) != 0) {
            return false;
        }
        final int tcpLen = len - ipHdr;
        return Checksum.finish(Checksum.add(Checksum.pseudoHeader(buf, off, IpProtocol.TCP, tcpLen),
                buf, off + ipHdr, tcpLen)) == 0;
    }
}
