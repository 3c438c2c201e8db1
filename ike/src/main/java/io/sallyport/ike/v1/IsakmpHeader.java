package io.sallyport.ike.v1;

import io.sallyport.ike.message.Bytes;

/** The 28-byte ISAKMP header (RFC 2408 §3.1); {@code length} is the whole message. */
record IsakmpHeader(long ckyI, long ckyR, int nextPayload, int exchange, int flags, int messageId, int length) {

    boolean encrypted() { return (flags & Isakmp.FLAG_ENCRYPTION) != 0; }

    /** The ISAKMP major version in a datagram (1 for IKEv1, 2 for IKEv2), or -1 when too short. */
    static int majorVersion(byte[] b) {
        return b.length < Isakmp.HEADER_SIZE ? -1 : (b[17] & 0xff) >> 4;
    }

    /** Parses the header; null when short, not version 1.x, or its length disagrees with the datagram. */
    static IsakmpHeader parse(byte[] b) {
        if (majorVersion(b) != 1) {
            return null;
        }
        long length = Bytes.u32(b, 24);
        if (length != b.length) {
            return null;
        }
        return new IsakmpHeader(Bytes.u64(b, 0), Bytes.u64(b, 8), b[16] & 0xff, b[18] & 0xff, b[19] & 0xff,
                (int) Bytes.u32(b, 20), (int) length);
    }

    IsakmpHeader withLength(int next, int flags, int length) {
        return new IsakmpHeader(ckyI, ckyR, next, exchange, flags, messageId, length);
    }

    void write(byte[] out) {
        Bytes.put64(out, 0, ckyI);
        Bytes.put64(out, 8, ckyR);
        out[16] = (byte) nextPayload;
        out[17] = Isakmp.VERSION;
        out[18] = (byte) exchange;
        out[19] = (byte) flags;
        Bytes.put32(out, 20, messageId);
        Bytes.put32(out, 24, length);
    }
}
