package io.sallyport.gateway.plan;

import io.sallyport.net.IpPrefix;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/**
 * A service set as the gateway runs it: a TUN device standing for its inside service interface,
 * the prefixes routed into it, and its tunnels.
 *
 * @param insideInterface  the Junos unit, e.g. {@code ms-1/2/0.1}
 * @param tunName          the Linux device name derived from it
 * @param localGatewayInterface the configured interface unit that carries the local gateway address
 * @param routedPrefixes   destinations the host must route into the TUN device
 * @param problem          why the whole set is down (e.g. local-gateway missing on the host)
 * @param gwInterface      {@code local-gateway ... gw-interface IFL}: the runtime watches the local
 *                         gateway and suspends the set while it is down (no IKE, no data plane)
 */
public record ServiceSetPlan(String name, Kind kind, String insideInterface, String tunName,
                             Optional<InetAddress> localGateway, Optional<String> localGatewayInterface,
                             List<IpPrefix> routedPrefixes,
                             List<TunnelPlan> tunnels, Optional<String> problem,
                             Optional<String> gwInterface) {

    public enum Kind { NEXT_HOP, INTERFACE }

    public ServiceSetPlan {
        routedPrefixes = List.copyOf(routedPrefixes);
        tunnels = List.copyOf(tunnels);
    }
}
