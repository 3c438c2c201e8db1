package io.sallyport.gateway.linux;

import io.sallyport.gateway.runtime.GatewayHost;
import io.sallyport.gateway.runtime.Waiter;
import io.sallyport.net.DatagramPort;
import io.sallyport.net.HostNetworkException;
import io.sallyport.net.NetworkControl;
import io.sallyport.net.TunPort;
import io.sallyport.net.linux.LinuxNetworkControl;
import io.sallyport.net.linux.LinuxRawEspPort;
import io.sallyport.net.linux.LinuxTun;
import io.sallyport.net.linux.LinuxUdpPort;
import java.net.InetAddress;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The gateway on a Linux host: TUN devices and raw sockets through FFM, routes through iproute2. */
public final class LinuxGatewayHost implements GatewayHost {
    private static final Logger LOG = LoggerFactory.getLogger(LinuxGatewayHost.class);

    /** Receive buffer for the sockets ESP arrives on: the default 208 KiB overflows under TCP bursts. */
    private static final int RECEIVE_BUFFER_BYTES = 4 * 1024 * 1024;
    private static final int TUN_TRANSMIT_QUEUE = 4096;
    private static final int SEND_BATCH = 64;

    /** {@code -Dsallyport.tun.offloads=false} turns the TUN offloads off (for comparisons and as a way out). */
    static final String OFFLOADS_PROPERTY = "sallyport.tun.offloads";

    private final NetworkControl network = LinuxNetworkControl.ofHost();
    private final boolean offloadsWanted = !"false".equals(System.getProperty(OFFLOADS_PROPERTY));
    private final String sockets;
    /** The TUN part of the data path, from the last device opened (all are opened alike). */
    private volatile String tunPath;

    /** Detects the batching this host offers and says in the log which path is in use. */
    public LinuxGatewayHost() {
        this.sockets = "ESP sent "
                + (LinuxUdpPort.sendmmsgAvailable()
                        ? "with sendmmsg, up to " + SEND_BATCH + " datagrams per call"
                        : "with sendto, one datagram per call (no sendmmsg on this host)")
                + ", from each worker's own socket; ESP received "
                + (LinuxUdpPort.recvmmsgAvailable() ? "with recvmmsg, up to 32 datagrams per call"
                        : "with recvfrom, one datagram per call (no recvmmsg on this host)")
                + "; ESP in UDP: "
                + (LinuxUdpPort.segmentationOffloadAvailable()
                        ? "runs of equal datagrams sent as one GSO send (UDP_SEGMENT)" : "no UDP GSO on this host")
                + ", "
                + (LinuxUdpPort.receiveOffloadAvailable()
                        ? "coalesced datagrams received and split (UDP_GRO)" : "no UDP GRO on this host")
                + "; raw ESP: one datagram per packet (no offload for IP protocol 50)";
        this.tunPath = offloadsWanted ? "TUN offloads: asked for when a device opens"
                : "TUN offloads: off (-D" + OFFLOADS_PROPERTY + "=false)";
        LOG.info("data path: {}", dataPath());
    }

    @Override
    public String dataPath() {
        return "TUN: one queue per inside device, read and written by its worker; " + tunPath + "; " + sockets;
    }

    @Override
    public NetworkControl network() {
        return network;
    }

    @Override
    public TunPort openTun(String name, int mtu) {
        LinuxTun tun = offloadsWanted ? openWithOffloads(name, mtu) : LinuxTun.open(name, mtu);
        acceptLocalSources(name);
        lengthenTransmitQueue(name);
        return tun;
    }

    @Override
    public void reopenTun(TunPort tun) {
        tun.reattach();
        acceptLocalSources(tun.name());
        lengthenTransmitQueue(tun.name());
    }

    /**
     * TCP segmentation and checksum offloads (IFF_VNET_HDR, TUNSETOFFLOAD): the device hands over
     * 64 KB TCP super-packets, split into MSS-sized packets before ESP, and takes received segments
     * joined back into one write. A host that refuses gets the plain device, and the log says why.
     */
    private LinuxTun openWithOffloads(String name, int mtu) {
        try {
            LinuxTun tun = LinuxTun.openWithOffloads(name, mtu);
            String path = "TUN offloads: TSO and checksum (IFF_VNET_HDR; 64 KB TCP super-packets split before ESP,"
                    + " received TCP segments joined before the write)";
            if (!path.equals(tunPath)) {
                tunPath = path;
                LOG.info("data path: {}", dataPath());
            }
            return tun;
        } catch (HostNetworkException e) {
            String path = "TUN offloads: none (the host refused them: " + e.getMessage() + ")";
            if (!path.equals(tunPath)) {
                tunPath = path;
                LOG.warn("data path: {}", dataPath());
            }
            return LinuxTun.open(name, mtu);
        }
    }

    /**
     * The kernel queues packets routed into the TUN device until the outbound worker reads them;
     * the default 500 overflows while the worker waits for a CPU, and TCP then backs off.
     */
    private static void lengthenTransmitQueue(String device) {
        Path knob = Path.of("/sys/class/net", device, "tx_queue_len");
        try {
            Files.writeString(knob, TUN_TRANSMIT_QUEUE + "\n");
        } catch (IOException | SecurityException e) {
            LOG.warn("cannot set {} ({}): bursts into the tunnel may be dropped", knob, e.getMessage());
        }
    }

    /**
     * ICMP errors the tunnel sends inside (fragmentation needed, time exceeded) come from the
     * local gateway address, an address of this host; Linux drops packets arriving with a local
     * source unless {@code accept_local} is set on the device, and path-MTU discovery then fails.
     */
    private static void acceptLocalSources(String device) {
        Path knob = Path.of("/proc/sys/net/ipv4/conf", device, "accept_local");
        try {
            Files.writeString(knob, "1\n");
        } catch (IOException | SecurityException e) {
            LOG.warn("cannot set {} ({}): ICMP errors from the tunnel may not reach inside hosts", knob, e.getMessage());
        }
    }

    /**
     * A fixed port (500, 4500, a udp-encapsulate port) is bound as the receiving socket of an
     * SO_REUSEPORT group, so each worker can send from a socket of its own with that source port
     * ({@link #openUdpSender}); ephemeral ports are bound alone.
     */
    @Override
    public DatagramPort openUdp(InetSocketAddress local) {
        return local.getPort() == 0 ? LinuxUdpPort.bind(local, true, RECEIVE_BUFFER_BYTES)
                : LinuxUdpPort.bindShared(local, true, RECEIVE_BUFFER_BYTES);
    }

    @Override
    public DatagramPort openUdpSender(InetSocketAddress local) {
        return LinuxUdpPort.bindSender(local);
    }

    @Override
    public DatagramPort openRawEspSender(InetAddress local) {
        return LinuxRawEspPort.openSender(local);
    }

    @Override
    public Waiter waiter(List<?> ports) {
        return new LinuxWaiter(ports);
    }

    @Override
    public Optional<DatagramPort> openRawEsp(InetAddress local) {
        try {
            return Optional.of(LinuxRawEspPort.open(local, RECEIVE_BUFFER_BYTES));
        } catch (HostNetworkException e) {
            LOG.warn("no raw ESP socket on {} ({}): only ESP in UDP will work", local.getHostAddress(), e.getMessage());
            return Optional.empty();
        }
    }
}
