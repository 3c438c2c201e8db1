package io.sallyport.gateway.routing;

import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * {@code show route} of the main table ({@code inet.0}): the kernel's routes, read when asked
 * ({@link HostRoutes}), in Junos's terms ({@link MainTable}). The kernel keeps no age, so a route's
 * age counts from the first time this object saw it (a route older than the daemon shows the time
 * since the daemon first listed it).
 */
public final class MainRoutes {
    private final HostRoutes host;
    private final LongSupplier nowSeconds;
    private final Map<String, Long> since = new HashMap<>();

    public MainRoutes(HostRoutes host, LongSupplier nowSeconds) {
        this.host = host;
        this.nowSeconds = nowSeconds;
    }

    /** The main table now, with {@code ospf} (FRR's OSPF routes) in place of zebra's kernel routes when given. */
    public RouteTable table(RouteNames names, java.util.Optional<List<RouteEntry>> ospf) throws IOException {
        List<KernelRoute> kernel;
        try {
            kernel = KernelRoutes.parse(host.listAllTables());
        } catch (KernelRoutes.KernelRoutesException e) {
            throw new IOException(e.getMessage(), e);
        }
        List<RouteEntry> entries = MainTable.entries(kernel, names, ospf.orElse(List.of()), ospf.isPresent());
        return MainTable.table("inet.0", aged(entries));
    }

    private synchronized List<RouteEntry> aged(List<RouteEntry> entries) {
        long now = nowSeconds.getAsLong();
        Set<String> seen = new HashSet<>();
        List<RouteEntry> out = entries.stream().map(e -> {
            if (!e.age().isEmpty()) {
                return e; // FRR's own age
            }
            String key = e.destination() + " " + e.protocol() + " "
                    + e.nextHops().stream().map(h -> h.to() + "@" + h.via()).toList();
            seen.add(key);
            long first = since.computeIfAbsent(key, k -> now);
            return new RouteEntry(e.destination(), e.protocol(), e.preference(), JunosAge.of(now - first), e.metric(),
                    e.active(), e.nextHops());
        }).toList();
        since.keySet().retainAll(seen);
        return out;
    }
}
