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
 * IKE on 500 and NAT-T on 4500 (one inbound worker receives both; kmd sends from them), plain ESP
 * (with its inbound worker), {@code udp-encapsulate} ports opened when an SA first needs them, and
 * every outbound worker's own send-only sockets. The control agent's thread only: it opens and
 * closes every socket and starts and stops every inbound worker.
 */
final class LocalGateways {
    private static final int IKE_PORT = 500;
    private static final int NAT_T_PORT = 4500;

    private final GatewayHost host;
    private final AgentRunner runner;
    private final KmdAgent kmd;
    private final InboundAgent.UnknownSpi unknownSpi;
    private final Map<InetAddress, LocalGateway> byAddress = new LinkedHashMap<>();
    /**
     * Released addresses whose IKE sockets stay open until kmd sent what it had queued for them:
     * a service set that takes the address meanwhile (a set replaced by a new plan) takes them over.
     */
    private final Map<InetAddress, LocalGateway> closing = new java.util.HashMap<>();

    LocalGateways(GatewayHost host, AgentRunner runner, KmdAgent kmd, InboundAgent.UnknownSpi unknownSpi) {
        this.unknownSpi = unknownSpi;
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
    record Transport(DatagramPort socket, DatagramPort[] flowSenders, InboundAgent worker,
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
        DatagramPort natT;
        try {
            natT = released != null ? released.natT : host.openUdp(new InetSocketAddress(address, NAT_T_PORT));
        } catch (HostNetworkException e) {
            ike.close();
            throw e;
        }
        InboundAgent natTWorker = new InboundAgent("in-" + address.getHostAddress() + ":4500", natT, ike,
                EspInbound.InputForm.UDP_PAYLOAD, waiter(natT, ike), kmd::offer, unknownSpi);
        Optional<DatagramPort> raw = host.openRawEsp(address);
        Optional<InboundAgent> rawWorker = raw.map(p -> new InboundAgent("in-" + address.getHostAddress() + ":esp", p,
                null, EspInbound.InputForm.ESP, waiter(p), kmd::offer, unknownSpi));
        LocalGateway lg = new LocalGateway(address, ike, natT, natTWorker, raw, rawWorker);
        kmd.addPorts(address, ike, natT);
        runner.start(natTWorker);
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
        List<InboundAgent> stopped = new ArrayList<>();
        stopped.add(lg.natTWorker);
        lg.rawEspWorker.ifPresent(stopped::add);
        lg.encapsulation.values().forEach(e -> stopped.add(e.worker()));
        stopped.forEach(this::stopWorker);
        lg.encapsulation.values().forEach(e -> e.socket().close());
        lg.rawEsp.ifPresent(DatagramPort::close);
        lg.senders.values().forEach(LocalGateway.WorkerSenders::close);
        lg.senders.clear();
        // kmd may still have deletes to send for the peers just removed (queued before this):
        // the IKE sockets close once those went out, unless a service set took them over.
        closing.put(address, lg);
        kmd.run(() -> {
            if (closing.remove(address, lg)) {
                kmd.removePorts(address, lg.ike, lg.natT);
                lg.natT.close();
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
            out.add(lg.natTWorker);
            lg.rawEspWorker.ifPresent(out::add);
            lg.encapsulation.values().forEach(e -> out.add(e.worker()));
        }
        return out;
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
            return new Transport(own.natT, null, local.natTWorker,
                    new UdpEncapsulation.NatTraversal(NAT_T_PORT, remoteNatTPort), remoteNatTPort);
        }
        if (esp.udpEncapsulatePort().isPresent()) {
            int port = esp.udpEncapsulatePort().getAsInt();
            UdpEncapsulationPort encap = local.encapsulation.computeIfAbsent(port, p -> {
                DatagramPort socket = host.openUdp(new InetSocketAddress(local.address, p));
                InboundAgent worker = new InboundAgent("in-" + local.address.getHostAddress() + ":" + p, socket,
                        null, EspInbound.InputForm.UDP_PAYLOAD, waiter(socket), kmd::offer, unknownSpi);
                runner.start(worker);
                return new UdpEncapsulationPort(p, socket, worker);
            });
            DatagramPort[] flows = own.flows.computeIfAbsent(port, p -> {
                DatagramPort[] senders = new DatagramPort[UdpEncapsulationPort.FLOW_SENDERS];
                for (int i = 0; i < senders.length; i++) {
                    senders[i] = host.openUdp(new InetSocketAddress(local.address, 0));
                }
                return senders;
            });
            return new Transport(encap.socket(), flows, encap.worker(), new UdpEncapsulation.Multipath(port), port);
        }
        if (local.rawEsp.isEmpty()) {
            throw new HostNetworkException("plain ESP (IP protocol 50) needs a raw socket, which this host did not open");
        }
        if (own.rawEsp == null) {
            own.rawEsp = host.openRawEspSender(local.address);
        }
        return new Transport(own.rawEsp, null, local.rawEspWorker.orElseThrow(), UdpEncapsulation.NONE, 0);
    }
}
