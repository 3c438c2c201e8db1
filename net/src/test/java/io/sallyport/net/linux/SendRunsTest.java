package io.sallyport.net.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sallyport.net.OuterHeader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link SendRuns}: where a batch splits into GSO messages and into groups of one IPv4 DF. */
class SendRunsTest {
    private static final int TTL37 = OuterHeader.of(37, 40, true);
    private static final int TTL9 = OuterHeader.of(9, 40, true);
    private static final int TOS0 = OuterHeader.of(37, 0, true);
    private static final int NO_DF = OuterHeader.of(37, 40, false);

    /** The run lengths {@link SendRuns#runEnd} makes of the whole batch. */
    private static List<Integer> runs(int[] destinations, int[] lengths, int[] outers, int maxBytes) {
        List<Integer> out = new ArrayList<>();
        int i = 0;
        while (i < lengths.length) {
            int j = SendRuns.runEnd(i, lengths.length, destinations, lengths, outers, maxBytes);
            out.add(j - i);
            i = j;
        }
        return out;
    }

    @Test
    void equalDatagramsWithOneOuterHeaderAreOneRun() {
        assertEquals(List.of(4), runs(new int[] {1, 1, 1, 1}, new int[] {1400, 1400, 1400, 900},
            new int[] {TTL37, TTL37, TTL37, TTL37}, 65487));
    }

    @Test
    void aRunEndsWhereTtlTosOrDfDiffer() {
        // Copy-from-inner: the fourth packet's inner TTL was different, the sixth's ToS, the eighth's DF.
        int[] outers = {TTL37, TTL37, TTL37, TTL9, TTL9, TOS0, TOS0, NO_DF, TTL37};
        int[] lengths = new int[outers.length];
        java.util.Arrays.fill(lengths, 1400);
        int[] destinations = new int[outers.length];
        java.util.Arrays.fill(destinations, 1);
        assertEquals(List.of(3, 2, 2, 1, 1), runs(destinations, lengths, outers, 65487));
    }

    @Test
    void destinationLengthAndSizeStillSplitRuns() {
        assertEquals(List.of(2, 3), runs(new int[] {1, 1, 2, 2, 2}, new int[] {1000, 1000, 1000, 1000, 500},
            new int[] {TTL37, TTL37, TTL37, TTL37, TTL37}, 65487));
        assertEquals(List.of(2, 1), runs(new int[] {1, 1, 1}, new int[] {1000, 1000, 1000},
            new int[] {TTL37, TTL37, TTL37}, 2500));
        // A longer datagram after a run ends it (the run's size is its first datagram's).
        assertEquals(List.of(1, 1), runs(new int[] {1, 1}, new int[] {900, 1000}, new int[] {0, 0}, 65487));
    }

    @Test
    void dfOfADatagram() {
        assertEquals(1, SendRuns.df(true, TTL37));
        assertEquals(0, SendRuns.df(true, NO_DF));
        assertEquals(SendRuns.ANY_DF, SendRuns.df(true, OuterHeader.KERNEL), "the kernel's header: any DF");
        assertEquals(SendRuns.ANY_DF, SendRuns.df(false, TTL37), "IPv6 UDP: DF travels with each message");
    }

    /** The groups {@link SendRuns#dfGroupEnd} makes, as (length, DF) pairs. */
    private static List<List<Integer>> groups(int... dfs) {
        List<List<Integer>> out = new ArrayList<>();
        int[] df = new int[1];
        int from = 0;
        while (from < dfs.length) {
            int to = SendRuns.dfGroupEnd(from, dfs.length, dfs, df);
            out.add(List.of(to - from, df[0]));
            from = to;
        }
        return out;
    }

    @Test
    void messagesGroupByDfAndTheKernelsJoinAny() {
        int any = SendRuns.ANY_DF;
        assertEquals(List.of(List.of(3, 1)), groups(1, 1, 1));
        assertEquals(List.of(List.of(2, 1), List.of(1, 0), List.of(2, 1)), groups(1, 1, 0, 1, 1));
        assertEquals(List.of(List.of(3, 0), List.of(2, 1)), groups(any, 0, any, 1, any));
        assertEquals(List.of(List.of(2, any)), groups(any, any));
    }

    @Test
    void outerHeaderPacksItsValues() {
        int o = OuterHeader.of(255, 0xB8, true);
        assertArrayEquals(new int[] {255, 0xB8, 1}, new int[] {OuterHeader.ttl(o), OuterHeader.tos(o),
            OuterHeader.dontFragment(o) ? 1 : 0});
        assertEquals(true, OuterHeader.given(OuterHeader.of(1, 0, false)));
        assertEquals(false, OuterHeader.given(OuterHeader.KERNEL));
    }
}
