package io.sallyport.gateway.runtime;

import io.sallyport.net.DatagramPort;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The sockets of one local-gateway address, shared by every service set that names it: IKE on
 * 500 and NAT-T on 4500 (4500 received by a steered group of inbound workers, the first of which
 * also receives 500; kmd sends from 500 and the group's first 4500 socket), plain ESP (received by
 * its inbound worker), and the send-only sockets of each outbound worker. Kept by the control agent.
 */
final class LocalGateway {
    final InetAddress address;
    final DatagramPort ike;
    /** The first of {@link #natTSockets}: IKE arrives on it, kmd sends from it. */
    final DatagramPort natT;
    /** 4500's receiving sockets in the host's steering order, one per worker of {@link #natTWorkers}. */
    final List<DatagramPort> natTSockets;
    final InboundGroup natTWorkers;
    final Optional<DatagramPort> rawEsp;
    final Optional<InboundAgent> rawEspWorker;
    /** {@code udp-encapsulate dest-port} sockets by port, opened when a service set first asks. */
    final Map<Integer, UdpEncapsulationPort> encapsulation = new HashMap<>();
    /** Each outbound worker's own send-only sockets on this address. */
    final Map<OutboundAgent, WorkerSenders> senders = new IdentityHashMap<>();
    int users;

    /**
     * The sockets one outbound worker sends its ESP from, opened on first use and used by that
     * worker's thread only: NAT-T (source port 4500, beside the shared receiving socket), raw ESP,
     * and the flow senders of each udp-encapsulate port.
     */
    static final class WorkerSenders {
        DatagramPort natT;
        DatagramPort rawEsp;
        final Map<Integer, DatagramPort[]> flows = new HashMap<>();

        void close() {
            if (natT != null) {
                natT.close();
            }
            if (rawEsp != null) {
                rawEsp.close();
            }
            flows.values().forEach(ports -> {
                for (DatagramPort p : ports) {
                    p.close();
                }
            });
        }
    }

    LocalGateway(InetAddress address, DatagramPort ike, List<DatagramPort> natTSockets, InboundGroup natTWorkers,
                 Optional<DatagramPort> rawEsp, Optional<InboundAgent> rawEspWorker) {
        this.address = address;
        this.ike = ike;
        this.natT = natTSockets.getFirst();
        this.natTSockets = List.copyOf(natTSockets);
        this.natTWorkers = natTWorkers;
        this.rawEsp = rawEsp;
        this.rawEspWorker = rawEspWorker;
    }
}
