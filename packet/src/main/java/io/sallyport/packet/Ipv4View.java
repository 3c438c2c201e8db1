package io.sallyport.packet;

/**
 * Flyweight over an IPv4 header in a byte array (RFC 791). Re-point it with {@link #wrap}; it
 * allocates nothing and trusts the caller to call {@link #isWellFormed()} before other getters.
 */
public final class Ipv4View {
    public static final int MIN_HEADER = 20;
    public static final int FLAG_DF = 0x4000;
    public static final int FLAG_MF = 0x2000;

    private byte[] buf;
    private int off;
    private int len;

    public Ipv4View wrap(final byte[] buf, final int off, final int len) {
        this.buf = buf;
        this.off = off;
        this.len = len;
        return this;
    }

    public byte[] buffer() { return buf; }
    public int offset() { return off; }
    /** Bytes available in the wrapped range (may exceed {@link #totalLength()}). */
    public int available() { return len; }

    /** Version 4, IHL >= 5, header and total length inside the wrapped range. */
    public boolean isWellFormed() {
        if (len < MIN_HEADER || version() != 4) {
            return false;
        }
        final int hl = headerLength();
        final int tl = totalLength();
        return hl >= MIN_HEADER && tl >= hl && tl <= len;
    }

    public int version() { return (buf[off] & 0xF0) >>> 4; }
    public int headerLength() { return (buf[off] & 0x0F) * 4; }
    public int tos() { return buf[off + 1] & 0xFF; }
    public void tos(final int v) { buf[off + 1] = (byte) v; }
    public int totalLength() { return Bytes.u16(buf, off + 2); }
    public void totalLength(final int v) { Bytes.put16(buf, off + 2, v); }
    public int identification() { return Bytes.u16(buf, off + 4); }
    public void identification(final int v) { Bytes.put16(buf, off + 4, v); }
    /** Flags and fragment offset word. */
    public int flagsFragment() { return Bytes.u16(buf, off + 6); }
    public void flagsFragment(final int v) { Bytes.put16(buf, off + 6, v); }
    public boolean dontFragment() { return (flagsFragment() & FLAG_DF) != 0; }
    public boolean moreFragments() { return (flagsFragment() & FLAG_MF) != 0; }
    /** Fragment offset in bytes. */
    public int fragmentOffset() { return (flagsFragment() & 0x1FFF) * 8; }
    public boolean isFragment() { return (flagsFragment() & (FLAG_MF | 0x1FFF)) != 0; }
    public int ttl() { return buf[off + 8] & 0xFF; }
    public void ttl(final int v) { buf[off + 8] = (byte) v; }
    public int protocol() { return buf[off + 9] & 0xFF; }
    public void protocol(final int v) { buf[off + 9] = (byte) v; }
    public int checksum() { return Bytes.u16(buf, off + 10); }
    public int source() { return Bytes.i32(buf, off + 12); }
    public void source(final int v) { Bytes.put32(buf, off + 12, v); }
    public int destination() { return Bytes.i32(buf, off + 16); }
    public void destination(final int v) { Bytes.put32(buf, off + 16, v); }
    public int payloadOffset() { return off + headerLength(); }
    public int payloadLength() { return totalLength() - headerLength(); }

    public boolean checksumValid() { return Checksum.compute(buf, off, headerLength()) == 0; }

    public void updateChecksum() {
        Bytes.put16(buf, off + 10, 0);
        Bytes.put16(buf, off + 10, Checksum.compute(buf, off, headerLength()));
    }

    /** Decrements TTL and patches the checksum incrementally (RFC 1624). */
    public void decrementTtl() {
        final int oldWord = Bytes.u16(buf, off + 8);
        buf[off + 8] = (byte) (ttl() - 1);
        Bytes.put16(buf, off + 10, Checksum.update(checksum(), oldWord, Bytes.u16(buf, off + 8)));
    }

    /** Clears DF and patches the checksum incrementally. */
    public void clearDontFragment() {
        final int oldWord = flagsFragment();
        if ((oldWord & FLAG_DF) != 0) {
            flagsFragment(oldWord & ~FLAG_DF);
            Bytes.put16(buf, off + 10, Checksum.update(checksum(), oldWord, flagsFragment()));
        }
    }

    /** Writes a 20-byte header without options and its checksum. */
    public static void write(final byte[] b, final int off, final int tos, final int totalLength, final int id,
                             final int flagsFragment, final int ttl, final int protocol, final int src, final int dst) {
        b[off] = 0x45;
        b[off + 1] = (byte) tos;
        Bytes.put16(b, off + 2, totalLength);
        Bytes.put16(b, off + 4, id);
        Bytes.put16(b, off + 6, flagsFragment);
        b[off + 8] = (byte) ttl;
        b[off + 9] = (byte) protocol;
        Bytes.put16(b, off + 10, 0);
        Bytes.put32(b, off + 12, src);
        Bytes.put32(b, off + 16, dst);
        Bytes.put16(b, off + 10, Checksum.compute(b, off, MIN_HEADER));
    }
}
