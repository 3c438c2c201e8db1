package io.sallyport.gateway.runtime;

import io.sallyport.net.DatagramPort;
import io.sallyport.net.NetworkControl;
import io.sallyport.net.TunPort;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;

/**
 * What the gateway needs from the machine it runs on: a Linux host, or a virtual router in the lab.
 * Opening may throw {@link io.sallyport.net.HostNetworkException} with the host's reason.
 */
public interface GatewayHost {

    NetworkControl network();

    /** Creates (or attaches to) the TUN device standing for a service interface, up, with this MTU. */
    TunPort openTun(String name, int mtu);

    /**
     * Creates again, on the same queue, a device the host deleted under it ({@link TunPort#deleted}):
     * name, MTU, up, and whatever else {@link #openTun} set. Its addresses and routes are the caller's.
     */
    void reopenTun(TunPort tun);

    /**
     * Another queue of a device {@link #openTun} opened, for one inbound worker to write what it
     * decrypts (the host sends nothing to it); empty where the host cannot offer one (its
     * decrypted packets then go through the device's worker). The caller's thread is the one that
     * opened the device; the new queue's writer closes it, after {@link #forgetWriteQueue}.
     *
     * @throws io.sallyport.net.HostNetworkException with the host's reason
     */
    default Optional<TunPort> openWriteQueue(TunPort device) {
        return Optional.empty();
    }

    /** The device's opening thread: {@code queue} is about to be closed; {@link #reopenTun} leaves it out. */
    default void forgetWriteQueue(TunPort device, TunPort queue) {
    }

    /**
     * The read queues of a device {@link #openTun} opened, one per device worker, and the table
     * that steers the host's packets among them by destination; one queue where the host offers
     * no more (the default). The device's opening thread.
     */
    default DeviceQueues queues(TunPort device) {
        return DeviceQueues.single(device);
    }

    DatagramPort openUdp(InetSocketAddress local);

    /**
     * The receiving sockets of a fixed UDP port of a local gateway (4500, a udp-encapsulate
     * port), one per inbound worker, in the host's steering order: ESP whose SPI is s to socket
     * {@link io.sallyport.net.SpiSteering#receiverOf(int, int) receiverOf(s, size)}, IKE and
     * keepalives to socket 0 (the one kmd sends from); one socket where the host cannot steer.
     * {@link #openUdpSender}s opened later do not disturb the order; the caller closes the sockets
     * last first.
     */
    List<DatagramPort> openUdpSteered(InetSocketAddress local);

    /** A raw IP protocol 50 endpoint for plain ESP, or empty where the host cannot offer one. */
    Optional<DatagramPort> openRawEsp(InetAddress local);

    /**
     * A send-only UDP port with the address and port of one this host already bound with
     * {@link #openUdp} (NAT-T's 4500): each sending worker gets its own, so no socket, and no lock,
     * is shared on the send path. Everything that arrives still goes to the bound port.
     */
    DatagramPort openUdpSender(InetSocketAddress local);

    /** A send-only raw ESP port on {@code local}, beside the receiving one {@link #openRawEsp} gave. */
    DatagramPort openRawEspSender(InetAddress local);

    /**
     * How this host moves packets (which batching and offloads it detected at start, with the
     * fallbacks in use), for the daemon log and {@code show services service-sets}.
     */
    String dataPath();

    /**
     * Live counts of the data path, one line each, for {@code show services service-sets} under
     * {@code Data path:}: each read from a snapshot its owner published (none by default).
     */
    default List<String> dataPathCounts() {
        return List.of();
    }

    /**
     * Where a worker owning {@code ports} (this host's own TUN and datagram ports) sleeps until one
     * of them is readable or another thread wakes it.
     */
    Waiter waiter(List<?> ports);
}
