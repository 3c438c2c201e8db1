package io.sallyport.gateway.runtime;

import io.sallyport.esp.DropReason;
import io.sallyport.esp.EspCounters;
import io.sallyport.esp.EspStat;
import io.sallyport.net.PortCounters;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The counters of one data worker, written by that worker's thread only: per tunnel (by
 * {@link Tunnel#key}) the ESP counters of its SAs on this worker and the worker's own tallies,
 * and the worker-wide {@link Stat}s. The worker publishes immutable copies when it goes idle and
 * at most every {@value #PUBLISH_INTERVAL_NANOS} ns under load ({@link #afterWork}); {@code show}
 * sums the copies of every worker ({@link DataPlaneCounters}).
 *
 * <p>Publishing copies only the tunnels whose counters changed since their last copy: a worker
 * that wakes for one command (a dynamic peer's new tunnel or SA) with thousands of tunnels
 * compares their counters, it does not copy them all again.
 */
final class WorkerCounters {
    static final long PUBLISH_INTERVAL_NANOS = 100_000_000L;

    /** What a worker counts beside ESP: per tunnel. */
    enum TunnelStat {
        /** Outbound packets of a tunnel without an SA yet (§4.5 "no SA errors"). */
        NO_SA,
        /** Inbound inner packets outside the SA's selectors (RFC 4301 §5.2). */
        SELECTOR_FAILURE,
        /** Decrypted packets dropped because the TUN device's owner had no room for them. */
        HANDOFF_FULL
    }

    /** What a worker counts beside ESP: for the whole worker. */
    enum Stat {
        /** Packets routed into a device that no tunnel's selectors held. */
        UNMATCHED("Matching no tunnel's selectors", "no-tunnel"),
        /** Packets from a device too short for an IP header (their own reason, not "unmatched"). */
        TOO_SHORT("Shorter than an IP header", "short-packet"),
        /** Packets an SA decrypted after its tunnel left this worker (a delete racing the packet). */
        ORPHANED("Decrypted after the tunnel left this worker", "orphaned"),
        /**
         * ESP a worker of a steered group received for an SPI another worker of the group owns (UDP
         * GRO joined it with this worker's) and handed to it: not a drop, shown beside them.
         */
        HANDED_TO_SPI_OWNER("Handed to the worker owning their SPI (not dropped)", "handed-to-spi-owner"),
        /** ESP for another worker of the group whose handoff ring had no room. */
        SPI_HANDOFF_FULL("Handed to the worker owning their SPI, which had no room", "spi-handoff-full"),
        /**
         * Packets a device worker read whose tunnel another worker of the device holds (steered by a
         * shorter or unmapped prefix, or overlapping selectors): handed to that worker, not dropped.
         */
        HANDED_OVER("Handed to the device worker holding their tunnel (not dropped)", "handed-over"),
        /** Packets dropped on their way between a device's workers: no room, or their tunnel left meanwhile. */
        HANDOVER_DROPPED("Dropped between a device's workers (no room, or tunnel gone)", "handover-dropped"),
        /**
         * Authenticated ESP of an SA that follows its peer from another endpoint than the peer's,
         * reported to the control agent (at most once a second per SA): not a drop.
         */
        PEER_MOVE_REPORTED("Authenticated ESP from a new peer endpoint, reported to follow the peer (not dropped)",
                "peer-move-reported");

        private final String label;
        private final String tag;

        Stat(String label, String tag) {
            this.label = label;
            this.tag = tag;
        }

        /** For {@code show services ipsec-vpn drops}. */
        String label() { return label; }

        String tag() { return tag; }
    }

    private static final EspStat[] ESP_STATS = EspStat.values();
    private static final DropReason[] DROP_REASONS = DropReason.values();

    /** One tunnel's counters on this worker. */
    static final class Tunnel {
        final EspCounters esp = new EspCounters();
        final long[] stats = new long[TunnelStat.values().length];
        /** The worker thread: the copy of these counters it last published (null before the first). */
        private Tunnel published;

        void increment(TunnelStat s) {
            stats[s.ordinal()]++;
        }

        Tunnel copy() {
            Tunnel c = new Tunnel();
            esp.addTo(c.esp);
            System.arraycopy(stats, 0, c.stats, 0, stats.length);
            return c;
        }

        /** Whether every counter equals {@code other}'s. */
        boolean sameCounts(Tunnel other) {
            if (!java.util.Arrays.equals(stats, other.stats)) {
                return false;
            }
            for (EspStat s : ESP_STATS) {
                if (esp.get(s) != other.esp.get(s)) {
                    return false;
                }
            }
            for (DropReason r : DROP_REASONS) {
                if (esp.get(r) != other.esp.get(r)) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * What the worker last published. Each tunnel's copy is immutable (nothing writes it after it
     * was published); the map is updated in place, one tunnel at a time, by the worker, so two
     * tunnels may come from publications a moment apart (counters are read slightly stale anyway).
     *
     * @param tunnels      per tunnel key, unmodifiable
     * @param unattributed ESP drops before any SA was found (unknown SPI, bad outer header, short)
     */
    record Published(Map<Long, Tunnel> tunnels, long[] stats, EspCounters unattributed) {
        static final Published EMPTY = new Published(Map.of(), new long[Stat.values().length], new EspCounters());

        long get(Stat s) {
            return stats[s.ordinal()];
        }
    }

    private final String worker;
    /** Replaced (never changed in place) by the control agent when it adds a port; read by show. */
    private volatile List<PortCounters> ports;
    private final Map<Long, Tunnel> tunnels = new HashMap<>();
    /** Tunnel key → its last published copy; written by the worker only, read by show. */
    private final Map<Long, Tunnel> publishedTunnels = new ConcurrentHashMap<>();
    private final Map<Long, Tunnel> publishedView = Collections.unmodifiableMap(publishedTunnels);
    private final long[] stats = new long[Stat.values().length];
    private final EspCounters unattributed = new EspCounters();
    private volatile Published published = Published.EMPTY;
    private long lastPublishNanos = Long.MIN_VALUE;
    private boolean dirty;

    /**
     * @param worker the worker's name, for {@code show services ipsec-vpn drops}
     * @param ports  the ports the worker owns; their counters are plain owner-written longs that
     *               show reads slightly stale ({@link PortCounters})
     */
    WorkerCounters(String worker, List<PortCounters> ports) {
        this.worker = worker;
        this.ports = List.copyOf(ports);
    }

    String worker() {
        return worker;
    }

    List<PortCounters> ports() {
        return ports;
    }

    /**
     * The control agent: one more port whose drops show under this worker (an inside device's
     * write queue, written by an inbound worker: its counters are that writer's).
     */
    void addPort(PortCounters port) {
        List<PortCounters> more = new java.util.ArrayList<>(ports);
        more.add(port);
        ports = List.copyOf(more);
    }

    /** The worker thread: where its ESP engine counts drops that belong to no SA. */
    EspCounters unattributed() {
        return unattributed;
    }

    /** The worker thread: a tunnel's counters on this worker, made on first use (at SA install, not per packet). */
    Tunnel tunnel(long key) {
        return tunnels.computeIfAbsent(key, k -> new Tunnel());
    }

    /** The worker thread: adopts counters made elsewhere before the worker ran (an outbound tunnel's). */
    void adopt(long key, Tunnel counters) {
        tunnels.put(key, counters);
    }

    void forget(long key) {
        tunnels.remove(key);
        publishedTunnels.remove(key);
        dirty = true;
    }

    void increment(Stat s) {
        stats[s.ordinal()]++;
    }

    /**
     * The worker thread, at the end of each {@code doWork}: publishes when it did work and is about
     * to go idle, or every {@value #PUBLISH_INTERVAL_NANOS} ns while busy.
     */
    void afterWork(int work, long nowNanos) {
        if (work > 0) {
            dirty = true;
        }
        if (dirty && (work == 0 || nowNanos - lastPublishNanos >= PUBLISH_INTERVAL_NANOS)) {
            for (Map.Entry<Long, Tunnel> e : tunnels.entrySet()) {
                Tunnel t = e.getValue();
                if (t.published == null || !t.sameCounts(t.published)) {
                    t.published = t.copy();
                    publishedTunnels.put(e.getKey(), t.published);
                }
            }
            EspCounters esp = new EspCounters();
            unattributed.addTo(esp);
            published = new Published(publishedView, stats.clone(), esp);
            lastPublishNanos = nowNanos;
            dirty = false;
        }
    }

    /** Any thread: the last published copy. */
    Published published() {
        return published;
    }
}
