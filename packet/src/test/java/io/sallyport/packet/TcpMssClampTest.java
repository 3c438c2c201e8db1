package io.sallyport.packet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;

import io.sallyport.packet.TcpMssClamp.Result;
import org.junit.jupiter.api.Test;

/**
 * SYNs built byte by byte; every clamped checksum is compared with one computed from scratch over
 * the pseudo-header and segment ({@link TextbookChecksum}), never with the incremental update.
 */
class TcpMssClampTest {
    private static final int SYN = 0x02;
    private static final int ACK = 0x10;
    private static final int RST = 0x04;
    private static final byte[] NOP = {1};
    private static final byte[] SACK_OK = {4, 2};
    private static final byte[] WSCALE_7 = {3, 3, 7};
    private static final byte[] TIMESTAMPS = {8, 10, 0, 0, 0x12, 0x34, 0, 0, 0, 0};

    @Test
    void lowersAnIpv4SynsMssAndItsChecksumMatchesOneComputedFromScratch() {
        byte[] p = syn(true, SYN, opts(mss(1460), SACK_OK, TIMESTAMPS, NOP, WSCALE_7), 0);
        assertEquals(Result.SYN_CLAMPED, TcpMssClamp.clamp(p, 0, p.length, 1360));
        assertEquals(1360, u16(p, 20 + 22));
        assertEquals(scratchChecksum(p), u16(p, 20 + 16));
    }

    @Test
    void lowersASynAcksMssToo() {
        byte[] p = syn(true, SYN | ACK, opts(mss(1460), NOP, NOP, SACK_OK, NOP, WSCALE_7), 0);
        assertEquals(Result.SYN_CLAMPED, TcpMssClamp.clamp(p, 0, p.length, 1200));
        assertEquals(1200, u16(p, 20 + 22));
        assertEquals(scratchChecksum(p), u16(p, 20 + 16));
    }

    @Test
    void anMssAtAnOddOffsetFromTheTcpHeaderUpdatesTheChecksumByteSwapped() {
        // One NOP before MSS: the value's bytes are at offsets 23 and 24, in two checksum words.
        byte[] p = syn(true, SYN, opts(NOP, mss(1460), NOP, NOP, NOP), 0);
        assertEquals(Result.SYN_CLAMPED, TcpMssClamp.clamp(p, 0, p.length, 1300));
        assertEquals(1300, u16(p, 20 + 23));
        assertEquals(scratchChecksum(p), u16(p, 20 + 16));
    }

    @Test
    void ipv6SynsAreClampedAlsoBehindExtensionHeaders() {
        byte[] plain = syn(false, SYN, opts(mss(1440), SACK_OK, NOP, NOP), 0);
        assertEquals(Result.SYN_CLAMPED, TcpMssClamp.clamp(plain, 0, plain.length, 1220));
        assertEquals(1220, u16(plain, 40 + 22));
        assertEquals(scratchChecksum(plain), u16(plain, 40 + 16));

        byte[] hopByHop = syn(false, SYN | ACK, opts(mss(1440), SACK_OK, NOP, NOP), 8);
        assertEquals(Result.SYN_CLAMPED, TcpMssClamp.clamp(hopByHop, 0, hopByHop.length, 1220));
        assertEquals(1220, u16(hopByHop, 48 + 22));
        assertEquals(scratchChecksum(hopByHop), u16(hopByHop, 48 + 16));
    }

    @Test
    void neverRaisesTheMssNorAddsOne() {
        byte[] small = syn(true, SYN, opts(mss(1200), SACK_OK, NOP, NOP), 0);
        byte[] before = small.clone();
        assertEquals(Result.SYN_KEPT, TcpMssClamp.clamp(small, 0, small.length, 1360));
        assertArrayEquals(before, small);
        byte[] equal = syn(true, SYN, opts(mss(1360)), 0);
        assertEquals(Result.SYN_KEPT, TcpMssClamp.clamp(equal, 0, equal.length, 1360));
        byte[] none = syn(true, SYN, opts(SACK_OK, NOP, NOP, NOP, WSCALE_7), 0);
        before = none.clone();
        assertEquals(Result.SYN_KEPT, TcpMssClamp.clamp(none, 0, none.length, 536));
        assertArrayEquals(before, none);
        byte[] bare = syn(false, SYN, new byte[0], 0);
        assertEquals(Result.SYN_KEPT, TcpMssClamp.clamp(bare, 0, bare.length, 536));
    }

    @Test
    void leavesEverythingButSynsAlone() {
        for (int flags : new int[] {ACK, SYN | RST, 0x18}) {
            byte[] p = syn(true, flags, opts(mss(1460)), 0);
            byte[] before = p.clone();
            assertEquals(Result.NOT_SYN, TcpMssClamp.clamp(p, 0, p.length, 1000), "flags " + flags);
            assertArrayEquals(before, p);
        }
        byte[] udp = TestPackets.ipv4Udp(40, false, 1, 7);
        assertEquals(Result.NOT_SYN, TcpMssClamp.clamp(udp, 0, udp.length, 1000));
        byte[] laterFragment = syn(true, SYN, opts(mss(1460)), 0);
        laterFragment[7] = 8; // fragment offset 64 bytes
        byte[] before = laterFragment.clone();
        assertEquals(Result.NOT_SYN, TcpMssClamp.clamp(laterFragment, 0, laterFragment.length, 1000));
        assertArrayEquals(before, laterFragment);
    }

    @Test
    void anMssOptionAfterEndOfOptionsOrWithABadLengthIsNotTouched() {
        byte[] afterEnd = syn(true, SYN, opts(new byte[] {0, 0, 0, 0}, mss(1460)), 0);
        assertEquals(Result.SYN_KEPT, TcpMssClamp.clamp(afterEnd, 0, afterEnd.length, 1000));
        assertEquals(1460, u16(afterEnd, 20 + 26));
        byte[] badLength = syn(true, SYN, opts(new byte[] {2, 5, 0x05, (byte) 0xb4, 0}, NOP, NOP, NOP), 0);
        byte[] before = badLength.clone();
        assertEquals(Result.SYN_KEPT, TcpMssClamp.clamp(badLength, 0, badLength.length, 1000));
        assertArrayEquals(before, badLength);
    }

    @Test
    void everyTruncationOfASynIsReadWithinItsLength() {
        for (boolean v4 : new boolean[] {true, false}) {
            byte[] full = syn(v4, SYN, opts(NOP, NOP, SACK_OK, TIMESTAMPS, mss(1460)), v4 ? 0 : 16);
            for (int len = 0; len < full.length; len++) {
                byte[] cut = java.util.Arrays.copyOf(full, len);
                byte[] before = cut.clone();
                // The IP header still claims the full length: the clamp must trust len, not it.
                Result r = TcpMssClamp.clamp(cut, 0, len, 1000);
                if (r != Result.SYN_CLAMPED) {
                    assertArrayEquals(before, cut, "length " + len);
                }
            }
        }
    }

    @Test
    void anyMssAnyCeilingAnyAlignmentGivesTheScratchChecksumOrLeavesThePacket() {
        qt().withExamples(2000).forAll(integers().between(0, 65535), integers().between(536, 65535),
                integers().between(0, 3), booleans().all())
            .checkAssert((old, ceiling, nops, v4) -> {
                byte[] lead = new byte[nops];
                java.util.Arrays.fill(lead, (byte) 1);
                byte[] p = syn(v4, SYN, opts(lead, mss(old)), 0);
                int at = (v4 ? 20 : 40) + 20 + nops + 2;
                byte[] before = p.clone();
                Result r = TcpMssClamp.clamp(p, 0, p.length, ceiling);
                if (old > ceiling) {
                    assertEquals(Result.SYN_CLAMPED, r);
                    assertEquals(ceiling, u16(p, at));
                    assertEquals(0, verify(p), "checksum verifies");
                } else {
                    assertEquals(Result.SYN_KEPT, r);
                    assertArrayEquals(before, p);
                }
            });
    }

    // ---------------------------------------------------------------- hand-built SYNs

    private static byte[] mss(int value) {
        return new byte[] {2, 4, (byte) (value >>> 8), (byte) value};
    }

    /** Options padded with zero (end-of-options) bytes to a multiple of four. */
    private static byte[] opts(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) n += p.length;
        byte[] out = new byte[(n + 3) & ~3];
        int i = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, i, p.length);
            i += p.length;
        }
        return out;
    }

    /**
     * An IPv4 or IPv6 TCP segment with the given flags and options (and, for IPv6, a hop-by-hop
     * header of {@code hopByHop} bytes, 0 for none), 20 bytes of payload, valid checksums.
     */
    private static byte[] syn(boolean v4, int flags, byte[] options, int hopByHop) {
        int ip = v4 ? 20 : 40 + hopByHop;
        int tcpLen = 20 + options.length + 20;
        byte[] p = new byte[ip + tcpLen];
        if (v4) {
            p[0] = 0x45;
            put16(p, 2, p.length);
            put16(p, 4, 0x1234);
            p[6] = 0x40; // DF
            p[8] = 64;
            p[9] = 6;
            put32(p, 12, 0xC6120A0A); // 198.18.10.10
            put32(p, 16, 0xC6121414); // 198.18.20.20
            put16(p, 10, TextbookChecksum.of(p, 0, 20, 0));
        } else {
            p[0] = 0x60;
            put16(p, 4, p.length - 40);
            p[6] = (byte) (hopByHop > 0 ? 0 : 6);
            p[7] = 64;
            System.arraycopy(TestPackets.v6(1), 0, p, 8, 16);
            System.arraycopy(TestPackets.v6(2), 0, p, 24, 16);
            if (hopByHop > 0) {
                p[40] = 6;
                p[41] = (byte) (hopByHop / 8 - 1);
                p[42] = 1; // PadN over the rest
                p[43] = (byte) (hopByHop - 4);
            }
        }
        put16(p, ip, 40000);
        put16(p, ip + 2, 443);
        put32(p, ip + 4, 0x01020304);
        put32(p, ip + 8, (flags & ACK) != 0 ? 0x0A0B0C0D : 0);
        p[ip + 12] = (byte) (((20 + options.length) / 4) << 4);
        p[ip + 13] = (byte) flags;
        put16(p, ip + 14, 64240);
        System.arraycopy(options, 0, p, ip + 20, options.length);
        for (int i = ip + 20 + options.length; i < p.length; i++) p[i] = (byte) (i * 7);
        put16(p, ip + 16, scratchChecksum(p));
        return p;
    }

    /** The TCP checksum computed from nothing but the packet's bytes, its own field taken as zero. */
    private static int scratchChecksum(byte[] p) {
        byte[] copy = p.clone();
        int tcp = tcpOffset(copy);
        put16(copy, tcp + 16, 0);
        return TextbookChecksum.of(copy, tcp, copy.length - tcp, pseudoSum(copy, tcp));
    }

    /** 0 when the TCP checksum over pseudo-header and segment verifies. */
    private static int verify(byte[] p) {
        int tcp = tcpOffset(p);
        return TextbookChecksum.of(p, tcp, p.length - tcp, pseudoSum(p, tcp));
    }

    private static int tcpOffset(byte[] p) {
        if ((p[0] & 0xF0) == 0x40) return (p[0] & 0x0F) * 4;
        return p[6] == 0 ? 40 + ((p[41] & 0xFF) + 1) * 8 : 40;
    }

    private static int pseudoSum(byte[] p, int tcp) {
        boolean v4 = (p[0] & 0xF0) == 0x40;
        int sum = 0;
        for (int i = v4 ? 12 : 8; i < (v4 ? 20 : 40); i += 2) sum += u16(p, i);
        sum += 6 + (p.length - tcp);
        while (sum > 0xFFFF) sum = (sum & 0xFFFF) + (sum >>> 16);
        return sum;
    }

    private static int u16(byte[] b, int off) {
        return ((b[off] & 0xFF) << 8) | (b[off + 1] & 0xFF);
    }

    private static void put16(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }

    private static void put32(byte[] b, int off, int v) {
        put16(b, off, v >>> 16);
        put16(b, off + 2, v & 0xFFFF);
    }
}
