package io.sallyport.ike.message;

/** The fixed 28-byte IKE header (RFC 7296 §3.1). */
public record IkeHeader(long spiI, long spiR, int nextPayload, int exchangeType, int flags, int messageId, int length) {

    public static final int SIZE = 28;

    public boolean isResponse() { return (flags & Wire.FLAG_RESPONSE) != 0; }

    /** Set by the original initiator of the IKE SA. */
    public boolean fromInitiator() { return (flags & Wire.FLAG_INITIATOR) != 0; }

    /** Parses the header, or returns null when it is short, not version 2.x, or its length is wrong. */
    public static IkeHeader parse(byte[] b) {
        if (b.length < SIZE) {
            return null;
        }
        int version = b[17] & 0xff;
        long length = Bytes.u32(b, 24);
        if ((version >> 4) != 2 || length != b.length) {
            return null;
        }
        return new IkeHeader(Bytes.u64(b, 0), Bytes.u64(b, 8), b[16] & 0xff, b[18] & 0xff, b[19] & 0xff,
                (int) Bytes.u32(b, 20), (int) length);
    }

    void write(byte[] out, int nextPayloadType, int totalLength) {
        Bytes.put64(out, 0, spiI);
        Bytes.put64(out, 8, spiR);
        out[16] = (byte) nextPayloadType;
        out[17] = 0x20;
        out[18] = (byte) exchangeType;
        out[19] = (byte) flags;
        Bytes.put32(out, 20, messageId);
        Bytes.put32(out, 24, totalLength);
    }
}
