package io.sallyport.gateway.routing;

import java.io.IOException;

/** Where the kernel's IPv4 routes are read from: iproute2's JSON listing of every table. */
@FunctionalInterface
public interface HostRoutes {

    /** What {@code ip -j -4 route show table all} prints. */
    String listAllTables() throws IOException;
}
