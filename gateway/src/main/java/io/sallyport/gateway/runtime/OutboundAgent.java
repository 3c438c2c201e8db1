package io.sallyport.gateway.runtime;

import io.sallyport.esp.DropReason;
import io.sallyport.esp.EspSa;
import io.sallyport.esp.OutboundBatch;
import io.sallyport.esp.OutboundPath;
import io.sallyport.esp.SaBytes;
import io.sallyport.esp.SaEvent;
import io.sallyport.net.DatagramPort;
import io.sallyport.net.OuterHeader;
import io.sallyport.net.SendBatch;
import io.sallyport.net.TunPort;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A worker of one inside device: the device's worker (its first queue), or one of its further
 * read queues. Owns its TUN queue, reading and writing: the only thread that writes it (ICMP
 * errors from here; on the first queue, decrypted packets the inbound workers hand over through
 * {@link TunHandoff}s), every outbound SA of the tunnels it holds and their counters. The control
 * agent reaches it only through its command queue; everything else here runs on the worker's
 * thread.
 *
 * <pre>
 * 1. Read an inner packet from the TUN device into the buffer at the ESP headroom.
 * 2. Pick the tunnel whose selectors hold the packet's source and destination (another worker's: hand it over).
 * 3. No SA yet: count the drop and ask kmd for one (establish-tunnels on-traffic), at most once a second.
 * 4. Encapsulate in place (DF policy, tunnel MTU, pre-fragmentation, ICMP errors).
 * 5. Queue each resulting ESP packet in its socket's send batch (sendmmsg: one call per socket and
 *    burst); an ICMP error goes back into the TUN device.
 * </pre>
 *
 * <p>A device may have several read queues, each with a worker of its own ({@link DeviceWorkers}):
 * the host's steering table sends a packet to the queue of the worker that holds the tunnel of its
 * destination prefix. Every worker of the device holds every tunnel's selectors, in the same
 * order, and each tunnel's SAs and counters are held by one of them ({@link OutboundTunnel#owner}).
 * A worker that reads a packet whose tunnel (the first in order whose selectors hold it, exactly
 * as with one worker) another worker holds hands it to that worker through a ring of their own
 * (counted {@code HANDED_OVER}); the receiving worker selects again and drops (counted
 * {@code HANDOVER_DROPPED}) rather than hand it on a second time. The table picks by destination
 * only, so overlapping selectors, local selectors, prefixes the host could not add and the moment
 * before the table names a new tunnel all end here, never in another worker's SA.
 *
 * <p>When the host deletes the device ({@code ip link del}) a read says so ({@link TunPort#deleted}):
 * the worker stops reading and polling it (it would report an error on every poll), tells the
 * control agent once, and reads again when the control agent says the device is back
 * ({@link #deviceRecreated}). Meanwhile decrypted packets for it fail to be written and are
 * counted by the port.
 */
public final class OutboundAgent implements Agent {
    private static final int BURST = 64;
    /**
     * Commands waiting from the control agent. One control step handles up to 512 kmd inputs
     * (KmdAgent), and each may give the device that carries dynamic peers two commands (the new
     * peer's tunnel and its SA): room for that, several steps over (the lab's 1,000-peer burst
     * overflowed 1,024).
     */
    private static final int COMMAND_CAPACITY = 4096;
    private static final long ACQUIRE_INTERVAL_NANOS = 1_000_000_000L;
    private static final int HEADROOM = OutboundPath.MAX_HEADROOM;

    private final String name;
    /** This worker's read queue among its device's ({@link OutboundTunnel#owner} names it). */
    private final int queue;
    /** The device's workers by queue (this one included); set before the workers start. */
    private OutboundAgent[] peers = {this};
    /** Rings to the device's other workers, by their queue: made on the first packet for that worker (most pairs never need one). */
    private TunHandoff[] toPeers = new TunHandoff[1];
    /** Which of {@link #toPeers} got packets in this burst (to wake their consumer once, at its end). */
    private boolean[] handedTo = new boolean[1];
    /** Rings from the device's other workers, added by their command when they made them. */
    private final List<TunHandoff> fromPeers = new ArrayList<>();
    /** Packets other workers handed over, into this worker's own path. */
    private final TunHandoff.Sink fromPeer = this::forwardHandedOver;
    private long nowNanos;
    private final TunPort tun;
    private final Waiter waiter;
    private final Consumer<String> acquire;
    private final Consumer<String> rekey;
    private final Consumer<OutboundAgent> deviceDeleted;
    /** The host deleted the device: not read nor polled until the control agent recreated it. */
    private boolean deviceLost;
    private final BoundedInbox<Consumer<OutboundAgent>> commands;
    private final OutboundSelectors tunnels = new OutboundSelectors();
    private final List<TunHandoff> handoffs = new ArrayList<>();
    /** One send batch per socket this worker sends from: a TUN burst leaves in one call per socket. */
    private final java.util.Map<DatagramPort, SendBatch> batches = new java.util.IdentityHashMap<>();
    private final List<SendBatch> batchList = new ArrayList<>();
    /** Set while this worker sleeps (or is about to), so producers of handed-off packets know to wake it. */
    private volatile boolean sleeping;
    private final WorkerCounters counters;
    private final byte[] buf = new byte[HEADROOM + 65535 + OutboundPath.MAX_TAILROOM];
    private final OutboundBatch batch = new OutboundBatch();

    /**
     * @param waiter  sleeps on the TUN port (and wakes on commands)
     * @param acquire called on this worker's thread with a tunnel id when traffic finds no SA
     * @param rekey   called on this worker's thread with a tunnel id when its SA nears sequence-number rollover
     * @param deviceDeleted called on this worker's thread, once, when the host deleted its device
     */
    public OutboundAgent(String name, TunPort tun, Waiter waiter, Consumer<String> acquire, Consumer<String> rekey,
                         Consumer<OutboundAgent> deviceDeleted) {
        this(name, 0, tun, waiter, acquire, rekey, deviceDeleted);
    }

    /** @param queue this worker's read queue among the device's (0 for the only one) */
    OutboundAgent(String name, int queue, TunPort tun, Waiter waiter, Consumer<String> acquire, Consumer<String> rekey,
                  Consumer<OutboundAgent> deviceDeleted) {
        this.name = name;
        this.queue = queue;
        this.tun = tun;
        this.waiter = waiter;
        this.acquire = acquire;
        this.rekey = rekey;
        this.deviceDeleted = deviceDeleted;
        this.commands = new BoundedInbox<>(COMMAND_CAPACITY, waiter::wake);
        this.counters = new WorkerCounters(name, List.of(tun.counters()));
    }

    @Override
    public String name() {
        return name;
    }

    TunPort tun() {
        return tun;
    }

    int queue() {
        return queue;
    }

    /**
     * Introduces the workers of one device (in queue order) to each other, for packets one reads
     * and another's tunnel holds. Before any of them starts (the thread start publishes it).
     */
    static void link(List<OutboundAgent> workers) {
        OutboundAgent[] all = workers.toArray(OutboundAgent[]::new);
        for (OutboundAgent w : all) {
            w.peers = all;
            w.toPeers = new TunHandoff[all.length];
            w.handedTo = new boolean[all.length];
        }
    }

    /**
     * This worker's ring to worker {@code to}, made on first use and given to that worker through
     * its command queue (packets offered meanwhile wait in it); null when that queue is full.
     */
    private TunHandoff ringTo(int to) {
        TunHandoff ring = toPeers[to];
        if (ring == null) {
            TunHandoff made = new TunHandoff(DeviceWorkers.PEER_RING_BYTES, peers[to]);
            if (peers[to].commands.offer(a -> a.fromPeers.add(made))) {
                toPeers[to] = made;
                ring = made;
            }
        }
        return ring;
    }

    WorkerCounters counters() {
        return counters;
    }

    // ---- commands from the control agent: run inside doWork on this agent's thread

    private void command(Consumer<OutboundAgent> c) {
        if (!commands.offer(c)) {
            throw new IllegalStateException("worker " + name + ": command queue full (" + COMMAND_CAPACITY + ")");
        }
    }

    /** One more tunnel, last in order; its counters are this worker's when it holds the tunnel ({@link OutboundTunnel#owner}). */
    void addTunnel(OutboundTunnel t) {
        command(a -> {
            a.tunnels.add(t);
            if (t.owner == a.queue) {
                a.counters.adopt(t.key, t.counters);
            }
        });
    }

    /** Starts taking decrypted packets from one more inbound worker. */
    void addHandoff(TunHandoff h) {
        command(a -> a.handoffs.add(h));
    }

    /** Stops taking packets from a handoff whose producer stopped (after writing what it holds). */
    void removeHandoff(TunHandoff h) {
        command(a -> {
            h.drainTo(a.tun, Integer.MAX_VALUE);
            a.handoffs.remove(h);
        });
    }

    /** The control agent recreated the deleted device on this worker's queue: read and poll it again. */
    void deviceRecreated() {
        command(a -> {
            a.deviceLost = false;
            a.waiter.ignore(a.tun, false);
        });
    }

    boolean sleeping() {
        return sleeping;
    }

    /**
     * Takes tunnels out of the data path and drops their counters, in one command however many
     * (dynamic peers are unbounded by configuration, this worker's command queue is not).
     */
    void retireTunnels(java.util.Set<String> ids, long... keys) {
        command(a -> {
            a.tunnels.removeAll(ids);
            for (long key : keys) {
                a.counters.forget(key);
            }
        });
    }

    /**
     * Switches the tunnel's outbound traffic to a new SA (make-before-break: inbound is already in);
     * {@code bytes} counts what it encrypts.
     */
    void installSa(String id, EspSa sa, SaBytes bytes, DatagramPort port, DatagramPort[] flowPorts,
                   InetSocketAddress destination) {
        command(a -> a.find(id).ifPresent(t -> {
            SendBatch[] flows = null;
            if (flowPorts != null) {
                flows = new SendBatch[flowPorts.length];
                for (int i = 0; i < flows.length; i++) {
                    flows[i] = a.batchOf(flowPorts[i]);
                }
            }
            // A socket that takes the outer header (IPPROTO_RAW) gets it from the SA: DF, TTL and ToS as configured.
            OutboundPath.OutputForm form = port.takesIpHeader() ? OutboundPath.OutputForm.IP_PACKET
                    : OutboundPath.OutputForm.TRANSPORT_PAYLOAD;
            t.current = new OutboundTunnel.Slot(new OutboundPath(sa, t.counters.esp, bytes, form),
                    a.batchOf(port), flows, destination);
            t.slots.add(t.current);
            t.rekeyRequested = false;
        }));
    }

    /** The SA with this SPI sends to {@code destination} from now on (the peer's NAT mapping changed). */
    void moveSa(String id, int spi, InetSocketAddress destination) {
        command(a -> a.find(id).ifPresent(t -> {
            for (int i = 0; i < t.slots.size(); i++) {
                OutboundTunnel.Slot s = t.slots.get(i);
                if (s.path().sa().spi() == spi) {
                    OutboundTunnel.Slot moved = new OutboundTunnel.Slot(s.path(), s.batch(), s.flows(), destination);
                    t.slots.set(i, moved);
                    if (t.current == s) {
                        t.current = moved;
                    }
                }
            }
        }));
    }

    /** Forgets the SA with this SPI; traffic falls back to the newest SA left, if any. */
    void removeSa(String id, int spi) {
        command(a -> a.find(id).ifPresent(t -> {
            t.slots.removeIf(slot -> slot.path().sa().spi() == spi);
            t.current = t.slots.isEmpty() ? null : t.slots.getLast();
        }));
    }

    /** This worker's send batch for one of its sockets, made on first use (at SA install). */
    private SendBatch batchOf(DatagramPort port) {
        return batches.computeIfAbsent(port, p -> {
            SendBatch b = p.newSendBatch();
            batchList.add(b);
            return b;
        });
    }

    private java.util.Optional<OutboundTunnel> find(String id) {
        return java.util.Optional.ofNullable(tunnels.find(id));
    }

    // ---- the data path

    @Override
    public int doWork(long nowNanos) {
        int work = 0;
        Consumer<OutboundAgent> c;
        while ((c = commands.poll()) != null) {
            c.accept(this);
            work++;
        }
        this.nowNanos = nowNanos;
        for (int i = 0; i < handoffs.size(); i++) {
            work += handoffs.get(i).drainTo(tun, BURST);
        }
        for (int i = 0; i < fromPeers.size(); i++) {
            work += fromPeers.get(i).drainTo(fromPeer, BURST);
        }
        for (int i = 0; i < BURST && !deviceLost; i++) {
            int len = tun.read(buf, HEADROOM, buf.length - HEADROOM - OutboundPath.MAX_TAILROOM);
            if (len < 0) {
                if (tun.deleted()) {
                    deviceLost = true;
                    waiter.ignore(tun, true);
                    deviceDeleted.accept(this);
                    work++;
                }
                break;
            }
            work++;
            forward(len, nowNanos, false);
        }
        for (int i = 0; i < batchList.size(); i++) {
            batchList.get(i).flush();
        }
        for (int i = 0; i < handedTo.length; i++) {
            if (handedTo[i]) {
                handedTo[i] = false;
                toPeers[i].endOfBurst();
            }
        }
        tun.flush();
        counters.afterWork(work, nowNanos);
        return work;
    }

    /** A packet another worker of the device read for a tunnel this one holds: into the buffer, then on as if read here. */
    private boolean forwardHandedOver(byte[] ring, int off, int len) {
        System.arraycopy(ring, off, buf, HEADROOM, len);
        forward(len, nowNanos, true);
        return true;
    }

    /** @param handedOver another worker of the device read it (it is not handed on again) */
    private void forward(int len, long nowNanos, boolean handedOver) {
        if (len < 20) {
            counters.increment(WorkerCounters.Stat.TOO_SHORT);
            return;
        }
        boolean v4 = (buf[HEADROOM] & 0xF0) == 0x40;
        OutboundTunnel t = tunnels.select(buf, HEADROOM, v4);
        if (t == null) {
            counters.increment(handedOver ? WorkerCounters.Stat.HANDOVER_DROPPED : WorkerCounters.Stat.UNMATCHED);
            return;
        }
        if (t.owner != queue) {
            TunHandoff ring = handedOver ? null : ringTo(t.owner);
            if (ring != null && ring.offer(buf, HEADROOM, len)) {
                handedTo[t.owner] = true;
                counters.increment(WorkerCounters.Stat.HANDED_OVER);
            } else {
                counters.increment(WorkerCounters.Stat.HANDOVER_DROPPED);
            }
            return;
        }
        OutboundTunnel.Slot slot = t.current;
        if (slot == null) {
            t.counters.increment(WorkerCounters.TunnelStat.NO_SA);
            if (nowNanos - t.lastAcquireNanos >= ACQUIRE_INTERVAL_NANOS || t.lastAcquireNanos == Long.MIN_VALUE) {
                t.lastAcquireNanos = nowNanos;
                acquire.accept(t.id);
            }
            return;
        }
        slot.path().encapsulate(buf, HEADROOM, len, batch);
        SendBatch[] flows = slot.flows();
        SendBatch out = flows == null ? slot.batch() : flows[batch.sourcePort() % flows.length];
        // Packets without their outer header (ESP in UDP, ESP over IPv6) ask the socket for the SA's TTL, ToS and DF.
        int outer = batch.count() == 0 ? OuterHeader.KERNEL
                : OuterHeader.of(batch.outerTtl(), batch.outerTos(), batch.outerDf());
        for (int i = 0; i < batch.count(); i++) {
            out.add(batch.buffer(i), batch.offset(i), batch.length(i), slot.destination(), outer);
        }
        if (batch.icmpLength() > 0) {
            tun.write(batch.icmpBuffer(), 0, batch.icmpLength());
        }
        if ((batch.event() == SaEvent.SEQUENCE_NEAR_ROLLOVER || batch.drop() == DropReason.SEQUENCE_EXHAUSTED)
                && !t.rekeyRequested) {
            t.rekeyRequested = true;
            rekey.accept(t.id);
        }
    }

    @Override
    public void idle(long nowNanos) {
        sleeping = true;
        if (commands.isEmpty() && handoffsEmpty()) {
            waiter.await(Long.MAX_VALUE);
        }
        sleeping = false;
    }

    private boolean handoffsEmpty() {
        for (int i = 0; i < handoffs.size(); i++) {
            if (!handoffs.get(i).isEmpty()) {
                return false;
            }
        }
        for (int i = 0; i < fromPeers.size(); i++) {
            if (!fromPeers.get(i).isEmpty()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void wake() {
        waiter.wake();
    }

    /** The control agent, once this worker stopped. */
    void closeWaiter() {
        waiter.close();
    }
}
