package io.sallyport.esp;

/**
 * Tells apart what arrives on UDP port 4500 (RFC 3948 §2.2, RFC 7296 §2.23): an IKE message behind
 * the four-zero-byte non-ESP marker, a NAT keepalive (a single 0xFF byte, RFC 3948 §2.3), or ESP
 * (first four bytes are a non-zero SPI).
 */
public final class NonEspMarker {
    private NonEspMarker() {}

    public enum Kind { IKE, KEEPALIVE, ESP, INVALID }

    /** Length of the marker that precedes IKE on port 4500. */
    public static final int MARKER_LENGTH = 4;

    public static Kind classify(final byte[] b, final int off, final int len) {
        if (len == 1 && b[off] == (byte) 0xFF) {
            return Kind.KEEPALIVE;
        }
        if (len < 8) {
            return Kind.INVALID; // too short for an SPI and a sequence number, or for a marker and IKE
        }
        if ((b[off] | b[off + 1] | b[off + 2] | b[off + 3]) == 0) {
            return Kind.IKE;
        }
        return Kind.ESP;
    }
}
