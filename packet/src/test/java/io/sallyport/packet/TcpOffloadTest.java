package io.sallyport.packet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@link TcpSegmenter} and {@link TcpCoalescer}. Checksums are verified with {@link #rfc1071}, a
 * separate textbook implementation of the RFC 1071 sum written here (16-bit words, carries folded
 * at the end), not with the {@link Checksum} class the code under test uses.
 */
class TcpOffloadTest {
    private static final int ACK = 0x10;
    private static final int PSH = 0x08;
    private static final int FIN = 0x01;
    private static final int CWR = 0x80;
    private static final int SYN = 0x02;

    @Test
    @DisplayName("an IPv4 super-packet splits as the kernel's GSO would: lengths, IDs, sequence numbers, flags, checksums")
    void splitsIpv4() {
        final byte[] payload = payload(10_000, 1);
        final byte[] sup = tcp(true, 0x1234, 1_000_000L, CWR | ACK | PSH | FIN, payload, true);
        final int mss = 1448;
        assertEquals(7, TcpSegmenter.count(sup, 0, sup.length, mss));
        final ByteArrayOutputStream joined = new ByteArrayOutputStream();
        final byte[] out = new byte[2000];
        for (int i = 0; i < 7; i++) {
            final int len = TcpSegmenter.write(sup, 0, sup.length, mss, i, out, 7);
            final byte[] seg = Arrays.copyOfRange(out, 7, 7 + len);
            final int chunk = i < 6 ? mss : 10_000 - 6 * mss;
            assertEquals(20 + 32 + chunk, len);
            assertEquals(len, u16(seg, 2), "IP total length");
            assertEquals(0x1234 + i, u16(seg, 4), "identification");
            assertEquals(0, TextbookChecksum.of(seg, 0, 20, 0), "IPv4 header checksum");
            assertEquals(0, tcpChecksum(seg), "TCP checksum");
            assertEquals(1_000_000L + (long) i * mss, u32(seg, 24), "sequence number");
            final int flags = seg[33] & 0xFF;
            assertEquals(i == 0, (flags & CWR) != 0, "CWR on the first segment only");
            assertEquals(i == 6, (flags & (PSH | FIN)) == (PSH | FIN), "PSH and FIN on the last segment only");
            assertEquals(i == 6 ? PSH | FIN | ACK : i == 0 ? CWR | ACK : ACK, flags);
            assertArrayEquals(Arrays.copyOfRange(sup, 20 + 20, 20 + 32), Arrays.copyOfRange(seg, 40, 52), "options");
            joined.write(seg, 52, chunk);
        }
        assertArrayEquals(payload, joined.toByteArray());
    }

    @Test
    @DisplayName("an IPv6 super-packet splits with payload lengths and checksums over the IPv6 pseudo-header")
    void splitsIpv6() {
        final byte[] sup = tcp(false, 0, 0xFFFF_FF00L, ACK, payload(5000, 2), true);
        final byte[] out = new byte[2000];
        assertEquals(4, TcpSegmenter.count(sup, 0, sup.length, 1400));
        for (int i = 0; i < 4; i++) {
            final int len = TcpSegmenter.write(sup, 0, sup.length, 1400, i, out, 0);
            assertEquals(len - 40, u16(out, 4));
            assertEquals(0, tcpChecksum(Arrays.copyOf(out, len)));
            assertEquals((0xFFFF_FF00L + i * 1400L) & 0xFFFF_FFFFL, u32(out, 44), "sequence wraps modulo 2^32");
        }
    }

    @Test
    void refusesWhatItDoesNotSplit() {
        final byte[] v4 = tcp(true, 1, 1, ACK, payload(3000, 3), true);
        final byte[] frag = v4.clone();
        frag[6] |= 0x20;
        assertEquals(-1, TcpSegmenter.count(frag, 0, frag.length, 1000), "IPv4 fragment");
        final byte[] udp = v4.clone();
        udp[9] = 17;
        assertEquals(-1, TcpSegmenter.count(udp, 0, udp.length, 1000), "not TCP");
        assertEquals(-1, TcpSegmenter.count(v4, 0, v4.length - 1, 1000), "length disagrees with the header");
        assertEquals(-1, TcpSegmenter.count(v4, 0, v4.length, 0), "no segment size");
        final byte[] v6 = tcp(false, 0, 1, ACK, payload(3000, 3), true);
        v6[6] = 0; // hop-by-hop options header first
        assertEquals(-1, TcpSegmenter.count(v6, 0, v6.length, 1000), "IPv6 extension header");
    }

    @Test
    @DisplayName("split then joined again: the original packet, with the partial checksum a NEEDS_CSUM device expects")
    void roundTrip() {
        qt().withExamples(300).forAll(integers().between(1, 65_000), integers().between(200, 9000), booleans().all(),
                longs().all()).checkAssert((size, mss, v4, seed) -> {
            final int payloadLen = Math.min(size, 65_535 - (v4 ? 52 : 72));
            final byte[] sup = tcp(v4, seed.intValue() & 0xFFFF, seed & 0xFFFF_FFFFL, ACK | PSH,
                    payload(payloadLen, seed), false);
            final int n = TcpSegmenter.count(sup, 0, sup.length, mss);
            final TcpCoalescer c = new TcpCoalescer(10);
            final byte[] seg = new byte[9100];
            for (int i = 0; i < n; i++) {
                final int len = TcpSegmenter.write(sup, 0, sup.length, mss, i, seg, 3);
                assertTrue(c.offer(seg, 3, len), "segment " + i + " of " + n + " joins");
            }
            c.finish();
            assertEquals(n, c.segments());
            assertEquals(sup.length, c.length());
            final byte[] joined = Arrays.copyOfRange(c.packet(), 10, 10 + c.length());
            final int ip = v4 ? 20 : 40;
            if (n > 1) {
                assertEquals(Math.min(mss, payloadLen), c.segmentSize());
                // the device completes the checksum: the field holds the folded pseudo-header sum
                final int partial = u16(joined, ip + 16);
                assertEquals(pseudoSum(joined, v4, sup.length - ip), partial);
                put16(joined, ip + 16, 0);
                put16(joined, ip + 16, TextbookChecksum.of(joined, ip, sup.length - ip, pseudoSum(joined, v4, sup.length - ip)));
            }
            assertEquals(0, tcpChecksum(joined));
            assertArrayEquals(sup, joined);
        });
    }

    @Test
    @DisplayName("a segment joins only when nothing but length, ID, sequence, flags and checksums differ")
    void refusesToJoin() {
        final byte[] base = tcp(true, 100, 5000, ACK, payload(1000, 4), false);
        assertJoins(base, next(base, s -> { }), true);
        final byte[] corrupt = next(base, s -> { });
        corrupt[60] ^= 1;
        assertJoins(base, corrupt, false); // the TCP checksum fails
        assertJoins(base, next(base, s -> put16(s, 4, 102)), false); // identification gap
        assertJoins(base, next(base, s -> put32(s, 24, 5000 + 999)), false); // sequence gap
        assertJoins(base, next(base, s -> put32(s, 28, 7)), false); // another acknowledgement
        assertJoins(base, next(base, s -> s[8] = 63), false); // another TTL
        assertJoins(base, next(base, s -> s[1] = 1), false); // another TOS (ECN mark)
        assertJoins(base, next(base, s -> put16(s, 34, 1)), false); // another window
        assertJoins(base, next(base, s -> s[6] = 0), false); // DF cleared
        assertJoins(base, next(base, s -> s[19] ^= 1), false); // another destination
        assertJoins(base, next(base, s -> put16(s, 22, 81)), false); // another destination port
        assertJoins(base, next(base, s -> put16(s, 38, 1)), false); // an urgent pointer
        assertJoins(base, next(base, s -> s[51] ^= 1), false); // another option (timestamp) byte
        assertJoins(base, next(base, s -> s[44] ^= 1), false);
        assertJoins(base, next(base, s -> s[33] = SYN | ACK), false); // not a plain data segment
        assertJoins(base, next(base, s -> s[33] = ACK | FIN), false);
        final byte[] v6 = tcp(false, 0, 5000, ACK, payload(1000, 4), false);
        assertJoins(v6, tcp(false, 0, 6000, ACK, payload(1000, 5), false), true);
        final byte[] otherFlow = tcp(false, 0, 6000, ACK, payload(1000, 5), false);
        otherFlow[3] = 0x34; // another flow label (not in the pseudo-header: the checksum still holds)
        assertJoins(v6, otherFlow, false);
        final byte[] otherHopLimit = tcp(false, 0, 6000, ACK, payload(1000, 5), false);
        otherHopLimit[7] = 63;
        assertJoins(v6, otherHopLimit, false);
        final byte[] pushed = tcp(true, 100, 5000, ACK | PSH, payload(1000, 4), false);
        assertJoins(pushed, next(pushed, s -> { }), false); // PSH ends the packet
        final byte[] small = tcp(true, 100, 5000, ACK, payload(500, 4), false);
        assertJoins(small, next(small, s -> { }), true);
        final TcpCoalescer c = new TcpCoalescer(0);
        assertTrue(c.offer(small, 0, small.length));
        final byte[] second = next(small, s -> { });
        assertTrue(c.offer(second, 0, second.length));
        final byte[] bigger = tcp(true, 102, 6000, ACK, payload(600, 4), false);
        assertFalse(c.offer(bigger, 0, bigger.length), "larger than the first segment");
        final byte[] badIp = base.clone();
        badIp[10] ^= 1;
        assertFalse(new TcpCoalescer(0).offer(badIp, 0, badIp.length), "bad IPv4 header checksum");
        final byte[] empty = tcp(true, 1, 1, ACK, new byte[0], false);
        assertFalse(new TcpCoalescer(0).offer(empty, 0, empty.length), "a bare ACK");
    }

    /** A corrupt segment is refused and leaves the held packet as it was; the valid one sent again joins. */
    @Test
    @DisplayName("a corrupt segment is refused and leaves the held packet intact; the retransmission joins")
    void refusedSegmentLeavesHeldPacket() {
        final byte[] first = tcp(true, 100, 5000, ACK, payload(1000, 5), false);
        final byte[] second = next(first, s -> { });
        final byte[] corrupt = second.clone();
        corrupt[first.length - 1] ^= 0x40; // the last payload byte
        final TcpCoalescer c = new TcpCoalescer(4);
        assertFalse(c.offer(corrupt, 0, corrupt.length), "a corrupt first segment");
        assertEquals(0, c.segments());
        assertTrue(c.offer(first, 0, first.length));
        assertFalse(c.offer(corrupt, 0, corrupt.length), "a corrupt second segment");
        assertEquals(1, c.segments());
        assertEquals(first.length, c.length());
        assertArrayEquals(first, Arrays.copyOfRange(c.packet(), 4, 4 + c.length()));
        assertTrue(c.offer(second, 0, second.length));
        c.finish();
        final byte[] joined = Arrays.copyOfRange(c.packet(), 4, 4 + c.length());
        assertArrayEquals(Arrays.copyOfRange(first, 52, first.length), Arrays.copyOfRange(joined, 52, first.length));
        assertArrayEquals(Arrays.copyOfRange(second, 52, second.length), Arrays.copyOfRange(joined, first.length,
                joined.length));
    }

    // ---- helpers

    private interface Edit {
        void apply(byte[] segment);
    }

    private static void assertJoins(final byte[] first, final byte[] second, final boolean joins) {
        final TcpCoalescer c = new TcpCoalescer(0);
        assertTrue(c.offer(first, 0, first.length));
        assertEquals(joins, c.offer(second, 0, second.length));
    }

    /** The segment after {@code first} (next ID and sequence, same payload size), edited, with valid checksums. */
    private static byte[] next(final byte[] first, final Edit edit) {
        final byte[] s = first.clone();
        put16(s, 4, u16(first, 4) + 1);
        put32(s, 24, u32(first, 24) + (first.length - 52));
        edit.apply(s);
        fixChecksums(s, true);
        return s;
    }

    /** An IPv4 (DF, TTL 64) or IPv6 TCP packet with a 12-byte timestamp option; checksum partial or full. */
    private static byte[] tcp(final boolean v4, final int id, final long seq, final int flags, final byte[] payload,
                              final boolean partial) {
        final int ip = v4 ? 20 : 40;
        final byte[] p = new byte[ip + 32 + payload.length];
        if (v4) {
            p[0] = 0x45;
            put16(p, 2, p.length);
            put16(p, 4, id);
            put16(p, 6, 0x4000);
            p[8] = 64;
            p[9] = 6;
            System.arraycopy(new byte[] {(byte) 198, 18, 1, 10, (byte) 198, 18, 2, 10}, 0, p, 12, 8);
        } else {
            p[0] = 0x60;
            p[2] = 0x12;
            put16(p, 4, p.length - 40);
            p[6] = 6;
            p[7] = 64;
            p[8] = 0x20;
            p[9] = 0x01;
            p[10] = 0x0d;
            p[11] = (byte) 0xb8;
            p[23] = 1;
            p[24] = 0x20;
            p[25] = 0x01;
            p[26] = 0x0d;
            p[27] = (byte) 0xb8;
            p[39] = 2;
        }
        put16(p, ip, 40000);
        put16(p, ip + 2, 5201);
        put32(p, ip + 4, seq);
        put32(p, ip + 8, 0x0A0B0C0DL);
        p[ip + 12] = (byte) 0x80; // data offset 8 words
        p[ip + 13] = (byte) flags;
        put16(p, ip + 14, 502);
        System.arraycopy(new byte[] {1, 1, 8, 10, 0, 0, 0, 42, 0, 0, 0, 7}, 0, p, ip + 20, 12);
        System.arraycopy(payload, 0, p, ip + 32, payload.length);
        if (v4) {
            put16(p, 10, TextbookChecksum.of(p, 0, 20, 0));
        }
        final int tcpLen = p.length - ip;
        if (partial) {
            put16(p, ip + 16, pseudoSum(p, v4, tcpLen));
        } else {
            put16(p, ip + 16, TextbookChecksum.of(p, ip, tcpLen, pseudoSum(p, v4, tcpLen)));
        }
        return p;
    }

    private static void fixChecksums(final byte[] p, final boolean v4) {
        put16(p, 10, 0);
        put16(p, 10, TextbookChecksum.of(p, 0, 20, 0));
        put16(p, 36, 0);
        put16(p, 36, TextbookChecksum.of(p, 20, p.length - 20, pseudoSum(p, v4, p.length - 20)));
    }

    private static byte[] payload(final int n, final long seed) {
        final byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Verifies a TCP checksum: 0 when valid. */
    private static int tcpChecksum(final byte[] p) {
        final boolean v4 = (p[0] & 0xF0) == 0x40;
        final int ip = v4 ? 20 : 40;
        return TextbookChecksum.of(p, ip, p.length - ip, pseudoSum(p, v4, p.length - ip));
    }

    /** The folded pseudo-header sum (RFC 793 / RFC 8200 §8.1), not complemented. */
    private static int pseudoSum(final byte[] p, final boolean v4, final int tcpLen) {
        int sum = 0;
        if (v4) {
            for (int i = 12; i < 20; i += 2) {
                sum += u16(p, i);
            }
        } else {
            for (int i = 8; i < 40; i += 2) {
                sum += u16(p, i);
            }
        }
        sum += 6 + tcpLen;
        while (sum > 0xFFFF) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return sum;
    }

    private static int u16(final byte[] b, final int off) {
        return ((b[off] & 0xFF) << 8) | (b[off + 1] & 0xFF);
    }

    private static long u32(final byte[] b, final int off) {
        return ((long) u16(b, off) << 16) | u16(b, off + 2);
    }

    private static void put16(final byte[] b, final int off, final int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }

    private static void put32(final byte[] b, final int off, final long v) {
        put16(b, off, (int) (v >>> 16) & 0xFFFF);
        put16(b, off + 2, (int) v & 0xFFFF);
    }
}
