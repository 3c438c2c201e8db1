package io.sallyport.gateway.routing;

import java.util.List;

/**
 * A {@code show route} table: its name ({@code inet.0}, {@code NAME.inet.0}), the counts of its
 * header (for the whole table, as Junos prints them whatever the filter) and the routes shown.
 */
public record RouteTable(String name, int destinations, int routes, int activeRoutes, List<RouteEntry> entries) {

    public RouteTable {
        entries = List.copyOf(entries);
    }
}
