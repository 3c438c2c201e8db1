package io.sallyport.packet;

/**
 * RFC 1071 §4.1 written out word by word, with a starting sum: the complemented one's-complement
 * sum of 16-bit big-endian words. The tests' independent reference for {@link Checksum}, which
 * sums eight bytes per load, and for the checksums other modules write (packet's test-jar).
 */
public final class TextbookChecksum {
    private TextbookChecksum() {
    }

    public static int of(final byte[] b, final int off, final int len, final int start) {
        long sum = start;
        for (int i = 0; i + 1 < len; i += 2) {
            sum += ((b[off + i] & 0xFF) << 8) | (b[off + i + 1] & 0xFF);
        }
        if ((len & 1) != 0) {
            sum += (b[off + len - 1] & 0xFF) << 8;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) (~sum & 0xFFFF);
    }
}
