package io.sallyport.gateway.runtime;

import io.sallyport.esp.EspInbound;
import io.sallyport.esp.UdpEncapsulation;
import io.sallyport.gateway.plan.EspSettings;
import io.sallyport.net.DatagramPort;
import io.sallyport.net.HostNetworkException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The sockets of every local-gateway address in use, shared by the service sets that name it:
 * IKE on 500 and NAT-T on 4500 (a steered group of inbound workers receives 4500, the first of
 * them 500 too; kmd sends from them), plain ESP (with its inbound worker), {@code udp-encapsulate}
 * ports (each a steered group) opened when an SA first needs them, and every outbound worker's
 * own send-only sockets. The control agent's thread only: it opens and closes every socket and
 * starts and stops every inbound worker.
 *
 * <p>The host steers by a socket's place in its port's group, which follows the order the
 * sockets joined and fills a closed one's place with the last: a group's receivers are bound
 * together, before any outbound worker's send-only socket on that port joins, and close after
 * those, last first.
 */
final class LocalGateways {
    private static final int IKE_PORT = 500;
    private static final int NAT_T_PORT = 4500;

    private final GatewayHost host;
    private final AgentRunner runner;
    private final KmdAgent kmd;
    private final InboundAgent.UnknownSpi unknownSpi;
    private final InboundAgent.PeerMoved peerMoved;
    private final Map<InetAddress, LocalGateway> byAddress = new LinkedHashMap<>();
    /**
     * Released addresses whose IKE sockets stay open until kmd sent what it had queued for them:
     * a service set that takes the address meanwhile (a set replaced by a new plan) takes them over.
     */
    private final Map<InetAddress, LocalGateway> closing = new java.util.HashMap<>();

    LocalGateways(GatewayHost host, AgentRunner runner, KmdAgent kmd, InboundAgent.UnknownSpi unknownSpi,
                  InboundAgent.PeerMoved peerMoved) {
        this.unknownSpi = unknownSpi;
        this.peerMoved = peerMoved;
        this.host = host;
        this.runner = runner;
        this.kmd = kmd;
    }

    /**
     * The send-only sockets of each outbound worker (their refused sends, for the drops view), by a
     * name; their counters are owner-written plain longs that show reads slightly stale.
     */
    Map<String, java.util.List<io.sallyport.net.PortCounters>> senderCounters() {
        Map<String, java.util.List<io.sallyport.net.PortCounters>> out = new java.util.LinkedHashMap<>();
        byAddress.forEach((a, lg) -> lg.senders.forEach((worker, own) -> {
            java.util.List<io.sallyport.net.PortCounters> ports = new java.util.ArrayList<>();
            if (own.natT != null) {
                ports.add(own.natT.counters());
            }
            if (own.rawEsp != null) {
                ports.add(own.rawEsp.counters());
            }
            own.flows.values().forEach(flows -> {
                for (DatagramPort p : flows) {
                    ports.add(p.counters());
                }
            });
            out.put(worker.name() + " on " + a.getHostAddress(), java.util.List.copyOf(ports));
        }));
        return out;
    }

    /**
     * Where one SA's ESP travels: the sending worker's own socket or flow senders, the worker that
     * receives the peer's ESP, the encapsulation.
     */
    record Transport(DatagramPort socket, DatagramPort[] flowSenders, InboundGroup inbound,
                     UdpEncapsulation encapsulation, int destinationPort) {
    }

    Optional<LocalGateway> get(InetAddress address) {
        return Optional.ofNullable(byAddress.get(address));
    }

    /**
     * The sockets of {@code address} for one more service set, opened on first use.
     *
     * @throws HostNetworkException when the host refuses a socket (the address is missing, a port is taken)
     */
    LocalGateway acquire(InetAddress address) {
        LocalGateway existing = byAddress.get(address);
        if (existing != null) {
            existing.users++;
            return existing;
        }
        LocalGateway released = closing.remove(address);
        DatagramPort ike = released != null ? released.ike : host.openUdp(new InetSocketAddress(address, IKE_PORT));
        List<DatagramPort> natT;
        try {
            natT = released != null ? released.natTSockets : host.openUdpSteered(new InetSocketAddress(address, NAT_T_PORT));
        } catch (HostNetworkException e) {
            ike.close();
            throw e;
        }
        InboundGroup natTWorkers = group(address, NAT_T_PORT, natT, ike);
        Optional<DatagramPort> raw = host.openRawEsp(address);
        Optional<InboundAgent> rawWorker = raw.map(p -> new InboundAgent("in-" + address.getHostAddress() + ":esp", p,
                null, EspInbound.InputForm.ESP, waiter(p), kmd::offer, unknownSpi, peerMoved));
        LocalGateway lg = new LocalGateway(address, ike, natT, natTWorkers, raw, rawWorker);
        kmd.addPorts(address, ike, lg.natT);
        natTWorkers.workers().forEach(runner::start);
        rawWorker.ifPresent(runner::start);
        lg.users = 1;
        byAddress.put(address, lg);
        return lg;
    }

    /** One service set less on {@code address}; the last one closes its sockets. Returns the inbound workers stopped. */
    List<InboundAgent> release(InetAddress address) {
        LocalGateway lg = byAddress.get(address);
        if (lg == null || --lg.users > 0) {
            return List.of();
        }
        byAddress.remove(address);
        List<InboundAgent> stopped = new ArrayList<>(lg.natTWorkers.workers());
        lg.rawEspWorker.ifPresent(stopped::add);
        lg.encapsulation.values().forEach(e -> stopped.addAll(e.workers().workers()));
        stopped.forEach(this::stopWorker);
        lg.encapsulation.values().forEach(e -> closeLastFirst(e.sockets()));
        lg.rawEsp.ifPresent(DatagramPort::close);
        // The senders before the receivers of their group: a receiver closed first would see its
        // place taken by the group's last member, a sender that accepts nothing.
        lg.senders.values().forEach(LocalGateway.WorkerSenders::close);
        lg.senders.clear();
        // kmd may still have deletes to send for the peers just removed (queued before this):
        // the IKE sockets close once those went out, unless a service set took them over.
        closing.put(address, lg);
        kmd.run(() -> {
            if (closing.remove(address, lg)) {
                kmd.removePorts(address, lg.ike, lg.natT);
                closeLastFirst(lg.natTSockets);
                lg.ike.close();
            }
        });
        return stopped;
    }

    /** Closes the send-only sockets of an outbound worker that stopped. */
    void closeSenders(InetAddress address, OutboundAgent worker) {
        LocalGateway lg = byAddress.get(address);
        LocalGateway.WorkerSenders s = lg == null ? null : lg.senders.remove(worker);
        if (s != null) {
            s.close();
        }
    }

    /** Every inbound worker running now, for the counters show sums. */
    List<InboundAgent> workers() {
        List<InboundAgent> out = new ArrayList<>();
        for (LocalGateway lg : byAddress.values()) {
            out.addAll(lg.natTWorkers.workers());
            lg.rawEspWorker.ifPresent(out::add);
            lg.encapsulation.values().forEach(e -> out.addAll(e.workers().workers()));
        }
        return out;
    }

    /**
     * The inbound workers of one steered group of UDP sockets, one per socket, in the sockets'
     * order; the first also receives {@code ike} (port 500) when given. Not started.
     */
    private InboundGroup group(InetAddress address, int port, List<DatagramPort> sockets, DatagramPort ike) {
        List<InboundAgent> workers = new ArrayList<>();
        for (int i = 0; i < sockets.size(); i++) {
            DatagramPort socket = sockets.get(i);
            DatagramPort ikePort = i == 0 ? ike : null;
            String name = "in-" + address.getHostAddress() + ":" + port + (sockets.size() > 1 ? "/" + i : "");
            workers.add(new InboundAgent(name, socket, ikePort, EspInbound.InputForm.UDP_PAYLOAD,
                    ikePort == null ? waiter(socket) : waiter(socket, ikePort), kmd::offer, unknownSpi, peerMoved));
        }
        return new InboundGroup(workers);
    }

    private static void closeLastFirst(List<DatagramPort> sockets) {
        for (int i = sockets.size() - 1; i >= 0; i--) {
            sockets.get(i).close();
        }
    }

    private Waiter waiter(DatagramPort... ports) {
        return host.waiter(Arrays.stream(ports).map(ForwardingDatagramPort::unwrap).toList());
    }

    private void stopWorker(InboundAgent worker) {
        runner.stop(worker);
        worker.closeWaiter();
        worker.closeQueues();
    }

    /**
     * NAT-T when kmd negotiated it, {@code udp-encapsulate} when configured, plain ESP otherwise,
     * sent from {@code sender}'s own sockets. Without a raw ESP socket (a host that refuses one)
     * plain ESP cannot be sent.
     */
    Transport transport(LocalGateway local, EspSettings esp, boolean natT, int remoteNatTPort, OutboundAgent sender) {
        LocalGateway.WorkerSenders own = local.senders.computeIfAbsent(sender, w -> new LocalGateway.WorkerSenders());
        if (natT) {
            if (own.natT == null) {
                own.natT = host.openUdpSender(new InetSocketAddress(local.address, NAT_T_PORT));
            }
            return new Transport(own.natT, null, local.natTWorkers,
                    new UdpEncapsulation.NatTraversal(NAT_T_PORT, remoteNatTPort), remoteNatTPort);
        }
        if (esp.udpEncapsulatePort().isPresent()) {
            int port = esp.udpEncapsulatePort().getAsInt();
            UdpEncapsulationPort encap = local.encapsulation.computeIfAbsent(port, p -> {
                List<DatagramPort> sockets = host.openUdpSteered(new InetSocketAddress(local.address, p));
                InboundGroup workers = group(local.address, p, sockets, null);
                workers.workers().forEach(runner::start);
                return new UdpEncapsulationPort(p, sockets, workers);
            });
            DatagramPort[] flows = own.flows.computeIfAbsent(port, p -> {
                DatagramPort[] senders = new DatagramPort[UdpEncapsulationPort.FLOW_SENDERS];
                for (int i = 0; i < senders.length; i++) {
                    senders[i] = host.openUdp(new InetSocketAddress(local.address, 0));
                }
                return senders;
            });
            return new Transport(encap.sockets().getFirst(), flows, encap.workers(), new UdpEncapsulation.Multipath(port),
                    port);
        }
        if (local.rawEsp.isEmpty()) {
            throw new HostNetworkException("plain ESP (IP protocol 50) needs a raw socket, which this host did not open");
        }
        if (own.rawEsp == null) {
            own.rawEsp = host.openRawEspSender(local.address);
        }
        return new Transport(own.rawEsp, null, InboundGroup.of(local.rawEspWorker.orElseThrow()), UdpEncapsulation.NONE, 0);
    }
}
