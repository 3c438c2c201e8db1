package io.sallyport.gateway.runtime;

import io.sallyport.ike.Action;
import io.sallyport.ike.Command;
import io.sallyport.ike.Datagram;
import io.sallyport.ike.DropReason;
import io.sallyport.ike.Kmd;
import io.sallyport.net.DatagramPort;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kmd's loop: owns the key-manager engine and the IKE port 500 sockets; receives IKE that the
 * port-4500 workers pass on; performs the engine's actions. Everything here runs on one thread,
 * so the engine needs no locks; other threads talk to it through {@link #offer}, {@link #command}
 * and {@link #run}.
 */
public final class KmdAgent implements Agent {
    private static final Logger LOG = LoggerFactory.getLogger(KmdAgent.class);
    private static final int BURST = 32;
    private static final long TICK_NANOS = 50_000_000L;
    /** Datagrams from the port-4500 workers waiting for kmd; more are dropped and counted. */
    static final int MAX_QUEUED_DATAGRAMS = 4096;

    private final Kmd kmd;
    private final KmdListener listener;
    private final Queue<Object> inbox = new ConcurrentLinkedQueue<>();
    private final Map<InetAddress, DatagramPort> ikePorts = new HashMap<>();
    private final Map<InetAddress, DatagramPort> natTPorts = new ConcurrentHashMap<>();
    /** Only for remote addresses of IKE SAs ({@link #ikeRemotes}): junk from other sources leaves no entry. */
    private final Map<InetAddress, IkeTraffic> traffic = new ConcurrentHashMap<>();
    private final Set<InetAddress> ikeRemotes = new HashSet<>();
    private final AtomicInteger queuedDatagrams = new AtomicInteger();
    private final AtomicLong queueDrops = new AtomicLong();
    private final byte[] buf = new byte[65535];
    private byte[] sendBuf = new byte[2048];
    private long nextTick = Long.MIN_VALUE;

    /** kmd's IKE SAs as of the last tick, for show commands on other threads. */
    private volatile List<Kmd.IkeSaView> snapshot = List.of();

    public KmdAgent(Kmd kmd, KmdListener listener) {
        this.kmd = kmd;
        this.listener = listener;
    }

    /** IKE message counters per remote address, for {@code show ... ike security-associations detail}. */
    public static final class IkeTraffic {
        public volatile long inBytes;
        public volatile long outBytes;
        public volatile long inPackets;
        public volatile long outPackets;
    }

    @Override
    public String name() {
        return "kmd";
    }

    // ---- from other threads

    /** A datagram for kmd that another worker received (IKE on port 4500). */
    public void offer(Datagram d) {
        if (queuedDatagrams.incrementAndGet() > MAX_QUEUED_DATAGRAMS) {
            queuedDatagrams.decrementAndGet();
            queueDrops.incrementAndGet();
            return;
        }
        inbox.add(d);
    }

    public void command(Command c) {
        inbox.add(c);
    }

    /** Runs {@code r} on kmd's thread (queries for show commands, port changes). */
    public void run(Runnable r) {
        inbox.add(r);
    }

    /** Adds the port-500 socket of a local gateway address (received from by kmd). */
    public void addIkePort(InetAddress local, DatagramPort port) {
        run(() -> ikePorts.put(local, port));
    }

    /** Adds the port-4500 socket of a local gateway address (received from by its inbound worker). */
    public void addNatTPort(InetAddress local, DatagramPort port) {
        natTPorts.put(local, port);
    }

    /** Forgets a local gateway's sockets after everything queued so far, then runs {@code after}. */
    public void removePorts(InetAddress local, Runnable after) {
        run(() -> {
            natTPorts.remove(local);
            ikePorts.remove(local);
            after.run();
        });
    }

    /** kmd's drop counters as of its last tick, by reason. */
    private volatile Map<io.sallyport.ike.DropReason, Long> drops = Map.of();

    public Map<io.sallyport.ike.DropReason, Long> drops() {
        return drops;
    }

    /** IKE SAs as of kmd's last tick (at most 50 ms old). */
    public List<Kmd.IkeSaView> ikeSas() {
        return snapshot;
    }

    public Map<InetAddress, IkeTraffic> traffic() {
        return traffic;
    }

    // ---- kmd's thread

    @Override
    public int doWork(long nowNanos) {
        int work = 0;
        long dropped = queueDrops.getAndSet(0);
        if (dropped > 0) {
            kmd.countDropped(DropReason.INPUT_QUEUE_FULL, dropped);
        }
        Object item;
        while (work < 256 && (item = inbox.poll()) != null) {
            work++;
            switch (item) {
                case Datagram d -> {
                    queuedDatagrams.decrementAndGet();
                    received(nowNanos, d);
                }
                case Command c -> execute(kmd.command(nowNanos, c));
                case Runnable r -> r.run();
                default -> LOG.warn("kmd: ignoring {}", item);
            }
        }
        for (DatagramPort port : ikePorts.values()) {
            for (int i = 0; i < BURST; i++) {
                int len = port.receive(buf, 0, buf.length);
                if (len < 0) {
                    break;
                }
                work++;
                received(nowNanos, new Datagram(port.localAddress(), port.lastSource(),
                        java.util.Arrays.copyOf(buf, len), false));
            }
        }
        if (nowNanos >= nextTick) {
            nextTick = nowNanos + TICK_NANOS;
            List<Action> actions = kmd.tick(nowNanos);
            work += actions.size();
            execute(actions);
            snapshot = kmd.ikeSas();
            ikeRemotes.clear();
            snapshot.forEach(sa -> ikeRemotes.add(sa.remote().getAddress()));
            traffic.keySet().retainAll(ikeRemotes);
            drops = kmd.drops();
        }
        return work;
    }

    private void received(long nowNanos, Datagram d) {
        execute(kmd.handle(nowNanos, d));
        IkeTraffic t = ikeTraffic(d.remote().getAddress());
        if (t != null) {
            t.inPackets++;
            t.inBytes += d.payload().length;
        }
    }

    /** Counters of an address kmd has an IKE SA with (as of the last tick or IkeSaUp), else null. */
    private IkeTraffic ikeTraffic(InetAddress remote) {
        return ikeRemotes.contains(remote) ? traffic.computeIfAbsent(remote, a -> new IkeTraffic()) : null;
    }

    private void execute(List<Action> actions) {
        for (Action a : actions) {
            switch (a) {
                case Action.Send s -> send(s.datagram());
                case Action.InstallChildSa i -> listener.installChildSa(i);
                case Action.DeleteChildSa d -> listener.deleteChildSa(d);
                case Action.IkeSaUp u -> {
                    ikeRemotes.add(u.remote().getAddress());
                    listener.ikeSaUp(u);
                }
                case Action.IkeSaDown d -> listener.ikeSaDown(d);
                case Action.Trace t -> listener.trace(t);
            }
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
        IkeTraffic t = ikeTraffic(d.remote().getAddress());
        if (t != null) {
            t.outPackets++;
            t.outBytes += payload.length;
        }
    }

    @Override
    public void idle(long maxMillis) {
        if (!inbox.isEmpty()) {
            return;
        }
        if (ikePorts.isEmpty()) {
            try {
                Thread.sleep(maxMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        ikePorts.values().iterator().next().awaitReadable(maxMillis);
    }
}
