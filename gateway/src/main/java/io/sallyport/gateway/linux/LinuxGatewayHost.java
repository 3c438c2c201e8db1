package io.sallyport.gateway.linux;

import io.sallyport.gateway.runtime.DeviceQueues;
import io.sallyport.gateway.runtime.GatewayHost;
import io.sallyport.gateway.runtime.Waiter;
import io.sallyport.net.DatagramPort;
import io.sallyport.net.HostNetworkException;
import io.sallyport.net.IpPrefix;
import io.sallyport.net.NetworkControl;
import io.sallyport.net.TunPort;
import io.sallyport.net.linux.NetlinkNetworkControl;
import io.sallyport.net.linux.LinuxRawEspPort;
import io.sallyport.net.linux.LinuxTun;
import io.sallyport.net.linux.LinuxUdpPort;
import io.sallyport.net.linux.XdpEspReceivePort;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The gateway on a Linux host: TUN devices and raw sockets through FFM, routes and rules over rtnetlink. */
public final class LinuxGatewayHost implements GatewayHost {
    private static final Logger LOG = LoggerFactory.getLogger(LinuxGatewayHost.class);

    /** Receive buffer for the sockets ESP arrives on: the default 208 KiB overflows under TCP bursts. */
    private static final int RECEIVE_BUFFER_BYTES = 4 * 1024 * 1024;
    private static final int TUN_TRANSMIT_QUEUE = 4096;
    private static final int SEND_BATCH = 64;

    /** {@code -Dsallyport.tun.offloads=false} turns the TUN offloads off (for comparisons and as a way out). */
    static final String OFFLOADS_PROPERTY = "sallyport.tun.offloads";
    /**
     * {@code -Dsallyport.esp.header-sender=false} sends raw IPv4 ESP from plain raw ESP sockets
     * (the kernel's outer header, with the SA's TTL, ToS and DF as control data of each send),
     * the path before IPPROTO_RAW senders: for comparisons.
     */
    static final String HEADER_SENDER_PROPERTY = "sallyport.esp.header-sender";
    /**
     * {@code -Dsallyport.esp.af-xdp=false} keeps plain IPv4 ESP on the raw sockets instead of an
     * AF_XDP socket and an XDP program on the local gateway's device: for comparisons, or a way
     * out; {@code =generic} runs the program on the skb even where the driver has a hook
     * (comparisons); anything else: in the driver where it can.
     */
    static final String AF_XDP_PROPERTY = "sallyport.esp.af-xdp";
    /** How the sends the kernel builds the outer header of get the SA's values. */
    private static final String OTHER_OUTER = "; where the kernel builds the outer header (ESP in UDP, ESP over IPv6,"
            + " protocol-50 sockets), the SA's TTL, ToS and DF as control data of each send (DF by IP_MTU_DISCOVER"
            + " for IPv4 and raw IPv6)";

    /**
     * {@code -Dsallyport.tun.inbound-queues=false}: decrypted packets go through the device's worker
     * (a handoff ring and a wake-up per burst) instead of each inbound worker's own write queue of
     * the device: for comparisons, or a way out.
     */
    static final String INBOUND_QUEUES_PROPERTY = "sallyport.tun.inbound-queues";
    /**
     * {@code -Dsallyport.data.inbound-workers=N}: inbound workers per fixed UDP port of a local
     * gateway (4500, udp-encapsulate ports), each with its own socket of the port's SO_REUSEPORT
     * group, datagrams steered to them by SPI. Default: the available processors, at most
     * {@value #MAX_INBOUND_WORKERS}; 1 is the single worker of before.
     */
    static final String INBOUND_WORKERS_PROPERTY = "sallyport.data.inbound-workers";
    static final int MAX_INBOUND_WORKERS = 8;
    private static final String HANDOFF_PATH = "decrypted packets handed to the device's worker, which writes them";
    /**
     * {@code -Dsallyport.data.device-workers=M}: read queues, each with a worker of its own, per
     * inside device (a steering table sends each tunnel's packets to its worker's queue); default
     * the available processors, at most {@value #MAX_DEVICE_WORKERS}. 1 gives the one worker per device of before;
     * a value outside 1..{@value #MAX_DEVICE_WORKERS} refuses the start ({@link #workerCount}).
     */
    static final String DEVICE_WORKERS_PROPERTY = "sallyport.data.device-workers";
    static final int MAX_DEVICE_WORKERS = 8;
    /** Prefixes the steering table of one device holds (one per distinct remote selector; dynamic peers included). */
    private static final int STEERED_PREFIXES = 1 << 16;

    private final NetworkControl network = NetlinkNetworkControl.ofHost(path -> LOG.info("host routing: {}", path));
    private final boolean inboundQueuesWanted = !"false".equals(System.getProperty(INBOUND_QUEUES_PROPERTY));
    private final int deviceWorkers =
            workerCount(DEVICE_WORKERS_PROPERTY, System.getProperty(DEVICE_WORKERS_PROPERTY), MAX_DEVICE_WORKERS);
    /** How decrypted packets reach the TUN devices: changed (and logged) when the host refuses steering. */
    private volatile String queuePath;
    private volatile Map<InetAddress, Integer> marks = Map.of();
    private final boolean offloadsWanted = !"false".equals(System.getProperty(OFFLOADS_PROPERTY));
    private final boolean headerSenders = !"false".equals(System.getProperty(HEADER_SENDER_PROPERTY));
    private final boolean afXdpWanted = !"false".equals(System.getProperty(AF_XDP_PROPERTY));
    private final boolean nativeXdp = !"generic".equals(System.getProperty(AF_XDP_PROPERTY));
    /** The AF_XDP receive port of each local IPv4 gateway that has one; its senders are made from it. */
    private final Map<InetAddress, XdpEspReceivePort> xdpPorts = new ConcurrentHashMap<>();
    /** How plain ESP moves past the raw sockets: changed (and logged) as local gateways open. */
    private volatile String xdpPath;
    private final String sockets;
    /** How raw ESP leaves: changed (and logged) when the host refuses an IPPROTO_RAW socket. */
    private volatile String rawPath;
    /** The TUN part of the data path, from the last device opened (all are opened alike). */
    private volatile String tunPath;
    private final int inboundWorkers;
    private final String inboundPath;
    /** The last port whose steered group the host refused (received by one worker), or empty. */
    private volatile String inboundRefusal = "";

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
        this.rawPath = (headerSenders ? "raw ESP over IPv4 sent with Sallyport's outer header (IPPROTO_RAW: the SA's DF, TTL and ToS)"
                : "raw ESP sent with the kernel's outer header (-D" + HEADER_SENDER_PROPERTY + "=false)") + OTHER_OUTER;
        this.xdpPath = !afXdpWanted ? "AF_XDP: off (-D" + AF_XDP_PROPERTY + "=false)"
                : !headerSenders ? "AF_XDP: off (it needs the IPPROTO_RAW senders, -D" + HEADER_SENDER_PROPERTY + "=false)"
                : "AF_XDP for raw ESP over IPv4: tried when a local gateway opens";
        this.tunPath = offloadsWanted ? "TUN offloads: asked for when a device opens"
                : "TUN offloads: off (-D" + OFFLOADS_PROPERTY + "=false)";
        int wanted = workerCount(INBOUND_WORKERS_PROPERTY, System.getProperty(INBOUND_WORKERS_PROPERTY), MAX_INBOUND_WORKERS);
        if (wanted > 1 && !LinuxUdpPort.spiSteeringAvailable()) {
            this.inboundWorkers = 1;
            this.inboundPath = "ESP in UDP received by one worker per port (the host refused the SO_REUSEPORT"
                    + " steering program, SO_ATTACH_REUSEPORT_CBPF; " + wanted + " wanted)";
            LOG.warn("data path: {}", inboundPath);
        } else {
            this.inboundWorkers = wanted;
            this.inboundPath = wanted == 1
                    ? "ESP in UDP received by one worker per port (-D" + INBOUND_WORKERS_PROPERTY + "=1)"
                    : "ESP in UDP received by " + wanted + " workers per port, each with its socket of the port's"
                            + " SO_REUSEPORT group; a classic BPF program steers ESP by SPI (SPI mod " + wanted
                            + "), IKE to the first; datagrams UDP GRO joined with another worker's handed to it";
        }
        this.queuePath = inboundQueuesWanted ? "TUN queues: asked for when a device opens"
                : "TUN: one queue per inside device, read and written by its worker; " + HANDOFF_PATH
                        + " (-D" + INBOUND_QUEUES_PROPERTY + "=false)";
        LOG.info("data path: {}", dataPath());
    }

    /**
     * A worker count from its {@code -D} setting: unset, the available processors, at most
     * {@code max}; else a number from 1 to {@code max}, or the daemon refuses to start (a value
     * it cannot take is not replaced by another one behind the operator's back).
     */
    static int workerCount(String property, String value, int max) {
        if (value == null) {
            return Math.min(Runtime.getRuntime().availableProcessors(), max);
        }
        int wanted;
        try {
            wanted = Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            wanted = 0;
        }
        if (wanted < 1 || wanted > max) {
            throw new IllegalArgumentException("-D" + property + " must be a number from 1 to " + max + ": " + value);
        }
        return wanted;
    }

    @Override
    public String dataPath() {
        return queuePath + "; " + tunPath + "; " + sockets + "; " + inboundPath + inboundRefusal + "; " + rawPath + "; " + xdpPath;
    }

    /**
     * Per local gateway with AF_XDP attached: the frames its receiving worker has taken from each
     * receive queue's socket so far ({@link XdpEspReceivePort#receivedPerQueue}).
     */
    @Override
    public List<String> dataPathCounts() {
        List<String> lines = new ArrayList<>();
        xdpPorts.forEach((local, port) -> {
            List<Long> frames = port.receivedPerQueue();
            port.device().filter(d -> !frames.isEmpty()).ifPresent(device -> {
                StringBuilder line = new StringBuilder("AF_XDP frames received on ").append(local.getHostAddress())
                        .append(" (").append(device).append("), per receive queue:");
                for (int q = 0; q < frames.size(); q++) {
                    line.append(q == 0 ? " " : ", ").append(q).append(": ").append(frames.get(q));
                }
                lines.add(line.toString());
            });
        });
        lines.sort(null);
        return List.copyOf(lines);
    }

    @Override
    public NetworkControl network() {
        return network;
    }

    @Override
    public TunPort openTun(String name, int mtu) {
        LinuxTun tun = inboundQueuesWanted ? openSteered(name, mtu) : null;
        if (tun == null) {
            tun = offloadsWanted ? openWithOffloads(name, mtu) : LinuxTun.open(name, mtu);
        }
        acceptLocalSources(name);
        lengthenTransmitQueue(name);
        return tun;
    }

    /**
     * A multi-queue device whose steering program sends what the host routes into it to the read
     * queue of the worker holding its tunnel (by destination prefix; {@link #queues}), or, with one
     * worker (asked for, or the host refused the table or the program that reads it), everything
     * to queue 0; each inbound worker writes what it decrypts to a queue of its own
     * ({@link #openWriteQueue}): no copy into a handoff ring, no wake-up of the device's worker.
     * Null where the host refuses any part (the caller opens the device as before, and the log and
     * {@code Data path:} say why).
     */
    private LinuxTun openSteered(String name, int mtu) {
        String writes = "; each inbound worker writes what it decrypts to a queue of its own";
        try {
            LinuxTun tun = null;
            if (deviceWorkers > 1) {
                try {
                    tun = LinuxTun.openSteered(name, mtu, offloadsWanted, deviceWorkers, STEERED_PREFIXES);
                    note("TUN: multi-queue per inside device, " + deviceWorkers + " read queues with a device worker"
                            + " each (-D" + DEVICE_WORKERS_PROPERTY + "); a steering program (eBPF,"
                            + " TUNSETSTEERINGEBPF) sends what the host routes into it to the queue an LPM-trie map of the"
                            + " tunnels' remote prefixes names (none: queue 0)" + writes, false);
                } catch (HostNetworkException e) {
                    note("TUN: multi-queue per inside device, one read queue and device worker (the host refused "
                            + deviceWorkers + " steered by tunnel: " + e.getMessage() + "); a steering program (eBPF,"
                            + " TUNSETSTEERINGEBPF) sends what the host routes into it to queue 0" + writes, true);
                }
            }
            if (tun == null) {
                tun = LinuxTun.openSteered(name, mtu, offloadsWanted);
                if (deviceWorkers == 1) {
                    note("TUN: multi-queue per inside device; a steering program (eBPF, TUNSETSTEERINGEBPF) sends what"
                            + " the host routes into it to queue 0, read and written by the device's worker" + writes, false);
                }
            }
            if (offloadsWanted) {
                noteOffloads();
            }
            return tun;
        } catch (HostNetworkException e) {
            note("TUN: one queue per inside device, read and written by its worker; " + HANDOFF_PATH
                    + " (the host refused a steered multi-queue device: " + e.getMessage() + ")", true);
            return null;
        }
    }

    /** A steered device's read queues and its table; one queue for any other device. */
    @Override
    public DeviceQueues queues(TunPort device) {
        if (!(device instanceof LinuxTun tun) || tun.readQueues().size() < 2) {
            return DeviceQueues.single(device);
        }
        return new DeviceQueues() {
            @Override
            public List<TunPort> queues() {
                return List.copyOf(tun.readQueues());
            }

            @Override
            public void steer(IpPrefix prefix, int queue) {
                tun.steer(prefix, queue);
            }

            @Override
            public void unsteer(IpPrefix prefix) {
                tun.unsteer(prefix);
            }
        };
    }

    private void note(String path, boolean refused) {
        if (!path.equals(queuePath)) {
            queuePath = path;
            if (refused) {
                LOG.warn("data path: {}", dataPath());
            } else {
                LOG.info("data path: {}", dataPath());
            }
        }
    }

    private void noteOffloads() {
        String path = "TUN offloads: TSO and checksum (IFF_VNET_HDR; 64 KB TCP super-packets split before ESP,"
                + " received TCP segments joined before the write)";
        if (!path.equals(tunPath)) {
            tunPath = path;
            LOG.info("data path: {}", dataPath());
        }
    }

    @Override
    public Optional<TunPort> openWriteQueue(TunPort device) {
        return device instanceof LinuxTun tun && tun.steered() ? Optional.of(tun.openWriteQueue()) : Optional.empty();
    }

    @Override
    public void forgetWriteQueue(TunPort device, TunPort queue) {
        if (device instanceof LinuxTun tun && queue instanceof LinuxTun q) {
            tun.forgetWriteQueue(q);
        }
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
            noteOffloads();
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
        return marked(local.getAddress(), local.getPort() == 0 ? LinuxUdpPort.bind(local, true, RECEIVE_BUFFER_BYTES)
                : LinuxUdpPort.bindShared(local, true, RECEIVE_BUFFER_BYTES));
    }

    /**
     * {@code -Dsallyport.data.inbound-workers} receiving sockets of one SO_REUSEPORT group, steered by SPI
     * ({@link LinuxUdpPort#bindSteered}); one socket, as {@link #openUdp}, when that is 1 or when
     * the host refuses the group (then the log and {@code Data path:} say so; a bind the host
     * refuses fails again alone, with its reason).
     */
    @Override
    public List<DatagramPort> openUdpSteered(InetSocketAddress local) {
        List<LinuxUdpPort> ports;
        try {
            ports = LinuxUdpPort.bindSteered(local, true, RECEIVE_BUFFER_BYTES, inboundWorkers);
        } catch (HostNetworkException e) {
            ports = List.of(LinuxUdpPort.bindShared(local, true, RECEIVE_BUFFER_BYTES));
            inboundRefusal = " (except " + local.getAddress().getHostAddress() + ":" + local.getPort()
                    + ", received by one worker: the host refused its group of " + inboundWorkers + ": "
                    + e.getMessage() + ")";
            LOG.warn("data path: {}", dataPath());
        }
        Integer mark = marks.get(local.getAddress());
        if (mark != null) {
            try {
                ports.forEach(p -> p.mark(mark));
            } catch (RuntimeException e) {
                for (int i = ports.size() - 1; i >= 0; i--) {
                    ports.get(i).close();
                }
                throw e;
            }
        }
        return List.copyOf(ports);
    }

    @Override
    public DatagramPort openUdpSender(InetSocketAddress local) {
        return marked(local.getAddress(), LinuxUdpPort.bindSender(local));
    }

    /**
     * IPv4: an IPPROTO_RAW socket that takes the whole packet, so the outer header carries the
     * SA's DF, TTL and ToS, and the kernel's send path is shorter (no corking, no checksum while
     * copying) and no receiver gets a copy of each ESP packet for it. A host that refuses one, and
     * IPv6, get the plain raw ESP socket (the kernel's outer header).
     */
    @Override
    public DatagramPort openRawEspSender(InetAddress local) {
        if (local instanceof Inet4Address v4 && headerSenders) {
            try {
                LinuxRawEspPort sender = marked(local, LinuxRawEspPort.openHeaderSender(v4));
                XdpEspReceivePort xdp = xdpPorts.get(local);
                if (xdp != null) {
                    try {
                        return xdp.newSender(sender);
                    } catch (HostNetworkException e) {
                        LOG.debug("raw ESP from {} through the raw socket: {}", local.getHostAddress(), e.getMessage());
                    } finally {
                        noteXdp(xdp.describe(), !xdp.attached());
                    }
                }
                return sender;
            } catch (HostNetworkException e) {
                rawPath = "raw ESP sent with the kernel's outer header (the host refused an IPPROTO_RAW socket: "
                        + e.getMessage() + ")" + OTHER_OUTER;
                LOG.warn("data path: {}", dataPath());
            }
        }
        return marked(local, LinuxRawEspPort.openSender(local));
    }

    /**
     * The socket marks of local gateways in a VRF routing instance ({@code local-gateway A
     * routing-instance R}): IKE and ESP sockets opened on A from now on carry SO_MARK, which the
     * instance's {@code ip rule fwmark} sends to its table. Set before the plan is applied.
     */
    public void marks(Map<InetAddress, Integer> byLocalAddress) {
        marks = Map.copyOf(byLocalAddress);
    }

    private LinuxUdpPort marked(InetAddress local, LinuxUdpPort port) {
        markOrClose(local, port::mark, port);
        return port;
    }

    private LinuxRawEspPort marked(InetAddress local, LinuxRawEspPort port) {
        markOrClose(local, port::mark, port);
        return port;
    }

    private void markOrClose(InetAddress local, java.util.function.IntConsumer setMark, DatagramPort port) {
        Integer mark = marks.get(local);
        if (mark != null) {
            try {
                setMark.accept(mark);
            } catch (RuntimeException e) {
                port.close();
                throw e;
            }
        }
    }

    @Override
    public Waiter waiter(List<?> ports) {
        return new LinuxWaiter(ports);
    }

    @Override
    public Optional<DatagramPort> openRawEsp(InetAddress local) {
        LinuxRawEspPort raw;
        try {
            raw = marked(local, LinuxRawEspPort.open(local, RECEIVE_BUFFER_BYTES));
        } catch (HostNetworkException e) {
            LOG.warn("no raw ESP socket on {} ({}): only ESP in UDP will work", local.getHostAddress(), e.getMessage());
            return Optional.empty();
        }
        return Optional.of(withAfXdp(local, raw));
    }

    /**
     * The AF_XDP port of an IPv4 local gateway ({@link XdpEspReceivePort}: once a tunnel sends
     * plain ESP, an XDP program on its device hands it the ESP to the address; the raw socket
     * keeps what the kernel still delivers), or {@code raw} alone where it is off, or the address
     * is in a VRF instance (its routes are the instance's, which the frame path does not ask).
     */
    private DatagramPort withAfXdp(InetAddress local, LinuxRawEspPort raw) {
        if (!afXdpWanted || !headerSenders || !(local instanceof Inet4Address v4)) {
            return raw;
        }
        if (marks.containsKey(local)) {
            noteXdp("AF_XDP: not on " + local.getHostAddress() + " (in a routing instance: raw sockets)", false);
            return raw;
        }
        try {
            XdpEspReceivePort xdp = XdpEspReceivePort.open(v4, raw, nativeXdp);
            xdpPorts.put(local, xdp);
            noteXdp(xdp.describe(), false);
            return xdp;
        } catch (HostNetworkException e) {
            noteXdp("AF_XDP: not on " + local.getHostAddress() + " (" + e.getMessage() + "): raw sockets", true);
            return raw;
        }
    }

    private void noteXdp(String path, boolean refused) {
        if (!path.equals(xdpPath)) {
            xdpPath = path;
            if (refused) {
                LOG.warn("data path: {}", dataPath());
            } else {
                LOG.info("data path: {}", dataPath());
            }
        }
    }
}
