package io.sallyport.gateway.plan;

import io.sallyport.config.model.Configuration;
import io.sallyport.config.model.RoutingInstance;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The Linux routing table of each {@code routing-instances NAME { instance-type vrf; }}:
 * {@value #BASE} plus the instance's position among the VRF instances (the steering tables of
 * interface-style sets are 1000 and up).
 */
public final class InstanceTables {
    public static final int BASE = 2000;

    private InstanceTables() {}

    public static boolean isVrf(RoutingInstance ri) {
        return ri.instanceType().equals(Optional.of("vrf"));
    }

    /** The VRF instances, in configuration order (their tables follow it). */
    public static List<RoutingInstance> vrfs(Configuration config) {
        return config.routingInstances().values().stream().filter(InstanceTables::isVrf).toList();
    }

    public static OptionalInt table(Configuration config, String instance) {
        List<RoutingInstance> vrfs = vrfs(config);
        for (int i = 0; i < vrfs.size(); i++) {
            if (vrfs.get(i).name().equals(instance)) {
                return OptionalInt.of(BASE + i);
            }
        }
        return OptionalInt.empty();
    }

    /** The VRF instance that lists {@code unit} ({@code ge-1/0/0.0}) under {@code interface}, if any. */
    public static Optional<RoutingInstance> instanceOf(Configuration config, String unit) {
        return vrfs(config).stream().filter(ri -> ri.interfaces().stream().map(InstanceTables::unit).anyMatch(unit::equals))
                .findFirst();
    }

    /** {@code ge-1/0/0} means unit 0. */
    public static String unit(String name) {
        return name.indexOf('.') < 0 ? name + ".0" : name;
    }
}
