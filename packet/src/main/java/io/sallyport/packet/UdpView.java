package io.sallyport.packet;

/** Flyweight over a UDP header (RFC 768). */
public final class UdpView {
    public static final int HEADER = 8;

    private byte[] buf;
    private int off;
    private int len;

    public UdpView wrap(final byte[] buf, final int off, final int len) {
        this.buf = buf;
        this.off = off;
        this.len = len;
        return this;
    }

    /** Header present and its length field covers the header and fits the wrapped range. */
    public boolean isWellFormed() {
        return len >= HEADER && length() >= HEADER && length() <= len;
    }

    public int sourcePort() { return Bytes.u16(buf, off); }
    public int destinationPort() { return Bytes.u16(buf, off + 2); }
    public int length() { return Bytes.u16(buf, off + 4); }
    public int checksum() { return Bytes.u16(buf, off + 6); }
    public int payloadOffset() { return off + HEADER; }
    public int payloadLength() { return length() - HEADER; }

    public static void write(final byte[] b, final int off, final int srcPort, final int dstPort, final int length) {
        Bytes.put16(b, off, srcPort);
        Bytes.put16(b, off + 2, dstPort);
        Bytes.put16(b, off + 4, length);
        Bytes.put16(b, off + 6, 0);
    }

    /**
     * Fills in the checksum over the pseudo-header of the IP header at {@code ipOff}. Mandatory over
     * IPv6 (RFC 8200 §8.1); a computed 0 is sent as 0xFFFF.
     */
    public static void fillChecksum(final byte[] b, final int ipOff, final int udpOff, final int length) {
        Bytes.put16(b, udpOff + 6, 0);
        final long sum = Checksum.add(Checksum.pseudoHeader(b, ipOff, IpProtocol.UDP, length), b, udpOff, length);
        final int c = Checksum.finish(sum);
        Bytes.put16(b, udpOff + 6, c == 0 ? 0xFFFF : c);
    }
}
