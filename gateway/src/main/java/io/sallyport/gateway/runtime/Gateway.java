package io.sallyport.gateway.runtime;

import io.sallyport.esp.EspSa;
import io.sallyport.esp.SaBytes;
import io.sallyport.esp.UdpEncapsulation;
import io.sallyport.gateway.plan.DynamicEndpointPlan;
import io.sallyport.gateway.plan.EspSettings;
import io.sallyport.gateway.plan.GatewayPlan;
import io.sallyport.gateway.plan.InsideDevice;
import io.sallyport.gateway.plan.ManualSaPlan;
import io.sallyport.gateway.plan.ServiceSetPlan;
import io.sallyport.gateway.plan.TunnelPlan;
import io.sallyport.ike.Action;
import io.sallyport.ike.Command;
import io.sallyport.ike.DownCause;
import io.sallyport.ike.DynamicPeers;
import io.sallyport.ike.Kmd;
import io.sallyport.ike.KmdOptions;
import io.sallyport.ike.PeerConfig;
import io.sallyport.net.HostAddress;
import io.sallyport.net.HostNetworkException;
import io.sallyport.net.IpPrefix;
import io.sallyport.net.PolicyRule;
import io.sallyport.net.Route;
import io.sallyport.net.TunPort;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Optional;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running gateway: turns a {@link GatewayPlan} into TUN devices, routes, sockets, kmd peers and
 * data-plane workers, and keeps them in step with each commit. Installs the SAs kmd negotiates.
 *
 * <p>Everything it keeps belongs to its {@link ControlAgent}'s thread: the public methods queue a
 * command there (and wait for it where the caller needs the outcome), the {@link KmdListener}
 * methods run there, and {@code show} reads the {@link GatewaySnapshot} it publishes after each
 * change.
 */
public final class Gateway implements KmdListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
    /** How long a caller waits for the control agent to run its command. */
    private static final long COMMAND_TIMEOUT_MILLIS = 30_000;
    /** Room for decrypted packets on their way to a device's worker: some 3,000 packets of 1,400 bytes (30 ms at 1 Gbit/s). */
    private static final int HANDOFF_BYTES = 4 << 20;
    /** RFC 7296 §2.21.4: INVALID_SPI notifications are rate limited; one per tunnel per second. */
    private static final long INVALID_SPI_REPORT_INTERVAL_NANOS = 1_000_000_000L;
    /** Unknown-SPI reports from the workers that may wait in the control queue; beyond, the workers' counts stand alone. */
    private static final int UNKNOWN_SPI_BACKLOG = 64;

    private final GatewayHost host;
    private final AgentRunner runner;
    private final ControlAgent control;
    private final KmdAgent kmd;
    private final Consumer<Action.Trace> traceSink;
    private final LocalGateways locals;
    // The control agent's thread only, from here to the snapshot.
    private final Map<String, ServiceSetRuntime> sets = new LinkedHashMap<>();
    private final TunnelTable tunnels = new TunnelTable();
    /** Which worker holds each inbound SPI, so a delete finds it even after its tunnel went away. */
    private final Map<Integer, InboundAgent> inboundOwner = new HashMap<>();
    /**
     * Outbound SAs installed by kmd without {@code outboundNow} (we answered a rekey), by their
     * inbound SPI: the device worker gets each when kmd says {@code SwitchOutbound}.
     */
    private final Map<Integer, WaitingOutbound> waitingOutbound = new HashMap<>();
    /**
     * Each SA pair kmd installed, by inbound SPI: its own byte counts (decrypted, encrypted), kept
     * by the workers that own its two halves, for kmd's {@code TrafficQuery} (a kilobyte lifetime).
     */
    private final Map<Integer, PairBytes> pairBytes = new HashMap<>();
    /** Running service sets with {@code gw-interface} whose local gateway is down, with why. */
    private final Map<ServiceSetRuntime, String> suspended = new HashMap<>();
    /** The inlets into each device (its own write queue or a handoff), by the inbound worker that fills them. */
    private final Map<OutboundAgent, Map<InboundAgent, DeviceInlet>> inlets = new IdentityHashMap<>();
    /** Why each device worker's TUN device, deleted by the host, is not back yet. */
    private final Map<OutboundAgent, String> deletedDevices = new IdentityHashMap<>();
    /** How often each device worker's TUN device was recreated after the host deleted it. */
    private final Map<OutboundAgent, Integer> recreatedDevices = new IdentityHashMap<>();
    /** Policy rules of interface-style sets applied with {@code service input}, by set. */
    private final Map<String, List<PolicyRule>> steeringRules = new HashMap<>();
    /** Routes to dynamic peers' protected networks, with how many dynamic tunnels hold each (reverse routes). */
    private final Map<Route, Integer> reverseRoutes = new HashMap<>();
    /** Dynamic peers whose IKE SA is up and whose first child SA has not come yet (one entry per live IKE SA at most). */
    private final Map<String, Action.IkeSaUp> dynamicUp = new HashMap<>();
    /** Why dynamic peers were refused or lost, the latest few per service set. */
    private final Map<String, java.util.Deque<DynamicPeerRefusal>> refusals = new HashMap<>();
    /** Unknown-SPI reports queued for the control agent (any thread). */
    private final AtomicInteger unknownSpiBacklog = new AtomicInteger();
    /** Reports of a peer's ESP from a new endpoint waiting for the control agent (at most {@value #UNKNOWN_SPI_BACKLOG}). */
    private final AtomicInteger peerMovedBacklog = new AtomicInteger();
    private GatewayPlan plan = GatewaySnapshot.EMPTY.plan();
    private long nextTunnelKey;
    private volatile GatewaySnapshot snapshot = GatewaySnapshot.EMPTY;

    public Gateway(GatewayHost host, AgentRunner runner, Supplier<SecureRandom> entropy, KmdOptions kmdOptions,
                   Consumer<Action.Trace> traceSink) {
        this.host = host;
        this.runner = runner;
        this.traceSink = traceSink;
        this.control = new ControlAgent(doorbell -> new KmdAgent(new Kmd(kmdOptions, entropy), this, doorbell),
                this::publish);
        this.kmd = control.kmd();
        this.locals = new LocalGateways(host, runner, kmd, this::unknownSpiFromWorker, this::peerMovedFromWorker);
        runner.start(control);
    }

    // ---------------------------------------------------------------- any thread: published state

    /** What the control agent last published. */
    GatewaySnapshot snapshot() {
        return snapshot;
    }

    public GatewayPlan plan() {
        return snapshot.plan();
    }

    /** kmd's published views (IKE SAs, IKE traffic). */
    public KmdAgent kmd() {
        return kmd;
    }

    public AgentRunner runner() {
        return runner;
    }

    public java.util.Collection<TunnelState> tunnels() {
        return snapshot.tunnels().values();
    }

    public Optional<TunnelState> tunnel(String id) {
        return Optional.ofNullable(snapshot.tunnels().get(id));
    }

    /** Why each service set is down, by name (absent when up). */
    public Map<String, String> serviceSetProblems() {
        return snapshot.problems();
    }

    /** Packets routed into a set's devices that no tunnel's selectors held. */
    public long unmatchedPackets(String serviceSet) {
        return snapshot.unmatchedPackets(serviceSet);
    }

    public List<ServiceSetPlan> serviceSets() {
        return snapshot.serviceSets();
    }

    /** Why a device of {@code serviceSet} that the host deleted is not back yet, if one is not. */
    public Optional<String> deviceProblem(String serviceSet) {
        return Optional.ofNullable(snapshot.deviceProblems().get(serviceSet));
    }

    /** How often the host deleted a device of {@code serviceSet} and the gateway recreated it. */
    public int devicesRecreated(String serviceSet) {
        return snapshot.devicesRecreated().getOrDefault(serviceSet, 0);
    }

    /** The latest dynamic peers {@code serviceSet} refused or lost before their tunnel came up, oldest first. */
    public List<DynamicPeerRefusal> dynamicRefusals(String serviceSet) {
        return snapshot.dynamicRefusals().getOrDefault(serviceSet, List.of());
    }

    /** Why {@code serviceSet} is suspended by its gw-interface local gateway, if it is. */
    public Optional<String> localGatewayProblem(String serviceSet) {
        return Optional.ofNullable(snapshot.suspended().get(serviceSet));
    }

    /** Every running worker's counters, as they last published them (for the drops view). */
    DataPlaneCounters dataPlane() {
        return snapshot.dataPlane();
    }

    /** The counters of each outbound worker's send-only sockets (for the drops view). */
    Map<String, List<io.sallyport.net.PortCounters>> sendPorts() {
        return snapshot.sendPorts();
    }

    /** How the host moves packets (batching, offloads, fallbacks), fixed at start. */
    public String dataPath() {
        return host.dataPath();
    }

    /** The data path's live counts, one line each (AF_XDP frames per receive queue). */
    public List<String> dataPathCounts() {
        return host.dataPathCounts();
    }

    /** Commands the control agent refused because its queue was full. */
    public long refusedCommands() {
        return control.refusedCommands();
    }

    // ---------------------------------------------------------------- any thread: commands

    /** A full control queue: the caller's command was not taken (and is counted). */
    public static final class GatewayBusyException extends RuntimeException {
        GatewayBusyException(String message) {
            super(message);
        }
    }

    /** Queues {@code command} for the control agent and waits until it ran and its outcome is published. */
    private void call(Runnable command) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        submit(() -> {
            try {
                command.run();
                publish();
                done.complete(null);
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
                throw e;
            }
        });
        runner.await(control, done, COMMAND_TIMEOUT_MILLIS);
        if (!done.isDone()) {
            throw new GatewayBusyException("the gateway's control agent did not answer within "
                    + COMMAND_TIMEOUT_MILLIS / 1000 + " s");
        }
        done.join();
    }

    /** Queues {@code command} for the control agent without waiting. */
    private void submit(Runnable command) {
        if (!control.offer(command)) {
            throw new GatewayBusyException("the gateway is busy: its control queue is full ("
                    + ControlAgent.COMMAND_CAPACITY + " commands waiting)");
        }
    }

    /** From a data worker: a request that may be dropped when the control queue is full (counted there). */
    private void request(Runnable command) {
        if (!control.offer(command)) {
            LOG.debug("control queue full: a worker's request was dropped");
        }
    }

    // ---------------------------------------------------------------- control thread: snapshot

    /** Replaces the published snapshot; the control agent calls it after each change. */
    private void publish() {
        kmd.publish();
        DataPlaneCounters counters = counters();
        Map<String, String> problems = new LinkedHashMap<>();
        Map<String, String> suspendedByName = new HashMap<>();
        Map<String, List<WorkerCounters>> setWorkers = new HashMap<>();
        Map<String, String> deviceProblems = new HashMap<>();
        Map<String, Integer> recreated = new HashMap<>();
        sets.forEach((name, rt) -> {
            rt.devices().values().forEach(d -> {
                Optional.ofNullable(deletedDevices.get(d.outbound())).ifPresent(p -> deviceProblems.putIfAbsent(name, p));
                recreated.merge(name, recreatedDevices.getOrDefault(d.outbound(), 0), Integer::sum);
            });
            if (!rt.up()) {
                problems.put(name, rt.downReason());
            } else if (suspended.containsKey(rt)) {
                problems.put(name, suspended.get(rt));
                suspendedByName.put(name, suspended.get(rt));
            } else if (deviceProblems.containsKey(name)) {
                problems.put(name, deviceProblems.get(name));
            }
            setWorkers.put(name, rt.devices().values().stream().flatMap(d -> d.workers().all().stream())
                    .map(OutboundAgent::counters).toList());
        });
        Map<String, TunnelState> states = new LinkedHashMap<>();
        tunnels.forEach((id, t) -> states.put(id, t.snapshot(counters)));
        Map<String, List<DynamicPeerRefusal>> refused = new HashMap<>();
        refusals.forEach((set, ring) -> refused.put(set, List.copyOf(ring)));
        snapshot = new GatewaySnapshot(plan, sets.values().stream().map(ServiceSetRuntime::plan).toList(), problems,
                suspendedByName, states, setWorkers, counters, locals.senderCounters(), deviceProblems, recreated, refused);
    }

    /** Every running worker's counters. */
    private DataPlaneCounters counters() {
        List<WorkerCounters> outbound = new ArrayList<>();
        sets.values().forEach(rt -> rt.devices().values().forEach(d -> d.workers().all().forEach(w -> outbound.add(w.counters()))));
        return new DataPlaneCounters(locals.workers().stream().map(InboundAgent::counters).toList(), outbound);
    }

    // ---------------------------------------------------------------- configuration

    /**
     * Brings the running state to {@code next}. Service sets whose plan did not change keep their
     * devices, routes, workers and SAs. When only some tunnels of a running set changed, only those
     * are replaced and the others keep their SAs; other changed sets are rebuilt; removed ones are
     * torn down.
     */
    public void apply(GatewayPlan next) {
        call(() -> applyNow(next));
    }

    private void applyNow(GatewayPlan next) {
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
            Tunnel state = new Tunnel(t, nextTunnelKey++);
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
                devices.put(d.unit(), new ServiceSetRuntime.Device(tun, deviceWorkers(s.name(), d, tun)));
                for (String address : d.addresses()) {
                    host.network().addAddress(hostAddress(d.tunName(), address));
                }
                for (var prefix : d.routedPrefixes()) {
                    Route r = Route.toDevice(prefix, d.tunName()).inTable(d.table());
                    host.network().addRoute(r);
                    routes.add(r);
                }
                if (d.steering().isPresent()) {
                    steer(s.name(), d, routes);
                }
            }
            ServiceSetRuntime rt = new ServiceSetRuntime(s, devices, routes, null);
            devices.values().forEach(d -> d.workers().all().forEach(runner::start));
            for (TunnelPlan t : s.tunnels()) {
                startTunnel(rt, local, tunnels.get(t.id()));
            }
            addTemplates(s);
            LOG.info("service-set {} is up on {} ({} tunnels)", s.name(),
                    s.devices().stream().map(InsideDevice::tunName).toList(), s.tunnels().size());
            return rt;
        } catch (HostNetworkException | IllegalArgumentException e) {
            String reason = "cannot set up on this host: " + e.getMessage();
            LOG.error("service-set {}: {}", s.name(), reason);
            routes.forEach(this::deleteRouteQuietly);
            unsteer(s.name());
            devices.values().forEach(d -> {
                d.workers().all().forEach(OutboundAgent::closeWaiter);
                closeDevice(d);
            });
            forgetProducers(locals.release(localAddress));
            s.tunnels().forEach(t -> tunnels.get(t.id()).lastFailure = reason);
            return ServiceSetRuntime.down(s, reason);
        }
    }

    /**
     * A worker for each read queue the host offers for the device (queue 0: the device's first
     * queue, named {@code out-DEVICE}; queue n: {@code out-DEVICE-qn}).
     */
    private DeviceWorkers deviceWorkers(String set, InsideDevice d, TunPort tun) {
        DeviceQueues queues = host.queues(tun);
        List<OutboundAgent> workers = new ArrayList<>();
        List<TunPort> read = queues.queues();
        for (int q = 0; q < read.size(); q++) {
            TunPort port = read.get(q);
            workers.add(new OutboundAgent("out-" + d.tunName() + (q == 0 ? "" : "-q" + q), q, port,
                    host.waiter(List.of(port)), id -> request(() -> acquire(id)),
                    id -> request(() -> rekeyForRollover(id)),
                    worker -> request(() -> deviceDeleted(set, d, worker))));
        }
        return new DeviceWorkers(workers, queues);
    }

    /** The TUN MTU of a set's devices: the largest tunnel MTU of its tunnels. */
    private static int deviceMtu(ServiceSetPlan s) {
        return java.util.stream.IntStream.concat(s.tunnels().stream().mapToInt(t -> t.esp().tunnelMtu()),
                s.dynamic().stream().mapToInt(d -> d.esp().tunnelMtu())).max().orElse(EspSa.DEFAULT_TUNNEL_MTU);
    }

    /** Whether a running set can keep its devices, routes, workers and sockets for the new plan. */
    private static boolean sameDevices(ServiceSetPlan running, ServiceSetPlan next) {
        return running.kind() == next.kind() && running.devices().equals(next.devices())
                && running.localGateway().equals(next.localGateway()) && next.problem().isEmpty()
                && running.gwInterface().equals(next.gwInterface()) && deviceMtu(running) == deviceMtu(next)
                && running.dynamic().equals(next.dynamic());
    }

    /** A commit changed some tunnels of a running set: only those stop and start again. */
    private ServiceSetRuntime replaceTunnels(ServiceSetRuntime running, ServiceSetPlan next) {
        List<TunnelPlan> kept = next.tunnels().stream().filter(running.plan().tunnels()::contains).toList();
        stopTunnels(running, running.plan().tunnels().stream().filter(t -> !kept.contains(t)).toList());
        ServiceSetRuntime updated = new ServiceSetRuntime(next, running.devices(), running.routes(), null);
        LocalGateway local = locals.get(next.localGateway().orElseThrow()).orElseThrow();
        for (TunnelPlan t : next.tunnels()) {
            if (!kept.contains(t)) {
                Tunnel state = new Tunnel(t, nextTunnelKey++);
                tunnels.put(t.id(), state);
                startTunnel(updated, local, state);
            }
        }
        LOG.info("service-set {}: {} tunnels replaced, {} kept", next.name(), next.tunnels().size() - kept.size(),
                kept.size());
        return updated;
    }

    private void startTunnel(ServiceSetRuntime rt, LocalGateway local, Tunnel state) {
        TunnelPlan t = state.plan;
        ServiceSetRuntime.Device device = rt.deviceOf(t);
        device.workers().add(state.outbound);
        if (t.problem().isPresent()) {
            return;
        }
        if (t.manual()) {
            installManual(state, local, device);
        } else if (t.peer().isPresent()) {
            kmd.command(new Command.AddPeer(t.peer().get()));
        }
    }

    /**
     * Stops tunnels: kmd deletes their SAs at the peers; the data plane forgets them, with one
     * command per worker for them all (a worker's command queue is bounded, a configuration's
     * tunnels are not).
     */
    private void stopTunnels(ServiceSetRuntime rt, List<TunnelPlan> plans) {
        List<Integer> manualSpis = new ArrayList<>();
        List<Tunnel> stopped = new ArrayList<>();
        Map<DeviceWorkers, Set<String>> idsByDevice = new IdentityHashMap<>();
        Map<DeviceWorkers, List<Tunnel>> stoppedByDevice = new IdentityHashMap<>();
        for (TunnelPlan t : plans) {
            Tunnel state = tunnels.remove(t.id());
            if (t.peer().isPresent()) {
                kmd.command(new Command.RemovePeer(t.id()));
            }
            DeviceWorkers device = rt.up() ? rt.deviceOf(t).workers() : null;
            if (device != null) {
                idsByDevice.computeIfAbsent(device, d -> new java.util.HashSet<>()).add(t.id());
            }
            if (state != null) {
                state.installed.stream().filter(TunnelState.SaPair::manual).forEach(p -> manualSpis.add(p.spiIn()));
                stopped.add(state);
                if (device != null) {
                    stoppedByDevice.computeIfAbsent(device, d -> new ArrayList<>()).add(state);
                }
            }
        }
        removeInbound(manualSpis);
        if (!stopped.isEmpty()) {
            // After kmd's deletes (queued first) the SAs are gone; then the counters may go too.
            long[] keys = keys(stopped);
            kmd.run(() -> locals.workers().forEach(w -> w.forgetTunnels(keys)));
        }
        idsByDevice.forEach((device, ids) -> device.retire(ids, keys(stoppedByDevice.getOrDefault(device, List.of()))));
    }

    private void tearDown(ServiceSetRuntime rt) {
        ServiceSetPlan s = rt.plan();
        stopTunnels(rt, s.tunnels());
        stopDynamic(rt);
        refusals.remove(s.name());
        if (!rt.up()) {
            return;
        }
        InetAddress local = s.localGateway().orElseThrow();
        rt.devices().values().forEach(d -> {
            deletedDevices.remove(d.outbound());
            recreatedDevices.remove(d.outbound());
            d.workers().all().forEach(w -> {
                runner.stop(w);
                w.closeWaiter();
                locals.closeSenders(local, w);
            });
        });
        rt.routes().forEach(this::deleteRouteQuietly);
        unsteer(s.name());
        rt.devices().values().forEach(this::closeDevice);
        forgetProducers(locals.release(local));
        LOG.info("service-set {} removed", s.name());
    }

    /**
     * The host deleted an inside device under its worker ({@code ip link del}): its addresses and
     * routes went with it, its SAs did not. The control agent creates it again on the worker's
     * queue and restores them, so traffic resumes over the same SAs; until then the set is down
     * with why (and the host watch retries, {@link #recreateDeletedDevices}).
     */
    private void deviceDeleted(String set, InsideDevice d, OutboundAgent worker) {
        ServiceSetRuntime rt = sets.get(set);
        ServiceSetRuntime.Device device = rt == null ? null : rt.devices().get(d.unit());
        if (device == null || !device.workers().all().contains(worker)) {
            return; // torn down meanwhile
        }
        // Each worker of the device reports it; one that found it gone after it was back only reads again.
        if (!deletedDevices.containsKey(device.outbound()) && !device.tun().deleted()
                && host.network().links().stream().anyMatch(l -> l.name().equals(d.tunName()))) {
            worker.deviceRecreated();
            return;
        }
        if (deletedDevices.containsKey(device.outbound())) {
            return; // being recreated: every worker hears when it is back
        }
        LOG.warn("service-set {}: inside device {} was deleted from the host; recreating it", set, d.tunName());
        deletedDevices.put(worker, "inside device " + d.tunName() + " was deleted from the host; recreating it");
        recreate(rt, d, device);
    }

    /** The host watch: tries again to recreate the deleted devices that could not be recreated yet. Queued. */
    public void recreateDeletedDevices() {
        if (!snapshot.deviceProblems().isEmpty()) {
            submit(() -> sets.values().forEach(rt -> rt.plan().devices().forEach(d -> {
                ServiceSetRuntime.Device device = rt.devices().get(d.unit());
                if (device != null && deletedDevices.containsKey(device.outbound())) {
                    recreate(rt, d, device);
                }
            })));
        }
    }

    private void recreate(ServiceSetRuntime rt, InsideDevice d, ServiceSetRuntime.Device device) {
        try {
            if (device.tun().deleted() || host.network().links().stream().noneMatch(l -> l.name().equals(d.tunName()))) {
                host.reopenTun(device.tun());
            }
            List<HostAddress> present = host.network().addressesOn(d.tunName());
            for (String address : d.addresses()) {
                HostAddress a = hostAddress(d.tunName(), address);
                if (!present.contains(a)) {
                    host.network().addAddress(a);
                }
            }
            // The set's routes and the reverse routes of dynamic peers on this device.
            List<Route> routes = new ArrayList<>(rt.routes());
            routes.addAll(reverseRoutes.keySet());
            for (Route r : routes) {
                if (r.device().equals(d.tunName())) {
                    // Gone with the device, unless a retry after a partial restore (or another queue of
                    // the same device) put it back already: deleting first makes the add the same either way.
                    try {
                        host.network().deleteRoute(r);
                    } catch (HostNetworkException absent) {
                        // the usual case
                    }
                    host.network().addRoute(r);
                }
            }
        } catch (HostNetworkException e) {
            String reason = "inside device " + d.tunName() + " was deleted from the host and cannot be recreated: "
                    + e.getMessage();
            LOG.error("service-set {}: {}", rt.plan().name(), reason);
            deletedDevices.put(device.outbound(), reason);
            return;
        }
        deletedDevices.remove(device.outbound());
        recreatedDevices.merge(device.outbound(), 1, Integer::sum);
        device.workers().all().forEach(OutboundAgent::deviceRecreated);
        LOG.info("service-set {}: inside device {} recreated with its addresses and routes", rt.plan().name(),
                d.tunName());
    }

    private static HostAddress hostAddress(String device, String addressWithLength) {
        int slash = addressWithLength.indexOf('/');
        return new HostAddress(device, InetAddress.ofLiteral(addressWithLength.substring(0, slash)),
                Integer.parseInt(addressWithLength.substring(slash + 1)));
    }

    /**
     * The inbound workers stopped (they closed their write queues): their handoffs leave the device
     * workers (after what they hold is written), their queues the devices' lists.
     */
    private void forgetProducers(List<InboundAgent> stopped) {
        inlets.forEach((consumer, byProducer) -> stopped.forEach(p -> {
            switch (byProducer.remove(p)) {
                case TunHandoff h -> consumer.removeHandoff(h);
                case TunQueueInlet q -> host.forgetWriteQueue(consumer.tun(), q.queue());
                case null -> { }
            }
        }));
    }

    /**
     * Closes an inside device whose worker stopped. Its write queues are their inbound workers' to
     * close, after the SAs writing them are gone (commands already queued to those workers): until
     * then they would keep the device alive, and a device opened again under the same name would
     * join it as another queue; so a device that had any is deleted from the host at once.
     */
    private void closeDevice(ServiceSetRuntime.Device d) {
        Map<InboundAgent, DeviceInlet> byProducer = inlets.remove(d.outbound());
        boolean queues = false;
        if (byProducer != null) {
            for (Map.Entry<InboundAgent, DeviceInlet> e : byProducer.entrySet()) {
                if (e.getValue() instanceof TunQueueInlet q) {
                    host.forgetWriteQueue(d.tun(), q.queue());
                    e.getKey().releaseQueue(q);
                    queues = true;
                }
            }
        }
        String name = d.tun().name();
        d.tun().close();
        if (queues) {
            try {
                host.network().deleteLink(name);
            } catch (HostNetworkException gone) {
                // Its writers closed their queues first: the device went with them.
            }
        }
    }

    /**
     * Where {@code producer} puts decrypted packets for {@code consumer}'s TUN device, made on first
     * use: a write queue of the device of its own where the host offers one, else a handoff to the
     * device's worker.
     */
    private DeviceInlet inlet(InboundAgent producer, OutboundAgent consumer) {
        return inlets.computeIfAbsent(consumer, c -> new IdentityHashMap<>()).computeIfAbsent(producer, p -> {
            try {
                Optional<TunPort> queue = host.openWriteQueue(consumer.tun());
                if (queue.isPresent()) {
                    consumer.counters().addPort(queue.get().counters());
                    return new TunQueueInlet(queue.get());
                }
            } catch (HostNetworkException e) {
                LOG.warn("{}: no write queue of {} for {} ({}): its packets go through the device's worker",
                        consumer.name(), consumer.tun().name(), p.name(), e.getMessage());
            }
            TunHandoff h = new TunHandoff(HANDOFF_BYTES, consumer);
            consumer.addHandoff(h);
            return h;
        });
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

    private void installManual(Tunnel state, LocalGateway local, ServiceSetRuntime.Device device) {
        TunnelPlan t = state.plan;
        OutboundAgent out = device.of(t.id());
        ManualSaPlan in = t.manualInbound().orElseThrow();
        ManualSaPlan o = t.manualOutbound().orElseThrow();
        LocalGateways.Transport transport = locals.transport(local, t.esp(), false, 0, out);
        EspSa inSa = espSa(in.spi(), in, t.localGateway(), t.remoteGateway(), t.esp(), transport.encapsulation());
        EspSa outSa = espSa(o.spi(), o, t.localGateway(), t.remoteGateway(), t.esp(), transport.encapsulation());
        InboundAgent owner = transport.inbound().owner(in.spi());
        inboundOwner.put(in.spi(), owner);
        owner.installSa(inSa, new InboundTunnel(t.id(), state.key, inlet(owner, device.outbound()), t.localPrefix(),
                t.remotePrefix()));
        out.installSa(t.id(), outSa, new SaBytes(), transport.socket(), transport.flowSenders(),
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
        Tunnel state = tunnels.get(a.peer());
        if (state == null) {
            state = dynamicTunnel(a);
        }
        ServiceSetRuntime set = state == null ? null : sets.get(state.plan.serviceSet());
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
        ServiceSetRuntime.Device device = set.deviceOf(t);
        LocalGateways.Transport transport;
        try {
            transport = locals.transport(local, t.esp(), a.udpEncapsulation(), a.remote().getPort(), device.of(t.id()));
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
        // Make before break: the new inbound SA first, then outbound traffic moves to the new SA,
        // at once or when kmd says the peer has the new SA too (the responder of a rekey).
        // On the worker the host steers this SPI to: its replay window and counters stay there.
        InboundAgent owner = transport.inbound().owner(a.spiIn());
        inboundOwner.put(a.spiIn(), owner);
        InboundTunnel inbound = new InboundTunnel(t.id(), state.key, inlet(owner, device.outbound()), t.localPrefix(),
                t.remotePrefix());
        if (a.followPeerOnEsp() && a.udpEncapsulation() && transport.encapsulation() instanceof UdpEncapsulation.NatTraversal) {
            // RFC 7296 §2.23 (IKEv1: RFC 3947 §4): the peer is behind a NAT and we are not; its authenticated ESP from elsewhere moves the SA.
            inbound.peer = a.remote();
        }
        owner.installSa(inSa, inbound);
        SaBytes sent = new SaBytes();
        pairBytes.put(a.spiIn(), new PairBytes(inbound.bytes, sent));
        WaitingOutbound outbound = new WaitingOutbound(device.of(t.id()), t.id(), outSa, sent, transport,
                new InetSocketAddress(remoteAddr, transport.destinationPort()));
        if (a.outboundNow()) {
            outbound.install();
        } else {
            waitingOutbound.put(a.spiIn(), outbound);
        }
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

    /** An outbound SA ready in the data plane but not yet sent on. */
    private record WaitingOutbound(OutboundAgent worker, String tunnelId, EspSa sa, SaBytes bytes,
                                   LocalGateways.Transport transport, InetSocketAddress destination) {
        void install() {
            worker.installSa(tunnelId, sa, bytes, transport.socket(), transport.flowSenders(), destination);
        }

        WaitingOutbound to(InetSocketAddress moved) {
            return new WaitingOutbound(worker, tunnelId, sa, bytes, transport, moved);
        }
    }

    /** One SA pair's own byte counts: each written by the worker owning that half, read here slightly stale. */
    private record PairBytes(SaBytes decrypted, SaBytes encrypted) {
    }

    @Override
    public void switchOutbound(Action.SwitchOutbound a) {
        WaitingOutbound w = waitingOutbound.remove(a.spiIn());
        if (w != null) {
            w.install();
            LOG.info("tunnel {}: outbound traffic moves to SA out {}", w.tunnelId(), Integer.toHexString(a.spiOut()));
        }
    }

    /**
     * kmd enforces the pair's kilobyte lifetime: the bytes this pair alone carried since its
     * install, as its inbound and outbound workers count them per SA (while a rekey's two pairs
     * overlap, neither is charged the other's).
     */
    @Override
    public void trafficQuery(Action.TrafficQuery a) {
        PairBytes p = pairBytes.get(a.spiIn());
        if (p != null) {
            kmd.command(new Command.ChildTraffic(a.spiIn(), p.decrypted().get(), p.encrypted().get()));
        }
    }

    /**
     * The peer's NAT mapping changed (kmd saw an authenticated IKE message from a new port or
     * address): the SA's ESP in UDP goes there too. Only NAT-T SAs follow; plain ESP and
     * udp-encapsulate send to the configured remote gateway.
     */
    @Override
    public void childSaMoved(Action.ChildSaMoved a) {
        Tunnel state = tunnels.get(a.peer());
        ServiceSetRuntime set = state == null ? null : sets.get(state.plan.serviceSet());
        boolean natT = state != null && state.installed.stream().anyMatch(p -> p.spiIn() == a.spiIn() && p.udpEncapsulated());
        if (set == null || !set.up() || !natT) {
            return;
        }
        WaitingOutbound waiting = waitingOutbound.get(a.spiIn());
        if (waiting != null) {
            waitingOutbound.put(a.spiIn(), waiting.to(a.remote()));
        } else {
            set.deviceOf(state.plan).of(state.plan.id()).moveSa(state.plan.id(), a.spiOut(), a.remote());
        }
        InboundAgent owner = inboundOwner.get(a.spiIn());
        if (owner != null) {
            owner.peerAt(a.spiIn(), a.remote());
        }
        LOG.info("tunnel {}: SA out {} follows the peer to {}", state.plan.id(), Integer.toHexString(a.spiOut()), a.remote());
    }

    @Override
    public void deleteChildSa(Action.DeleteChildSa a) {
        waitingOutbound.remove(a.spiIn());
        removeInbound(a.spiIn());
        Tunnel state = tunnels.get(a.peer());
        if (state == null) {
            return;
        }
        ServiceSetRuntime set = sets.get(state.plan.serviceSet());
        if (set != null && set.up()) {
            set.deviceOf(state.plan).of(state.plan.id()).removeSa(state.plan.id(), a.spiOut());
        }
        if (state.remove(a.spiIn())) {
            state.deleted++;
            if (state.current() == null) {
                state.lastFailure = "IPsec SA deleted: " + a.reason();
            }
        }
        if (state.dynamic && state.installed.isEmpty() && set != null && set.up()) {
            retireDynamic(set, List.of(state));
        }
    }

    private void removeInbound(int spiIn) {
        pairBytes.remove(spiIn);
        InboundAgent owner = inboundOwner.remove(spiIn);
        if (owner != null) {
            owner.removeSas(spiIn);
        }
    }

    /** Removes many inbound SAs with one command per owning worker. */
    private void removeInbound(List<Integer> spisIn) {
        Map<InboundAgent, List<Integer>> byOwner = new IdentityHashMap<>();
        for (int spi : spisIn) {
            pairBytes.remove(spi);
            InboundAgent owner = inboundOwner.remove(spi);
            if (owner != null) {
                byOwner.computeIfAbsent(owner, o -> new ArrayList<>()).add(spi);
            }
        }
        byOwner.forEach((owner, spis) -> owner.removeSas(spis.stream().mapToInt(Integer::intValue).toArray()));
    }

    /**
     * An inbound worker received ESP for an SPI it does not know (on that worker's thread): the
     * report goes to the control agent, at most {@value #UNKNOWN_SPI_BACKLOG} waiting at once so a
     * flood of unknown SPIs cannot crowd out operator commands (the worker counts every such drop
     * itself).
     */
    private void unknownSpiFromWorker(InetAddress source, int spi, long nowNanos) {
        if (unknownSpiBacklog.incrementAndGet() > UNKNOWN_SPI_BACKLOG || !control.offer(() -> {
            unknownSpiBacklog.decrementAndGet();
            unknownSpi(source, spi, nowNanos);
        })) {
            unknownSpiBacklog.decrementAndGet();
        }
    }

    /**
     * An inbound worker authenticated ESP of a following SA from a new peer endpoint (on that
     * worker's thread, at most once a second per SA): to the control agent, at most
     * {@value #UNKNOWN_SPI_BACKLOG} waiting at once.
     */
    private void peerMovedFromWorker(String tunnelId, int spiIn, InetSocketAddress source, long nowNanos) {
        if (peerMovedBacklog.incrementAndGet() > UNKNOWN_SPI_BACKLOG || !control.offer(() -> {
            peerMovedBacklog.decrementAndGet();
            peerMoved(tunnelId, spiIn, source);
        })) {
            peerMovedBacklog.decrementAndGet();
        }
    }

    /**
     * The control agent: a NAT-T SA's peer sent authenticated ESP from a new address or port (its
     * NAT mapping changed, RFC 7296 §2.23). kmd moves the IKE SA there when the peer is behind a
     * NAT and we are not, and each of its child SAs follows ({@link #childSaMoved}: the outbound
     * SAs send there, the inbound workers expect it). An SA gone meanwhile moves nothing.
     */
    private void peerMoved(String tunnelId, int spiIn, InetSocketAddress source) {
        Tunnel state = tunnels.get(tunnelId);
        if (state == null || state.installed.stream().noneMatch(p -> p.spiIn() == spiIn && p.udpEncapsulated())) {
            return;
        }
        LOG.info("tunnel {}: authenticated ESP on SA in {} from {}: following the peer", tunnelId,
                Integer.toHexString(spiIn), source);
        kmd.command(new Command.FollowPeer(spiIn, source));
    }

    /**
     * The control agent: ESP for an unknown SPI from a configured remote gateway counts as that
     * tunnel's {@code Invalid SPI errors}; with {@code respond-bad-spi} kmd tells the peer with
     * INVALID_SPI (RFC 7296 §2.21.4), at most {@code max-responses} times per IKE SA and once a
     * second (without the statement Junos does not answer); from anyone else it is only counted by the
     * worker (no state, no IKE work for strangers). An SPI installed by the time the report
     * arrives is neither: the packet overtook its SA's install.
     */
    private void unknownSpi(InetAddress source, int spi, long nowNanos) {
        if (inboundOwner.containsKey(spi)) {
            // Installed since the worker dropped the packet: a responder sends ESP as soon as it
            // answers IKE_AUTH, which can overtake our install of the same SA. Reporting it would
            // make the peer delete a good SA; the worker has counted the drop.
            return;
        }
        for (Tunnel t : tunnels.values()) {
            if (source.equals(t.activeRemoteGateway())) {
                t.invalidSpi++;
                long last = t.lastInvalidSpiReportNanos;
                if (t.badSpiResponses < t.plan.badSpiResponses().orElse(0)
                        && (last == Long.MIN_VALUE || nowNanos - last >= INVALID_SPI_REPORT_INTERVAL_NANOS)) {
                    t.lastInvalidSpiReportNanos = nowNanos;
                    t.badSpiResponses++;
                    kmd.command(new Command.ReportInvalidSpi(source, spi));
                }
                return;
            }
        }
    }

    /** Traffic found no SA: kmd negotiates one, unless {@code establish-tunnels responder-only}. */
    private void acquire(String tunnelId) {
        Tunnel t = tunnels.get(tunnelId);
        // A dynamic peer's address is known only while it is connected: only the peer starts IKE.
        if (!plan.responderOnly() && (t == null || !t.dynamic)) {
            kmd.command(new Command.Acquire(tunnelId));
        }
    }

    /** The data plane says an outbound SA nears sequence-number rollover: rekey it now. */
    private void rekeyForRollover(String tunnelId) {
        Tunnel state = tunnels.get(tunnelId);
        TunnelState.SaPair current = state == null ? null : state.current();
        if (current != null && !current.manual()) {
            kmd.command(new Command.RekeyChildSa(current.spiIn()));
        }
    }

    @Override
    public void ikeSaUp(Action.IkeSaUp a) {
        Tunnel state = tunnels.get(a.peer());
        if (state != null) {
            if (state.ike == null || !state.ike.ikeSa().equals(a.ikeSa())) {
                state.badSpiResponses = 0;   // max-responses counts per IKE SA
            }
            state.ike = a;
            state.ikeUpNanos = runner.nowNanos();
        } else if (DynamicPeers.templateName(a.peer()).isPresent()) {
            dynamicUp.put(a.peer(), a);   // its tunnel comes with its first child SA
        }
    }

    @Override
    public void ikeSaDown(Action.IkeSaDown a) {
        Tunnel state = tunnels.get(a.peer());
        if (state == null) {
            dynamicUp.remove(a.peer());
            dynamicPeerDown(a);
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
    private void failOver(Tunnel state) {
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

    /**
     * {@code clear services ipsec-vpn certificates}: forgets the peer certificates of {@code caches}
     * (one entry, or every peer entry for 0) on the control agent, whose kmd fills them as peers
     * authenticate; whether anything was removed.
     */
    public boolean clearPeerCertificates(List<io.sallyport.gateway.pki.CertificateCache> caches, int entry) {
        boolean[] removed = {false};
        call(() -> caches.forEach(cache -> removed[0] |= cache.clearPeers(entry)));
        return removed[0];
    }

    /** {@code clear services ipsec-vpn ike security-associations [peer] [service-set]}. */
    public void clearIke(Predicate<TunnelPlan> which) {
        call(() -> {
            for (Tunnel t : tunnels.values()) {
                if (t.plan.peer().isPresent() && which.test(t.plan)) {
                    kmd.command(new Command.DeleteIkeSa(t.plan.id()));
                }
            }
        });
    }

    /**
     * {@code clear services ipsec-vpn ipsec security-associations}: the matching tunnels' dynamic
     * SAs go and the tunnels are negotiated again, as on Junos: with {@code establish-tunnels
     * immediately} at once (a fresh SA pair over the same IKE SA, the old pair deleted at the
     * peer); otherwise on the next packet. Only the tunnel's child SA goes, not the IKE SA: other
     * terms towards the same gateway may share it, and the next packet's acquire makes kmd add a
     * child over it (or negotiate a new IKE SA when there is none).
     */
    public void clearIpsec(Predicate<TunnelPlan> which) {
        call(() -> {
            for (Tunnel t : tunnels.values()) {
                TunnelState.SaPair sa = t.current();
                if (sa == null || sa.manual() || t.plan.peer().isEmpty() || !which.test(t.plan)) {
                    continue;
                }
                if (t.plan.peer().get().establishImmediately()) {
                    kmd.command(new Command.RekeyChildSa(sa.spiIn()));
                } else {
                    kmd.command(new Command.DeleteChildSa(sa.spiIn()));
                }
            }
        });
    }

    /** {@code clear services ipsec-vpn ipsec statistics [service-set] [remote-gateway]}: the counters as the workers last published them become zero. */
    public void clearStatistics(Predicate<TunnelPlan> which) {
        call(() -> {
            DataPlaneCounters counters = counters();
            for (Tunnel t : tunnels.values()) {
                if (which.test(t.plan)) {
                    t.statisticsBaseline = counters.statistics(t.key, t.invalidSpi);
                }
            }
        });
    }

    /** Tears every service set down (peers get their deletes), then stops all agents. */
    @Override
    public void close() {
        CompletableFuture<Void> drained = new CompletableFuture<>();
        try {
            call(() -> {
                for (ServiceSetRuntime rt : List.copyOf(sets.values())) {
                    tearDown(rt);
                }
                sets.clear();
                kmd.run(() -> drained.complete(null));
            });
            runner.drain(drained, 2000);
        } catch (GatewayBusyException e) {
            LOG.warn("closing: {}", e.getMessage());
        }
        runner.close();
    }

    // ---------------------------------------------------------------- gw-interface (LocalGatewayWatch)

    /**
     * The local gateway {@code address} went down: its gw-interface service sets stop IKE (kmd
     * peers removed, no acquires from traffic) and leave the data plane. Next-hop sets clear their
     * SAs; interface-style sets keep them for show as "Not installed". Idempotent. Queued for the
     * control agent (refused, with an exception, when its queue is full).
     */
    public void localGatewayDown(InetAddress address, String reason) {
        submit(() -> localGatewayDownNow(address, reason));
    }

    private void localGatewayDownNow(InetAddress address, String reason) {
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
            stopDynamic(rt);
            // After kmd's removals: no SA can be installed behind this.
            kmd.run(() -> leaveDataPlane(rt, reason));
        }
    }

    /** The local gateway {@code address} is back: Not-installed SAs go, the tunnels negotiate again. Queued. */
    public void localGatewayUp(InetAddress address) {
        submit(() -> localGatewayUpNow(address));
    }

    private void localGatewayUpNow(InetAddress address) {
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

    private void leaveDataPlane(ServiceSetRuntime rt, String reason) {
        if (sets.get(rt.plan().name()) != rt) {
            return;
        }
        boolean keep = rt.plan().kind() == ServiceSetPlan.Kind.INTERFACE;
        for (TunnelPlan t : rt.plan().tunnels()) {
            Tunnel state = tunnels.get(t.id());
            if (state == null) {
                continue;
            }
            List<TunnelState.SaPair> pairs = state.installed;
            for (TunnelState.SaPair p : pairs) {
                removeInbound(p.spiIn());
                rt.deviceOf(t).of(t.id()).removeSa(t.id(), p.spiOut());
            }
            rt.deviceOf(t).workers().retire(Set.of(t.id()));
            state.installed = List.of();
            state.notInstalled = keep ? pairs : List.of();
            if (!keep) {
                state.deleted += pairs.size();
            }
            state.ike = null;
            state.lastFailure = reason;
        }
    }

    private void rejoinDataPlane(ServiceSetRuntime rt) {
        if (sets.get(rt.plan().name()) != rt || suspended.containsKey(rt)) {
            return; // replaced by a commit, or down again meanwhile
        }
        LocalGateway local = locals.get(rt.plan().localGateway().orElseThrow()).orElseThrow();
        for (TunnelPlan t : rt.plan().tunnels()) {
            Tunnel state = tunnels.get(t.id());
            if (state == null) {
                continue;
            }
            state.deleted += state.notInstalled.size();
            state.notInstalled = List.of();
            state.lastFailure = t.problem().orElse(null);
            rt.deviceOf(t).workers().add(state.outbound);
            if (t.problem().isPresent()) {
                continue;
            }
            if (t.manual()) {
                installManual(state, local, rt.deviceOf(t));
            } else if (t.peer().isPresent()) {
                kmd.command(new Command.AddPeer(t.peer().get()));
            }
        }
        addTemplates(rt.plan());
    }

    // ---------------------------------------------------------------- dynamic endpoints (ike-access-profile)

    /** kmd answers any peer address for the set's access profile from now on. */
    private void addTemplates(ServiceSetPlan s) {
        s.dynamic().filter(d -> d.problem().isEmpty())
                .ifPresent(d -> d.templates().forEach(t -> kmd.command(new Command.AddPeer(t))));
    }

    /** kmd stops answering for the set's access profile (deleting its peers' SAs); their tunnels go now. */
    private void stopDynamic(ServiceSetRuntime rt) {
        if (rt.plan().dynamic().isEmpty()) {
            return;
        }
        rt.plan().dynamic().get().templates().forEach(t -> kmd.command(new Command.RemovePeer(t.name())));
        List<Tunnel> leaving = tunnels.values().stream()
                .filter(t -> t.dynamic && t.plan.serviceSet().equals(rt.plan().name())).toList();
        // All at once: one command per worker, however many peers (a worker's command queue is bounded, they are not).
        removeInbound(leaving.stream().flatMap(t -> t.installed.stream()).map(TunnelState.SaPair::spiIn).toList());
        if (rt.up() && !leaving.isEmpty()) {
            retireDynamic(rt, leaving);
        } else {
            leaving.forEach(t -> tunnels.remove(t.plan.id()));
        }
    }

    /**
     * kmd installed the first child SA of a peer it accepted through a template: the peer becomes a
     * tunnel of its own on the unit {@code interface-id} names (for {@code dedicated}, a unit no
     * other peer holds), with a route to its protected network into that unit while it is up (the
     * reverse route Junos inserts for dynamic peers). Null when the name is no running template's
     * or no unit is free (kmd then deletes the peer's SAs).
     */
    private Tunnel dynamicTunnel(Action.InstallChildSa a) {
        Optional<String> template = DynamicPeers.templateName(a.peer());
        Optional<String> where = DynamicPeers.where(a.peer());
        if (template.isEmpty() || where.isEmpty()) {
            return null;
        }
        ServiceSetRuntime rt = sets.values().stream().filter(r -> r.plan().dynamic()
                .flatMap(d -> d.template(template.get())).isPresent()).findFirst().orElse(null);
        if (rt == null || !rt.up() || suspended.containsKey(rt)) {
            return null;
        }
        DynamicEndpointPlan d = rt.plan().dynamic().orElseThrow();
        String unit = dynamicUnit(rt.plan(), d, where.get());
        if (unit == null) {
            refused(rt.plan().name(), a.remote().getAddress(), "no free dedicated unit with ipsec-interface-id of "
                    + d.profile() + " (" + d.units().size() + " units, all in use)", DynamicPeerRefusal.Outcome.GONE);
            kmd.command(new Command.DeleteIkeSa(a.peer()));
            return null;
        }
        PeerConfig instance = DynamicPeers.instance(d.template(template.get()).orElseThrow(), where.get(), a.remote().getAddress());
        IpPrefix localPrefix = prefixOf(a.localSelectors());
        IpPrefix remotePrefix = prefixOf(a.remoteSelectors());
        // The lowest tunnel index no configured tunnel and no connected peer of the set holds.
        int index = tunnels.lowestFreeIndex(rt.plan().name(), rt.plan().tunnels().size() + 1);
        TunnelPlan plan = new TunnelPlan(a.peer(), rt.plan().name(), d.profile(), "client *", index, unit,
                rt.plan().localGateway().orElseThrow(), a.remote().getAddress(), localPrefix, remotePrefix,
                Optional.of(instance),
                Optional.empty(), Optional.empty(), Optional.empty(), d.esp(), d.algorithms(), Optional.empty(),
                d.badSpiResponses());
        Tunnel state = new Tunnel(plan, nextTunnelKey++);
        state.dynamic = true;
        state.ike = dynamicUp.remove(a.peer());
        state.ikeUpNanos = runner.nowNanos();
        tunnels.put(plan.id(), state);
        ServiceSetRuntime.Device device = rt.deviceOf(plan);
        device.workers().add(state.outbound);
        Route route = reverseRoute(d, remotePrefix, device.tun().name());
        state.reverseRoute = route;   // removed as installed, whatever a later commit says
        try {
            if (reverseRoutes.merge(route, 1, Integer::sum) == 1) {
                host.network().addRoute(route);
            }
        } catch (HostNetworkException e) {
            state.lastFailure = "route to " + remotePrefix + " not installed: " + e.getMessage();
            LOG.warn("dynamic peer {}: {}", a.peer(), state.lastFailure);
        }
        LOG.info("dynamic peer {} at {}: tunnel on {}, {} <-> {}", a.peer(), a.remote(), unit, localPrefix, remotePrefix);
        return state;
    }

    /** A dynamic peer's reverse route: into its unit, with {@code reverse-route preference} as its metric. */
    private static Route reverseRoute(DynamicEndpointPlan d, IpPrefix remotePrefix, String device) {
        Route route = Route.toDevice(remotePrefix, device);
        return d.routePreference().isPresent() ? route.withMetric(d.routePreference().getAsLong()) : route;
    }

    /** The inside unit for a dynamic peer at {@code where}: the shared one, or a dedicated one no other peer holds. */
    private String dynamicUnit(ServiceSetPlan s, DynamicEndpointPlan d, String where) {
        if (!d.dedicated()) {
            return d.units().isEmpty() ? null : d.units().getFirst();
        }
        Map<String, String> holder = new HashMap<>();
        tunnels.values().stream().filter(t -> t.dynamic && t.plan.serviceSet().equals(s.name()))
                .forEach(t -> holder.put(t.plan.insideInterface(), DynamicPeers.where(t.plan.id()).orElse("")));
        return d.units().stream().filter(u -> !holder.containsKey(u) || holder.get(u).equals(where)).findFirst().orElse(null);
    }

    /**
     * Dynamic peers whose last SA pair went: their tunnels and reverse routes go with them. Each
     * worker gets one command for them all (closing retires every peer in one control step).
     */
    private void retireDynamic(ServiceSetRuntime rt, List<Tunnel> leaving) {
        Map<DeviceWorkers, List<Tunnel>> byDevice = new IdentityHashMap<>();
        for (Tunnel state : leaving) {
            tunnels.remove(state.plan.id());
            ServiceSetRuntime.Device device = rt.deviceOf(state.plan);
            byDevice.computeIfAbsent(device.workers(), o -> new ArrayList<>()).add(state);
            Route route = state.reverseRoute;
            Integer left = reverseRoutes.computeIfPresent(route, (r, n) -> n == 1 ? null : n - 1);
            if (left == null) {
                deleteRouteQuietly(route);
            }
            LOG.info("dynamic peer {} gone", state.plan.id());
        }
        byDevice.forEach((workers, states) -> workers.retire(
                states.stream().map(t -> t.plan.id()).collect(java.util.stream.Collectors.toSet()), keys(states)));
        long[] keys = keys(leaving);
        kmd.run(() -> locals.workers().forEach(w -> w.forgetTunnels(keys)));
    }

    private static long[] keys(List<Tunnel> states) {
        return states.stream().mapToLong(t -> t.key).toArray();
    }

    /** A dynamic peer's IKE SA failed without a tunnel (refused, or lost to DPD after its tunnel went): remembered for show. */
    private void dynamicPeerDown(Action.IkeSaDown a) {
        // Ordinary endings are not refusals: deletes either way, rekeys, half-open SAs timing out (junk).
        if (!java.util.EnumSet.of(DownCause.DELETED_LOCALLY, DownCause.DELETED_BY_PEER, DownCause.REPLACED, DownCause.EXPIRED)
                .contains(a.cause())) {
            dynamicRefusal(a.peer(), a.reason());
        }
    }

    /**
     * A child SA refused, its IKE SA staying: a dynamic peer's that we refused is remembered for
     * show; one we asked for that the peer refused is the tunnel's last failure (shown while it
     * has no SA pair; kmd tries again).
     */
    @Override
    public void childRefused(Action.ChildRefused a) {
        if (a.refusedBy() == Action.RefusedBy.PEER) {
            Tunnel state = tunnels.get(a.peer());
            if (state != null) {
                state.lastFailure = "child SA refused by the peer: " + a.reason();
            }
            return;
        }
        dynamicRefusal(a.peer(), a.reason(), DynamicPeerRefusal.Outcome.CHILD_REFUSED);
    }

    private void dynamicRefusal(String peer, String reason) {
        dynamicRefusal(peer, reason, DynamicPeerRefusal.Outcome.GONE);
    }

    private void dynamicRefusal(String peer, String reason, DynamicPeerRefusal.Outcome outcome) {
        Optional<String> template = DynamicPeers.templateName(peer);
        if (template.isEmpty()) {
            return;
        }
        sets.values().stream().filter(r -> r.plan().dynamic().flatMap(d -> d.template(template.get())).isPresent())
                .findFirst().ifPresent(rt -> refused(rt.plan().name(),
                        InetAddress.ofLiteral(stripPort(DynamicPeers.where(peer).orElseThrow())), reason, outcome));
    }

    private static String stripPort(String where) {
        int colon = where.lastIndexOf(':');
        return colon > 0 && where.indexOf(':') == colon ? where.substring(0, colon) : where;
    }

    private void refused(String set, InetAddress peer, String reason, DynamicPeerRefusal.Outcome outcome) {
        java.util.Deque<DynamicPeerRefusal> ring = refusals.computeIfAbsent(set, k -> new java.util.ArrayDeque<>());
        if (ring.size() == DynamicPeerRefusal.KEPT) {
            ring.removeFirst();
        }
        ring.addLast(new DynamicPeerRefusal(peer, outcome, reason, runner.nowNanos()));
        LOG.warn("service-set {}: dynamic peer {} {}: {}", set, peer.getHostAddress(),
                outcome == DynamicPeerRefusal.Outcome.GONE ? "refused" : "refused a child SA, its IKE SA kept", reason);
    }

    /** The prefix covering a negotiated selector (kmd narrows prefixes to prefixes; a range gets the prefix around it). */
    static IpPrefix prefixOf(List<io.sallyport.ike.message.TrafficSelector> selectors) {
        io.sallyport.ike.message.TrafficSelector ts = selectors.getFirst();
        byte[] start = ts.startAddress();
        byte[] end = ts.endAddress();
        int length = 0;
        while (length < start.length * 8) {
            int mask = 0x80 >>> (length % 8);
            if ((start[length / 8] & mask) != (end[length / 8] & mask)) {
                break;
            }
            length++;
        }
        byte[] net = start.clone();
        for (int bit = length; bit < net.length * 8; bit++) {
            net[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        try {
            return new IpPrefix(InetAddress.getByAddress(net), length);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
