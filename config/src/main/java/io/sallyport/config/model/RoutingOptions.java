package io.sallyport.config.model;

import java.util.List;
import java.util.Optional;

/** {@code routing-options}: router id and static routes (next hops may be inside service units). */
public record RoutingOptions(Optional<String> routerId, List<StaticRoute> staticRoutes) {
    public RoutingOptions { staticRoutes = List.copyOf(staticRoutes); }

    public static final RoutingOptions NONE = new RoutingOptions(Optional.empty(), List.of());
}
