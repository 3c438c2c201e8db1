package io.sallyport.net.virtual;

import io.sallyport.net.HostNetworkException;
import io.sallyport.net.IpPrefix;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * An IP network in memory, on a simulated clock: virtual hosts are addresses, joined pairwise by
 * {@link VirtualLink}s; {@link VirtualDatagramPort}s bind UDP ports or raw ESP on them.
 *
 * <p>Sending schedules a datagram at {@code now + latency + fault delay}; nothing moves until
 * {@link #advanceTo} or {@link #deliverDue} runs, which delivers due datagrams in time order
 * (FIFO among equal times). Everything here is single-threaded: the lab or the test steps it.
 * Datagrams between two ports on the same address need no link and take no time.
 */
public final class VirtualNetwork {

    private record Binding(VirtualDatagram.Protocol protocol, InetSocketAddress address) {
    }

    private record InFlight(long deliverAt, long sequence, VirtualDatagram datagram, VirtualLink link)
            implements Comparable<InFlight> {
        @Override
        public int compareTo(final InFlight o) {
            final int byTime = Long.compare(deliverAt, o.deliverAt);
            return byTime != 0 ? byTime : Long.compare(sequence, o.sequence);
        }
    }

    private static final int FIRST_EPHEMERAL_PORT = 49152;
    private static final int DEFAULT_QUEUE_CAPACITY = 1024;

    private final Map<Binding, VirtualDatagramPort> ports = new HashMap<>();
    private final Map<Set<InetAddress>, VirtualLink> links = new HashMap<>();
    private final PriorityQueue<InFlight> inFlight = new PriorityQueue<>();
    private final Map<VirtualDropReason, Long> drops = new EnumMap<>(VirtualDropReason.class);
    private final List<VirtualNat> nats = new ArrayList<>();
    private long now;
    private long sequence;
    private int nextEphemeral = FIRST_EPHEMERAL_PORT;

    public long nowNanos() {
        return now;
    }

    /** Moves the clock to {@code nanos}, delivering every datagram due by then. */
    public void advanceTo(final long nanos) {
        if (nanos < now) {
            throw new IllegalArgumentException("time goes forward only: " + nanos + " < " + now);
        }
        while (!inFlight.isEmpty() && inFlight.peek().deliverAt() <= nanos) {
            final InFlight f = inFlight.poll();
            now = f.deliverAt();
            deliver(f);
        }
        now = nanos;
    }

    public void advanceBy(final long nanos) {
        advanceTo(now + nanos);
    }

    /** Delivers what is due at the current time (zero-latency datagrams sent just now). */
    public void deliverDue() {
        advanceTo(now);
    }

    /** When the next datagram lands, for a lab that sleeps until the next event. */
    public OptionalLong nextDeliveryNanos() {
        return inFlight.isEmpty() ? OptionalLong.empty() : OptionalLong.of(inFlight.peek().deliverAt());
    }

    public int inFlightCount() {
        return inFlight.size();
    }

    /** The link between hosts {@code x} and {@code y}, created (up, no latency) on first use. */
    public VirtualLink link(final InetAddress x, final InetAddress y) {
        if (x.equals(y)) {
            throw new IllegalArgumentException("a link joins two different hosts: " + x.getHostAddress());
        }
        return links.computeIfAbsent(Set.of(x, y), k -> new VirtualLink(x, y));
    }

    /**
     * Puts a NAT in front of the hosts in {@code inside}: what they send to outside addresses
     * leaves from {@code publicAddress}. Link the public address to the outside hosts.
     *
     * @param keepPorts keep the inside source port when free (else seeded random ports)
     * @param idleTimeoutNanos how long an unused mapping lives (conntrack's UDP timeout)
     */
    public VirtualNat addNat(final IpPrefix inside, final InetAddress publicAddress, final boolean keepPorts,
                             final long idleTimeoutNanos, final long seed) {
        final VirtualNat nat = new VirtualNat(inside, publicAddress, keepPorts, idleTimeoutNanos, seed);
        nats.add(nat);
        return nat;
    }

    /** Binds UDP {@code local}; port 0 picks an ephemeral port, the wildcard address any host. */
    public VirtualDatagramPort openUdp(final InetSocketAddress local) {
        InetSocketAddress bound = local;
        if (local.getPort() == 0) {
            while (ports.containsKey(new Binding(VirtualDatagram.Protocol.UDP,
                    new InetSocketAddress(local.getAddress(), nextEphemeral)))) {
                nextEphemeral++;
            }
            bound = new InetSocketAddress(local.getAddress(), nextEphemeral++);
        }
        return bind(VirtualDatagram.Protocol.UDP, bound);
    }

    /** Opens a raw ESP endpoint on host {@code local}. */
    public VirtualDatagramPort openRawEsp(final InetAddress local) {
        return bind(VirtualDatagram.Protocol.ESP, new InetSocketAddress(local, 0));
    }

    /**
     * A send-only port on {@code local} (UDP; port 0 for raw ESP), like an SO_REUSEPORT sender on
     * Linux: datagrams leave from that address and port, nothing is delivered to it, and it does not
     * take the binding from the port that receives there.
     */
    public VirtualDatagramPort openSender(final boolean rawEsp, final InetSocketAddress local) {
        return new VirtualDatagramPort(this, rawEsp ? VirtualDatagram.Protocol.ESP : VirtualDatagram.Protocol.UDP,
                local, 0);
    }

    private VirtualDatagramPort bind(final VirtualDatagram.Protocol protocol, final InetSocketAddress local) {
        final Binding key = new Binding(protocol, local);
        if (ports.containsKey(key)) {
            throw new HostNetworkException("bind " + protocol + " " + local.getAddress().getHostAddress()
                    + ":" + local.getPort() + ": address already in use (virtual network)");
        }
        final VirtualDatagramPort port = new VirtualDatagramPort(this, protocol, local, DEFAULT_QUEUE_CAPACITY);
        ports.put(key, port);
        return port;
    }

    void unbind(final VirtualDatagramPort port) {
        ports.remove(new Binding(port.protocol(), port.localAddress()), port);
    }

    /**
     * Schedules a datagram. Returns false only when the sender's host has no link toward the
     * destination (the kernel's "network unreachable"); losses further on are silent to the
     * sender and counted by the network and the link.
     */
    boolean send(final VirtualDatagram original) {
        final VirtualDatagram d = translateOutbound(original);
        final InetAddress from = d.source().getAddress();
        final InetAddress to = d.destination().getAddress();
        if (from.equals(to) || from.isAnyLocalAddress()) {
            inFlight.add(new InFlight(now, sequence++, d, null));
            return true;
        }
        final VirtualLink link = links.get(Set.of(from, to));
        if (link == null) {
            countDrop(VirtualDropReason.NO_ROUTE, null);
            return false;
        }
        if (!link.isUp()) {
            countDrop(VirtualDropReason.LINK_DOWN, link);
            return true;
        }
        if (d.wireLength() > link.mtu()) {
            countDrop(VirtualDropReason.TOO_BIG, link);
            return true;
        }
        final FaultVerdict verdict = link.judge(d, now);
        if (verdict.drop()) {
            countDrop(VirtualDropReason.FAULT, link);
            return true;
        }
        final long at = now + link.latencyNanos() + verdict.extraDelayNanos();
        for (int i = 0; i < verdict.copies(); i++) {
            inFlight.add(new InFlight(at, sequence++, d, link));
        }
        return true;
    }

    private VirtualDatagram translateOutbound(final VirtualDatagram d) {
        for (final VirtualNat nat : nats) {
            if (nat.isInside(d.source().getAddress()) && !nat.isInside(d.destination().getAddress())) {
                return new VirtualDatagram(d.protocol(), nat.outbound(d, now), d.destination(), d.payload());
            }
        }
        return d;
    }

    private void deliver(final InFlight f) {
        VirtualDatagram d = f.datagram();
        if (f.link() != null && !f.link().isUp()) {
            countDrop(VirtualDropReason.LINK_DOWN, f.link());
            return;
        }
        for (final VirtualNat nat : nats) {
            if (nat.publicAddress().equals(d.destination().getAddress())) {
                final InetSocketAddress insideDestination = nat.inbound(d, now);
                if (insideDestination == null) {
                    countDrop(VirtualDropReason.NAT_NO_MAPPING, f.link());
                    return;
                }
                d = new VirtualDatagram(d.protocol(), d.source(), insideDestination, d.payload());
                break;
            }
        }
        VirtualDatagramPort port = ports.get(new Binding(d.protocol(), d.destination()));
        if (port == null) {
            port = ports.get(new Binding(d.protocol(),
                    new InetSocketAddress(anyLocal(d.destination().getAddress()), d.destination().getPort())));
        }
        if (port == null) {
            countDrop(VirtualDropReason.NO_LISTENER, f.link());
            return;
        }
        if (!port.offer(d)) {
            countDrop(VirtualDropReason.QUEUE_FULL, f.link());
            return;
        }
        if (f.link() != null) {
            f.link().countDelivered();
        }
    }

    private static InetAddress anyLocal(final InetAddress like) {
        return new InetSocketAddress(like instanceof java.net.Inet6Address ? "::" : "0.0.0.0", 0).getAddress();
    }

    private void countDrop(final VirtualDropReason reason, final VirtualLink link) {
        drops.merge(reason, 1L, Long::sum);
        if (link != null) {
            link.countDrop(reason);
        }
    }

    /** Datagrams the whole network lost for {@code reason}. */
    public long dropped(final VirtualDropReason reason) {
        return drops.getOrDefault(reason, 0L);
    }

    /** Every link, for lab displays. */
    public List<VirtualLink> links() {
        return List.copyOf(links.values());
    }
}
