package io.sallyport.lab;

import io.sallyport.gateway.runtime.GatewayHost;
import io.sallyport.gateway.runtime.Waiter;
import io.sallyport.net.DatagramPort;
import io.sallyport.net.HostNetworkException;
import io.sallyport.net.NetworkControl;
import io.sallyport.net.TunPort;
import io.sallyport.net.virtual.VirtualNetwork;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;

/**
 * The gateway's host port on a virtual router: TUN devices are the router's forwarding plane,
 * sockets bind on the {@link VirtualNetwork} at the router's own addresses, and routes go into
 * the router's table. Binding an address the router does not have fails as on Linux.
 */
public final class VirtualGatewayHost implements GatewayHost {
    /** Inbound workers per fixed UDP port of a local gateway (4500, udp-encapsulate ports). */
    static final int INBOUND_WORKERS = 2;
    private final Node router;
    private final VirtualNetwork network;

    public VirtualGatewayHost(Node router, VirtualNetwork network) {
        this.router = router;
        this.network = network;
    }

    @Override
    public NetworkControl network() {
        return router.control();
    }

    @Override
    public TunPort openTun(String name, int mtu) {
        return router.openTun(name, mtu);
    }

    @Override
    public void reopenTun(TunPort tun) {
        router.reattachTun((io.sallyport.net.virtual.VirtualTun) tun);
    }

    @Override
    public DatagramPort openUdp(InetSocketAddress local) {
        requireOwn(local.getAddress());
        return network.openUdp(local);
    }

    /**
     * Two receivers per fixed UDP port, steered by SPI as on Linux ({@link SteeredVirtualPorts}),
     * so the lab runs the inbound workers' steering and handoff too.
     */
    @Override
    public List<DatagramPort> openUdpSteered(InetSocketAddress local) {
        return SteeredVirtualPorts.of(openUdp(local), INBOUND_WORKERS);
    }

    @Override
    public Optional<DatagramPort> openRawEsp(InetAddress local) {
        requireOwn(local);
        return Optional.of(network.openRawEsp(local));
    }

    @Override
    public DatagramPort openUdpSender(InetSocketAddress local) {
        requireOwn(local.getAddress());
        return network.openSender(false, local);
    }

    @Override
    public DatagramPort openRawEspSender(InetAddress local) {
        requireOwn(local);
        return network.openSender(true, new InetSocketAddress(local, 0));
    }

    @Override
    public String dataPath() {
        return "virtual network: one datagram per send, stepped on the lab's one thread; ESP in UDP received by "
                + INBOUND_WORKERS + " workers per port, steered by SPI";
    }

    /** The lab steps every agent on one thread and never lets one sleep. */
    @Override
    public Waiter waiter(List<?> ports) {
        return new Waiter() {
            @Override
            public void await(long timeoutMillis) {
                throw new IllegalStateException("agents in the lab are stepped, they never wait");
            }

            @Override
            public void ignore(Object port, boolean ignored) {
                // Nothing polls in the lab: a deleted device's worker simply stops reading it.
            }

            @Override
            public void wake() {
                // Nothing sleeps in the lab: the next step runs the agent anyway.
            }

            @Override
            public void close() {
                // No descriptor behind it.
            }
        };
    }

    private void requireOwn(InetAddress address) {
        if (!address.isAnyLocalAddress() && !router.control().hasAddress(address)) {
            throw new HostNetworkException("bind " + address.getHostAddress() + ": Cannot assign requested address ("
                    + router + ")");
        }
    }
}
