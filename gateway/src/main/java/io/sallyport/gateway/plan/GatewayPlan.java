package io.sallyport.gateway.plan;

import java.util.List;
import java.util.Optional;

/**
 * Everything the gateway runs, derived from one committed configuration by {@link Planner}:
 * pure data, so that applying a new commit is a difference of two plans.
 *
 * @param warnings      statements Sallyport accepts but does not act on, in Junos warning style
 * @param responderOnly {@code establish-tunnels responder-only}: traffic never starts IKE; the peer must
 */
public record GatewayPlan(List<ServiceSetPlan> serviceSets, List<String> warnings,
                          boolean establishImmediately, boolean noIpsecTunnelInTraceroute,
                          Optional<TraceSettings> trace, boolean responderOnly) {

    public GatewayPlan {
        serviceSets = List.copyOf(serviceSets);
        warnings = List.copyOf(warnings);
    }

    /** {@code traceoptions}: file name, size in bytes, files, level keyword, flags. */
    public record TraceSettings(String file, long sizeBytes, int files, String level, List<String> flags, boolean worldReadable) {
        public TraceSettings {
            flags = List.copyOf(flags);
        }
    }

    public List<TunnelPlan> tunnels() {
        return serviceSets.stream().flatMap(s -> s.tunnels().stream()).toList();
    }

    public Optional<TunnelPlan> tunnel(String id) {
        return tunnels().stream().filter(t -> t.id().equals(id)).findFirst();
    }
}
