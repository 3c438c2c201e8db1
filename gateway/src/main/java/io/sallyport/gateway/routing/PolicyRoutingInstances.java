package io.sallyport.gateway.routing;

import io.sallyport.config.model.Configuration;
import io.sallyport.config.model.RoutingInstance;
import io.sallyport.config.model.StaticRoute;
import io.sallyport.gateway.plan.GatewayPlan;
import io.sallyport.gateway.plan.InsideDevice;
import io.sallyport.gateway.plan.InstanceTables;
import io.sallyport.gateway.plan.ServiceSetPlan;
import io.sallyport.net.HostAddress;
import io.sallyport.net.HostNetworkException;
import io.sallyport.net.IpPrefix;
import io.sallyport.net.NetworkControl;
import io.sallyport.net.PolicyRule;
import io.sallyport.net.Route;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * VRF routing instances by policy routing, for kernels without the VRF driver (and, for now,
 * with it): each {@code routing-instances NAME { instance-type vrf; }} is a Linux routing table
 * ({@link InstanceTables}); an {@code ip rule iif DEVICE lookup TABLE} (priority
 * {@value #RULE_PRIORITY}) per instance interface sends what arrives on it (a customer interface,
 * or decrypted traffic leaving the inside unit's TUN device) to the instance's table; the
 * instance's interfaces' networks are copied into that table, as are its static routes through
 * an address or a host interface. Static routes into an inside unit are the gateway's
 * ({@link InsideDevice#table()}: made with the unit's TUN device). Two instances may use
 * overlapping addresses: their traffic never meets the main table. A local gateway in an instance
 * ({@code local-gateway A routing-instance R}) has its IKE and ESP sockets marked with R's table
 * number (SO_MARK, set by the host adapter), and {@code ip rule fwmark TABLE lookup TABLE} sends
 * what they send by R's table. Each instance's table ends in an {@code unreachable default} with
 * the last metric, so a lookup that finds nothing in the instance ends there (dropped with an
 * ICMP host unreachable, where Junos rejects) instead of falling through to the main table; the
 * error itself is routed by the main table (the kernel does not know the instance of the packet
 * it answers).
 *
 * <p>Rules are added and removed as commits change them; routes are added again after every
 * apply (a route that is already there is left alone), so a device that came back gets its
 * routes with the next apply.
 */
public final class PolicyRoutingInstances implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PolicyRoutingInstances.class);
    /** Before the main table (32766), after the local table (0); interface-style steering uses 1000 and up. */
    public static final int RULE_PRIORITY = 1500;
    /** Junos's preferences: Direct and Local 0, Static 5. */
    private static final int STATIC_PREFERENCE = 5;
    private static final IpPrefix DEFAULT = IpPrefix.parse("0.0.0.0/0");

    private final NetworkControl network;
    private final LongSupplier nowSeconds;
    private final String mechanism;
    private final Set<PolicyRule> rules = new LinkedHashSet<>();
    /** Tables with an {@code ip rule fwmark TABLE lookup TABLE} for a local gateway's marked sockets. */
    private final Set<Integer> markRules = new LinkedHashSet<>();
    private final Set<Route> routes = new LinkedHashSet<>();
    /** When each shown route first appeared, for its age. */
    private final Map<String, Long> since = new HashMap<>();
    private volatile List<InstanceRoutes> published = List.of();
    private volatile RouteNames names = RouteNames.NONE;

    /**
     * @param vrfDriver whether the kernel has the VRF driver (said in {@link #mechanism()})
     */
    public PolicyRoutingInstances(NetworkControl network, LongSupplier nowSeconds, boolean vrfDriver) {
        this.network = network;
        this.nowSeconds = nowSeconds;
        this.mechanism = "policy routing (a table per instance, ip rules by incoming interface, priority "
                + RULE_PRIORITY + "); " + (vrfDriver ? "the kernel has the VRF driver, which Sallyport does not use yet"
                : "the kernel has no VRF driver");
    }

    /** Whether this Linux kernel has the VRF driver: built in or loaded, or a module it can load. */
    public static boolean linuxVrfDriver() {
        return vrfDriver(Path.of("/sys/module"), Path.of("/lib/modules", System.getProperty("os.version"), "modules.dep"));
    }

    /**
     * {@code sysModule/vrf} exists when the driver is built in or loaded; {@code modulesDep} lists
     * {@code .../vrf.ko[.xz|.zst]} when it is a module not loaded yet (the kernel loads it for the
     * first {@code ip link add ... type vrf}).
     */
    static boolean vrfDriver(Path sysModule, Path modulesDep) {
        if (Files.isDirectory(sysModule.resolve("vrf"))) {
            return true;
        }
        try (var lines = Files.lines(modulesDep)) {
            return lines.anyMatch(l -> l.matches("(\\S*/)?vrf\\.ko(\\.\\w+)?:.*"));
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            return false; // no module list: only a loaded or built-in driver counts
        }
    }

    /** How instances are realised, for {@code show services service-sets}. */
    public String mechanism() {
        return mechanism;
    }

    /**
     * One instance as installed: its name, table and the routes shown by {@code show route table
     * NAME.inet.0}, each with the second it first appeared (its age is counted when shown).
     */
    public record InstanceRoutes(String name, int table, List<Timed> entries) {
        public InstanceRoutes {
            entries = List.copyOf(entries);
        }
    }

    /** A route and the second (of the injected clock) it first appeared. */
    public record Timed(RouteEntry entry, long sinceSeconds) {
    }

    /** What {@link #apply} last installed, by instance. */
    public List<InstanceRoutes> installed() {
        return published;
    }

    /** How the last applied configuration names the host's devices, for {@code show route} of the main table. */
    public RouteNames names() {
        return names;
    }

    /** Brings the rules and routes in step with {@code config}; returns warnings for the commit. */
    public synchronized List<String> apply(Configuration config, GatewayPlan plan, List<HostAddress> hostAddresses) {
        UnitDevices devices = new UnitDevices(config, plan, hostAddresses);
        List<String> warnings = new ArrayList<>();
        Set<PolicyRule> wantedRules = new LinkedHashSet<>();
        Set<Route> wantedRoutes = new LinkedHashSet<>();
        List<InstanceRoutes> views = new ArrayList<>();
        long now = nowSeconds.getAsLong();
        Set<String> shown = new LinkedHashSet<>();
        Set<String> instanceDevices = new LinkedHashSet<>();
        for (RoutingInstance ri : InstanceTables.vrfs(config)) {
            int table = InstanceTables.table(config, ri.name()).orElseThrow();
            List<Timed> entries = new ArrayList<>();
            Map<String, String> deviceOfUnit = new HashMap<>();
            for (String name : ri.interfaces()) {
                String unit = InstanceTables.unit(name);
                if (outsideServiceUnit(config, unit)) {
                    continue; // an outside service unit has no device: its instance is its local gateway's
                }
                Optional<String> device = devices.device(unit);
                if (device.isEmpty()) {
                    warnings.add("routing-instances " + ri.name() + " interface " + name
                            + ": no host device carries this unit's addresses; it is left out of the instance");
                    continue;
                }
                deviceOfUnit.put(unit, device.get());
                instanceDevices.add(device.get());
                wantedRules.add(new PolicyRule(RULE_PRIORITY, Optional.empty(), Optional.empty(), device, table));
                for (String address : devices.prefixedAddresses(unit)) {
                    IpPrefix net = network(address);
                    wantedRoutes.add(Route.toDevice(net, device.get()).inTable(table));
                    entries.add(entry(ri, net.toString(), "Direct", 0, new RouteEntry.NextHop("", unit, true), now, shown));
                    String local = address.substring(0, address.indexOf('/')) + "/32";
                    entries.add(entry(ri, local, "Local", 0, new RouteEntry.NextHop("", unit, true), now, shown));
                }
            }
            for (StaticRoute r : ri.routingOptions().staticRoutes()) {
                IpPrefix prefix = IpPrefix.parse(r.prefix());
                for (String hop : r.nextHops()) {
                    if (devices.inside(hop)) {
                        continue; // the gateway's route into the TUN device (below, from the plan)
                    }
                    Optional<Route> route = staticRoute(prefix, hop, deviceOfUnit, devices, table);
                    if (route.isEmpty()) {
                        warnings.add("routing-instances " + ri.name() + " routing-options static route " + r.prefix()
                                + " next-hop " + hop + ": no interface of the instance reaches it; not installed");
                        continue;
                    }
                    wantedRoutes.add(route.get());
                    String unit = unitOf(route.get().device(), deviceOfUnit);
                    entries.add(entry(ri, r.prefix(), "Static", STATIC_PREFERENCE, new RouteEntry.NextHop(
                            route.get().via().map(InetAddress::getHostAddress).orElse(""), unit, true), now, shown));
                }
            }
            for (ServiceSetPlan s : plan.serviceSets()) {
                if (s.problem().isPresent()) {
                    continue;
                }
                for (InsideDevice d : s.devices()) {
                    if (d.table() != table) {
                        continue;
                    }
                    d.routedPrefixes().forEach(p -> entries.add(entry(ri, p.toString(), "Static", STATIC_PREFERENCE,
                            new RouteEntry.NextHop("", d.unit(), true), now, shown)));
                }
            }
            // Junos drops (and answers unreachable to) what finds no route in the instance;
            // without this the kernel would go on to the next rule's table, the main one.
            wantedRoutes.add(Route.unreachable(DEFAULT, table));
            views.add(new InstanceRoutes(ri.name(), table, entries));
        }
        since.keySet().retainAll(shown);
        for (PolicyRule gone : List.copyOf(rules)) {
            if (!wantedRules.contains(gone)) {
                quietly(() -> network.deleteRule(gone), "delete rule " + gone);
                rules.remove(gone);
            }
        }
        for (Route gone : List.copyOf(routes)) {
            if (!wantedRoutes.contains(gone)) {
                quietly(() -> network.deleteRoute(gone), "delete route " + gone);
                routes.remove(gone);
            }
        }
        Set<Integer> wantedMarks = new LinkedHashSet<>(InstanceTables.localGatewayMarks(config).values());
        for (Integer gone : List.copyOf(markRules)) {
            if (!wantedMarks.contains(gone)) {
                quietly(() -> network.deleteMarkRule(RULE_PRIORITY, gone, gone), "delete rule fwmark " + gone);
                markRules.remove(gone);
            }
        }
        for (Integer table : wantedMarks) {
            if (!markRules.contains(table)) {
                try {
                    network.addMarkRule(RULE_PRIORITY, table, table);
                    markRules.add(table);
                } catch (HostNetworkException e) {
                    warnings.add("routing-instances: cannot add rule fwmark " + table + " lookup " + table + ": "
                            + e.getMessage());
                }
            }
        }
        for (PolicyRule rule : wantedRules) {
            if (!rules.contains(rule)) {
                try {
                    network.addRule(rule);
                    rules.add(rule);
                } catch (HostNetworkException e) {
                    warnings.add("routing-instances: cannot add rule iif " + rule.inputInterface().orElse("") + " lookup "
                            + rule.table() + ": " + e.getMessage());
                }
            }
        }
        for (Route route : wantedRoutes) {
            try {
                network.addRoute(route);
            } catch (HostNetworkException e) {
                if (!e.getMessage().contains("File exists")) {
                    warnings.add("routing-instances: cannot add route " + (route.isUnreachable() ? "unreachable " : "")
                            + route.destination() + (route.isUnreachable() ? "" : " dev " + route.device())
                            + " table " + route.table() + ": " + e.getMessage());
                    continue;
                }
            }
            routes.add(route);
        }
        published = List.copyOf(views);
        names = names(config, plan, devices, instanceDevices);
        if (!views.isEmpty()) {
            LOG.info("routing instances {} by {}", views.stream().map(v -> v.name() + " (table " + v.table() + ")").toList(),
                    mechanism);
        }
        return warnings;
    }

    /** {@code show route table NAME.inet.0}: the instance's routes, in Junos's table layout. */
    public Optional<RouteTable> table(String instance) {
        return published.stream().filter(v -> v.name().equals(instance)).findFirst().map(v -> {
            long now = nowSeconds.getAsLong();
            List<RouteEntry> sorted = v.entries().stream()
                    .map(t -> new RouteEntry(t.entry().destination(), t.entry().protocol(), t.entry().preference(),
                            JunosAge.of(now - t.sinceSeconds()), t.entry().metric(), t.entry().active(), t.entry().nextHops()))
                    .sorted(java.util.Comparator.comparing((RouteEntry e) -> IpPrefix.parse(e.destination()),
                            PolicyRoutingInstances::compare)).toList();
            int destinations = (int) sorted.stream().map(RouteEntry::destination).distinct().count();
            return new RouteTable(v.name() + ".inet.0", destinations, sorted.size(), sorted.size(), sorted);
        });
    }

    private static RouteNames names(Configuration config, GatewayPlan plan, UnitDevices devices, Set<String> instanceDevices) {
        Map<String, String> unitOfDevice = new HashMap<>();
        Set<String> tunnels = new LinkedHashSet<>();
        for (ServiceSetPlan s : plan.serviceSets()) {
            for (InsideDevice d : s.devices()) {
                unitOfDevice.putIfAbsent(d.tunName(), d.unit());
                tunnels.add(d.tunName());
                if (d.table() != io.sallyport.net.Route.MAIN_TABLE) {
                    instanceDevices.add(d.tunName());
                }
            }
        }
        config.interfaces().values().forEach(ifd -> ifd.units().values().forEach(u ->
                devices.device(u.name()).ifPresent(d -> unitOfDevice.putIfAbsent(d, u.name()))));
        Set<String> statics = new LinkedHashSet<>();
        config.routingOptions().staticRoutes().forEach(r -> statics.add(r.prefix()));
        return new RouteNames(unitOfDevice, instanceDevices, tunnels, statics);
    }

    private Timed entry(RoutingInstance ri, String destination, String protocol, int preference,
                        RouteEntry.NextHop hop, long now, Set<String> shown) {
        String key = ri.name() + " " + destination + " " + protocol + " " + hop;
        shown.add(key);
        return new Timed(new RouteEntry(destination, protocol, preference, "", java.util.OptionalLong.empty(), true,
                List.of(hop)), since.computeIfAbsent(key, k -> now));
    }

    private static boolean outsideServiceUnit(Configuration config, String unit) {
        return config.unit(unit).flatMap(u -> u.serviceDomain())
                .map(d -> d == io.sallyport.config.model.ServiceDomain.OUTSIDE).orElse(false);
    }

    /** A static route's next hop: an address on one of the instance's networks, or a host interface unit. */
    private static Optional<Route> staticRoute(IpPrefix prefix, String hop, Map<String, String> deviceOfUnit,
                                               UnitDevices devices, int table) {
        if (deviceOfUnit.containsKey(hop)) {
            return Optional.of(Route.toDevice(prefix, deviceOfUnit.get(hop)).inTable(table));
        }
        InetAddress gateway;
        try {
            gateway = InetAddress.ofLiteral(hop);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        for (Map.Entry<String, String> u : deviceOfUnit.entrySet()) {
            for (String address : devices.prefixedAddresses(u.getKey())) {
                IpPrefix net = network(address);
                if (network(gateway.getHostAddress() + "/" + net.length()).equals(net)) {
                    return Optional.of(Route.toDevice(prefix, u.getValue()).via(gateway).inTable(table));
                }
            }
        }
        return Optional.empty();
    }

    private static String unitOf(String device, Map<String, String> deviceOfUnit) {
        return deviceOfUnit.entrySet().stream().filter(e -> e.getValue().equals(device)).map(Map.Entry::getKey)
                .findFirst().orElse(device);
    }

    /** The network of {@code a.b.c.d/len}: host bits cleared. */
    static IpPrefix network(String address) {
        int slash = address.indexOf('/');
        byte[] raw = InetAddress.ofLiteral(address.substring(0, slash)).getAddress();
        int length = Integer.parseInt(address.substring(slash + 1));
        for (int bit = length; bit < raw.length * 8; bit++) {
            raw[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        try {
            return new IpPrefix(InetAddress.getByAddress(raw), length);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(address, e);
        }
    }

    private static int compare(IpPrefix a, IpPrefix b) {
        byte[] x = a.address().getAddress();
        byte[] y = b.address().getAddress();
        int c = java.util.Arrays.compareUnsigned(x, y);
        return c != 0 ? c : Integer.compare(a.length(), b.length());
    }

    private static void quietly(Runnable change, String what) {
        try {
            change.run();
        } catch (HostNetworkException e) {
            LOG.warn("{}: {}", what, e.getMessage());
        }
    }

    /** Removes every rule and route this object added. */
    @Override
    public synchronized void close() {
        rules.forEach(r -> quietly(() -> network.deleteRule(r), "delete rule " + r));
        markRules.forEach(t -> quietly(() -> network.deleteMarkRule(RULE_PRIORITY, t, t), "delete rule fwmark " + t));
        markRules.clear();
        routes.forEach(r -> quietly(() -> network.deleteRoute(r), "delete route " + r));
        rules.clear();
        routes.clear();
        published = List.of();
    }
}
