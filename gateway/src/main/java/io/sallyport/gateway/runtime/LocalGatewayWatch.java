package io.sallyport.gateway.runtime;

import io.sallyport.net.DatagramPort;
import io.sallyport.net.HostAddress;
import io.sallyport.net.LinkState;
import io.sallyport.net.NetworkControl;
import io.sallyport.net.SendBatch;
import io.sallyport.net.TunPort;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * {@code local-gateway ADDRESS gw-interface IFL}: watches the local gateways of the service sets
 * that name a gw-interface. A local gateway is down when its address is gone from the host or the
 * link carrying it is down (administratively or no carrier). Then nothing leaves from that
 * address (the sockets the gateway opened through {@link #gatedHost} drop their sends, so even
 * kmd's deletes stay in) and {@link Gateway#localGatewayDown} suspends the sets; when it is back,
 * {@link Gateway#localGatewayUp} resumes them.
 *
 * <p>{@link #poll} is called periodically (the daemon's host watch, the lab's clock); it is cheap
 * when nothing changed and safe to call from one thread at a time.
 */
public final class LocalGatewayWatch {
    private final GatewayHost host;
    private final Set<InetAddress> down = ConcurrentHashMap.newKeySet();
    /** One flag per local-gateway address, looked up when a port opens, read on each send (no set lookup). */
    private final Map<InetAddress, Gate> gates = new ConcurrentHashMap<>();
    private final AtomicLong suppressedSends = new AtomicLong();

    public LocalGatewayWatch(GatewayHost host) {
        this.host = host;
    }

    /** The host the gateway should run on: the same host, with sends gated by local-gateway state. */
    public GatewayHost gatedHost() {
        return new GatewayHost() {
            @Override
            public NetworkControl network() {
                return host.network();
            }

            @Override
            public TunPort openTun(String name, int mtu) {
                return host.openTun(name, mtu);
            }

            @Override
            public void reopenTun(TunPort tun) {
                host.reopenTun(tun);
            }

            @Override
            public Optional<TunPort> openWriteQueue(TunPort device) {
                return host.openWriteQueue(device);
            }

            @Override
            public void forgetWriteQueue(TunPort device, TunPort queue) {
                host.forgetWriteQueue(device, queue);
            }

            @Override
            public DeviceQueues queues(TunPort device) {
                return host.queues(device);
            }

            @Override
            public DatagramPort openUdp(InetSocketAddress local) {
                return new GatedPort(host.openUdp(local), local.getAddress());
            }

            @Override
            public List<DatagramPort> openUdpSteered(InetSocketAddress local) {
                return host.openUdpSteered(local).stream()
                        .<DatagramPort>map(p -> new GatedPort(p, local.getAddress())).toList();
            }

            @Override
            public Optional<DatagramPort> openRawEsp(InetAddress local) {
                return host.openRawEsp(local).map(p -> new GatedPort(p, local));
            }

            @Override
            public DatagramPort openUdpSender(InetSocketAddress local) {
                return new GatedPort(host.openUdpSender(local), local.getAddress());
            }

            @Override
            public DatagramPort openRawEspSender(InetAddress local) {
                return new GatedPort(host.openRawEspSender(local), local);
            }

            @Override
            public Waiter waiter(List<?> ports) {
                return host.waiter(ports);
            }

            @Override
            public String dataPath() {
                return host.dataPath();
            }

            @Override
            public List<String> dataPathCounts() {
                return host.dataPathCounts();
            }
        };
    }

    /** Datagrams the gateway tried to send from a local gateway while it was down. */
    public long suppressedSends() {
        return suppressedSends.get();
    }

    /** Local gateways currently down, for show and tests. */
    public Set<InetAddress> down() {
        return Set.copyOf(down);
    }

    /**
     * The local gateways of running (up or suspended) gw-interface service sets. A planner should
     * count them as present even while their address is gone: the watch, not a re-plan, handles
     * their outage. A set that could not be set up is not running, so it is not watched.
     */
    public static Set<InetAddress> watchedAddresses(Gateway gateway) {
        Map<String, String> down = gateway.serviceSetProblems();
        return gateway.serviceSets().stream()
                .filter(s -> s.gwInterface().isPresent() && s.problem().isEmpty() && s.localGateway().isPresent())
                .filter(s -> !down.containsKey(s.name()) || gateway.localGatewayProblem(s.name()).isPresent())
                .map(s -> s.localGateway().get())
                .collect(Collectors.toUnmodifiableSet());
    }

    /**
     * Compares the host's addresses and links with the watched local gateways and tells the
     * gateway: down every poll while down (a set brought up meanwhile is suspended too), up once.
     *
     * @return how many local gateways changed state
     */
    public int poll(Gateway gateway) {
        Set<InetAddress> watched = watchedAddresses(gateway);
        if (watched.isEmpty() && down.isEmpty()) {
            return 0;
        }
        NetworkControl net = host.network();
        List<HostAddress> addresses = net.addresses();
        Map<String, LinkState> links = new LinkedHashMap<>();
        net.links().forEach(l -> links.put(l.name(), l));
        int changes = 0;
        for (InetAddress a : watched) {
            Optional<String> problem = problem(a, addresses, links);
            if (problem.isPresent()) {
                if (down.add(a)) {
                    gate(a).down = true;
                    changes++;
                }
                gateway.localGatewayDown(a, problem.get());
            } else if (down.remove(a)) {
                gate(a).down = false;
                changes++;
                gateway.localGatewayUp(a);
            }
        }
        // An address no running set watches any more (set removed by a commit) is not gated.
        for (InetAddress a : List.copyOf(down)) {
            if (!watched.contains(a)) {
                down.remove(a);
                gate(a).down = false;
                changes++;
            }
        }
        return changes;
    }

    /** Why local gateway {@code a} cannot be used, or empty when it can. */
    static Optional<String> problem(InetAddress a, List<HostAddress> addresses, Map<String, LinkState> links) {
        Optional<HostAddress> own = addresses.stream().filter(h -> h.address().equals(a)).findFirst();
        if (own.isEmpty()) {
            return Optional.of("local gateway " + a.getHostAddress() + " is not an address of this host");
        }
        String device = own.get().device();
        LinkState link = links.get(device);
        if (link != null && !link.up()) {
            return Optional.of("local gateway " + a.getHostAddress() + ": interface " + device
                    + " is administratively down");
        }
        if (link != null && !link.operUp()) {
            return Optional.of("local gateway " + a.getHostAddress() + ": interface " + device + " link is down");
        }
        return Optional.empty();
    }

    private Gate gate(InetAddress address) {
        return gates.computeIfAbsent(address, a -> new Gate());
    }

    /** Whether sends from one local-gateway address are held back: written by the watch, read by every sender. */
    private static final class Gate {
        volatile boolean down;
    }

    /** A port bound on a local gateway: sends are dropped (and counted) while that gateway is down. */
    private final class GatedPort extends ForwardingDatagramPort {
        private final Gate gate;

        GatedPort(DatagramPort port, InetAddress local) {
            super(port);
            this.gate = gate(local);
        }

        @Override
        public SendBatch newSendBatch() {
            SendBatch inner = port.newSendBatch();
            return new SendBatch() {
                @Override
                public boolean add(byte[] buf, int off, int len, InetSocketAddress destination, int outerHeader) {
                    if (gate.down) {
                        suppressedSends.incrementAndGet();
                        return false;
                    }
                    return inner.add(buf, off, len, destination, outerHeader);
                }

                @Override
                public int flush() {
                    return inner.flush();
                }
            };
        }

        @Override
        public boolean send(byte[] buf, int off, int len, InetSocketAddress destination) {
            if (gate.down) {
                suppressedSends.incrementAndGet();
                return false;
            }
            return port.send(buf, off, len, destination);
        }
    }
}
