package io.sallyport.packet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class FragmentationTest {
    private static final long SECOND = 1_000_000_000L;

    private static List<byte[]> fragment(final byte[] p, final int mtu) {
        final List<byte[]> out = new ArrayList<>();
        final int n = Ipv4Fragmenter.count(p, 0, mtu);
        for (int i = 0; i < n; i++) {
            final byte[] f = new byte[mtu];
            final int len = Ipv4Fragmenter.write(p, 0, mtu, i, f, 0);
            out.add(Arrays.copyOf(f, len));
        }
        return out;
    }

    @Test
    @DisplayName("RFC 791: fragments in any order reassemble to the original")
    void fragmentsReassembleToTheOriginal() {
        qt().withExamples(200).forAll(integers().between(0, 9000), integers().between(68, 1500), longs().all())
                .checkAssert(FragmentationTest::fragmentsReassembleToTheOriginal);
    }

    private static void fragmentsReassembleToTheOriginal(final int payload, final int mtu, final long seed) {
        final byte[] p = TestPackets.ipv4Udp(payload, false, 4242, seed);
        final List<byte[]> frags = fragment(p, mtu);
        for (final byte[] f : frags) {
            assertTrue(f.length <= mtu);
            assertTrue(new Ipv4View().wrap(f, 0, f.length).checksumValid());
        }
        Collections.shuffle(frags, new Random(seed));
        final Ipv4Reassembler r = new Ipv4Reassembler(4, 30 * SECOND);
        final byte[] out = new byte[70_000];
        int result = Ipv4Reassembler.HELD;
        for (int i = 0; i < frags.size(); i++) {
            final byte[] f = frags.get(i);
            result = r.offer(f, 0, f.length, i, out, 0);
            if (i < frags.size() - 1) {
                assertEquals(Ipv4Reassembler.HELD, result);
            }
        }
        assertEquals(p.length, result);
        assertArrayEquals(p, Arrays.copyOf(out, result));
        assertEquals(0, r.inProgress());
    }

    @Test
    void timeoutDropsAnIncompleteDatagramExactlyAtTheDeadline() {
        final byte[] p = TestPackets.ipv4Udp(2000, false, 1, 1);
        final List<byte[]> frags = fragment(p, 1000);
        final Ipv4Reassembler r = new Ipv4Reassembler(4, 30 * SECOND);
        final byte[] out = new byte[70_000];
        r.offer(frags.get(0), 0, frags.get(0).length, 0, out, 0);
        assertEquals(0, r.expire(30 * SECOND - 1));
        assertEquals(1, r.inProgress());
        assertEquals(1, r.expire(30 * SECOND));
        assertEquals(1, r.timeouts());
        // The rest arrives too late: it starts a new datagram that never completes.
        for (int i = 1; i < frags.size(); i++) {
            assertEquals(Ipv4Reassembler.HELD, r.offer(frags.get(i), 0, frags.get(i).length, 31 * SECOND, out, 0));
        }
    }

    @Test
    void overlappingFragmentDiscardsTheDatagram() {
        final byte[] p = TestPackets.ipv4Udp(2000, false, 1, 2);
        final List<byte[]> frags = fragment(p, 1000);
        final Ipv4Reassembler r = new Ipv4Reassembler(4, 30 * SECOND);
        final byte[] out = new byte[70_000];
        r.offer(frags.get(0), 0, frags.get(0).length, 0, out, 0);
        assertEquals(Ipv4Reassembler.OVERLAP, r.offer(frags.get(0), 0, frags.get(0).length, 1, out, 0));
        assertEquals(1, r.overlaps());
        assertEquals(0, r.inProgress());
    }

    @Test
    void boundedTableEvictsTheOldest() {
        final Ipv4Reassembler r = new Ipv4Reassembler(2, 30 * SECOND);
        final byte[] out = new byte[70_000];
        for (int id = 1; id <= 3; id++) {
            final byte[] f = fragment(TestPackets.ipv4Udp(2000, false, id, id), 1000).get(0);
            r.offer(f, 0, f.length, id, out, 0);
        }
        assertEquals(2, r.inProgress());
        assertEquals(1, r.evictions());
    }

    @Test
    void malformedFragmentIsCounted() {
        final Ipv4Reassembler r = new Ipv4Reassembler(2, SECOND);
        final byte[] junk = new byte[30];
        assertEquals(Ipv4Reassembler.MALFORMED, r.offer(junk, 0, junk.length, 0, new byte[100], 0));
        assertEquals(1, r.malformed());
    }

    @Test
    void fragmentsKeepDfAndSetMfOnAllButTheLast() {
        final byte[] p = TestPackets.ipv4Udp(3000, false, 9, 3);
        final List<byte[]> frags = fragment(p, 1500);
        assertEquals(3, frags.size());
        final Ipv4View v = new Ipv4View();
        assertTrue(v.wrap(frags.get(0), 0, frags.get(0).length).moreFragments());
        assertEquals(1480, v.wrap(frags.get(1), 0, frags.get(1).length).fragmentOffset());
        assertEquals(false, v.wrap(frags.get(2), 0, frags.get(2).length).moreFragments());
    }
}
