package io.sallyport.net.virtual;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A path between two virtual hosts, both directions: latency, MTU, up/down, and injected
 * faults. Owned by the thread that steps the {@link VirtualNetwork}.
 */
public final class VirtualLink {

    private final InetAddress a;
    private final InetAddress b;
    private final List<LinkFault> faults = new ArrayList<>();
    private final Map<VirtualDropReason, Long> drops = new EnumMap<>(VirtualDropReason.class);
    private long latencyNanos;
    private int mtu = 65535;
    private boolean up = true;
    private long delivered;

    VirtualLink(final InetAddress a, final InetAddress b) {
        this.a = a;
        this.b = b;
    }

    public InetAddress endA() {
        return a;
    }

    public InetAddress endB() {
        return b;
    }

    /** One-way latency applied to every datagram. */
    public VirtualLink latency(final long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("negative latency");
        }
        latencyNanos = nanos;
        return this;
    }

    public long latencyNanos() {
        return latencyNanos;
    }

    /** Largest IPv4 packet (outer headers included) the link carries. */
    public VirtualLink mtu(final int bytes) {
        if (bytes < 68) {
            throw new IllegalArgumentException("MTU below 68: " + bytes);
        }
        mtu = bytes;
        return this;
    }

    public int mtu() {
        return mtu;
    }

    /** Takes the link down: datagrams sent now or still in flight are lost. */
    public void down() {
        up = false;
    }

    public void up() {
        up = true;
    }

    public boolean isUp() {
        return up;
    }

    public VirtualLink addFault(final LinkFault fault) {
        faults.add(fault);
        return this;
    }

    public void clearFaults() {
        faults.clear();
    }

    /** Datagrams this link handed to a destination port. */
    public long delivered() {
        return delivered;
    }

    /** Datagrams this link lost for {@code reason}. */
    public long dropped(final VirtualDropReason reason) {
        return drops.getOrDefault(reason, 0L);
    }

    FaultVerdict judge(final VirtualDatagram d, final long now) {
        FaultVerdict verdict = FaultVerdict.PASS;
        for (final LinkFault f : faults) {
            verdict = verdict.and(f.judge(d, now));
        }
        return verdict;
    }

    void countDrop(final VirtualDropReason reason) {
        drops.merge(reason, 1L, Long::sum);
    }

    void countDelivered() {
        delivered++;
    }

    @Override
    public String toString() {
        return "VirtualLink[" + a.getHostAddress() + " <-> " + b.getHostAddress() + (up ? "" : ", down") + "]";
    }
}
