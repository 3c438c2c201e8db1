package io.sallyport.ike.message;

import java.io.ByteArrayOutputStream;

/** Reassembly of one fragmented message (RFC 7383 §2.6) per IKE SA and direction. */
public final class FragmentBuffer {

    static final int MAX_FRAGMENTS = 64;

    /** A reassembled message: decrypted inner bytes and the first inner payload type. */
    public record Reassembled(byte[] plain, int firstPayload) {
    }

    private int messageId = -1;
    private int total;
    private int firstPayload;
    private byte[][] parts;
    private int received;

    public int received() { return received; }

    /** Stores one decrypted fragment; returns the whole message once every fragment is in. */
    Reassembled add(int msgId, int number, int count, int first, byte[] plain) {
        if (msgId != messageId || count != total) {
            messageId = msgId;
            total = count;
            parts = new byte[count][];
            received = 0;
            firstPayload = -1;
        }
        if (parts[number - 1] == null) {
            parts[number - 1] = plain;
            received++;
        }
        if (first >= 0) {
            firstPayload = first;
        }
        if (received < total || firstPayload < 0) {
            return null;
        }
        var out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        messageId = -1;
        return new Reassembled(out.toByteArray(), firstPayload);
    }
}
