package io.sallyport.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ChecksumTest {

    @Test
    @DisplayName("RFC 1071 checksum of a known IPv4 header")
    void knownHeader() {
        final byte[] h = HexFormat.of().parseHex("450000730000400040110000c0a80001c0a800c7");
        assertEquals(0xB861, Checksum.compute(h, 0, 20));
        h[10] = (byte) 0xB8;
        h[11] = 0x61;
        assertEquals(0, Checksum.compute(h, 0, 20));
    }

    /** RFC 1071 §3: the words 0001 f203 f4f5 f6f7 sum to 2:ddf0, folded ddf2; the checksum is 220d. */
    @Test
    @DisplayName("RFC 1071 section 3 example, at every alignment")
    void rfc1071Example() {
        final byte[] words = HexFormat.of().parseHex("0001f203f4f5f6f7");
        for (int off = 0; off < 8; off++) {
            final byte[] b = new byte[off + 8];
            System.arraycopy(words, 0, b, off, 8);
            assertEquals(0x220D, Checksum.compute(b, off, 8));
            assertEquals(0xDDF2, ~Checksum.finish(Checksum.add(0, b, off, 8)) & 0xFFFF, "the folded sum");
        }
    }

    /**
     * Every length 0..300 at offsets 0..8 over random bytes, all-ones bytes (a carry out of every
     * word) and zeros, against the textbook RFC 1071 §4.1 loop (16-bit words, carries folded at the
     * end) written here, each from a random starting sum.
     */
    @Test
    @DisplayName("the 8-byte sum equals the textbook 16-bit loop at every length and alignment")
    void againstTextbookLoop() {
        final Random random = new Random(1071);
        final byte[] randomBytes = new byte[320];
        random.nextBytes(randomBytes);
        final byte[] ones = new byte[320];
        Arrays.fill(ones, (byte) 0xFF);
        for (final byte[] src : new byte[][] {randomBytes, ones, new byte[320]}) {
            for (int off = 0; off <= 8; off++) {
                for (int len = 0; len <= 300; len++) {
                    final int start = random.nextInt(0x10000);
                    final int expected = TextbookChecksum.of(src, off, len, start);
                    assertEquals(expected, Checksum.finish(Checksum.add(start, src, off, len)), "add " + off + "+" + len);
                }
            }
        }
    }

    @Test
    void oddLengthPadsWithZero() {
        assertEquals(Checksum.compute(new byte[] {1, 2, 3, 0}, 0, 4), Checksum.compute(new byte[] {1, 2, 3}, 0, 3));
    }

    /** Every TTL with and without DF: the whole domain (510 cases) rather than a sample of it. */
    @Test
    @DisplayName("RFC 1624 incremental update equals a full recomputation")
    void incrementalUpdate() {
        for (int ttl = 1; ttl <= 255; ttl++) {
            incrementalUpdate(ttl, false);
            incrementalUpdate(ttl, true);
        }
    }

    private static void incrementalUpdate(final int ttl, final boolean df) {
        final byte[] p = TestPackets.ipv4Udp(10, df, 7, ttl);
        final Ipv4View v = new Ipv4View().wrap(p, 0, p.length);
        v.ttl(ttl);
        v.updateChecksum();
        if (ttl > 1) {
            v.decrementTtl();
        }
        v.clearDontFragment();
        assertEquals(true, v.checksumValid());
        final int patched = v.checksum();
        v.updateChecksum();
        assertEquals(v.checksum(), patched);
    }
}
