package io.sallyport.lab;

import io.sallyport.net.HostAddress;
import io.sallyport.net.IpPrefix;
import io.sallyport.net.PolicyRule;
import io.sallyport.net.Route;
import io.sallyport.net.virtual.VirtualDatagramPort;
import io.sallyport.net.virtual.VirtualNetwork;
import io.sallyport.net.virtual.VirtualNetworkControl;
import io.sallyport.net.virtual.VirtualTun;
import io.sallyport.packet.Bytes;
import io.sallyport.packet.IpProtocol;
import io.sallyport.packet.Ipv4View;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A virtual router or host: interfaces with IPv4 addresses, a routing table (a
 * {@link VirtualNetworkControl}, the same one the gateway programs), and a forwarding plane.
 *
 * <p>Interfaces joined by a topology link exchange whole IPv4 packets as datagrams on the
 * {@link VirtualNetwork} (port {@link #WIRE_PORT} of each end's address), so link latency and
 * faults apply to them exactly as to the gateway's own IKE and ESP datagrams, which use the same
 * address pair. TUN devices opened by a gateway are interfaces too: packets routed to one are
 * injected, packets the gateway writes are forwarded. Routers decrement TTL, answer echo requests
 * to their addresses and send time-exceeded and unreachable errors; hosts only answer.
 * Bad packets are counted by reason and dropped.
 */
public final class Node implements Simulation.Steppable {
    /** The UDP port on an interface address that carries link-layer frames (whole IP packets). */
    public static final int WIRE_PORT = 1;
    private static final int MAX_PACKET = 65_535;
    private static final int DEFAULT_MTU = 1500;
    private static final int MAX_UNSERVED = 64;
    /** The router's own address lives on this unit when the configuration has one. */
    private static final String LOOPBACK = "lo0.0";

    public enum Kind { ROUTER, HOST }

    /** An addressed interface that may be joined to neighbours by links. */
    private static final class Port {
        final String device;
        final HostAddress address;
        final VirtualDatagramPort wire;
        final Set<InetAddress> neighbours = new LinkedHashSet<>();

        Port(String device, HostAddress address, VirtualDatagramPort wire) {
            this.device = device;
            this.address = address;
            this.wire = wire;
        }
    }

    private record Ingress(String device, byte[] packet) {
    }

    private final String name;
    private final Kind kind;
    private final Simulation simulation;
    private final VirtualNetworkControl control = new VirtualNetworkControl();
    private final Map<String, Port> ports = new LinkedHashMap<>();
    private final Map<String, VirtualTun> tuns = new LinkedHashMap<>();
    private final ArrayDeque<Ingress> fromTuns = new ArrayDeque<>();
    private final List<IcmpEvent> icmp = new ArrayList<>();
    /** The last packets addressed to this node that no local service took (TCP, UDP): what tests look at. */
    private final ArrayDeque<byte[]> unserved = new ArrayDeque<>();
    private final Map<String, Long> drops = new TreeMap<>();
    private final Ipv4View view = new Ipv4View();
    private final byte[] buf = new byte[MAX_PACKET];
    private long forwarded;
    private java.util.function.Function<InetAddress, Optional<InetAddress>> tunnelSource = d -> Optional.empty();
    private int nextEchoId = 1;

    Node(String name, Kind kind, Simulation simulation) {
        this.name = name;
        this.kind = kind;
        this.simulation = simulation;
        simulation.add(this);
    }

    public String name() {
        return name;
    }

    public Kind kind() {
        return kind;
    }

    public VirtualNetworkControl control() {
        return control;
    }

    /** Packets dropped, by reason (for {@code show} and tests). */
    public Map<String, Long> drops() {
        return Map.copyOf(drops);
    }

    public long forwarded() {
        return forwarded;
    }

    // ---------------------------------------------------------------- building

    /** Adds an interface with an address; its connected prefix becomes a route. */
    void addInterface(String device, InetAddress address, int prefixLength) {
        if (control.links().stream().noneMatch(l -> l.name().equals(device))) {
            control.addLink(device, DEFAULT_MTU);
        }
        HostAddress host = new HostAddress(device, address, prefixLength);
        control.addAddress(host);
        control.addRoute(Route.toDevice(network(address, prefixLength), device));
        if (!ports.containsKey(device)) {
            VirtualDatagramPort wire = simulation.network().openUdp(new InetSocketAddress(address, WIRE_PORT));
            ports.put(device, new Port(device, host, wire));
        }
    }

    /** An address on a service unit: its device is the gateway's TUN, down until the gateway opens it. */
    void addTunAddress(String tunName, InetAddress address, int prefixLength) {
        if (control.links().stream().noneMatch(l -> l.name().equals(tunName))) {
            control.addLink(tunName, DEFAULT_MTU);
            control.setLinkUp(tunName, false);
        }
        control.addAddress(new HostAddress(tunName, address, prefixLength));
        control.addRoute(Route.toDevice(network(address, prefixLength), tunName));
    }

    /** The first address of {@code device}, which a topology link joins. */
    Optional<InetAddress> interfaceAddress(String device) {
        Port p = ports.get(device);
        return p == null ? Optional.empty() : Optional.of(p.address.address());
    }

    List<String> interfaceNames() {
        return List.copyOf(ports.keySet());
    }

    /**
     * How to pick a source address for traffic this node originates into a tunnel: the lab's
     * routers use an own address inside the local side of the tunnel that covers the destination,
     * so their pings and ICMP errors pass the tunnel's selectors.
     */
    void tunnelSource(java.util.function.Function<InetAddress, Optional<InetAddress>> chooser) {
        tunnelSource = chooser;
    }

    void addNeighbour(String device, InetAddress neighbour) {
        ports.get(device).neighbours.add(neighbour);
    }

    /** Carrier on {@code device}: routes through it are unusable while it is down. */
    void setCarrier(String device, boolean carrier) {
        control.setCarrier(device, carrier);
    }

    /** Opens (or re-opens) the TUN device a gateway asked for; its written packets are forwarded here. */
    VirtualTun openTun(String tunName, int mtu) {
        if (control.links().stream().anyMatch(l -> l.name().equals(tunName))) {
            control.setLinkUp(tunName, true);
        } else {
            control.addLink(tunName, mtu);
        }
        VirtualTun tun = new VirtualTun(tunName, mtu, 1024);
        tun.hostSink(p -> fromTuns.add(new Ingress(tunName, p)));
        tuns.put(tunName, tun);
        return tun;
    }

    /**
     * {@code ip link del} of a gateway's TUN device: its addresses and routes go with it, the
     * gateway's queue reports the device deleted.
     */
    public void deleteTun(String tunName) {
        VirtualTun tun = tuns.remove(tunName);
        if (tun == null) {
            throw new IllegalArgumentException(name + " has no TUN device " + tunName);
        }
        tun.delete();
        control.deleteLink(tunName);
    }

    /** The gateway creates a deleted TUN device again on its queue. */
    void reattachTun(VirtualTun tun) {
        if (tuns.containsKey(tun.name())) {
            throw new io.sallyport.net.HostNetworkException("ioctl TUNSETIFF " + tun.name() + ": device exists");
        }
        control.addLink(tun.name(), tun.mtu());
        tun.reattach();
        tuns.put(tun.name(), tun);
    }

    // ---------------------------------------------------------------- stepping

    @Override
    public int step(long nowNanos) {
        int work = 0;
        for (Port p : ports.values()) {
            int len;
            while ((len = p.wire.receive(buf, 0, buf.length)) >= 0) {
                work++;
                receive(java.util.Arrays.copyOf(buf, len), p.device, nowNanos);
            }
        }
        Ingress in;
        while ((in = fromTuns.poll()) != null) {
            work++;
            receive(in.packet(), in.device(), nowNanos);
        }
        return work;
    }

    private void receive(byte[] p, String ingress, long nowNanos) {
        if (p.length < Ipv4View.MIN_HEADER || (p[0] & 0xF0) != 0x40) {
            drop("not-ipv4");
            return;
        }
        view.wrap(p, 0, p.length);
        if (!view.isWellFormed() || !view.checksumValid() || view.totalLength() > p.length) {
            drop("malformed");
            return;
        }
        if (isLocal(view.destination())) {
            deliverLocally(p, nowNanos);
            return;
        }
        if (kind == Kind.HOST) {
            drop("not-for-this-host");
            return;
        }
        if (view.ttl() <= 1) {
            drop("ttl-expired");
            int src = errorSource(ingress, view.source());
            if (!isLocal(view.source())) {
                send(Icmp.timeExceeded(p, 0, view.totalLength(), src));
            }
            return;
        }
        view.decrementTtl();
        forwarded++;
        egress(java.util.Arrays.copyOf(p, view.totalLength()), ingress);
    }

    private void deliverLocally(byte[] p, long nowNanos) {
        if (view.protocol() != IpProtocol.ICMP || view.payloadLength() < Icmp.HEADER) {
            drop("no-local-service");
            if (unserved.size() == MAX_UNSERVED) {
                unserved.removeFirst();
            }
            unserved.addLast(java.util.Arrays.copyOf(p, view.totalLength()));
            return;
        }
        int icmpOff = view.payloadOffset();
        int type = p[icmpOff] & 0xFF;
        switch (type) {
            case Icmp.ECHO_REQUEST -> send(Icmp.replyTo(p, view));
            case Icmp.ECHO_REPLY -> icmp.add(new IcmpEvent(nowNanos, type, 0, address(view.source()),
                    Bytes.u16(p, icmpOff + 4), Bytes.u16(p, icmpOff + 6), view.ttl()));
            case Icmp.TIME_EXCEEDED, Icmp.UNREACHABLE -> {
                int quoted = icmpOff + Icmp.HEADER;
                int quotedEnd = view.offset() + view.totalLength();
                if (quotedEnd - quoted < Ipv4View.MIN_HEADER + Icmp.HEADER) {
                    drop("short-icmp-error");
                    return;
                }
                int qhl = (p[quoted] & 0x0F) * 4;
                int qicmp = quoted + qhl;
                if (qicmp + Icmp.HEADER > quotedEnd || (p[quoted + 9] & 0xFF) != IpProtocol.ICMP) {
                    drop("icmp-error-not-about-echo");
                    return;
                }
                icmp.add(new IcmpEvent(nowNanos, type, p[icmpOff + 1] & 0xFF, address(view.source()),
                        Bytes.u16(p, qicmp + 4), Bytes.u16(p, qicmp + 6), view.ttl()));
            }
            default -> drop("icmp-type-ignored");
        }
    }

    /** Sends {@code packet} (a whole IPv4 packet) as if this node's own stack had written it. */
    void originate(byte[] packet) {
        send(packet.clone());
    }

    /** The packets addressed to this node that no local service took, oldest first, and forgets them. */
    List<byte[]> takeUnserved() {
        List<byte[]> out = List.copyOf(unserved);
        unserved.clear();
        return out;
    }

    /** Sends a packet this node originates (no TTL check); null (no error allowed) is ignored. */
    private void send(byte[] p) {
        if (p == null) {
            return;
        }
        view.wrap(p, 0, p.length);
        if (isLocal(view.destination())) {
            deliverLocally(p, simulation.nowNanos());
            return;
        }
        egress(p, null);
    }

    /** Forwards a packet; {@code ingress} is the device it arrived on, null for one this node originates. */
    private void egress(byte[] p, String ingress) {
        boolean transit = ingress != null;
        view.wrap(p, 0, p.length);
        InetAddress dst = address(view.destination());
        Optional<Route> route = route(dst, ingress);
        if (route.isEmpty() || route.get().isUnreachable()) {
            // Linux answers a missing route with net unreachable (0), an unreachable route with host
            // unreachable (1); either error is routed by the main table (it knows no instance).
            drop("no-route");
            if (transit) {
                send(Icmp.unreachable(p, 0, p.length, errorSource(null, view.source()), route.isEmpty() ? 0 : 1));
            }
            return;
        }
        String device = route.get().device();
        VirtualTun tun = tuns.get(device);
        if (tun != null) {
            if (p.length > tun.mtu()) {
                drop("over-tunnel-device-mtu");
            } else if (!tun.inject(p, 0, p.length)) {
                drop("tunnel-device-refused");
            }
            return;
        }
        Port port = ports.get(device);
        if (port == null) {
            drop("no-device");
            return;
        }
        InetAddress nextHop = route.get().via().orElse(dst);
        if (!port.neighbours.contains(nextHop)) {
            drop("no-neighbour");
            if (transit) {
                send(Icmp.unreachable(p, 0, p.length, toInt(port.address.address()), 1));
            }
            return;
        }
        port.wire.send(p, 0, p.length, new InetSocketAddress(nextHop, WIRE_PORT));
    }

    /**
     * Policy rules first (by priority: {@code iif} and {@code to} must match, then the rule's
     * table), then the main table, as Linux does. A table's unreachable route ends the lookup.
     */
    private Optional<Route> route(InetAddress dst, String ingress) {
        List<PolicyRule> rules = new ArrayList<>(control.rules());
        rules.sort(java.util.Comparator.comparingInt(PolicyRule::priority));
        for (PolicyRule r : rules) {
            boolean matches = r.from().isEmpty() // the gateway steers by ingress and destination only
                    && r.inputInterface().map(i -> i.equals(ingress)).orElse(true)
                    && r.to().map(t -> contains(t, dst)).orElse(true);
            if (!matches) {
                continue;
            }
            Optional<Route> hit = control.lookup(dst, r.table());
            if (hit.isPresent()) {
                return hit;
            }
        }
        return control.lookup(dst, Route.MAIN_TABLE);
    }

    private static boolean contains(IpPrefix prefix, InetAddress a) {
        return network(a, prefix.length()).equals(network(prefix.address(), prefix.length()));
    }

    // ---------------------------------------------------------------- ping and traceroute

    /** A fresh echo identifier for one ping or traceroute run. */
    int newEchoId() {
        return nextEchoId++ & 0xFFFF;
    }

    /**
     * Sends an echo request; the source is {@code source}, else the address of the interface the
     * route leaves by, else this node's first address. Returns the source used, or empty when
     * there is no route.
     */
    Optional<InetAddress> sendEcho(InetAddress destination, Optional<InetAddress> source, int id, int seq, int ttl,
                                   int payloadLength) {
        Optional<InetAddress> src = source.or(() -> sourceFor(destination));
        if (src.isEmpty()) {
            return Optional.empty();
        }
        send(Icmp.echo(Icmp.ECHO_REQUEST, toInt(src.get()), toInt(destination), ttl, id, seq, payloadLength));
        return src;
    }

    /** The ICMP event answering echo {@code id}/{@code seq}, consumed, if it arrived. */
    Optional<IcmpEvent> takeIcmp(int id, int seq) {
        for (int i = 0; i < icmp.size(); i++) {
            IcmpEvent e = icmp.get(i);
            if (e.id() == id && e.seq() == seq) {
                icmp.remove(i);
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    void forgetIcmp(int id) {
        icmp.removeIf(e -> e.id() == id);
    }

    private Optional<InetAddress> sourceFor(InetAddress destination) {
        if (control.hasAddress(destination)) {
            return Optional.of(destination);
        }
        Optional<Route> route = control.lookup(destination, Route.MAIN_TABLE);
        if (route.isEmpty()) {
            return Optional.empty();
        }
        Optional<InetAddress> viaDevice = control.addressesOn(route.get().device()).stream()
                .map(HostAddress::address).findFirst();
        return route.get().source().or(() -> viaDevice).or(() -> tunnelSource.apply(destination))
                .or(this::primaryAddress);
    }

    /**
     * The address an error about a packet from {@code to} comes from: the ingress interface's;
     * for an unnumbered one (a service unit's TUN device) the router's own address, {@code lo0.0}'s,
     * as Junos answers (the seed's traceroute passes "the loopback interface on Router 2");
     * else the way back's.
     */
    private int errorSource(String ingress, int to) {
        if (ingress != null) {
            Optional<HostAddress> own = control.addressesOn(ingress).stream().findFirst()
                    .or(() -> control.addressesOn(LOOPBACK).stream().findFirst());
            if (own.isPresent()) {
                return toInt(own.get().address());
            }
        }
        return sourceFor(address(to)).filter(a -> a instanceof Inet4Address).map(Node::toInt)
                .orElse(primaryAddress().map(Node::toInt).orElse(0));
    }

    private Optional<InetAddress> primaryAddress() {
        return control.addresses().stream().map(HostAddress::address).findFirst();
    }

    // ---------------------------------------------------------------- helpers

    private boolean isLocal(int address) {
        InetAddress a = address(address);
        return control.hasAddress(a);
    }

    private void drop(String reason) {
        drops.merge(reason, 1L, Long::sum);
    }

    static IpPrefix network(InetAddress address, int prefixLength) {
        byte[] raw = address.getAddress();
        for (int bit = prefixLength; bit < raw.length * 8; bit++) {
            raw[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        try {
            return new IpPrefix(InetAddress.getByAddress(raw), prefixLength);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static int toInt(InetAddress a) {
        byte[] b = a.getAddress();
        return Bytes.i32(b, 0);
    }

    static InetAddress address(int v) {
        byte[] b = new byte[4];
        Bytes.put32(b, 0, v);
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase(java.util.Locale.ROOT) + " " + name;
    }
}
