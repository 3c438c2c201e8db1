package io.sallyport.net.linux;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;

/**
 * The Ethernet headers to the destinations an {@link XdpEspPath}'s senders use, bounded and aged:
 * the senders read the published {@link Table} without a lock, mark the entries they use and ask
 * for ({@link #want}) destinations it lacks; the path's resolver thread, alone, calls
 * {@link #refresh} (at once for a new destination, else once a second), which resolves every kept
 * destination and every wanted one again and publishes a new table when anything changed. An
 * entry not used for {@code idleNanos} is dropped (the next packet to it goes through the kernel
 * and asks again); at most {@code capacity} destinations are kept or waiting, what is asked for
 * beyond that goes through the kernel.
 */
final class NextHopCache {

    private final int capacity;
    private final long idleNanos;
    private final LongSupplier clock;
    private final IntFunction<byte[]> resolve;
    /** Destinations the senders asked for that the table does not hold yet (at most {@link #capacity}). */
    private final WantedDestinations wanted;
    /** When the refreshing thread last saw each kept destination used: its own. */
    private final Map<Integer, Long> lastUsed = new HashMap<>();
    private volatile Table table = Table.EMPTY;

    /**
     * @param resolve the 14-byte Ethernet header to a destination (an IPv4 address as an int), or
     *                null when it goes through the kernel; called on the refreshing thread
     */
    NextHopCache(final int capacity, final long idleNanos, final LongSupplier clock, final IntFunction<byte[]> resolve) {
        this.capacity = capacity;
        this.idleNanos = idleNanos;
        this.clock = clock;
        this.resolve = resolve;
        this.wanted = new WantedDestinations(capacity);
    }

    /** The published table. Any thread. */
    Table table() {
        return table;
    }

    /**
     * A sender met {@code destination}, which the table does not hold; true when it is newly
     * wanted (the caller wakes the refreshing thread), false when already wanted or no room is left.
     * Allocates nothing: every packet to a destination asks until the next round.
     */
    boolean want(final int destination) {
        return wanted.count() + table.destinations.length < capacity && wanted.add(destination);
    }

    /** Whether a destination waits for {@link #refresh}. */
    boolean hasWanted() {
        return wanted.count() > 0;
    }

    /**
     * One round on the refreshing thread: notes which entries the senders used since the last
     * round, drops those idle too long, and resolves the rest and the wanted ones again.
     */
    void refresh() {
        final long now = clock.getAsLong();
        final Table current = table;
        for (int i = 0; i < current.destinations.length; i++) {
            if (current.takeUse(i)) {
                lastUsed.put(current.destinations[i], now);
            }
        }
        wanted.takeAll(d -> {
            if (lastUsed.size() < capacity) {
                lastUsed.put(d, now);
            }
        });
        lastUsed.values().removeIf(used -> now - used > idleNanos);
        final Map<Integer, byte[]> next = new HashMap<>();
        for (final int d : lastUsed.keySet()) {
            next.put(d, resolve.apply(d));
        }
        final Table fresh = Table.of(next);
        if (!fresh.equals(current)) {
            table = fresh;
        }
    }

    /**
     * Destinations (IPv4 addresses as ints, sorted) and the Ethernet header for each, null for
     * "through the kernel"; immutable but for the use marks the senders set and the refreshing
     * thread takes back.
     */
    record Table(int[] destinations, byte[][] headers, int[] used) {
        static final Table EMPTY = new Table(new int[0], new byte[0][], new int[0]);
        private static final VarHandle USED = MethodHandles.arrayElementVarHandle(int[].class);

        static Table of(final Map<Integer, byte[]> entries) {
            final int[] keys = entries.keySet().stream().mapToInt(Integer::intValue).sorted().toArray();
            final byte[][] values = new byte[keys.length][];
            for (int i = 0; i < keys.length; i++) {
                values[i] = entries.get(keys[i]);
            }
            return new Table(keys, values, new int[keys.length]);
        }

        /** The entry's index, or a negative number when the table does not hold {@code destination}. */
        int find(final int destination) {
            return Arrays.binarySearch(destinations, destination);
        }

        /** A sender used entry {@code at}: written only when not marked yet, so a busy entry costs a read. */
        void use(final int at) {
            if ((int) USED.getOpaque(used, at) == 0) {
                USED.setOpaque(used, at, 1);
            }
        }

        /** Whether entry {@code at} was used since the last call (the refreshing thread's). */
        boolean takeUse(final int at) {
            if ((int) USED.getOpaque(used, at) == 0) {
                return false;
            }
            USED.setOpaque(used, at, 0);
            return true;
        }

        /** Same destinations and headers (the use marks are not the table's content). */
        @Override
        public boolean equals(final Object o) {
            return o instanceof Table t && Arrays.equals(t.destinations, destinations)
                    && Arrays.deepEquals(t.headers, headers);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(destinations);
        }

        @Override
        public String toString() {
            return "Table" + Arrays.toString(destinations);
        }
    }
}
