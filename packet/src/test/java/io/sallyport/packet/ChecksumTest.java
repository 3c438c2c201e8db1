package io.sallyport.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HexFormat;
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
