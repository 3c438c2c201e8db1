package io.sallyport.gateway.runtime;

import io.sallyport.gateway.ops.NegotiationTimesReport;
import io.sallyport.ike.Action;
import io.sallyport.ike.Command;
import io.sallyport.ike.Datagram;
import io.sallyport.ike.DropReason;
import io.sallyport.ike.IkeSaId;
import io.sallyport.ike.Kmd;
import io.sallyport.net.DatagramPort;
import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kmd inside the control agent: owns the key-manager engine and the sending side of the IKE
 * sockets (500, and 4500 with its non-ESP marker); takes the IKE that the inbound workers receive
 * on 500 and 4500 through a bounded queue; performs the engine's actions; runs the engine's timers
 * at {@link Kmd#nextDeadline}. Everything but {@link #offer} and the published views runs on the
 * control agent's thread, so the engine needs no locks.
 */
public final class KmdAgent {
    private static final Logger LOG = LoggerFactory.getLogger(KmdAgent.class);
    /** IKE datagrams from the workers that may wait for kmd; beyond, they are dropped and counted. */
    static final int DATAGRAM_CAPACITY = 1024;
    private static final int BURST = 256;

    private final Kmd kmd;
    private final KmdListener listener;
    private final BoundedInbox<Datagram> datagrams;
    /** Commands and steps queued by the control agent itself, run in order after the current one. */
    private final ArrayDeque<Object> pending = new ArrayDeque<>();
    private final Map<InetAddress, DatagramPort> ikePorts = new HashMap<>();
    private final Map<InetAddress, DatagramPort> natTPorts = new HashMap<>();
    /** Only for remote addresses of IKE SAs ({@link #ikeRemotes}): junk from other sources leaves no entry. */
    private final Map<InetAddress, Tally> traffic = new HashMap<>();
    private final Set<InetAddress> ikeRemotes = new HashSet<>();
    /** Refusals of the full inbox already handed to kmd's drop counters. */
    private long refusalsCounted;
    private byte[] sendBuf = new byte[2048];
    private boolean changed = true;

    /** kmd's IKE SAs and traffic as of the control agent's last change, for show commands on other threads. */
    private volatile List<Kmd.IkeSaView> ikeSas = List.of();
    private volatile Map<InetAddress, IkeTraffic> publishedTraffic = Map.of();
    private volatile Map<DropReason, Long> drops = Map.of();
    /** How long each IKE SA took to come up (kmd's start to its first IkeSaUp), counted per bucket. */
    private final long[] negotiationCounts = new long[NegotiationTimesReport.BOUNDS.size() + 1];
    private long negotiationNanos;
    /** IKE SAs already counted, so an SA shared by several terms counts once; kept to kmd's live SAs. */
    private final Set<IkeSaId> negotiated = new HashSet<>();
    private volatile NegotiationTimesReport.Times negotiationTimes = NegotiationTimesReport.Times.NONE;

    KmdAgent(Kmd kmd, KmdListener listener, Runnable doorbell) {
        this.kmd = kmd;
        this.listener = listener;
        this.datagrams = new BoundedInbox<>(DATAGRAM_CAPACITY, doorbell);
    }

    /** IKE message counters per remote address, for {@code show ... ike security-associations detail}. */
    public record IkeTraffic(long inBytes, long outBytes, long inPackets, long outPackets) {
    }

    private static final class Tally {
        long inBytes;
        long outBytes;
        long inPackets;
        long outPackets;
    }

    // ---- any thread

    /** An IKE datagram a worker received (500, or 4500 after the marker); false when kmd's queue is full (counted). */
    public boolean offer(Datagram d) {
        return datagrams.offer(d);
    }

    /** IKE datagrams refused because kmd's queue was full. */
    public long refusedDatagrams() {
        return datagrams.refused();
    }

    /** IKE SAs as of the control agent's last change. */
    public List<Kmd.IkeSaView> ikeSas() {
        return ikeSas;
    }

    /** IKE traffic per remote address as of the control agent's last change. */
    public Map<InetAddress, IkeTraffic> traffic() {
        return publishedTraffic;
    }

    /** kmd's drop counters by reason, as of the control agent's last change. */
    public Map<DropReason, Long> drops() {
        return drops;
    }

    /** IKE SA negotiation times since start, as of the control agent's last change. */
    public NegotiationTimesReport.Times negotiationTimes() {
        return negotiationTimes;
    }

    // ---- the control agent's thread

    void command(Command c) {
        pending.add(c);
    }

    /** Runs {@code r} after everything queued for kmd so far. */
    void run(Runnable r) {
        pending.add(r);
    }

    /** Adds the IKE sockets of a local gateway address (received from by its inbound worker). */
    void addPorts(InetAddress local, DatagramPort ike, DatagramPort natT) {
        ikePorts.put(local, ike);
        natTPorts.put(local, natT);
    }

    /** Forgets a local gateway's sockets {@code ike} and {@code natT} (not others opened for the address since). */
    void removePorts(InetAddress local, DatagramPort ike, DatagramPort natT) {
        natTPorts.remove(local, natT);
        ikePorts.remove(local, ike);
    }

    boolean hasInput() {
        return !pending.isEmpty() || !datagrams.isEmpty();
    }

    /** The engine's next timer, or {@code Long.MAX_VALUE}. */
    long nextDeadlineNanos() {
        OptionalLong d = kmd.nextDeadline();
        return d.isPresent() ? d.getAsLong() : Long.MAX_VALUE;
    }

    int doWork(long nowNanos) {
        int work = 0;
        long refused = datagrams.refused();
        if (refused > refusalsCounted) {
            kmd.countDropped(DropReason.INPUT_QUEUE_FULL, refused - refusalsCounted);
            refusalsCounted = refused;
            work++;
        }
        Object item;
        while (work < BURST && (item = pending.poll()) != null) {
            work++;
            switch (item) {
                case Command c -> execute(nowNanos, kmd.command(nowNanos, c));
                case Runnable r -> r.run();
                default -> throw new IllegalStateException("kmd: unknown step " + item);
            }
        }
        Datagram d;
        while (work < 2 * BURST && (d = datagrams.poll()) != null) {
            work++;
            received(nowNanos, d);
        }
        long deadline = nextDeadlineNanos();
        if (deadline <= nowNanos) {
            List<Action> actions = kmd.tick(nowNanos);
            // A timer that fired without effect and stays due is not work: the control agent must
            // not spin on it (it sleeps a little instead, see ControlAgent.idle).
            if (!actions.isEmpty() || nextDeadlineNanos() != deadline) {
                work++;
            }
            execute(nowNanos, actions);
        }
        if (work > 0) {
            changed = true;
        }
        return work;
    }

    /** Publishes the IKE SAs and traffic for show when something changed since the last time. */
    void publish() {
        if (!changed) {
            return;
        }
        changed = false;
        ikeSas = kmd.ikeSas();
        drops = kmd.drops();
        ikeRemotes.clear();
        ikeSas.forEach(sa -> ikeRemotes.add(sa.remote().getAddress()));
        traffic.keySet().retainAll(ikeRemotes);
        Set<IkeSaId> live = new HashSet<>();
        ikeSas.forEach(sa -> live.add(sa.id()));
        negotiated.retainAll(live);
        List<Long> counts = new java.util.ArrayList<>();
        for (long n : negotiationCounts) counts.add(n);
        negotiationTimes = new NegotiationTimesReport.Times(counts, negotiationNanos);
        Map<InetAddress, IkeTraffic> copy = new HashMap<>();
        traffic.forEach((a, t) -> copy.put(a, new IkeTraffic(t.inBytes, t.outBytes, t.inPackets, t.outPackets)));
        publishedTraffic = Map.copyOf(copy);
    }

    private void received(long nowNanos, Datagram d) {
        execute(nowNanos, kmd.handle(nowNanos, d));
        Tally t = tally(d.remote().getAddress());
        if (t != null) {
            t.inPackets++;
            t.inBytes += d.payload().length;
        }
    }

    /** Counters of an address kmd had an IKE SA with at the last publication, else null. */
    private Tally tally(InetAddress remote) {
        return ikeRemotes.contains(remote) ? traffic.computeIfAbsent(remote, a -> new Tally()) : null;
    }

    private void execute(long nowNanos, List<Action> actions) {
        for (Action a : actions) {
            switch (a) {
                case Action.Send s -> send(s.datagram());
                case Action.InstallChildSa i -> listener.installChildSa(i);
                case Action.SwitchOutbound w -> listener.switchOutbound(w);
                case Action.ChildSaMoved m -> listener.childSaMoved(m);
                case Action.DeleteChildSa d -> listener.deleteChildSa(d);
                case Action.IkeSaUp u -> {
                    negotiated(nowNanos, u);
                    listener.ikeSaUp(u);
                }
                case Action.IkeSaDown d -> listener.ikeSaDown(d);
                case Action.ChildRefused r -> listener.childRefused(r);
                case Action.Trace t -> listener.trace(t);
            }
        }
    }

    /** Counts an IKE SA's negotiation time the first time it comes up. */
    private void negotiated(long nowNanos, Action.IkeSaUp u) {
        if (negotiated.add(u.ikeSa())) {
            long nanos = Math.max(0, nowNanos - u.startedNanos());
            negotiationCounts[NegotiationTimesReport.bucket(nanos)]++;
            negotiationNanos += nanos;
        }
    }

    private void send(Datagram d) {
        InetAddress local = d.local().getAddress();
        DatagramPort port = d.nonEspMarker() ? natTPorts.get(local) : ikePorts.get(local);
        if (port == null) {
            LOG.warn("kmd: no {} socket on {} for a message to {}", d.nonEspMarker() ? "4500" : "500", local, d.remote());
            return;
        }
        byte[] payload = d.payload();
        // A send the host refuses is counted by the port.
        if (d.nonEspMarker() && !Datagram.isKeepalive(payload)) {
            int len = payload.length + 4;
            if (sendBuf.length < len) {
                sendBuf = new byte[len];
            }
            // RFC 3948 §2.2: four zero bytes tell IKE from ESP on port 4500.
            sendBuf[0] = sendBuf[1] = sendBuf[2] = sendBuf[3] = 0;
            System.arraycopy(payload, 0, sendBuf, 4, payload.length);
            port.send(sendBuf, 0, len, d.remote());
        } else {
            port.send(payload, 0, payload.length, d.remote());
        }
        Tally t = tally(d.remote().getAddress());
        if (t != null) {
            t.outPackets++;
            t.outBytes += payload.length;
        }
    }
}
