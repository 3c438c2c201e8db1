package io.sallyport.packet;

/** Flyweight over a fixed IPv6 header (RFC 8200 §3); extension headers are walked by callers. */
public final class Ipv6View {
    public static final int HEADER = 40;
    public static final int MIN_MTU = 1280;

    private byte[] buf;
    private int off;
    private int len;

    public Ipv6View wrap(final byte[] buf, final int off, final int len) {
        this.buf = buf;
        this.off = off;
        this.len = len;
        return this;
    }

    public byte[] buffer() { return buf; }
    public int offset() { return off; }

    /** Version 6 and the payload length fits the wrapped range. */
    public boolean isWellFormed() {
        return len >= HEADER && version() == 6 && HEADER + payloadLength() <= len;
    }

    public int version() { return (buf[off] & 0xF0) >>> 4; }
    public int trafficClass() { return (Bytes.u16(buf, off) >>> 4) & 0xFF; }
    public int flowLabel() { return Bytes.i32(buf, off) & 0xFFFFF; }
    public int payloadLength() { return Bytes.u16(buf, off + 4); }
    public void payloadLength(final int v) { Bytes.put16(buf, off + 4, v); }
    public int totalLength() { return HEADER + payloadLength(); }
    public int nextHeader() { return buf[off + 6] & 0xFF; }
    public int hopLimit() { return buf[off + 7] & 0xFF; }
    public void hopLimit(final int v) { buf[off + 7] = (byte) v; }
    public int sourceOffset() { return off + 8; }
    public int destinationOffset() { return off + 24; }
    public int payloadOffset() { return off + HEADER; }

    /** Whether source and destination are the same 16 bytes (a "land" packet). */
    public boolean sameSourceAndDestination() {
        return java.util.Arrays.equals(buf, off + 8, off + 24, buf, off + 24, off + 40);
    }

    /** Writes a fixed header; addresses are copied from 16-byte arrays. */
    public static void write(final byte[] b, final int off, final int trafficClass, final int flowLabel,
                             final int payloadLength, final int nextHeader, final int hopLimit,
                             final byte[] src, final byte[] dst) {
        Bytes.put32(b, off, (6 << 28) | ((trafficClass & 0xFF) << 20) | (flowLabel & 0xFFFFF));
        Bytes.put16(b, off + 4, payloadLength);
        b[off + 6] = (byte) nextHeader;
        b[off + 7] = (byte) hopLimit;
        System.arraycopy(src, 0, b, off + 8, 16);
        System.arraycopy(dst, 0, b, off + 24, 16);
    }
}
