package io.sallyport.gateway.linux;

import io.sallyport.gateway.runtime.GatewayHost;
import io.sallyport.net.DatagramPort;
import io.sallyport.net.HostNetworkException;
import io.sallyport.net.NetworkControl;
import io.sallyport.net.TunPort;
import io.sallyport.net.linux.LinuxNetworkControl;
import io.sallyport.net.linux.LinuxRawEspPort;
import io.sallyport.net.linux.LinuxTun;
import io.sallyport.net.linux.LinuxUdpPort;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The gateway on a Linux host: TUN devices and raw sockets through FFM, routes through iproute2. */
public final class LinuxGatewayHost implements GatewayHost {
    private static final Logger LOG = LoggerFactory.getLogger(LinuxGatewayHost.class);

    private final NetworkControl network = LinuxNetworkControl.ofHost();

    @Override
    public NetworkControl network() {
        return network;
    }

    @Override
    public TunPort openTun(String name, int mtu) {
        return LinuxTun.open(name, mtu);
    }

    @Override
    public DatagramPort openUdp(InetSocketAddress local) {
        return LinuxUdpPort.bind(local, true);
    }

    @Override
    public Optional<DatagramPort> openRawEsp(InetAddress local) {
        try {
            return Optional.of(LinuxRawEspPort.open(local));
        } catch (HostNetworkException e) {
            LOG.warn("no raw ESP socket on {} ({}): only ESP in UDP will work", local.getHostAddress(), e.getMessage());
            return Optional.empty();
        }
    }
}
