package io.sallyport.gateway.runtime;

import io.sallyport.net.DatagramPort;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The sockets of one local-gateway address, shared by every service set that names it: IKE on
 * 500 (kmd's), NAT-T on 4500 and plain ESP (each with its inbound worker).
 */
final class LocalGateway {
    final InetAddress address;
    final DatagramPort ike;
    final DatagramPort natT;
    final InboundAgent natTWorker;
    final Optional<DatagramPort> rawEsp;
    final Optional<InboundAgent> rawEspWorker;
    /** {@code udp-encapsulate dest-port} sockets by port, opened when a service set first asks. */
    final Map<Integer, UdpEncapsulationPort> encapsulation = new HashMap<>();
    int users;

    LocalGateway(InetAddress address, DatagramPort ike, DatagramPort natT, InboundAgent natTWorker,
                 Optional<DatagramPort> rawEsp, Optional<InboundAgent> rawEspWorker) {
        this.address = address;
        this.ike = ike;
        this.natT = natT;
        this.natTWorker = natTWorker;
        this.rawEsp = rawEsp;
        this.rawEspWorker = rawEspWorker;
    }
}
