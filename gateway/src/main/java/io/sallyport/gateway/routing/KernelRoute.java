package io.sallyport.gateway.routing;

import java.util.List;
import java.util.OptionalLong;

/**
 * One IPv4 route as the kernel holds it ({@code ip -j -4 route show table all}).
 *
 * @param table       {@code main}, {@code local} or the table's number
 * @param type        {@code unicast}, {@code local}, {@code broadcast}, {@code unreachable}, ...
 * @param destination a prefix ({@code default} written {@code 0.0.0.0/0}, a host {@code A/32})
 * @param protocol    who installed it: {@code kernel} (an interface's network), {@code ospf}
 *                    (zebra), {@code boot} (an {@code ip route add} without {@code proto}), ...
 */
public record KernelRoute(String table, String type, String destination, String protocol, OptionalLong metric,
                          List<Hop> hops) {

    public KernelRoute {
        hops = List.copyOf(hops);
    }

    /** A next hop: the gateway address (empty when directly connected) and the device. */
    public record Hop(String gateway, String device) {
    }
}
