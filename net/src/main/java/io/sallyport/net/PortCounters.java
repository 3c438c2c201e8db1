package io.sallyport.net;

import java.util.EnumMap;
import java.util.Map;

/**
 * Counters of one port: a plain {@code long[]} indexed by {@link PortCounter#ordinal()}. Each
 * counter has one writer: receive counters the receiving thread, send counters the sending
 * thread ({@link PortCounter#LAST_ERRNO}, a diagnostic, is written by both); readers accept
 * slightly stale values, as with per-worker counters.
 */
public final class PortCounters {

    private static final PortCounter[] ALL = PortCounter.values();
    private final long[] values = new long[ALL.length];

    public void increment(final PortCounter counter) {
        values[counter.ordinal()]++;
    }

    public void add(final PortCounter counter, final long delta) {
        values[counter.ordinal()] += delta;
    }

    /** Records one successful receive of {@code bytes}. */
    public void received(final int bytes) {
        values[PortCounter.PACKETS_RECEIVED.ordinal()]++;
        values[PortCounter.BYTES_RECEIVED.ordinal()] += bytes;
    }

    /** Records one successful send of {@code bytes}. */
    public void sent(final int bytes) {
        values[PortCounter.PACKETS_SENT.ordinal()]++;
        values[PortCounter.BYTES_SENT.ordinal()] += bytes;
    }

    /** Counts a failed send or receive and remembers the host's errno for diagnostics. */
    public void failed(final PortCounter reason, final int errno) {
        values[reason.ordinal()]++;
        values[PortCounter.LAST_ERRNO.ordinal()] = errno;
    }

    public long get(final PortCounter counter) {
        return values[counter.ordinal()];
    }

    /** A copy with every counter, in declaration order, for {@code show} output. */
    public Map<PortCounter, Long> snapshot() {
        final Map<PortCounter, Long> copy = new EnumMap<>(PortCounter.class);
        for (final PortCounter c : ALL) {
            copy.put(c, values[c.ordinal()]);
        }
        return copy;
    }
}
