package io.sallyport.net.linux;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The next-hop table on a fake clock and a fake rtnetlink: bounded, aged, resolved again each round. */
class NextHopCacheTest {

    private static final long SECOND = 1_000_000_000L;
    private static final long IDLE = 30 * SECOND;
    private static final int A = 0xc6336401;
    private static final int B = 0xc6336402;
    private static final int C = 0xc6336403;

    private long now;
    /** What the fake rtnetlink answers: a header per destination, none (absent) for "through the kernel". */
    private final Map<Integer, byte[]> neighbours = new HashMap<>();
    private final List<Integer> asked = new ArrayList<>();

    private NextHopCache cache(final int capacity) {
        return new NextHopCache(capacity, IDLE, () -> now, d -> {
            asked.add(d);
            return neighbours.get(d);
        });
    }

    private static byte[] header(final int mac) {
        final byte[] h = new byte[14];
        h[5] = (byte) mac;
        h[12] = 0x08;
        return h;
    }

    @Test
    @DisplayName("A wanted destination is resolved at the next round; the kernel's answer for one without a neighbour is kept as null")
    void shouldResolveWantedDestinations() {
        final NextHopCache cache = cache(16);
        neighbours.put(A, header(1));
        assertTrue(cache.want(A));
        assertFalse(cache.want(A), "already wanted: no second wake-up");
        assertTrue(cache.want(B));
        assertTrue(cache.hasWanted());
        cache.refresh();
        assertFalse(cache.hasWanted());
        final NextHopCache.Table t = cache.table();
        assertArrayEquals(header(1), t.headers()[t.find(A)]);
        assertTrue(t.find(B) >= 0);
        assertNull(t.headers()[t.find(B)], "no neighbour: through the kernel, not asked again by the senders");
        assertTrue(t.find(C) < 0);
    }

    @Test
    @DisplayName("Each round asks again for what is kept, and publishes a new table only when an answer changed")
    void shouldResolveAgainEachRound() {
        final NextHopCache cache = cache(16);
        neighbours.put(A, header(1));
        cache.want(A);
        cache.refresh();
        final NextHopCache.Table first = cache.table();
        asked.clear();
        now += SECOND;
        cache.refresh();
        assertEquals(List.of(A), asked);
        assertSame(first, cache.table(), "same answers: the senders keep their cached lookups");
        neighbours.put(A, header(2));
        now += SECOND;
        cache.refresh();
        assertArrayEquals(header(2), cache.table().headers()[cache.table().find(A)]);
    }

    @Test
    @DisplayName("An entry the senders keep using stays; one unused for longer than the idle time leaves the table")
    void shouldAgeOutUnusedEntries() {
        final NextHopCache cache = cache(16);
        neighbours.put(A, header(1));
        neighbours.put(B, header(2));
        cache.want(A);
        cache.want(B);
        cache.refresh();
        // A is used every second, B never again.
        for (int s = 1; s <= 30; s++) {
            final NextHopCache.Table t = cache.table();
            t.use(t.find(A));
            now += SECOND;
            cache.refresh();
            assertTrue(cache.table().find(B) >= 0, "B kept until idle for 30 s: " + s);
        }
        final NextHopCache.Table t = cache.table();
        t.use(t.find(A));
        now += SECOND;
        cache.refresh();
        assertTrue(cache.table().find(A) >= 0, "A in use");
        assertTrue(cache.table().find(B) < 0, "B unused for 31 s: gone");
        asked.clear();
        now += SECOND;
        cache.refresh();
        assertEquals(List.of(A), asked, "B is not asked for any more");
        // Wanted again: back at the next round.
        assertTrue(cache.want(B));
        cache.refresh();
        assertTrue(cache.table().find(B) >= 0);
    }

    @Test
    @DisplayName("At most capacity destinations are kept or waiting; what is asked beyond goes through the kernel until room is made")
    void shouldBoundTheTable() {
        final NextHopCache cache = cache(4);
        for (int i = 0; i < 4; i++) {
            neighbours.put(A + i, header(i));
            assertTrue(cache.want(A + i));
        }
        assertFalse(cache.want(A + 4), "full while four wait");
        cache.refresh();
        assertEquals(4, cache.table().destinations().length);
        assertFalse(cache.want(A + 4), "full with four kept");
        assertFalse(cache.hasWanted());
        // The four age out unused; then there is room.
        now += IDLE + SECOND;
        cache.refresh();
        assertEquals(0, cache.table().destinations().length);
        assertTrue(cache.want(A + 4));
        cache.refresh();
        assertArrayEquals(new int[] {A + 4}, cache.table().destinations());
    }

    @Test
    @DisplayName("Asking again for a destination that waits allocates nothing: every packet to it asks until the next round")
    void shouldAskAgainWithoutAllocating() {
        final NextHopCache cache = cache(4096);
        final int[] waiting = {A, B, C, 0xcb007101};
        for (final int d : waiting) {
            assertTrue(cache.want(d));
        }
        final com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        final long before = threads.getCurrentThreadAllocatedBytes();
        // Interpreted and C1-compiled calls count too (no escape analysis there): a boxed address per call is 1.6 MB.
        int again = 0;
        for (int i = 0; i < 100_000; i++) {
            again += cache.want(waiting[i & 3]) ? 1 : 0;
        }
        final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertEquals(0, again, "each was wanted already");
        assertTrue(allocated < 10_000, allocated + " bytes for 100,000 asks");
        cache.refresh();
        assertEquals(4, cache.table().destinations().length);
    }

    @Test
    @DisplayName("A use mark is taken back once per round: an entry used only before the last round ages from then")
    void shouldTakeUseMarksBackEachRound() {
        final NextHopCache.Table t = NextHopCache.Table.of(Map.of(A, header(1)));
        assertFalse(t.takeUse(0));
        t.use(0);
        t.use(0);
        assertTrue(t.takeUse(0));
        assertFalse(t.takeUse(0));
    }
}
