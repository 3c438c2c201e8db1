package io.sallyport.net.virtual;

import io.sallyport.net.IpPrefix;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A NAPT box on a {@link VirtualNetwork}, modelled on Linux conntrack masquerading: each
 * (inside endpoint, remote endpoint) flow gets a public port; only that remote endpoint may send
 * back through it; a flow idle for longer than the timeout is forgotten, so NAT keepalives
 * matter. With {@code keepPorts} the inside port is kept when free (plain {@code masquerade}),
 * otherwise ports are drawn from a seeded generator ({@code masquerade random}).
 *
 * <p>ESP passes with its addresses translated and port 0, one inside host per remote.
 * The inside leg has no {@link VirtualLink}: latency and faults live on the public address's
 * links to the outside.
 */
public final class VirtualNat {

    private record Flow(VirtualDatagram.Protocol protocol, InetSocketAddress inside, InetSocketAddress remote) {
    }

    private record Reverse(VirtualDatagram.Protocol protocol, InetSocketAddress remote, int publicPort) {
    }

    private static final class Mapping {
        final int publicPort;
        long lastUsed;

        Mapping(final int publicPort, final long lastUsed) {
            this.publicPort = publicPort;
            this.lastUsed = lastUsed;
        }
    }

    private static final int FIRST_RANDOM_PORT = 1024;

    private final IpPrefix inside;
    private final InetAddress publicAddress;
    private final boolean keepPorts;
    private final long idleTimeoutNanos;
    private final SplittableRandom random;
    private final Map<Flow, Mapping> flows = new HashMap<>();
    private final Map<Reverse, Flow> reverse = new HashMap<>();

    VirtualNat(final IpPrefix inside, final InetAddress publicAddress, final boolean keepPorts,
               final long idleTimeoutNanos, final long seed) {
        if (idleTimeoutNanos <= 0) {
            throw new IllegalArgumentException("NAT idle timeout must be positive");
        }
        this.inside = inside;
        this.publicAddress = publicAddress;
        this.keepPorts = keepPorts;
        this.idleTimeoutNanos = idleTimeoutNanos;
        this.random = new SplittableRandom(seed);
    }

    public InetAddress publicAddress() {
        return publicAddress;
    }

    public IpPrefix insidePrefix() {
        return inside;
    }

    /** Forgets every mapping, as a NAT reboot or {@code conntrack -F} would. */
    public void clear() {
        flows.clear();
        reverse.clear();
    }

    /** Mappings still alive at {@code nowNanos}. */
    public int activeMappings(final long nowNanos) {
        expire(nowNanos);
        return flows.size();
    }

    boolean isInside(final InetAddress address) {
        final byte[] net = inside.address().getAddress();
        final byte[] a = address.getAddress();
        if (net.length != a.length) {
            return false;
        }
        for (int bit = 0; bit < inside.length(); bit++) {
            final int mask = 0x80 >>> (bit % 8);
            if ((net[bit / 8] & mask) != (a[bit / 8] & mask)) {
                return false;
            }
        }
        return true;
    }

    /** The public source for a datagram leaving the inside; refreshes or creates the flow. */
    InetSocketAddress outbound(final VirtualDatagram d, final long now) {
        expire(now);
        final Flow flow = new Flow(d.protocol(), d.source(), d.destination());
        Mapping m = flows.get(flow);
        if (m == null) {
            m = new Mapping(allocate(d.protocol(), d.source().getPort(), d.destination()), now);
            flows.put(flow, m);
            reverse.put(new Reverse(d.protocol(), d.destination(), m.publicPort), flow);
        }
        m.lastUsed = now;
        return new InetSocketAddress(publicAddress, m.publicPort);
    }

    /** The inside destination for a datagram arriving at the public address, or null. */
    InetSocketAddress inbound(final VirtualDatagram d, final long now) {
        expire(now);
        final Flow flow = reverse.get(new Reverse(d.protocol(), d.source(), d.destination().getPort()));
        if (flow == null) {
            return null;
        }
        flows.get(flow).lastUsed = now;
        return flow.inside();
    }

    private int allocate(final VirtualDatagram.Protocol protocol, final int insidePort, final InetSocketAddress remote) {
        if (protocol == VirtualDatagram.Protocol.ESP) {
            return 0;
        }
        if (keepPorts && !reverse.containsKey(new Reverse(protocol, remote, insidePort))) {
            return insidePort;
        }
        while (true) {
            final int port = random.nextInt(FIRST_RANDOM_PORT, 65536);
            if (!reverse.containsKey(new Reverse(protocol, remote, port))) {
                return port;
            }
        }
    }

    private void expire(final long now) {
        final Iterator<Map.Entry<Flow, Mapping>> it = flows.entrySet().iterator();
        while (it.hasNext()) {
            final Map.Entry<Flow, Mapping> e = it.next();
            if (now - e.getValue().lastUsed > idleTimeoutNanos) {
                reverse.remove(new Reverse(e.getKey().protocol(), e.getKey().remote(), e.getValue().publicPort));
                it.remove();
            }
        }
    }
}
