package io.sallyport.gateway.routing;

import java.util.List;
import java.util.OptionalLong;

/**
 * One route of a {@code show route} table.
 *
 * @param protocol Junos's protocol name ({@code OSPF}, {@code Static})
 * @param age      Junos's age layout ({@code 00:02:39}, {@code 1d 02:03:00}); empty when unknown
 * @param active   the route the table uses for this destination ({@code *})
 */
public record RouteEntry(String destination, String protocol, int preference, String age, OptionalLong metric,
                         boolean active, List<NextHop> nextHops) {

    public RouteEntry {
        nextHops = List.copyOf(nextHops);
    }

    /**
     * @param to       the gateway address, empty for a directly connected next hop
     * @param via      the Junos interface (or the Linux device when no unit maps to it)
     * @param selected the next hop the forwarding table uses ({@code >})
     */
    public record NextHop(String to, String via, boolean selected) {
    }
}
