package io.sallyport.packet;

/** Flyweight over an ICMPv4 (RFC 792) or ICMPv6 (RFC 4443) header: type, code, checksum, 4-byte rest. */
public final class IcmpView {
    public static final int HEADER = 8;

    private byte[] buf;
    private int off;
    private int len;

    public IcmpView wrap(final byte[] buf, final int off, final int len) {
        this.buf = buf;
        this.off = off;
        this.len = len;
        return this;
    }

    public boolean isWellFormed() { return len >= HEADER; }
    public int type() { return buf[off] & 0xFF; }
    public int code() { return buf[off + 1] & 0xFF; }
    public int checksum() { return Bytes.u16(buf, off + 2); }
    /** The 4 bytes after the checksum: MTU for frag-needed (low 16 bits) and packet-too-big, else id/seq or unused. */
    public int rest() { return Bytes.i32(buf, off + 4); }
    public int bodyOffset() { return off + HEADER; }
    public int length() { return len; }

    /** ICMPv4 error types that must never be answered with another error (RFC 1812 §4.3.2.7). */
    public boolean isIpv4Error() {
        final int t = type();
        return t == 3 || t == 4 || t == 5 || t == 11 || t == 12;
    }

    /** ICMPv6 error messages are the types below 128 (RFC 4443 §2.1). */
    public boolean isIpv6Error() { return type() < 128; }

    /** ICMPv4: checksum over the message alone. */
    public boolean ipv4ChecksumValid() { return Checksum.compute(buf, off, len) == 0; }

    /** ICMPv6: checksum includes the pseudo-header of the IPv6 header at {@code ipOff}. */
    public boolean ipv6ChecksumValid(final int ipOff) {
        return Checksum.finish(Checksum.add(Checksum.pseudoHeader(buf, ipOff, IpProtocol.ICMPV6, len), buf, off, len)) == 0;
    }
}
