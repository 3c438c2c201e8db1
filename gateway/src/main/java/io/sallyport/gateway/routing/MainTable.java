package io.sallyport.gateway.routing;

import io.sallyport.net.IpPrefix;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The kernel's main table as Junos's {@code inet.0}. Pure: kernel routes and names in, routes out
 * (ages are the caller's). Junos's protocols and default preferences:
 * <ul>
 *   <li>an interface's network (kernel {@code proto kernel}) is {@code Direct/0} via its unit; an
 *       interface address (the {@code local} table) is {@code Local/0}, one on {@code lo} is a
 *       {@code Direct/0} {@code /32} via {@code lo0.0}, as Junos shows {@code lo0} addresses;</li>
 *   <li>what Sallyport installed is {@code Static/5}: the routes into the service sets' TUN devices
 *       ({@code static route ... next-hop ms-...}, and the reverse routes to dynamic peers, which
 *       Junos too installed as static routes before ARI-TS), and a route to a configured static
 *       prefix the host carries; a reverse route installed with a metric ({@code reverse-route
 *       preference N}) shows {@code Static/N};</li>
 *   <li>zebra's routes ({@code proto ospf}) are {@code OSPF/10}, taken from FRR when it answers
 *       (its metric and age) and from the kernel otherwise;</li>
 *   <li>any other route the host has is {@code Kernel/40} (Junos's name and preference for routes
 *       it finds in its kernel).</li>
 * </ul>
 * Left out: the instances' devices (their routes are in {@code NAME.inet.0}), broadcast and
 * loopback-network routes, and routes of other types (unreachable, blackhole).
 */
public final class MainTable {
    static final int DIRECT = 0;
    static final int STATIC = 5;
    static final int KERNEL = 40;

    private MainTable() {}

    /**
     * The routes of {@code inet.0}, sorted as Junos sorts them, without ages; {@code ospf} replaces
     * the kernel's {@code proto ospf} routes when FRR answered.
     */
    public static List<RouteEntry> entries(List<KernelRoute> kernel, RouteNames names, List<RouteEntry> ospf,
                                           boolean ospfFromFrr) {
        List<RouteEntry> out = new ArrayList<>();
        for (KernelRoute r : kernel) {
            if (!r.hops().isEmpty() && r.hops().stream().allMatch(h -> names.instanceDevices().contains(h.device()))
                    || r.destination().startsWith("127.")) {
                continue;
            }
            if (r.table().equals("local")) {
                if (r.type().equals("local") && r.hops().size() == 1) {
                    String device = r.hops().getFirst().device();
                    out.add(device.equals("lo")
                            ? entry(r.destination(), "Direct", DIRECT, OptionalLong.empty(), hops(r, names))
                            : entry(r.destination(), "Local", DIRECT, OptionalLong.empty(), hops(r, names)));
                }
                continue;
            }
            if (!r.table().equals("main") || !r.type().equals("unicast") || r.hops().isEmpty()) {
                continue;
            }
            if (r.protocol().equals("kernel")) {
                out.add(entry(r.destination(), "Direct", DIRECT, OptionalLong.empty(), hops(r, names)));
            } else if (r.protocol().equals("ospf")) {
                if (!ospfFromFrr) {
                    out.add(entry(r.destination(), "OSPF", FrrJson.OSPF_PREFERENCE, r.metric(), hops(r, names)));
                }
            } else if (r.hops().stream().anyMatch(h -> names.tunnelDevices().contains(h.device()))
                    || names.staticPrefixes().contains(r.destination())) {
                out.add(entry(r.destination(), "Static", staticPreference(r), OptionalLong.empty(), hops(r, names)));
            } else {
                out.add(entry(r.destination(), "Kernel", KERNEL, OptionalLong.empty(), hops(r, names)));
            }
        }
        if (ospfFromFrr) {
            out.addAll(ospf);
        }
        out.sort(Comparator.comparing((RouteEntry e) -> IpPrefix.parse(e.destination()), MainTable::compare)
                .thenComparingInt(RouteEntry::preference));
        // One active route per destination: the first of the lowest preference, as Junos chooses.
        Set<String> seen = new HashSet<>();
        List<RouteEntry> marked = new ArrayList<>();
        for (RouteEntry e : out) {
            boolean active = seen.add(e.destination());
            marked.add(new RouteEntry(e.destination(), e.protocol(), e.preference(), e.age(), e.metric(), active,
                    e.nextHops().stream().map(h -> new RouteEntry.NextHop(h.to(), h.via(), active && h.selected())).toList()));
        }
        return marked;
    }

    /** Junos's header counts of a table: destinations, routes, active routes. */
    public static RouteTable table(String name, List<RouteEntry> entries) {
        int destinations = (int) entries.stream().map(RouteEntry::destination).distinct().count();
        int active = (int) entries.stream().filter(RouteEntry::active).count();
        return new RouteTable(name, destinations, entries.size(), active, entries);
    }

    /** Sallyport installs static routes without a metric, except reverse routes with {@code reverse-route preference}. */
    private static int staticPreference(KernelRoute r) {
        long metric = r.metric().orElse(0);
        return metric > 0 && IpPrefix.parse(r.destination()).isIpv4() ? (int) Math.min(metric, Integer.MAX_VALUE) : STATIC;
    }

    private static RouteEntry entry(String destination, String protocol, int preference, OptionalLong metric,
                                    List<RouteEntry.NextHop> hops) {
        return new RouteEntry(destination, protocol, preference, "", metric, true, hops);
    }

    private static List<RouteEntry.NextHop> hops(KernelRoute r, RouteNames names) {
        return r.hops().stream().map(h -> new RouteEntry.NextHop(h.gateway(), names.junos(h.device()), true)).toList();
    }

    /** By address, then by prefix length: Junos's order. */
    static int compare(IpPrefix a, IpPrefix b) {
        int c = java.util.Arrays.compareUnsigned(a.address().getAddress(), b.address().getAddress());
        return c != 0 ? c : Integer.compare(a.length(), b.length());
    }
}
