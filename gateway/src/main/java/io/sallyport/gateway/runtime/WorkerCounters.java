package io.sallyport.gateway.runtime;

import io.sallyport.esp.EspCounters;
import io.sallyport.net.PortCounters;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The counters of one data worker, written by that worker's thread only: per tunnel (by
 * {@link Tunnel#key}) the ESP counters of its SAs on this worker and the worker's own tallies,
 * and the worker-wide {@link Stat}s. The worker {@link #publish}es an immutable copy when it goes
 * idle and at most every {@value #PUBLISH_INTERVAL_NANOS} ns under load; {@code show} sums the
 * copies of every worker ({@link DataPlaneCounters}).
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
        ORPHANED("Decrypted after the tunnel left this worker", "orphaned");

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

    /** One tunnel's counters on this worker. */
    static final class Tunnel {
        final EspCounters esp = new EspCounters();
        final long[] stats = new long[TunnelStat.values().length];

        void increment(TunnelStat s) {
            stats[s.ordinal()]++;
        }

        Tunnel copy() {
            Tunnel c = new Tunnel();
            esp.addTo(c.esp);
            System.arraycopy(stats, 0, c.stats, 0, stats.length);
            return c;
        }
    }

    /**
     * An immutable copy: nothing writes its objects after {@link #publish}.
     *
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
            Map<Long, Tunnel> copy = new HashMap<>();
            tunnels.forEach((k, t) -> copy.put(k, t.copy()));
            EspCounters esp = new EspCounters();
            unattributed.addTo(esp);
            published = new Published(Map.copyOf(copy), stats.clone(), esp);
            lastPublishNanos = nowNanos;
            dirty = false;
        }
    }

    /** Any thread: the last published copy. */
    Published published() {
        return published;
    }
}
