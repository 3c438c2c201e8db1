package io.sallyport.gateway.runtime;

import io.sallyport.esp.EspInbound;
import io.sallyport.esp.UdpEncapsulation;
import io.sallyport.gateway.plan.EspSettings;
import io.sallyport.net.DatagramPort;
import io.sallyport.net.HostNetworkException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The sockets of every local-gateway address in use, shared by the service sets that name it:
 * IKE on 500 (given to kmd), NAT-T on 4500 and plain ESP (each with its inbound worker), and
 * {@code udp-encapsulate} ports opened when an SA first needs them. Called from the commit thread
 * and from kmd's (SA installation): every method takes this object's lock.
 */
final class LocalGateways {
    private static final int IKE_PORT = 500;
    private static final int NAT_T_PORT = 4500;

    private final GatewayHost host;
    private final AgentRunner runner;
    private final KmdAgent kmd;
    private final Map<InetAddress, LocalGateway> byAddress = new HashMap<>();
    private final InboundAgent.UnknownSpi unknownSpi;

    LocalGateways(GatewayHost host, AgentRunner runner, KmdAgent kmd, InboundAgent.UnknownSpi unknownSpi) {
        this.host = host;
        this.runner = runner;
        this.kmd = kmd;
        this.unknownSpi = unknownSpi;
    }

    /** Every inbound worker of every local gateway, for the drops view. */
    synchronized java.util.List<InboundAgent> inboundWorkers() {
        java.util.List<InboundAgent> out = new java.util.ArrayList<>();
        for (LocalGateway lg : byAddress.values()) {
            out.add(lg.natTWorker);
            lg.rawEspWorker.ifPresent(out::add);
            lg.encapsulation.values().forEach(e -> out.add(e.worker()));
        }
        return out;
    }

    /** The IKE (port 500) socket of each local gateway, by address, for the drops view. */
    synchronized Map<InetAddress, DatagramPort> ikePorts() {
        Map<InetAddress, DatagramPort> out = new java.util.LinkedHashMap<>();
        byAddress.forEach((a, lg) -> out.put(a, lg.ike));
        return out;
    }

    /** Where one SA's ESP travels: the socket, its flow senders, its receiving worker, the encapsulation. */
    record Transport(DatagramPort socket, DatagramPort[] flowSenders, InboundAgent worker,
                     UdpEncapsulation encapsulation, int destinationPort) {
    }

    synchronized Optional<LocalGateway> get(InetAddress address) {
        return Optional.ofNullable(byAddress.get(address));
    }

    /**
     * The sockets of {@code address} for one more service set, opened on first use.
     *
     * @throws HostNetworkException when the host refuses a socket (the address is missing, a port is taken)
     */
    synchronized LocalGateway acquire(InetAddress address) {
        LocalGateway existing = byAddress.get(address);
        if (existing != null) {
            existing.users++;
            return existing;
        }
        DatagramPort ike = host.openUdp(new InetSocketAddress(address, IKE_PORT));
        DatagramPort natT;
        try {
            natT = new SharedSendPort(host.openUdp(new InetSocketAddress(address, NAT_T_PORT)));
        } catch (HostNetworkException e) {
            ike.close();
            throw e;
        }
        InboundAgent natTWorker = new InboundAgent("in-" + address.getHostAddress() + ":4500", natT,
                EspInbound.InputForm.UDP_PAYLOAD, kmd::offer, unknownSpi);
        Optional<DatagramPort> raw = host.openRawEsp(address).map(SharedSendPort::new);
        Optional<InboundAgent> rawWorker = raw.map(p -> new InboundAgent("in-" + address.getHostAddress() + ":esp", p,
                EspInbound.InputForm.ESP, kmd::offer, unknownSpi));
        LocalGateway lg = new LocalGateway(address, ike, natT, natTWorker, raw, rawWorker);
        kmd.addIkePort(address, ike);
        kmd.addNatTPort(address, natT);
        runner.start(natTWorker);
        rawWorker.ifPresent(runner::start);
        lg.users = 1;
        byAddress.put(address, lg);
        return lg;
    }

    /** One service set less on {@code address}; the last one closes its sockets. */
    synchronized void release(InetAddress address) {
        LocalGateway lg = byAddress.get(address);
        if (lg == null || --lg.users > 0) {
            return;
        }
        byAddress.remove(address);
        runner.stop(lg.natTWorker);
        lg.rawEspWorker.ifPresent(runner::stop);
        lg.encapsulation.values().forEach(e -> {
            runner.stop(e.worker());
            e.socket().close();
            Arrays.stream(e.flowSenders()).forEach(DatagramPort::close);
        });
        lg.rawEsp.ifPresent(DatagramPort::close);
        // kmd may still have deletes to send for the peers just removed (queued before this):
        // the IKE sockets close on kmd's thread once those went out.
        kmd.removePorts(address, () -> {
            lg.natT.close();
            lg.ike.close();
        });
    }

    /**
     * NAT-T when kmd negotiated it, {@code udp-encapsulate} when configured, plain ESP otherwise.
     * Without a raw ESP socket (the lab, or a host that refuses one) plain ESP cannot be sent.
     */
    synchronized Transport transport(LocalGateway local, EspSettings esp, boolean natT, int remoteNatTPort) {
        if (natT) {
            return new Transport(local.natT, null, local.natTWorker,
                    new UdpEncapsulation.NatTraversal(NAT_T_PORT, remoteNatTPort), remoteNatTPort);
        }
        if (esp.udpEncapsulatePort().isPresent()) {
            int port = esp.udpEncapsulatePort().getAsInt();
            UdpEncapsulationPort encap = local.encapsulation.computeIfAbsent(port, p -> {
                DatagramPort socket = new SharedSendPort(host.openUdp(new InetSocketAddress(local.address, p)));
                DatagramPort[] senders = new DatagramPort[UdpEncapsulationPort.FLOW_SENDERS];
                for (int i = 0; i < senders.length; i++) {
                    senders[i] = new SharedSendPort(host.openUdp(new InetSocketAddress(local.address, 0)));
                }
                InboundAgent worker = new InboundAgent("in-" + local.address.getHostAddress() + ":" + p, socket,
                        EspInbound.InputForm.UDP_PAYLOAD, kmd::offer, unknownSpi);
                runner.start(worker);
                return new UdpEncapsulationPort(p, socket, worker, senders);
            });
            return new Transport(encap.socket(), encap.flowSenders(), encap.worker(),
                    new UdpEncapsulation.Multipath(port), port);
        }
        if (local.rawEsp.isEmpty()) {
            throw new HostNetworkException("plain ESP (IP protocol 50) needs a raw socket, which this host did not open");
        }
        return new Transport(local.rawEsp.get(), null, local.rawEspWorker.orElseThrow(), UdpEncapsulation.NONE, 0);
    }
}
