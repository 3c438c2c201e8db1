package io.sallyport.gateway.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.sallyport.net.HostNetworkException;
import io.sallyport.net.IpPrefix;
import io.sallyport.net.PortCounters;
import io.sallyport.net.TunPort;
import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Several workers per device: which worker holds each tunnel, what the host's steering table gets,
 * and the packets a worker reads for a tunnel another holds (the first tunnel in order whose
 * selectors hold the packet wins, whatever the table said).
 */
class DeviceWorkersTest {

    /** A read queue the test fills. */
    private static final class QueueTun implements TunPort {
        final ArrayDeque<byte[]> waiting = new ArrayDeque<>();

        @Override public int read(byte[] buf, int off, int maxLen) {
            byte[] p = waiting.poll();
            if (p == null) {
                return -1;
            }
            System.arraycopy(p, 0, buf, off, p.length);
            return p.length;
        }
        @Override public boolean write(byte[] buf, int off, int len) { return true; }
        @Override public boolean awaitReadable(long timeoutMillis) { return !waiting.isEmpty(); }
        @Override public PortCounters counters() { return new PortCounters(); }
        @Override public String name() { return "test0"; }
        @Override public int mtu() { return 1500; }
        @Override public boolean deleted() { return false; }
        @Override public void reattach() { }
        @Override public void close() { }
    }

    /** The host's table as the test sees it: every call in order; refuses prefixes in {@code refused}. */
    private static final class RecordingQueues implements DeviceQueues {
        final List<TunPort> queues;
        final List<String> calls = new ArrayList<>();
        final Set<String> refused;

        RecordingQueues(int n, Set<String> refused) {
            List<TunPort> q = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                q.add(new QueueTun());
            }
            this.queues = List.copyOf(q);
            this.refused = refused;
        }

        @Override public List<TunPort> queues() { return queues; }
        @Override public void steer(IpPrefix prefix, int queue) {
            if (refused.contains(prefix.toString())) {
                throw new HostNetworkException("bpf(BPF_MAP_UPDATE_ELEM) " + prefix + ": Argument list too long (errno 7)");
            }
            calls.add(prefix + "->" + queue);
        }
        @Override public void unsteer(IpPrefix prefix) { calls.add(prefix + " gone"); }
    }

    private final List<String> acquired = new ArrayList<>();

    private DeviceWorkers device(RecordingQueues queues) {
        List<OutboundAgent> workers = new ArrayList<>();
        for (int q = 0; q < queues.queues().size(); q++) {
            workers.add(new OutboundAgent("out-test0" + (q == 0 ? "" : "-q" + q), q, queues.queues().get(q),
                    RuntimeTestPorts.NO_SLEEP, acquired::add, id -> { }, w -> { }));
        }
        return new DeviceWorkers(workers, queues);
    }

    private static OutboundTunnel tunnel(String id, long key, String local, String remote) {
        return new OutboundTunnel(id, key, IpPrefix.parse(local), IpPrefix.parse(remote));
    }

    private static byte[] packet(String src, String dst) {
        byte[] p = new byte[40];
        p[0] = 0x45;
        System.arraycopy(InetAddress.ofLiteral(src).getAddress(), 0, p, 12, 4);
        System.arraycopy(InetAddress.ofLiteral(dst).getAddress(), 0, p, 16, 4);
        return p;
    }

    /** Steps every worker until none has anything left, then once more so each publishes its counters. */
    private static void settle(DeviceWorkers d) {
        boolean busy = true;
        while (busy) {
            busy = false;
            for (OutboundAgent w : d.all()) {
                busy |= w.doWork(0) > 0;
            }
        }
        d.all().forEach(w -> w.doWork(0));
    }

    private static long stat(OutboundAgent w, WorkerCounters.Stat s) {
        return w.counters().published().get(s);
    }

    private static long noSa(OutboundAgent w, long key) {
        WorkerCounters.Tunnel t = w.counters().published().tunnels().get(key);
        return t == null ? 0 : t.stats[WorkerCounters.TunnelStat.NO_SA.ordinal()];
    }

    @Test
    @DisplayName("tunnels go to the least loaded worker, and the table names each remote prefix's first tunnel's queue")
    void assignsLeastLoadedAndSteersFirstTunnelOfEachPrefix() {
        RecordingQueues queues = new RecordingQueues(3, Set.of());
        DeviceWorkers d = device(queues);
        d.add(tunnel("a", 1, "192.0.2.0/24", "198.51.100.0/24"));
        d.add(tunnel("b", 2, "192.0.2.0/24", "203.0.113.0/24"));
        d.add(tunnel("c", 3, "192.0.2.0/24", "2001:db8:1::/48"));
        d.add(tunnel("d", 4, "192.0.2.128/25", "198.51.100.0/24"));
        assertArrayEquals(new int[] {1, 1, 2}, d.load(), "a tie goes to the highest queue");
        assertSame(d.all().get(1), d.of("b"));
        assertSame(d.all().get(2), d.of("d"));
        assertSame(d.all().get(0), d.of("unknown"), "a tunnel the device does not hold: the primary");
        assertEquals(List.of("198.51.100.0/24->2", "203.0.113.0/24->1", IpPrefix.parse("2001:db8:1::/48") + "->0"), queues.calls,
                "d shares a's prefix: a, first, names the queue");

        d.retire(Set.of("b"));
        d.add(tunnel("e", 5, "192.0.2.0/24", "198.18.0.0/24"));
        assertSame(d.all().get(1), d.of("e"), "b's worker is the least loaded again");
        queues.calls.clear();
        d.retire(Set.of("a"));
        assertEquals(List.of(), queues.calls, "d, now first for the prefix, is on a's worker: nothing changes");
        d.retire(Set.of("d"));
        assertEquals(List.of("198.51.100.0/24 gone"), queues.calls);
    }

    @Test
    @DisplayName("when a prefix's first tunnel leaves, the table names the next tunnel's queue; a tunnel that comes back keeps its worker")
    void nextTunnelOfPrefixTakesOverAndReturningTunnelKeepsItsWorker() {
        RecordingQueues queues = new RecordingQueues(2, Set.of());
        DeviceWorkers d = device(queues);
        OutboundTunnel a = tunnel("a", 1, "192.0.2.0/24", "198.51.100.0/24");
        d.add(a);
        d.add(tunnel("b", 2, "192.0.2.128/25", "198.51.100.0/24"));
        d.retire(Set.of("a"));
        assertEquals(List.of("198.51.100.0/24->1", "198.51.100.0/24->0"), queues.calls);
        d.add(tunnel("c", 3, "192.0.2.0/24", "203.0.113.0/24"));
        d.add(a);
        assertEquals(1, a.owner, "placed on worker 1 before, it comes back there (its SA slots were that thread's)");
        assertArrayEquals(new int[] {1, 2}, d.load());
    }

    @Test
    @DisplayName("a prefix the host refuses is not fatal: its packets reach the tunnel's worker by hand-over")
    void refusedPrefixIsHandedOver() {
        RecordingQueues queues = new RecordingQueues(2, Set.of("198.51.100.0/24"));
        DeviceWorkers d = device(queues);
        d.add(tunnel("a", 1, "192.0.2.0/24", "198.51.100.0/24"));
        d.add(tunnel("b", 2, "192.0.2.0/24", "203.0.113.0/24"));
        assertEquals(List.of("203.0.113.0/24->0"), queues.calls);
        // Unmapped: the host sends it to queue 0; a is worker 1's.
        ((QueueTun) queues.queues().get(0)).waiting.add(packet("192.0.2.1", "198.51.100.9"));
        settle(d);
        assertEquals(1, stat(d.all().get(0), WorkerCounters.Stat.HANDED_OVER));
        assertEquals(1, noSa(d.all().get(1), 1), "counted by the worker holding a");
        assertEquals(List.of("a"), acquired, "and a's SA asked for once, by that worker");
    }

    @Test
    @DisplayName("the first tunnel in order whose selectors hold the packet wins, whichever queue the packet came in on")
    void firstTunnelInOrderWinsAcrossWorkers() {
        RecordingQueues queues = new RecordingQueues(2, Set.of());
        DeviceWorkers d = device(queues);
        d.add(tunnel("wide", 1, "192.0.2.0/24", "198.51.0.0/16"));          // worker 1
        d.add(tunnel("narrow", 2, "192.0.2.0/24", "198.51.100.0/24"));      // worker 0
        d.add(tunnel("other", 3, "192.0.2.128/25", "203.0.113.0/24"));      // worker 1 (a tie goes to the higher queue)
        assertEquals(List.of("198.51.0.0/16->1", "198.51.100.0/24->0", "203.0.113.0/24->1"), queues.calls);
        QueueTun q0 = (QueueTun) queues.queues().get(0);
        QueueTun q1 = (QueueTun) queues.queues().get(1);
        OutboundAgent w0 = d.all().get(0);
        OutboundAgent w1 = d.all().get(1);
        // The table sends 198.51.100.0/24 to queue 0 (narrow's), but wide comes first and holds the packet.
        q0.waiting.add(packet("192.0.2.1", "198.51.100.9"));
        // A source no tunnel's local selector holds: unmatched where it was read, not handed over.
        q1.waiting.add(packet("192.0.3.1", "198.51.100.9"));
        // On the wrong queue (as before the table named other's prefix): handed over.
        q0.waiting.add(packet("192.0.2.200", "203.0.113.9"));
        settle(d);
        assertEquals(2, stat(w0, WorkerCounters.Stat.HANDED_OVER));
        assertEquals(1, stat(w1, WorkerCounters.Stat.UNMATCHED));
        assertEquals(0, stat(w1, WorkerCounters.Stat.HANDED_OVER));
        assertEquals(1, noSa(w1, 1), "wide's, on worker 1");
        assertEquals(0, noSa(w0, 2), "not narrow's");
        assertEquals(1, noSa(w1, 3), "other's, on worker 1");
        assertEquals(List.of("wide", "other"), acquired);

        // Handed over, then wide leaves before its worker takes the packet: narrow (worker 0's) would
        // hold it now; it is dropped, not handed back.
        q0.waiting.add(packet("192.0.2.1", "198.51.100.9"));
        w0.doWork(0);
        d.retire(Set.of("wide"), 1);
        settle(d);
        assertEquals(3, stat(w0, WorkerCounters.Stat.HANDED_OVER));
        assertEquals(1, stat(w1, WorkerCounters.Stat.HANDOVER_DROPPED));
        assertEquals(0, noSa(w0, 2));
    }
}
