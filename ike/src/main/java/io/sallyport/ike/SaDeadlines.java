package io.sallyport.ike;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * kmd's timer work under one queue, earliest first, so that kmd's {@code nextDeadline} and
 * {@code tick} cost O(log SAs), not a walk of every SA: when each IKE SA of a {@link SaTable} next
 * has timer work, and when each retired child SA (one a rekey replaced, deleted at the peer)
 * takes its lingering inbound half out of the data plane.
 *
 * <p>An SA's deadline ({@link IkeSession#nextDeadline}) depends on much of its state, which its
 * exchanges change all the time; rather than follow each field, an SA reports itself changed
 * (whenever it handles a datagram, a tick or a new task, or its children or state change) and is
 * looked at again before the queue is next read. Entries are invalidated lazily: one counts only
 * while its SA is in the table, has not changed since, and still has that deadline
 * ({@link IkeSession#queuedDeadline}); stale ones are skipped when they come up and purged when
 * they outnumber the live SAs. A retired child's deadline never moves: it leaves when due, also
 * when its IKE SA has gone before.
 */
final class SaDeadlines {

    /** {@link IkeSession#queuedDeadline} of an SA with no entry in the queue. */
    static final long NONE = Long.MIN_VALUE;

    private sealed interface Entry {
        long at();

        long seq();
    }

    private record SaEntry(long at, long seq, IkeSession sa) implements Entry {
    }

    /** {@code delete} goes to the data plane at {@code at}; {@code seq} is the order they were retired in. */
    private record Retired(long at, long seq, Action.DeleteChildSa delete) implements Entry {
    }

    /** What {@link #takeDue} found due: retired children's deletes in the order they were retired, then SAs. */
    record Due(List<Action.DeleteChildSa> retired, List<IkeSession> sas) {
    }

    private static final Comparator<Entry> ORDER = Comparator.comparingLong(Entry::at).thenComparingLong(Entry::seq);

    private final PriorityQueue<Entry> queue = new PriorityQueue<>(ORDER);
    private final List<IkeSession> changed = new ArrayList<>();
    /** The retired children not yet due, by inbound SPI (it stays in use until they leave). */
    private final Map<Integer, Retired> retiring = new HashMap<>();
    private long retiredSeq;

    /** {@code s}'s deadline may differ from its queued one: it is computed again before the next read. */
    void changed(IkeSession s) {
        if (!s.deadlineChanged) {
            s.deadlineChanged = true;
            changed.add(s);
        }
    }

    /** An SA left the table; its entries are now stale. */
    void removed(int live, Collection<IkeSession> sas) {
        purgeIfStale(live, sas);
    }

    /** {@code delete} (of a child a rekey replaced) is due at {@code at}. */
    void retire(Action.DeleteChildSa delete, long at) {
        Retired r = new Retired(at, retiredSeq++, delete);
        retiring.put(delete.spiIn(), r);
        queue.add(r);
    }

    /** Whether a retired child with inbound SPI {@code spiIn} is still in the data plane. */
    boolean retiring(int spiIn) { return retiring.containsKey(spiIn); }

    /** The retired children still in the data plane: their inbound SPI and when they leave it. */
    Map<Integer, Long> retiringDeadlines() {
        Map<Integer, Long> m = new HashMap<>();
        retiring.forEach((spi, r) -> m.put(spi, r.at()));
        return m;
    }

    /** The earliest deadline of the SAs in the table and the retired children, {@link Long#MAX_VALUE} when none has one. */
    long earliest(int live, Collection<IkeSession> sas) {
        refresh();
        purgeIfStale(live, sas);
        Entry head;
        while ((head = queue.peek()) != null && !current(head)) {
            queue.poll();
        }
        return head == null ? Long.MAX_VALUE : head.at();
    }

    /**
     * The retired children and the SAs whose deadline is at or before {@code now}, each once; the
     * SAs leave the queue and come back (as changed) with whatever deadline their tick leaves them.
     */
    Due takeDue(long now) {
        refresh();
        List<Retired> retired = new ArrayList<>();
        List<IkeSession> due = new ArrayList<>();
        Entry head;
        while ((head = queue.peek()) != null && head.at() <= now) {
            queue.poll();
            if (!current(head)) {
                continue;
            }
            switch (head) {
                case Retired r -> {
                    retiring.remove(r.delete().spiIn());
                    retired.add(r);
                }
                case SaEntry e -> {
                    e.sa().queuedDeadline = NONE;
                    changed(e.sa());
                    due.add(e.sa());
                }
            }
        }
        retired.sort(Comparator.comparingLong(Retired::seq));
        return new Due(retired.stream().map(Retired::delete).toList(), due);
    }

    private boolean current(Entry e) {
        return switch (e) {
            case Retired r -> retiring.get(r.delete().spiIn()) == r;
            case SaEntry s -> s.sa().inTable && s.sa().queuedDeadline == s.at();
        };
    }

    private void refresh() {
        for (IkeSession s : changed) {
            s.deadlineChanged = false;
            long d = s.inTable ? s.nextDeadline() : Long.MAX_VALUE;
            if (d != s.queuedDeadline) {
                s.queuedDeadline = d == Long.MAX_VALUE ? NONE : d;
                if (d != Long.MAX_VALUE) {
                    queue.add(new SaEntry(d, s.tableSeq, s));
                }
            }
        }
        changed.clear();
    }

    /** Rebuilds the queue from the live SAs and retired children once stale entries are the majority (amortised O(1) per change). */
    private void purgeIfStale(int live, Collection<IkeSession> sas) {
        if (queue.size() <= 2 * (live + retiring.size()) + 64) {
            return;
        }
        queue.clear();
        for (IkeSession s : sas) {
            if (s.queuedDeadline != NONE) {
                queue.add(new SaEntry(s.queuedDeadline, s.tableSeq, s));
            }
        }
        queue.addAll(retiring.values());
    }
}
