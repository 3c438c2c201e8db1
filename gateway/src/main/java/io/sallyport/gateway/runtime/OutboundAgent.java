package io.sallyport.gateway.runtime;

import io.sallyport.esp.DropReason;
import io.sallyport.esp.EspSa;
import io.sallyport.esp.OutboundBatch;
import io.sallyport.esp.OutboundPath;
import io.sallyport.esp.SaEvent;
import io.sallyport.net.DatagramPort;
import io.sallyport.net.TunPort;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

/**
 * The outbound worker of one service set. Owns the reading side of the set's TUN device and
 * every outbound SA of the set's tunnels.
 *
 * <pre>
 * 1. Read an inner packet from the TUN device into the buffer at the ESP headroom.
 * 2. Pick the tunnel whose selectors hold the packet's source and destination.
 * 3. No SA yet: count the drop and ask kmd for one (establish-tunnels on-traffic), at most once a second.
 * 4. Encapsulate in place (DF policy, tunnel MTU, pre-fragmentation, ICMP errors).
 * 5. Send each resulting ESP packet; an ICMP error goes back into the TUN device.
 * </pre>
 */
public final class OutboundAgent implements Agent {
    private static final int BURST = 64;
    private static final long ACQUIRE_INTERVAL_NANOS = 1_000_000_000L;
    private static final int HEADROOM = OutboundPath.MAX_HEADROOM;

    private final String name;
    private final TunPort tun;
    private final Consumer<String> acquire;
    private final Consumer<String> rekey;
    private final Queue<Consumer<OutboundAgent>> commands = new ConcurrentLinkedQueue<>();
    private final List<OutboundTunnel> tunnels = new ArrayList<>();
    private final byte[] buf = new byte[HEADROOM + 65535 + OutboundPath.MAX_TAILROOM];
    private final OutboundBatch batch = new OutboundBatch();
    /** Packets no tunnel's selectors held; sends that failed are counted by the port itself. */
    private long unmatched;
    /** Packets from the device too short for an IP header (own reason, not "unmatched"). */
    private long tooShort;

    /**
     * @param acquire called with a tunnel id when traffic finds no SA (must be thread-safe)
     * @param rekey   called with a tunnel id when its SA nears sequence-number rollover
     */
    public OutboundAgent(String name, TunPort tun, Consumer<String> acquire, Consumer<String> rekey) {
        this.name = name;
        this.tun = tun;
        this.acquire = acquire;
        this.rekey = rekey;
    }

    @Override
    public String name() {
        return name;
    }

    // ---- commands from other threads (kmd, management): run inside doWork on this agent's thread

    public void addTunnel(OutboundTunnel t) {
        commands.add(a -> a.tunnels.add(t));
    }

    public void removeTunnel(String id) {
        commands.add(a -> a.tunnels.removeIf(t -> t.id.equals(id)));
    }

    /** Switches the tunnel's outbound traffic to a new SA (make-before-break: inbound is already in). */
    public void installSa(String id, EspSa sa, DatagramPort port, DatagramPort[] flowPorts,
                          InetSocketAddress destination) {
        commands.add(a -> a.find(id).ifPresent(t -> {
            t.current = new OutboundTunnel.Slot(new OutboundPath(sa, t.counters, OutboundPath.OutputForm.TRANSPORT_PAYLOAD),
                    port, flowPorts, destination);
            t.slots.add(t.current);
            t.rekeyRequested = false;
        }));
    }

    /** Forgets the SA with this SPI; traffic falls back to the newest SA left, if any. */
    public void removeSa(String id, int spi) {
        commands.add(a -> a.find(id).ifPresent(t -> {
            t.slots.removeIf(slot -> slot.path().sa().spi() == spi);
            t.current = t.slots.isEmpty() ? null : t.slots.getLast();
        }));
    }

    private java.util.Optional<OutboundTunnel> find(String id) {
        return tunnels.stream().filter(t -> t.id.equals(id)).findFirst();
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
        for (int i = 0; i < BURST; i++) {
            int len = tun.read(buf, HEADROOM, buf.length - HEADROOM - OutboundPath.MAX_TAILROOM);
            if (len < 0) {
                break;
            }
            work++;
            forward(len, nowNanos);
        }
        return work;
    }

    private void forward(int len, long nowNanos) {
        if (len < 20) {
            tooShort++;
            return;
        }
        boolean v4 = (buf[HEADROOM] & 0xF0) == 0x40;
        OutboundTunnel t = select(v4);
        if (t == null) {
            unmatched++;
            return;
        }
        OutboundTunnel.Slot slot = t.current;
        if (slot == null) {
            t.noSaDrops++;
            if (nowNanos - t.lastAcquireNanos >= ACQUIRE_INTERVAL_NANOS || t.lastAcquireNanos == Long.MIN_VALUE) {
                t.lastAcquireNanos = nowNanos;
                acquire.accept(t.id);
            }
            return;
        }
        slot.path().encapsulate(buf, HEADROOM, len, batch);
        DatagramPort[] flows = slot.flowPorts();
        DatagramPort port = flows == null ? slot.port() : flows[batch.sourcePort() % flows.length];
        for (int i = 0; i < batch.count(); i++) {
            port.send(batch.buffer(i), batch.offset(i), batch.length(i), slot.destination());
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

    private OutboundTunnel select(boolean v4) {
        int src = HEADROOM + PrefixMatch.sourceOffset(v4);
        int dst = HEADROOM + PrefixMatch.destinationOffset(v4);
        for (int i = 0; i < tunnels.size(); i++) {
            OutboundTunnel t = tunnels.get(i);
            if (t.remote.matches(buf, dst, v4) && t.local.matches(buf, src, v4)) {
                return t;
            }
        }
        return null;
    }

    /** Packets too short for an IPv4 or IPv6 header. Read without synchronisation: approximate. */
    public long tooShort() {
        return tooShort;
    }

    public io.sallyport.net.PortCounters portCounters() {
        return tun.counters();
    }

    /** Packets that matched no tunnel's selectors. Read without synchronisation: approximate. */
    public long unmatched() {
        return unmatched;
    }

    @Override
    public void idle(long maxMillis) {
        if (commands.isEmpty()) {
            tun.awaitReadable(maxMillis);
        }
    }
}
