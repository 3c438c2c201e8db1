package io.sallyport.gateway.plan;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/**
 * A service set as the gateway runs it: TUN devices standing for its inside service units (the
 * set's inside interface first, then any term's {@code ipsec-inside-interface}), and its tunnels.
 *
 * @param devices          the set's inside devices, its own inside interface first
 * @param localGatewayInterface the configured interface unit that carries the local gateway address
 * @param problem          why the whole set is down (e.g. local-gateway missing on the host)
 * @param gwInterface      {@code local-gateway ... gw-interface IFL}: the runtime watches the local
 *                         gateway and suspends the set while it is down (no IKE, no data plane)
 * @param dynamic          the set's dynamic endpoints ({@code ike-access-profile}), if any
 * @param routingInstance  {@code local-gateway A routing-instance R}: where the set's IKE and ESP
 *                         run ({@code default} unless configured), as show output names it
 */
public record ServiceSetPlan(String name, Kind kind, List<InsideDevice> devices,
                             Optional<InetAddress> localGateway, Optional<String> localGatewayInterface,
                             List<TunnelPlan> tunnels, Optional<String> problem,
                             Optional<String> gwInterface, Optional<DynamicEndpointPlan> dynamic,
                             String routingInstance) {

    public enum Kind { NEXT_HOP, INTERFACE }

    public ServiceSetPlan {
        devices = List.copyOf(devices);
        tunnels = List.copyOf(tunnels);
    }

    /** The routing instance of a local gateway configured without one. */
    public static final String DEFAULT_INSTANCE = "default";

    /** A service set without dynamic endpoints, its local gateway in the default instance. */
    public ServiceSetPlan(String name, Kind kind, List<InsideDevice> devices, Optional<InetAddress> localGateway,
                          Optional<String> localGatewayInterface, List<TunnelPlan> tunnels, Optional<String> problem,
                          Optional<String> gwInterface) {
        this(name, kind, devices, localGateway, localGatewayInterface, tunnels, problem, gwInterface, Optional.empty(),
                DEFAULT_INSTANCE);
    }

    /** The set's own inside service interface (empty for a set bound to none). */
    public String insideInterface() {
        return devices.isEmpty() ? "" : devices.getFirst().unit();
    }

    /** The TUN device of the set's own inside service interface. */
    public String tunName() {
        return devices.isEmpty() ? "" : devices.getFirst().tunName();
    }
}
