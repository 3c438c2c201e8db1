package io.sallyport.ike;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * When each IKE SA of a {@link SaTable} next has timer work, earliest first, so that kmd's
 * {@code nextDeadline} and {@code tick} cost O(log SAs), not a walk of every SA.
 *
 * <p>An SA's deadline ({@link IkeSession#nextDeadline}) depends on much of its state, which its
 * exchanges change all the time; rather than follow each field, an SA reports itself changed
 * (whenever it handles a datagram, a tick or a new task, or its children or state change) and is
 * looked at again before the queue is next read. Entries are invalidated lazily: one counts only
 * while its SA is in the table, has not changed since, and still has that deadline
 * ({@link IkeSession#queuedDeadline}); stale ones are skipped when they come up and purged when
 * they outnumber the live SAs.
 */
final class SaDeadlines {

    /** {@link IkeSession#queuedDeadline} of an SA with no entry in the queue. */
    static final long NONE = Long.MIN_VALUE;

    private record Entry(long at, long seq, IkeSession sa) {
    }

    private static final Comparator<Entry> ORDER = Comparator.comparingLong(Entry::at).thenComparingLong(Entry::seq);

    private final PriorityQueue<Entry> queue = new PriorityQueue<>(ORDER);
    private final List<IkeSession> changed = new ArrayList<>();

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

    /** The earliest deadline of the SAs in the table, {@link Long#MAX_VALUE} when none has one. */
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
     * The SAs whose deadline is at or before {@code now}, each once; they leave the queue and come
     * back (as changed) with whatever deadline their tick leaves them.
     */
    List<IkeSession> takeDue(long now) {
        refresh();
        List<IkeSession> due = new ArrayList<>();
        Entry head;
        while ((head = queue.peek()) != null && head.at() <= now) {
            queue.poll();
            if (current(head)) {
                head.sa().queuedDeadline = NONE;
                changed(head.sa());
                due.add(head.sa());
            }
        }
        return due;
    }

    private boolean current(Entry e) {
        return e.sa().inTable && e.sa().queuedDeadline == e.at();
    }

    private void refresh() {
        for (IkeSession s : changed) {
            s.deadlineChanged = false;
            long d = s.inTable ? s.nextDeadline() : Long.MAX_VALUE;
            if (d != s.queuedDeadline) {
                s.queuedDeadline = d == Long.MAX_VALUE ? NONE : d;
                if (d != Long.MAX_VALUE) {
                    queue.add(new Entry(d, s.tableSeq, s));
                }
            }
        }
        changed.clear();
    }

    /** Rebuilds the queue from the live SAs once stale entries are the majority (amortised O(1) per change). */
    private void purgeIfStale(int live, Collection<IkeSession> sas) {
        if (queue.size() <= 2 * live + 64) {
            return;
        }
        queue.clear();
        for (IkeSession s : sas) {
            if (s.queuedDeadline != NONE) {
                queue.add(new Entry(s.queuedDeadline, s.tableSeq, s));
            }
        }
    }
}
