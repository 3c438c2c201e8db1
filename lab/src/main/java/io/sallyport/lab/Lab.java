package io.sallyport.lab;

import io.sallyport.config.ConfigSyntaxException;
import io.sallyport.config.ConfigText;
import io.sallyport.config.check.CheckResult;
import io.sallyport.config.check.CommitCheck;
import io.sallyport.config.model.Configuration;
import io.sallyport.config.model.Interface;
import io.sallyport.config.model.RoutingInstance;
import io.sallyport.config.model.ServiceSet;
import io.sallyport.config.model.ServiceStyle;
import io.sallyport.config.model.StaticRoute;
import io.sallyport.config.model.Unit;
import io.sallyport.net.HostNetworkException;
import io.sallyport.net.IpPrefix;
import io.sallyport.net.Route;
import io.sallyport.net.TunNames;
import io.sallyport.net.virtual.LinkFaults;
import io.sallyport.net.virtual.VirtualLink;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;

/**
 * A running topology: virtual routers (each with the real gateway engine) and hosts, joined by
 * links on one {@link Simulation}. Everything is deterministic: the same topology and the same
 * commands give the same packets, SPIs and output.
 */
public final class Lab implements AutoCloseable {
    /** How long a probe waits for its answer, in simulated time. */
    static final long PROBE_TIMEOUT_NANOS = 2_000_000_000L;
    static final long PING_INTERVAL_NANOS = 1_000_000_000L;
    static final int PING_PAYLOAD = 56;
    /** Two kmd ticks. */
    static final long SETTLE_AFTER_UP_NANOS = 100_000_000L;
    private static final long BASE_SEED = 0x5A11_9087L;

    /** A topology link, by its two ends. */
    public record LabLink(Topology.End a, Topology.End b, InetAddress addressA, InetAddress addressB,
                          VirtualLink link) {
        boolean joins(String x, String y) {
            return a.node().equals(x) && b.node().equals(y) || a.node().equals(y) && b.node().equals(x);
        }
    }

    private final Simulation simulation = new Simulation();
    private final Map<String, LabRouter> routers = new LinkedHashMap<>();
    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private final Map<String, InetAddress> hostAddresses = new LinkedHashMap<>();
    private final List<LabLink> links = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private long faultSeed = 1;

    private Lab() {
    }

    /**
     * Builds the topology and starts every router's gateway; returns at once (negotiation runs as
     * simulated time passes: see {@link #awaitTunnels}).
     */
    public static Lab start(Topology topology) throws LabException {
        Lab lab = new Lab();
        lab.build(topology);
        return lab;
    }

    private void build(Topology t) throws LabException {
        Map<String, Configuration> configs = new LinkedHashMap<>();
        for (Topology.RouterSpec r : t.routers()) {
            Configuration config = commit(r, t.source());
            configs.put(r.name(), config);
            Node node = new Node(r.name(), Node.Kind.ROUTER, simulation);
            nodes.put(r.name(), node);
            interfaces(node, config, r, t.source());
        }
        for (Topology.HostSpec h : t.hosts()) {
            Node node = new Node(h.name(), Node.Kind.HOST, simulation);
            try {
                node.addInterface("eth0", h.address(), h.prefixLength());
                node.control().addRoute(Route.toDevice(IpPrefix.parse("0.0.0.0/0"), "eth0").via(h.gateway()));
            } catch (HostNetworkException e) {
                throw new LabException(t.source() + ":" + h.line() + ": host " + h.name() + ": " + e.getMessage());
            }
            nodes.put(h.name(), node);
            hostAddresses.put(h.name(), h.address());
        }
        for (Topology.LinkSpec l : t.links()) {
            InetAddress a = endAddress(l.a(), l, t.source());
            InetAddress b = endAddress(l.b(), l, t.source());
            VirtualLink link = simulation.network().link(a, b).latency(l.latencyNanos());
            nodes.get(l.a().node()).addNeighbour(l.a().device().orElse("eth0"), b);
            nodes.get(l.b().node()).addNeighbour(l.b().device().orElse("eth0"), a);
            links.add(new LabLink(l.a(), l.b(), a, b, link));
        }
        for (Topology.RouterSpec r : t.routers()) {
            Node node = nodes.get(r.name());
            staticRoutes(node, configs.get(r.name()), r, t.source());
            LabRouter router = new LabRouter(r.name(), node, configs.get(r.name()), r.configText(), simulation,
                    BASE_SEED + 1000L * routers.size(), r.pki());
            routers.put(r.name(), router);
        }
        for (LabRouter router : routers.values()) {
            router.start();
            router.warnings().forEach(w -> warnings.add(router.name() + ": " + w));
        }
        simulation.settle();
    }

    private Configuration commit(Topology.RouterSpec r, String source) throws LabException {
        String where = source + ":" + r.line() + ": router " + r.name() + " (" + r.configFile() + ")";
        CheckResult check;
        try {
            check = CommitCheck.check(ConfigText.parse(r.configText()));
        } catch (ConfigSyntaxException e) {
            throw new LabException(where + ": " + e.getMessage());
        }
        check.warnings().forEach(w -> warnings.add(r.name() + ": " + w.format().strip()));
        return check.configuration()
                .orElseThrow(() -> new LabException(where + " does not commit:\n" + check.renderErrors()));
    }

    /** Addressed units become interfaces; addressed service units live on the gateway's TUN device. */
    private static void interfaces(Node node, Configuration config, Topology.RouterSpec r, String source)
            throws LabException {
        for (Interface ifd : config.interfaces().values()) {
            for (Unit unit : ifd.units().values()) {
                for (String cidr : unit.inetAddresses()) {
                    int slash = cidr.indexOf('/');
                    InetAddress address = parseAddress(slash < 0 ? cidr : cidr.substring(0, slash));
                    int len = slash < 0 ? 32 : Integer.parseInt(cidr.substring(slash + 1));
                    try {
                        if (isServiceInterface(ifd.name())) {
                            node.addTunAddress(TunNames.forUnit(unit.name()), address, len);
                        } else {
                            node.addInterface(unit.name(), address, len);
                        }
                    } catch (HostNetworkException e) {
                        throw new LabException(source + ":" + r.line() + ": router " + r.name() + " interface "
                                + unit.name() + ": " + e.getMessage());
                    }
                }
            }
        }
    }

    /**
     * {@code routing-options static} (and the routing instances', all in one table: the gateway
     * installs VRF routes in the main table too). Routes into inside service units are the
     * gateway's to install; other next hops resolve through a connected interface.
     */
    private void staticRoutes(Node node, Configuration config, Topology.RouterSpec r, String source) {
        List<StaticRoute> all = new ArrayList<>(config.routingOptions().staticRoutes());
        for (RoutingInstance ri : config.routingInstances().values()) {
            all.addAll(ri.routingOptions().staticRoutes());
        }
        Set<String> gatewayUnits = new TreeSet<>();
        for (ServiceSet s : config.serviceSets().values()) {
            if (s.style() instanceof ServiceStyle.NextHopStyle nh) {
                gatewayUnits.add(nh.insideServiceInterface());
            }
        }
        for (StaticRoute sr : all) {
            IpPrefix prefix = IpPrefix.parse(sr.prefix());
            for (String hop : sr.nextHops()) {
                if (gatewayUnits.contains(hop)) {
                    break;
                }
                Optional<Route> route = resolve(node, prefix, hop);
                if (route.isEmpty()) {
                    warnings.add(r.name() + ": static route " + sr.prefix() + " next-hop " + hop
                            + " does not resolve through a connected interface; not installed");
                    continue;
                }
                try {
                    node.control().addRoute(route.get());
                } catch (HostNetworkException e) {
                    warnings.add(r.name() + ": static route " + sr.prefix() + ": " + e.getMessage());
                }
                break;
            }
        }
    }

    private static Optional<Route> resolve(Node node, IpPrefix prefix, String hop) {
        if (hop.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            InetAddress via = parseAddress(hop);
            return node.control().lookup(via, Route.MAIN_TABLE)
                    .filter(r -> r.via().isEmpty())
                    .map(r -> Route.toDevice(prefix, r.device()).via(via));
        }
        if (node.interfaceNames().contains(hop)) {
            return Optional.of(Route.toDevice(prefix, hop));
        }
        return Optional.empty();
    }

    private static boolean isServiceInterface(String ifd) {
        return ifd.startsWith("ms-") || ifd.startsWith("sp-") || ifd.startsWith("rms") || ifd.startsWith("rsp")
                || ifd.startsWith("ams");
    }

    private InetAddress endAddress(Topology.End end, Topology.LinkSpec l, String source) throws LabException {
        Node node = nodes.get(end.node());
        String device = end.device().orElse("eth0");
        return node.interfaceAddress(device).orElseThrow(() -> new LabException(source + ":" + l.line() + ": "
                + end.node() + " has no interface " + device + " with a family inet address (it has: "
                + String.join(", ", node.interfaceNames()) + ")"));
    }

    private static InetAddress parseAddress(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException("not an address: " + text, e);
        }
    }

    // ---------------------------------------------------------------- looking at it

    public Simulation simulation() {
        return simulation;
    }

    public long nowNanos() {
        return simulation.nowNanos();
    }

    /** Commit warnings, plan warnings and routes the lab could not install. */
    public List<String> warnings() {
        return List.copyOf(warnings);
    }

    public Map<String, LabRouter> routers() {
        return routers;
    }

    public Optional<LabRouter> router(String name) {
        return Optional.ofNullable(routers.get(name));
    }

    public Optional<Node> node(String name) {
        return Optional.ofNullable(nodes.get(name));
    }

    public List<LabLink> links() {
        return List.copyOf(links);
    }

    /** A host's or router's name (its first address), or an address. */
    public Optional<InetAddress> resolve(String hostOrAddress) {
        if (hostAddresses.containsKey(hostOrAddress)) {
            return Optional.of(hostAddresses.get(hostOrAddress));
        }
        Node node = nodes.get(hostOrAddress);
        if (node != null) {
            return node.control().addresses().stream().map(a -> a.address()).findFirst();
        }
        if (hostOrAddress.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            return Optional.of(parseAddress(hostOrAddress));
        }
        return Optional.empty();
    }

    /**
     * True once every router's runnable tunnels have SAs, or false after {@code maxNanos}. On
     * success the lab runs a little longer: kmd publishes its IKE SA table for {@code show} on its
     * next tick, and the last exchange's final message may still be in flight.
     */
    public boolean awaitTunnels(long maxNanos) {
        if (routers.values().stream().noneMatch(r -> r.runnableTunnels() > 0)) {
            return false;
        }
        boolean up = simulation.runUntil(() -> routers.values().stream()
                .filter(r -> r.runnableTunnels() > 0).allMatch(LabRouter::tunnelsUp), maxNanos);
        if (up) {
            simulation.advance(SETTLE_AFTER_UP_NANOS);
        }
        return up;
    }

    /**
     * What the lab says once it is up: "negotiated" only when every configured tunnel of every
     * router has an installed SA pair; otherwise how many have, and where to look.
     */
    public String banner() {
        long total = 0;
        long up = 0;
        for (LabRouter r : routers.values()) {
            for (var t : r.gateway().tunnels()) {
                total++;
                if (t.current() != null) {
                    up++;
                }
            }
        }
        if (total == 0) {
            return "lab up: no tunnels configured";
        }
        if (up == total) {
            return "lab up: " + total + " of " + total + " tunnels negotiated";
        }
        return "lab up: " + up + " of " + total + " tunnels up; the others are down"
                + " (show services service-sets says why)";
    }

    public void advance(long nanos) {
        simulation.advance(nanos);
    }

    // ---------------------------------------------------------------- ping and traceroute

    public PingResult ping(String from, InetAddress destination, Optional<InetAddress> source, int count)
            throws LabException {
        Node node = nodeNamed(from);
        int id = node.newEchoId();
        List<PingResult.Probe> probes = new ArrayList<>();
        Optional<InetAddress> used = Optional.empty();
        for (int seq = 0; seq < count; seq++) {
            long sent = simulation.nowNanos();
            Optional<InetAddress> src = node.sendEcho(destination, source, id, seq, 64, PING_PAYLOAD);
            if (src.isEmpty()) {
                return new PingResult(destination, Optional.empty(), probes, PING_PAYLOAD);
            }
            used = src;
            final int s = seq;
            Optional<IcmpEvent>[] got = new Optional[] {Optional.empty()};
            simulation.runUntil(() -> (got[0] = node.takeIcmp(id, s)).isPresent(), PROBE_TIMEOUT_NANOS);
            Optional<IcmpEvent> answer = got[0];
            if (answer.isPresent() && answer.get().echoReply()) {
                probes.add(new PingResult.Probe(seq, OptionalLong.of(answer.get().atNanos() - sent),
                        answer.get().ttl(), Optional.empty()));
            } else {
                probes.add(new PingResult.Probe(seq, OptionalLong.empty(), 0, answer));
            }
            long waited = simulation.nowNanos() - sent;
            if (seq + 1 < count && waited < PING_INTERVAL_NANOS) {
                simulation.advance(PING_INTERVAL_NANOS - waited);
            }
        }
        node.forgetIcmp(id);
        return new PingResult(destination, used, probes, PING_PAYLOAD);
    }

    public TraceResult traceroute(String from, InetAddress destination, int maxHops) throws LabException {
        Node node = nodeNamed(from);
        int id = node.newEchoId();
        List<TraceResult.Hop> hops = new ArrayList<>();
        for (int ttl = 1; ttl <= maxHops; ttl++) {
            long sent = simulation.nowNanos();
            if (node.sendEcho(destination, Optional.empty(), id, ttl, ttl, 8).isEmpty()) {
                break;
            }
            final int seq = ttl;
            Optional<IcmpEvent>[] got = new Optional[] {Optional.empty()};
            simulation.runUntil(() -> (got[0] = node.takeIcmp(id, seq)).isPresent(), PROBE_TIMEOUT_NANOS);
            Optional<IcmpEvent> answer = got[0];
            hops.add(new TraceResult.Hop(ttl, answer.map(IcmpEvent::from),
                    answer.map(a -> OptionalLong.of(a.atNanos() - sent)).orElse(OptionalLong.empty())));
            if (answer.isPresent() && answer.get().type() != Icmp.TIME_EXCEEDED) {
                break;
            }
        }
        node.forgetIcmp(id);
        return new TraceResult(destination, maxHops, hops);
    }

    // ---------------------------------------------------------------- any packet

    /**
     * Sends a whole IPv4 packet from node {@code from} as its own stack would (routed from there;
     * time does not pass: {@link #advance} delivers it). For traffic the lab has no tool for, such
     * as a TCP SYN.
     */
    public void send(String from, byte[] packet) throws LabException {
        nodeNamed(from).originate(packet);
    }

    /** The packets that reached node {@code name} and that no local service took (all but ICMP), oldest first; forgets them. */
    public List<byte[]> received(String name) throws LabException {
        return nodeNamed(name).takeUnserved();
    }

    private Node nodeNamed(String name) throws LabException {
        Node node = nodes.get(name);
        if (node == null) {
            throw new LabException("no node named " + name + " (nodes: " + String.join(", ", nodes.keySet()) + ")");
        }
        return node;
    }

    // ---------------------------------------------------------------- faults

    /** The faults {@link #fault} understands. */
    public sealed interface Fault {
        record Loss(double probability) implements Fault {
        }

        record Delay(long nanos) implements Fault {
        }

        record Reorder(long everyNth, long holdNanos) implements Fault {
        }

        record Duplicate(double probability) implements Fault {
        }

        record Down() implements Fault {
        }

        record Up() implements Fault {
        }

        record Clear() implements Fault {
        }
    }

    public LabLink link(String a, String b) throws LabException {
        return links.stream().filter(l -> l.joins(a, b)).findFirst()
                .orElseThrow(() -> new LabException("no link between " + a + " and " + b));
    }

    /** Applies a fault to every link between nodes {@code a} and {@code b}; seeded, so repeatable. */
    public void fault(String a, String b, Fault fault) throws LabException {
        LabLink l = link(a, b);
        switch (fault) {
            case Fault.Loss loss -> l.link().addFault(LinkFaults.dropRandom(loss.probability(), faultSeed++));
            case Fault.Delay d -> l.link().addFault(LinkFaults.delay(d.nanos()));
            case Fault.Reorder r -> l.link().addFault(LinkFaults.reorderEvery(r.everyNth(), r.holdNanos()));
            case Fault.Duplicate d -> l.link().addFault(LinkFaults.duplicateRandom(d.probability(), faultSeed++));
            case Fault.Down d -> {
                l.link().down();
                carrier(l, false);
            }
            case Fault.Up u -> {
                l.link().up();
                carrier(l, true);
            }
            case Fault.Clear c -> l.link().clearFaults();
        }
        simulation.settle();
    }

    private void carrier(LabLink l, boolean up) {
        nodes.get(l.a().node()).setCarrier(l.a().device().orElse("eth0"), up);
        nodes.get(l.b().node()).setCarrier(l.b().device().orElse("eth0"), up);
    }

    /**
     * Restarts a router as a power cycle would: its links go dark first, so its peers get no
     * deletes and must notice by themselves (DPD, retransmissions); then a fresh gateway starts.
     */
    public void restart(String name) throws LabException {
        LabRouter router = routers.get(name);
        if (router == null) {
            throw new LabException("no router named " + name);
        }
        List<LabLink> own = links.stream().filter(l -> l.a().node().equals(name) || l.b().node().equals(name))
                .filter(l -> l.link().isUp()).toList();
        own.forEach(l -> l.link().down());
        router.stop();
        simulation.settle();
        own.forEach(l -> l.link().up());
        router.start();
        simulation.settle();
    }

    @Override
    public void close() {
        routers.values().forEach(LabRouter::stop);
        routers.values().forEach(LabRouter::discardCertificateStore);
    }
}
