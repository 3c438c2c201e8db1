package io.sallyport.gateway.runtime;

import io.sallyport.esp.EspInbound;
import io.sallyport.esp.EspSa;
import io.sallyport.esp.InboundPath;
import io.sallyport.esp.InboundResult;
import io.sallyport.esp.SpiTable;
import io.sallyport.ike.Datagram;
import io.sallyport.net.DatagramPort;
import io.sallyport.net.SpiSteering;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * The inbound worker of one receiving port (UDP 4500 on a local gateway address, with that
 * address's IKE port 500 beside it; a udp-encapsulate port; or raw ESP). Owns the ports'
 * receiving side, every inbound SA that arrives on them and their counters. The control agent
 * reaches it only through its command queue.
 *
 * <p>A UDP receiving address may have several inbound workers ({@link InboundGroup}), each with
 * its own socket of the address's steered group: the host steers each datagram to the worker of
 * its SPI ({@link SpiSteering}), where the control agent installed the SA. UDP GRO joins an
 * address pair's datagrams before the host steers, so a worker can still receive another
 * worker's: it hands them to their owner ({@link SpiHandoff}) without looking at them.
 *
 * <pre>
 * 1. Take what other workers of the group handed over; receive a batch of datagrams (recvmmsg),
 *    and copy each into the worker's buffer.
 * 2. On UDP: the non-ESP marker sends IKE to kmd; keepalives are counted and dropped. Port 500 is IKE only.
 *    In a group, ESP whose SPI another worker owns goes to that worker.
 * 3. SPI lookup, replay check, ICV, decrypt, trailer (esp module); every drop is counted.
 * 4. An SA that follows the peer (NAT-T, the peer behind a NAT, we not): authenticated ESP from
 *    another source address or port than the peer's is reported to the control agent, at most
 *    once a second per SA ({@link PeerMoved}); the control agent has kmd move the IKE SA and its
 *    children there, and tells this worker the new endpoint.
 *    Inner source and destination must lie in the tunnel's selectors.
 * 5. Write the inner packet into the tunnel's TUN device through this worker's own write queue of it
 *    (flushed at the end of the burst), or, where the host has none, hand it to the device's worker.
 * </pre>
 */
public final class InboundAgent implements Agent {
    /** Datagrams per doWork, taken in batches (recvmmsg on Linux, one per call elsewhere). */
    private static final int BURST = 64;
    private static final int COMMAND_CAPACITY = 1024;

    private final String name;
    private final DatagramPort port;
    private final DatagramPort ikePort;
    private final EspInbound.InputForm form;
    private final Waiter waiter;
    private final Consumer<Datagram> toKmd;
    private final UnknownSpi unknownSpi;
    private final WorkerCounters counters;
    private final EspInbound inbound;
    private final SpiTable<InboundTunnel> tunnels = new SpiTable<>();
    private final BoundedInbox<Consumer<InboundAgent>> commands;
    private final byte[] buf = new byte[65535];
    /** The receiving port's batch, made on this worker's thread at its first doWork. */
    private io.sallyport.net.ReceiveBatch batch;
    private final InboundResult result = new InboundResult();
    /** Inlets this burst put packets into, so each is flushed (or its device worker woken) once at its end. */
    private final java.util.ArrayList<DeviceInlet> filled = new java.util.ArrayList<>();
    private DeviceInlet lastFilled;
    /** The device write queues this worker writes, until released; closed by the control agent if it stops first. */
    private final java.util.Set<TunQueueInlet> queues = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    /** This worker's place in its steered group, and the group's size (1: alone, nothing handed over). */
    private int member;
    private int members = 1;
    /** Rings to the other workers of the group, by their place (null at this worker's own); and from them. */
    private SpiHandoff[] toPeers = new SpiHandoff[0];
    private SpiHandoff[] fromPeers = new SpiHandoff[0];
    /** Places of the workers this burst handed datagrams to (bit i: worker i), woken at its end if they sleep. */
    private long handedTo;
    /** The handoff the datagram in {@link #buf} came from, or null: it came from this worker's socket batch. */
    private SpiHandoff handedFrom;
    /** Set while this worker sleeps (or is about to), so the group's other workers know to wake it. */
    private volatile boolean sleeping;

    /** Reports of an SA's authenticated ESP from a new peer endpoint: at most one per SA in this interval. */
    static final long MOVE_REPORT_INTERVAL_NANOS = 1_000_000_000L;

    /**
     * Told that a following SA's ESP, authenticated, came from {@code source}, not from the
     * endpoint it expects: on the worker's thread, at most once per SA every
     * {@value #MOVE_REPORT_INTERVAL_NANOS} ns (must be cheap).
     */
    @FunctionalInterface
    public interface PeerMoved {
        void moved(String tunnelId, int spiIn, java.net.InetSocketAddress source, long nowNanos);
    }

    private final PeerMoved peerMoved;

    /** Told of each ESP packet whose SPI this worker does not know, on the worker's thread. */
    @FunctionalInterface
    public interface UnknownSpi {
        void received(java.net.InetAddress source, int spi, long nowNanos);
    }

    /**
     * @param ikePort the local gateway's port 500, received here and passed to kmd whole; or null
     * @param form    {@code UDP_PAYLOAD} for UDP ports (NAT-T marker rules), {@code ESP} for raw ESP
     * @param waiter  sleeps on {@code port} and {@code ikePort} (and wakes on commands)
     * @param toKmd   receives IKE messages that arrived here (called on this worker's thread)
     * @param unknownSpi told of ESP for an unknown SPI (called on this worker's thread; must be cheap)
     */
    public InboundAgent(String name, DatagramPort port, DatagramPort ikePort, EspInbound.InputForm form, Waiter waiter,
                        Consumer<Datagram> toKmd, UnknownSpi unknownSpi) {
        this(name, port, ikePort, form, waiter, toKmd, unknownSpi, (id, spi, source, now) -> { });
    }

    /** @param peerMoved told of a following SA's ESP from a new peer endpoint (see {@link PeerMoved}) */
    public InboundAgent(String name, DatagramPort port, DatagramPort ikePort, EspInbound.InputForm form, Waiter waiter,
                        Consumer<Datagram> toKmd, UnknownSpi unknownSpi, PeerMoved peerMoved) {
        this.peerMoved = peerMoved;
        this.name = name;
        this.port = port;
        this.ikePort = ikePort;
        this.form = form;
        this.waiter = waiter;
        this.toKmd = toKmd;
        this.unknownSpi = unknownSpi;
        this.counters = new WorkerCounters(name, ikePort == null ? List.of(port.counters())
                : List.of(port.counters(), ikePort.counters()));
        this.inbound = new EspInbound(counters.unattributed());
        this.commands = new BoundedInbox<>(COMMAND_CAPACITY, waiter::wake);
    }

    @Override
    public String name() {
        return name;
    }

    /**
     * Makes {@code workers} one steered group, worker i receiving the socket the host steers SPIs
     * {@code i} (mod the group's size) to; the control agent, before any of them runs.
     */
    static void formGroup(List<InboundAgent> workers) {
        int n = workers.size();
        if (n > Long.SIZE) {
            throw new IllegalArgumentException("at most " + Long.SIZE + " workers in a group: " + n);
        }
        for (int i = 0; i < n; i++) {
            InboundAgent w = workers.get(i);
            w.member = i;
            w.members = n;
            w.toPeers = new SpiHandoff[n];
            w.fromPeers = new SpiHandoff[n];
        }
        for (int from = 0; from < n; from++) {
            for (int to = 0; to < n; to++) {
                if (from != to) {
                    SpiHandoff ring = new SpiHandoff(workers.get(to));
                    workers.get(from).toPeers[to] = ring;
                    workers.get(to).fromPeers[from] = ring;
                }
            }
        }
    }

    WorkerCounters counters() {
        return counters;
    }

    private void command(Consumer<InboundAgent> c) {
        if (!commands.offer(c)) {
            throw new IllegalStateException("worker " + name + ": command queue full (" + COMMAND_CAPACITY + ")");
        }
    }

    /** Installs an inbound SA; its packets go to {@code tunnel.inlet}. */
    void installSa(EspSa sa, InboundTunnel tunnel) {
        command(a -> {
            if (tunnel.inlet instanceof TunQueueInlet q) {
                a.queues.add(q);
            }
            tunnel.counters = a.counters.tunnel(tunnel.key);
            a.inbound.install(new InboundPath(sa, tunnel.counters.esp, tunnel.bytes));
            a.tunnels.put(sa.spi(), tunnel);
        });
    }

    /** The peer of the following SA {@code spi} is at {@code peer} now (it moved): its ESP from there is expected. */
    void peerAt(int spi, java.net.InetSocketAddress peer) {
        command(a -> {
            InboundTunnel t = a.tunnels.get(spi);
            if (t != null && t.peer != null) {
                t.peer = peer;
            }
        });
    }

    /**
     * Removes inbound SAs, all in one command: tearing down many tunnels at once (dynamic peers,
     * unbounded by configuration) sends each worker one command, not one per SA.
     */
    void removeSas(int... spis) {
        command(a -> {
            for (int spi : spis) {
                a.inbound.remove(spi);
                a.tunnels.remove(spi);
            }
        });
    }

    /**
     * Closes a device write queue this worker wrote (its device is going away; no tunnel of this
     * worker uses it any more: their SAs were removed by earlier commands).
     */
    void releaseQueue(TunQueueInlet q) {
        command(a -> {
            a.queues.remove(q);
            q.close();
        });
    }

    /** The control agent, once this worker stopped: closes the write queues it still held. */
    void closeQueues() {
        queues.forEach(TunQueueInlet::close);
        queues.clear();
    }

    /** Drops stopped tunnels' counters, in one command however many tunnels stopped. */
    void forgetTunnels(long... keys) {
        command(a -> {
            for (long key : keys) {
                a.counters.forget(key);
            }
        });
    }

    @Override
    public int doWork(long nowNanos) {
        if (batch == null) {
            batch = port.newReceiveBatch();
        }
        int work = 0;
        Consumer<InboundAgent> c;
        while ((c = commands.poll()) != null) {
            c.accept(this);
            work++;
        }
        for (SpiHandoff from : fromPeers) {
            if (from == null) {
                continue;
            }
            handedFrom = from;
            int len;
            for (int taken = 0; taken < BURST && (len = from.poll(buf)) >= 0; taken++) {
                work++;
                process(len, -1, nowNanos);
            }
            handedFrom = null;
        }
        for (int taken = 0; taken < BURST; ) {
            int n = batch.receive();
            taken += n;
            for (int i = 0; i < n; i++) {
                int len = batch.copy(i, buf, 0, buf.length);
                if (len < 0) {
                    continue;
                }
                work++;
                int owner = members == 1 || len < 4 ? member : SpiSteering.receiverOf(spiOf(len), members);
                if (owner != member) {
                    handOff(owner, len, batch.source(i));
                } else {
                    process(len, i, nowNanos);
                }
            }
            if (n == 0) {
                break;
            }
        }
        // Once per burst and device, not per packet: a queue writes the joined segments, a device worker wakes.
        for (int i = 0; i < filled.size(); i++) {
            filled.get(i).endOfBurst();
        }
        filled.clear();
        lastFilled = null;
        for (long to = handedTo; to != 0; to &= to - 1) {
            InboundAgent owner = toPeers[Long.numberOfTrailingZeros(to)].consumer();
            if (owner.sleeping) {
                owner.wake();
            }
        }
        handedTo = 0;
        if (ikePort != null) {
            for (int i = 0; i < BURST; i++) {
                int len = ikePort.receive(buf, 0, buf.length);
                if (len < 0) {
                    break;
                }
                work++;
                toKmd.accept(new Datagram(ikePort.localAddress(), ikePort.lastSource(), Arrays.copyOf(buf, len), false));
            }
        }
        counters.afterWork(work, nowNanos);
        return work;
    }

    /**
     * The datagram in {@link #buf}: datagram {@code i} of this worker's batch, or (i = -1) one
     * {@link #handedFrom} holds, which another worker of the group received.
     */
    private void process(int len, int i, long nowNanos) {
        switch (inbound.receive(buf, 0, len, form, result)) {
            case INNER -> deliver(result.path(), i, nowNanos);
            case IKE -> toKmd.accept(new Datagram(port.localAddress(), source(i),
                    Arrays.copyOfRange(buf, result.innerOffset(), result.innerOffset() + result.innerLength()), true));
            case DROPPED -> {
                if (result.drop() == io.sallyport.esp.DropReason.INVALID_SPI) {
                    unknownSpi.received(source(i).getAddress(), spiOf(len), nowNanos);
                }
            }
            case KEEPALIVE -> { }
        }
    }

    private java.net.InetSocketAddress source(int i) {
        return i < 0 ? handedFrom.source() : batch.source(i);
    }

    /** ESP another worker of the group owns (GRO joined it with this worker's): to that worker, counted. */
    private void handOff(int owner, int len, java.net.InetSocketAddress source) {
        if (toPeers[owner].offer(buf, 0, len, source)) {
            counters.increment(WorkerCounters.Stat.HANDED_TO_SPI_OWNER);
            handedTo |= 1L << owner;
        } else {
            counters.increment(WorkerCounters.Stat.SPI_HANDOFF_FULL);
        }
    }

    /** The SPI of the ESP packet in the buffer (after a UDP port's payload start, or raw ESP). */
    private int spiOf(int len) {
        return len >= 4 ? io.sallyport.packet.Bytes.i32(buf, 0) : 0;
    }

    private void deliver(InboundPath path, int i, long nowNanos) {
        InboundTunnel t = tunnels.get(path.spi());
        if (t == null) {
            counters.increment(WorkerCounters.Stat.ORPHANED);
            return;
        }
        if (t.peer != null) {
            followPeer(t, path.spi(), source(i), nowNanos);
        }
        int off = result.innerOffset();
        boolean v4 = (buf[off] & 0xF0) == 0x40;
        if (!t.remote.matches(buf, off + PrefixMatch.sourceOffset(v4), v4)
                || !t.local.matches(buf, off + PrefixMatch.destinationOffset(v4), v4)) {
            t.counters.increment(WorkerCounters.TunnelStat.SELECTOR_FAILURE);
            return;
        }
        DeviceInlet inlet = t.inlet;
        if (!inlet.offer(buf, off, result.innerLength())) {
            t.counters.increment(WorkerCounters.TunnelStat.HANDOFF_FULL);
        } else if (inlet != lastFilled) {
            lastFilled = inlet;
            if (!filled.contains(inlet)) {
                filled.add(inlet);
            }
        }
    }

    /** An authenticated packet of a following SA: from another endpoint than the peer's, reported (bounded). */
    private void followPeer(InboundTunnel t, int spi, java.net.InetSocketAddress from, long nowNanos) {
        if (t.peer.equals(from)) {
            return;
        }
        long last = t.lastMoveReportNanos;
        if (last == Long.MIN_VALUE || nowNanos - last >= MOVE_REPORT_INTERVAL_NANOS) {
            t.lastMoveReportNanos = nowNanos;
            counters.increment(WorkerCounters.Stat.PEER_MOVE_REPORTED);
            peerMoved.moved(t.id, spi, from, nowNanos);
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
        for (SpiHandoff from : fromPeers) {
            if (from != null && !from.isEmpty()) {
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
