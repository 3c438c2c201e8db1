package io.sallyport.esp;

/**
 * Plain {@code long[]} counters owned by one worker thread (or one tunnel on one worker), indexed
 * by enum ordinal. Readers on other threads get a snapshot via {@link #addTo}; a torn read of a
 * long on a 64-bit JVM is not possible, and staleness is fine for {@code show}.
 */
public final class EspCounters {
    /** Counted once: {@code values()} clones its array, and workers copy these counters after every burst. */
    private static final int STATS = EspStat.values().length;
    private static final DropReason[] REASONS = DropReason.values();

    private final long[] stats = new long[STATS];
    private final long[] drops = new long[REASONS.length];

    public void add(final EspStat s, final long n) { stats[s.ordinal()] += n; }
    public void increment(final EspStat s) { stats[s.ordinal()]++; }
    public void drop(final DropReason r) { drops[r.ordinal()]++; }

    public long get(final EspStat s) { return stats[s.ordinal()]; }
    public long get(final DropReason r) { return drops[r.ordinal()]; }

    /** Sum of all drop reasons that map to one §4.5 error field, for example {@code bad-headers}. */
    public long showField(final String field) {
        long n = 0;
        for (final DropReason r : REASONS) {
            if (r.showField().equals(field)) {
                n += drops[r.ordinal()];
            }
        }
        return n;
    }

    public long totalDrops() {
        long n = 0;
        for (final long d : drops) {
            n += d;
        }
        return n;
    }

    /** Adds this worker's counters into {@code total} (for {@code show}, summing workers). */
    public void addTo(final EspCounters total) {
        for (int i = 0; i < stats.length; i++) {
            total.stats[i] += stats[i];
        }
        for (int i = 0; i < drops.length; i++) {
            total.drops[i] += drops[i];
        }
    }

    /** {@code clear services ipsec-vpn ipsec statistics}. */
    public void clear() {
        java.util.Arrays.fill(stats, 0);
        java.util.Arrays.fill(drops, 0);
    }
}
