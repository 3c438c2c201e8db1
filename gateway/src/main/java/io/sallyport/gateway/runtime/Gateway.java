package io.sallyport.gateway.runtime;

import io.sallyport.esp.EspSa;
import io.sallyport.esp.UdpEncapsulation;
import io.sallyport.gateway.plan.EspSettings;
import io.sallyport.gateway.plan.GatewayPlan;
import io.sallyport.gateway.plan.InsideDevice;
import io.sallyport.gateway.plan.ManualSaPlan;
import io.sallyport.gateway.plan.ServiceSetPlan;
import io.sallyport.gateway.plan.TunnelPlan;
import io.sallyport.ike.Action;
import io.sallyport.ike.Command;
import io.sallyport.ike.Kmd;
import io.sallyport.ike.KmdOptions;
import io.sallyport.ike.PeerConfig;
import io.sallyport.net.HostAddress;
import io.sallyport.net.HostNetworkException;
import io.sallyport.net.PolicyRule;
import io.sallyport.net.Route;
import io.sallyport.net.TunPort;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running gateway: turns a {@link GatewayPlan} into TUN devices, routes, sockets, kmd peers and
 * data-plane workers, and keeps them in step with each commit. Installs the SAs kmd negotiates.
 *
 * <p>{@link #apply} runs on the caller's thread (startup, commit) under this object's lock; the
 * {@link KmdListener} methods run on kmd's thread and only touch thread-safe state.
 */
public final class Gateway implements KmdListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
    /** RFC 7296 §2.21.4: INVALID_SPI notifications are rate limited; one per tunnel per second. */
    private static final long INVALID_SPI_REPORT_INTERVAL_NANOS = 1_000_000_000L;

    private final GatewayHost host;
    private final AgentRunner runner;
    private final KmdAgent kmd;
    private final Consumer<Action.Trace> traceSink;
    private final Map<String, ServiceSetRuntime> sets = new LinkedHashMap<>();
    private final LocalGateways locals;
    private final Map<String, TunnelState> tunnels = new ConcurrentHashMap<>();
    /** Which worker holds each inbound SPI, so a delete finds it even after its tunnel went away. */
    private final Map<Integer, InboundAgent> inboundOwner = new ConcurrentHashMap<>();
    /** Policy rules of interface-style sets applied with {@code service input}, by set. */
    private final Map<String, List<PolicyRule>> steeringRules = new ConcurrentHashMap<>();
    private volatile GatewayPlan plan = new GatewayPlan(List.of(), List.of(), false, false, Optional.empty());

    public Gateway(GatewayHost host, AgentRunner runner, Supplier<SecureRandom> entropy, KmdOptions kmdOptions,
                   Consumer<Action.Trace> traceSink) {
        this.host = host;
        this.runner = runner;
        this.traceSink = traceSink;
        this.kmd = new KmdAgent(new Kmd(kmdOptions, entropy), this);
        this.locals = new LocalGateways(host, runner, kmd, this::unknownSpi);
        runner.start(kmd);
    }

    public GatewayPlan plan() {
        return plan;
    }

    public KmdAgent kmd() {
        return kmd;
    }

    public AgentRunner runner() {
        return runner;
    }

    public Collection<TunnelState> tunnels() {
        return tunnels.values();
    }

    public Optional<TunnelState> tunnel(String id) {
        return Optional.ofNullable(tunnels.get(id));
    }

    /** Why each service set is down, by name (absent when up). */
    public synchronized Map<String, String> serviceSetProblems() {
        Map<String, String> out = new LinkedHashMap<>();
        sets.forEach((name, rt) -> {
            if (!rt.up()) {
                out.put(name, rt.downReason());
            } else if (suspended.containsKey(rt)) {
                out.put(name, suspended.get(rt));
            }
        });
        return out;
    }

    /** Packets routed into a set's devices that no tunnel's selectors held (approximate). */
    public synchronized long unmatchedPackets(String serviceSet) {
        ServiceSetRuntime rt = sets.get(serviceSet);
        return rt == null ? 0 : rt.devices().values().stream().mapToLong(d -> d.outbound().unmatched()).sum();
    }

    public synchronized List<ServiceSetPlan> serviceSets() {
        return sets.values().stream().map(ServiceSetRuntime::plan).toList();
    }

    // ---------------------------------------------------------------- configuration

    /**
     * Brings the running state to {@code next}. Service sets whose plan did not change keep their
     * devices, routes, workers and SAs. When only some tunnels of a running set changed, only those
     * are replaced and the others keep their SAs; other changed sets are rebuilt; removed ones are
     * torn down.
     */
    public synchronized void apply(GatewayPlan next) {
        Map<String, ServiceSetPlan> wanted = new LinkedHashMap<>();
        next.serviceSets().forEach(s -> wanted.put(s.name(), s));
        for (String name : List.copyOf(sets.keySet())) {
            ServiceSetRuntime running = sets.get(name);
            ServiceSetPlan target = wanted.get(name);
            if (running.plan().equals(target)) {
                continue;
            }
            if (target != null && running.up() && !suspended.containsKey(running) && sameDevices(running.plan(), target)) {
                sets.put(name, replaceTunnels(running, target));
            } else {
                tearDown(running);
                sets.remove(name);
            }
        }
        for (ServiceSetPlan s : wanted.values()) {
            if (!sets.containsKey(s.name())) {
                sets.put(s.name(), bringUp(s));
            }
        }
        plan = next;
    }

    private ServiceSetRuntime bringUp(ServiceSetPlan s) {
        for (TunnelPlan t : s.tunnels()) {
            TunnelState state = new TunnelState(t);
            if (s.problem().isPresent()) {
                state.lastFailure = s.problem().get();
            }
            tunnels.put(t.id(), state);
        }
        if (s.problem().isPresent()) {
            LOG.warn("service-set {} is down: {}", s.name(), s.problem().get());
            return ServiceSetRuntime.down(s, s.problem().get());
        }
        InetAddress localAddress = s.localGateway().orElseThrow();
        Map<String, ServiceSetRuntime.Device> devices = new LinkedHashMap<>();
        List<Route> routes = new ArrayList<>();
        try {
            LocalGateway local = locals.acquire(localAddress);
            int mtu = deviceMtu(s);
            for (InsideDevice d : s.devices()) {
                TunPort tun = host.openTun(d.tunName(), mtu);
                devices.put(d.unit(), new ServiceSetRuntime.Device(tun, new OutboundAgent("out-" + d.tunName(), tun,
                        id -> kmd.command(new Command.Acquire(id)), this::rekeyForRollover)));
                for (String address : d.addresses()) {
                    int slash = address.indexOf('/');
                    host.network().addAddress(new HostAddress(d.tunName(), InetAddress.ofLiteral(address.substring(0, slash)),
                            Integer.parseInt(address.substring(slash + 1))));
                }
                for (var prefix : d.routedPrefixes()) {
                    Route r = Route.toDevice(prefix, d.tunName());
                    host.network().addRoute(r);
                    routes.add(r);
                }
                if (d.steering().isPresent()) {
                    steer(s.name(), d, routes);
                }
            }
            ServiceSetRuntime rt = new ServiceSetRuntime(s, devices, routes, null);
            devices.values().forEach(d -> runner.start(d.outbound()));
            for (TunnelPlan t : s.tunnels()) {
                startTunnel(rt, local, tunnels.get(t.id()));
            }
            LOG.info("service-set {} is up on {} ({} tunnels)", s.name(),
                    s.devices().stream().map(InsideDevice::tunName).toList(), s.tunnels().size());
            return rt;
        } catch (HostNetworkException | IllegalArgumentException e) {
            String reason = "cannot set up on this host: " + e.getMessage();
            LOG.error("service-set {}: {}", s.name(), reason);
            routes.forEach(this::deleteRouteQuietly);
            unsteer(s.name());
            devices.values().forEach(d -> d.tun().close());
            locals.release(localAddress);
            s.tunnels().forEach(t -> tunnels.get(t.id()).lastFailure = reason);
            return ServiceSetRuntime.down(s, reason);
        }
    }

    /** The TUN MTU of a set's devices: the largest tunnel MTU of its tunnels. */
    private static int deviceMtu(ServiceSetPlan s) {
        return s.tunnels().stream().mapToInt(t -> t.esp().tunnelMtu()).max().orElse(EspSa.DEFAULT_TUNNEL_MTU);
    }

    /** Whether a running set can keep its devices, routes, workers and sockets for the new plan. */
    private static boolean sameDevices(ServiceSetPlan running, ServiceSetPlan next) {
        return running.kind() == next.kind() && running.devices().equals(next.devices())
                && running.localGateway().equals(next.localGateway()) && next.problem().isEmpty()
                && running.gwInterface().equals(next.gwInterface()) && deviceMtu(running) == deviceMtu(next);
    }

    /** A commit changed some tunnels of a running set: only those stop and start again. */
    private ServiceSetRuntime replaceTunnels(ServiceSetRuntime running, ServiceSetPlan next) {
        List<TunnelPlan> kept = next.tunnels().stream().filter(running.plan().tunnels()::contains).toList();
        for (TunnelPlan t : running.plan().tunnels()) {
            if (!kept.contains(t)) {
                stopTunnel(running, t);
            }
        }
        ServiceSetRuntime updated = new ServiceSetRuntime(next, running.devices(), running.routes(), null);
        LocalGateway local = locals.get(next.localGateway().orElseThrow()).orElseThrow();
        for (TunnelPlan t : next.tunnels()) {
            if (!kept.contains(t)) {
                TunnelState state = new TunnelState(t);
                tunnels.put(t.id(), state);
                startTunnel(updated, local, state);
            }
        }
        LOG.info("service-set {}: {} tunnels replaced, {} kept", next.name(), next.tunnels().size() - kept.size(),
                kept.size());
        return updated;
    }

    private void startTunnel(ServiceSetRuntime rt, LocalGateway local, TunnelState state) {
        TunnelPlan t = state.plan;
        ServiceSetRuntime.Device device = rt.deviceOf(t);
        device.outbound().addTunnel(state.outbound);
        if (t.problem().isPresent()) {
            return;
        }
        if (t.manual()) {
            installManual(state, local, device.tun(), device.outbound());
        } else if (t.peer().isPresent()) {
            kmd.command(new Command.AddPeer(t.peer().get()));
        }
    }

    /** Stops a tunnel: kmd deletes its SAs at the peer; the data plane forgets them. */
    private void stopTunnel(ServiceSetRuntime rt, TunnelPlan t) {
        TunnelState state = tunnels.remove(t.id());
        if (t.peer().isPresent()) {
            kmd.command(new Command.RemovePeer(t.id()));
        }
        if (state != null) {
            state.installed.stream().filter(TunnelState.SaPair::manual).forEach(p -> removeInbound(p.spiIn()));
        }
        if (rt.up()) {
            rt.deviceOf(t).outbound().removeTunnel(t.id());
        }
    }

    private void tearDown(ServiceSetRuntime rt) {
        ServiceSetPlan s = rt.plan();
        for (TunnelPlan t : s.tunnels()) {
            stopTunnel(rt, t);
        }
        if (!rt.up()) {
            return;
        }
        rt.devices().values().forEach(d -> runner.stop(d.outbound()));
        rt.routes().forEach(this::deleteRouteQuietly);
        unsteer(s.name());
        rt.devices().values().forEach(d -> d.tun().close());
        locals.release(s.localGateway().orElseThrow());
        LOG.info("service-set {} removed", s.name());
    }

    /**
     * Interface style, match-direction input: the device's prefixes go in the set's own table,
     * reached only by traffic arriving on the units the set is applied to. A unit's host device is
     * the one carrying its address (on Linux {@code eth0}, in the lab the unit's name).
     */
    private void steer(String set, InsideDevice d, List<Route> routes) {
        InsideDevice.PolicySteering st = d.steering().orElseThrow();
        for (var prefix : st.prefixes()) {
            Route r = Route.toDevice(prefix, d.tunName()).inTable(st.table());
            host.network().addRoute(r);
            routes.add(r);
        }
        List<PolicyRule> added = steeringRules.computeIfAbsent(set, k -> new ArrayList<>());
        for (InsideDevice.IngressUnit u : st.ingress()) {
            String device = host.network().addresses().stream().filter(a -> u.addresses().contains(a.address()))
                    .map(HostAddress::device).findFirst().orElse(u.unit());
            for (var prefix : st.prefixes()) {
                PolicyRule rule = new PolicyRule(st.priority(), Optional.empty(), Optional.of(prefix),
                        Optional.of(device), st.table());
                host.network().addRule(rule);
                added.add(rule);
            }
        }
    }

    private void unsteer(String set) {
        for (PolicyRule rule : steeringRules.getOrDefault(set, List.of())) {
            try {
                host.network().deleteRule(rule);
            } catch (HostNetworkException e) {
                LOG.warn("could not delete rule {}: {}", rule, e.getMessage());
            }
        }
        steeringRules.remove(set);
    }

    private void deleteRouteQuietly(Route r) {
        try {
            host.network().deleteRoute(r);
        } catch (HostNetworkException e) {
            LOG.warn("could not delete route {}: {}", r, e.getMessage());
        }
    }

    // ---------------------------------------------------------------- SAs

    private void installManual(TunnelState state, LocalGateway local, TunPort tun, OutboundAgent out) {
        TunnelPlan t = state.plan;
        ManualSaPlan in = t.manualInbound().orElseThrow();
        ManualSaPlan o = t.manualOutbound().orElseThrow();
        LocalGateways.Transport transport = locals.transport(local, t.esp(), false, 0);
        EspSa inSa = espSa(in.spi(), in, t.localGateway(), t.remoteGateway(), t.esp(), transport.encapsulation());
        EspSa outSa = espSa(o.spi(), o, t.localGateway(), t.remoteGateway(), t.esp(), transport.encapsulation());
        inboundOwner.put(in.spi(), transport.worker());
        transport.worker().installSa(inSa, new InboundTunnel(t.id(), tun, t.localPrefix(), t.remotePrefix(),
                state.inboundCounters, state.inboundTallies));
        out.installSa(t.id(), outSa, transport.socket(), transport.flowSenders(),
                new InetSocketAddress(t.remoteGateway(), transport.destinationPort()));
        state.add(new TunnelState.SaPair(in.spi(), o.spi(), o.encryption(), o.integrity(), runner.nowNanos(),
                -1, -1, true, transport.encapsulation() != UdpEncapsulation.NONE));
        state.created++;
        state.lastFailure = null;
    }

    private static EspSa espSa(int spi, ManualSaPlan keys, InetAddress local, InetAddress remote, EspSettings esp,
                               UdpEncapsulation udp) {
        return esp.applyTo(EspSa.builder(spi, keys.encryption(), keys.integrity(), keys.encryptionKey(),
                keys.integrityKey(), local, remote)).udp(udp).build();
    }

    @Override
    public void installChildSa(Action.InstallChildSa a) {
        TunnelState state = tunnels.get(a.peer());
        ServiceSetRuntime set;
        synchronized (this) {
            set = state == null ? null : sets.get(state.plan.serviceSet());
        }
        if (state == null || set == null || !set.up() || suspended.containsKey(set)) {
            LOG.warn("kmd installed a child SA for {} that is no longer configured; asking kmd to delete it", a.peer());
            kmd.command(new Command.DeleteChildSa(a.spiIn()));
            return;
        }
        TunnelPlan t = state.plan;
        LocalGateway local = locals.get(t.localGateway()).orElse(null);
        if (local == null) {
            return;
        }
        LocalGateways.Transport transport;
        try {
            transport = locals.transport(local, t.esp(), a.udpEncapsulation(), a.remote().getPort());
        } catch (HostNetworkException e) {
            state.lastFailure = e.getMessage();
            kmd.command(new Command.DeleteChildSa(a.spiIn()));
            return;
        }
        InetAddress localAddr = a.local().getAddress();
        InetAddress remoteAddr = a.remote().getAddress();
        EspSa inSa = t.esp().applyTo(EspSa.builder(a.spiIn(), a.encryption(), a.integrity(), a.encryptionKeyIn(),
                a.integrityKeyIn(), localAddr, remoteAddr)).udp(transport.encapsulation()).build();
        EspSa outSa = t.esp().applyTo(EspSa.builder(a.spiOut(), a.encryption(), a.integrity(), a.encryptionKeyOut(),
                a.integrityKeyOut(), localAddr, remoteAddr)).udp(transport.encapsulation()).build();
        // Make before break: the new inbound SA first, then outbound traffic moves to the new SA.
        inboundOwner.put(a.spiIn(), transport.worker());
        ServiceSetRuntime.Device device = set.deviceOf(t);
        transport.worker().installSa(inSa, new InboundTunnel(t.id(), device.tun(), t.localPrefix(), t.remotePrefix(),
                state.inboundCounters, state.inboundTallies));
        device.outbound().installSa(t.id(), outSa, transport.socket(), transport.flowSenders(),
                new InetSocketAddress(remoteAddr, transport.destinationPort()));
        state.add(new TunnelState.SaPair(a.spiIn(), a.spiOut(), a.encryption(), a.integrity(), runner.nowNanos(),
                a.lifetime().softSeconds(), a.lifetime().hardSeconds(), false, a.udpEncapsulation()));
        state.created++;
        if (a.rekeyOf()) {
            state.rekeys++;
        }
        state.lastFailure = null;
        LOG.info("tunnel {}: SA pair in {} out {} installed ({}{})", t.id(), Integer.toHexString(a.spiIn()),
                Integer.toHexString(a.spiOut()), a.encryption().keyword(), a.udpEncapsulation() ? ", ESP in UDP" : "");
    }

    @Override
    public void deleteChildSa(Action.DeleteChildSa a) {
        removeInbound(a.spiIn());
        TunnelState state = tunnels.get(a.peer());
        if (state == null) {
            return;
        }
        ServiceSetRuntime set;
        synchronized (this) {
            set = sets.get(state.plan.serviceSet());
        }
        if (set != null && set.up()) {
            set.deviceOf(state.plan).outbound().removeSa(state.plan.id(), a.spiOut());
        }
        if (state.remove(a.spiIn())) {
            state.deleted++;
            if (state.current() == null) {
                state.lastFailure = "IPsec SA deleted: " + a.reason();
            }
        }
    }

    private void removeInbound(int spiIn) {
        InboundAgent owner = inboundOwner.remove(spiIn);
        if (owner != null) {
            owner.removeSa(spiIn);
        }
    }

    /**
     * An inbound worker received ESP for an SPI it does not know (a worker's thread). From a
     * configured remote gateway it counts as that tunnel's {@code Invalid SPI errors}, and kmd
     * tells the peer with INVALID_SPI (RFC 7296 §2.21.4), at most once a second per tunnel;
     * from anyone else it is only counted by the worker (no state, no IKE work for strangers).
     */
    private void unknownSpi(InetAddress source, int spi, long nowNanos) {
        for (TunnelState t : tunnels.values()) {
            if (source.equals(t.activeRemoteGateway())) {
                t.invalidSpi.increment();
                long last = t.lastInvalidSpiReportNanos;
                if (last == Long.MIN_VALUE || nowNanos - last >= INVALID_SPI_REPORT_INTERVAL_NANOS) {
                    t.lastInvalidSpiReportNanos = nowNanos;
                    kmd.command(new Command.ReportInvalidSpi(source, spi));
                }
                return;
            }
        }
    }

    /** Every inbound worker (drops before any SA: unknown SPIs, bad outer headers, short packets). */
    public List<InboundAgent> inboundWorkers() {
        return locals.inboundWorkers();
    }

    /** Every outbound worker with its service set's name (packets matching no tunnel, short packets). */
    public synchronized Map<String, OutboundAgent> outboundWorkers() {
        Map<String, OutboundAgent> out = new LinkedHashMap<>();
        sets.values().forEach(rt -> rt.devices().values().forEach(d -> out.put(d.outbound().name(), d.outbound())));
        return out;
    }

    /** The IKE socket of each local gateway (sends the host refused, malformed receives). */
    public Map<InetAddress, io.sallyport.net.DatagramPort> ikePorts() {
        return locals.ikePorts();
    }

    /** The data plane says an outbound SA nears sequence-number rollover: rekey it now. */
    private void rekeyForRollover(String tunnelId) {
        TunnelState state = tunnels.get(tunnelId);
        TunnelState.SaPair current = state == null ? null : state.current();
        if (current != null && !current.manual()) {
            kmd.command(new Command.RekeyChildSa(current.spiIn()));
        }
    }

    @Override
    public void ikeSaUp(Action.IkeSaUp a) {
        TunnelState state = tunnels.get(a.peer());
        if (state != null) {
            state.ike = a;
            state.ikeUpNanos = runner.nowNanos();
        }
    }

    @Override
    public void ikeSaDown(Action.IkeSaDown a) {
        TunnelState state = tunnels.get(a.peer());
        if (state == null) {
            return;
        }
        Action.IkeSaUp up = state.ike;
        if (up != null && !up.ikeSa().equals(a.ikeSa())) {
            return; // the SA a rekey replaced: the tunnel still has its new one
        }
        state.ike = null;
        state.lastFailure = a.reason();
        // kmd itself brings establish-tunnels-immediately peers back (KmdOptions.reconnectNanos).
        if (a.cause().peerUnreachable() && state.plan.backupPeer().isPresent()) {
            failOver(state);
        }
    }

    /**
     * {@code backup-remote-gateway}: the gateway in use does not answer, so the tunnel moves to the
     * other one (and back again when that one fails too). kmd replaces the peer under the same name.
     */
    private void failOver(TunnelState state) {
        boolean toBackup = !state.onBackup;
        state.onBackup = toBackup;
        state.failovers++;
        PeerConfig next = (toBackup ? state.plan.backupPeer() : state.plan.peer()).orElseThrow();
        LOG.warn("tunnel {}: {} gateway {} does not answer; trying the {} gateway {}", state.plan.id(),
                toBackup ? "primary" : "backup", toBackup ? state.plan.remoteGateway().getHostAddress()
                        : next.remoteAddress().getHostAddress(), toBackup ? "backup" : "primary",
                next.remoteAddress().getHostAddress());
        kmd.command(new Command.AddPeer(next));
        if (!next.establishImmediately()) {
            kmd.command(new Command.Initiate(next.name()));
        }
    }

    @Override
    public void trace(Action.Trace a) {
        traceSink.accept(a);
    }

    // ---------------------------------------------------------------- operator commands

    /** {@code clear services ipsec-vpn ike security-associations [peer] [service-set]}. */
    public void clearIke(java.util.function.Predicate<TunnelPlan> which) {
        for (TunnelState t : tunnels.values()) {
            if (t.plan.peer().isPresent() && which.test(t.plan)) {
                kmd.command(new Command.DeleteIkeSa(t.plan.id()));
            }
        }
    }

    /**
     * {@code clear services ipsec-vpn ipsec security-associations}: the matching tunnels' dynamic
     * SAs go and the tunnels are negotiated again, as on Junos: with {@code establish-tunnels
     * immediately} at once (a fresh SA pair over the same IKE SA, the old pair deleted at the
     * peer); otherwise on the next packet. kmd cannot yet add a child SA to an IKE SA that has
     * none, so for on-traffic tunnels the IKE SA is cleared too and the next packet negotiates both.
     */
    public void clearIpsec(java.util.function.Predicate<TunnelPlan> which) {
        for (TunnelState t : tunnels.values()) {
            TunnelState.SaPair sa = t.current();
            if (sa == null || sa.manual() || t.plan.peer().isEmpty() || !which.test(t.plan)) {
                continue;
            }
            if (t.plan.peer().get().establishImmediately()) {
                kmd.command(new Command.RekeyChildSa(sa.spiIn()));
            } else {
                kmd.command(new Command.DeleteIkeSa(t.plan.id()));
            }
        }
    }

    /** {@code clear services ipsec-vpn ipsec statistics [service-set] [remote-gateway]}. */
    public void clearStatistics(java.util.function.Predicate<TunnelPlan> which) {
        for (TunnelState t : tunnels.values()) {
            if (which.test(t.plan)) {
                t.statisticsBaseline = Statistics.of(t);
            }
        }
    }

    /** Tears every service set down (peers get their deletes), then stops all agents. */
    @Override
    public synchronized void close() {
        for (ServiceSetRuntime rt : List.copyOf(sets.values())) {
            tearDown(rt);
        }
        sets.clear();
        java.util.concurrent.atomic.AtomicBoolean drained = new java.util.concurrent.atomic.AtomicBoolean();
        kmd.run(() -> drained.set(true));
        runner.awaitCondition(drained::get, 2000);
        runner.close();
    }

    // ---------------------------------------------------------------- gw-interface (LocalGatewayWatch)

    /** Running service sets with {@code gw-interface} whose local gateway is down, with why. */
    private final Map<ServiceSetRuntime, String> suspended = new ConcurrentHashMap<>();

    /** Why {@code serviceSet} is suspended by its gw-interface local gateway, if it is. */
    public synchronized Optional<String> localGatewayProblem(String serviceSet) {
        ServiceSetRuntime rt = sets.get(serviceSet);
        return rt == null ? Optional.empty() : Optional.ofNullable(suspended.get(rt));
    }

    /**
     * The local gateway {@code address} went down: its gw-interface service sets stop IKE (kmd
     * peers removed, no acquires from traffic) and leave the data plane. Next-hop sets clear their
     * SAs; interface-style sets keep them for show as "Not installed". Idempotent.
     */
    public synchronized void localGatewayDown(InetAddress address, String reason) {
        suspended.keySet().retainAll(sets.values());
        for (ServiceSetRuntime rt : sets.values()) {
            if (!watches(rt, address) || suspended.putIfAbsent(rt, reason) != null) {
                continue;
            }
            LOG.warn("service-set {} suspended: {}", rt.plan().name(), reason);
            for (TunnelPlan t : rt.plan().tunnels()) {
                if (t.problem().isEmpty() && !t.manual() && t.peer().isPresent()) {
                    kmd.command(new Command.RemovePeer(t.id()));
                }
            }
            // On kmd's thread after the removals: no SA can be installed behind this.
            kmd.run(() -> leaveDataPlane(rt, reason));
        }
    }

    /** The local gateway {@code address} is back: Not-installed SAs go, the tunnels negotiate again. */
    public synchronized void localGatewayUp(InetAddress address) {
        suspended.keySet().retainAll(sets.values());
        for (ServiceSetRuntime rt : sets.values()) {
            if (watches(rt, address) && suspended.remove(rt) != null) {
                LOG.info("service-set {} resumed: local gateway {} is up", rt.plan().name(), address.getHostAddress());
                kmd.run(() -> rejoinDataPlane(rt));
            }
        }
    }

    private static boolean watches(ServiceSetRuntime rt, InetAddress address) {
        return rt.up() && rt.plan().gwInterface().isPresent() && rt.plan().localGateway().map(address::equals).orElse(false);
    }

    /** kmd's thread. */
    private void leaveDataPlane(ServiceSetRuntime rt, String reason) {
        synchronized (this) {
            if (sets.get(rt.plan().name()) != rt) {
                return;
            }
        }
        boolean keep = rt.plan().kind() == ServiceSetPlan.Kind.INTERFACE;
        for (TunnelPlan t : rt.plan().tunnels()) {
            TunnelState state = tunnels.get(t.id());
            if (state == null) {
                continue;
            }
            List<TunnelState.SaPair> pairs = state.installed;
            for (TunnelState.SaPair p : pairs) {
                removeInbound(p.spiIn());
                rt.deviceOf(t).outbound().removeSa(t.id(), p.spiOut());
            }
            rt.deviceOf(t).outbound().removeTunnel(t.id());
            state.installed = List.of();
            state.notInstalled = keep ? pairs : List.of();
            if (!keep) {
                state.deleted += pairs.size();
            }
            state.ike = null;
            state.lastFailure = reason;
        }
    }

    /** kmd's thread. */
    private void rejoinDataPlane(ServiceSetRuntime rt) {
        LocalGateway local;
        synchronized (this) {
            if (sets.get(rt.plan().name()) != rt || suspended.containsKey(rt)) {
                return; // replaced by a commit, or down again meanwhile
            }
            local = locals.get(rt.plan().localGateway().orElseThrow()).orElseThrow();
        }
        for (TunnelPlan t : rt.plan().tunnels()) {
            TunnelState state = tunnels.get(t.id());
            if (state == null) {
                continue;
            }
            state.deleted += state.notInstalled.size();
            state.notInstalled = List.of();
            state.lastFailure = t.problem().orElse(null);
            rt.deviceOf(t).outbound().addTunnel(state.outbound);
            if (t.problem().isPresent()) {
                continue;
            }
            if (t.manual()) {
                installManual(state, local, rt.deviceOf(t).tun(), rt.deviceOf(t).outbound());
            } else if (t.peer().isPresent()) {
                kmd.command(new Command.AddPeer(t.peer().get()));
            }
        }
    }
}
