package io.sallyport.config.model;

import java.util.List;
import java.util.Optional;

/** {@code routing-instances NAME}: a VRF (or other instance) with its interfaces and static routes. */
public record RoutingInstance(
        String name,
        Optional<String> instanceType,
        List<String> interfaces,
        Optional<String> routeDistinguisher,
        List<String> vrfImport,
        List<String> vrfExport,
        Optional<String> vrfTarget,
        RoutingOptions routingOptions) {

    public RoutingInstance {
        interfaces = List.copyOf(interfaces);
        vrfImport = List.copyOf(vrfImport);
        vrfExport = List.copyOf(vrfExport);
    }
}
