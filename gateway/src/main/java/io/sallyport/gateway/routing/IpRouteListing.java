package io.sallyport.gateway.routing;

import java.io.IOException;
import java.util.List;

/**
 * {@link HostRoutes} of this Linux host (the daemon's network namespace): runs
 * {@code ip -j -4 route show table all}, bounded by {@value #SECONDS} s.
 */
public final class IpRouteListing implements HostRoutes {
    private static final long SECONDS = 10;

    @Override
    public String listAllTables() throws IOException {
        return ProcessAnswer.read(List.of("ip", "-j", "-4", "route", "show", "table", "all"), SECONDS, "ip route");
    }
}
