package io.sallyport.ike.message;

/**
 * Builds protected IKE messages around arbitrary plaintext, so that fuzz targets reach what lies
 * behind the ICV check: an SK payload (RFC 7296 §3.14) or one SKF fragment (RFC 7383 §2.5) whose
 * inner bytes are whatever the caller gives, sealed with a real cipher.
 */
public final class SealedMessages {

    private SealedMessages() {
    }

    /** A message with one SK payload holding {@code plain}; {@code first} is its inner next-payload type. */
    public static byte[] sk(IkeHeader h, int first, byte[] plain, SkCipher cipher) {
        int skLen = 4 + cipher.ivSize() + cipher.ciphertextSize(plain.length) + cipher.icvSize();
        byte[] msg = new byte[IkeHeader.SIZE + skLen];
        h.write(msg, Wire.SK, msg.length);
        msg[IkeHeader.SIZE] = (byte) first;
        put16(msg, IkeHeader.SIZE + 2, skLen);
        cipher.seal(msg, IkeHeader.SIZE + 4, plain);
        return msg;
    }

    /** One SKF fragment {@code number} of {@code total} holding {@code plain}. */
    public static byte[] skf(IkeHeader h, int first, int number, int total, byte[] plain, SkCipher cipher) {
        int skfLen = 8 + cipher.ivSize() + cipher.ciphertextSize(plain.length) + cipher.icvSize();
        byte[] msg = new byte[IkeHeader.SIZE + skfLen];
        h.write(msg, Wire.SKF, msg.length);
        int o = IkeHeader.SIZE;
        msg[o] = (byte) first;
        put16(msg, o + 2, skfLen);
        put16(msg, o + 4, number);
        put16(msg, o + 6, total);
        cipher.seal(msg, o + 8, plain);
        return msg;
    }

    private static void put16(byte[] b, int off, int v) {
        b[off] = (byte) (v >> 8);
        b[off + 1] = (byte) v;
    }
}
