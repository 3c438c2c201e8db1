package io.sallyport.net;

import java.net.InetAddress;
import java.util.Optional;

/**
 * A kernel route: {@code ip route add DEST dev DEVICE [via GW] [src SRC] [table T]}.
 * Table 0 means the main table.
 */
public record Route(IpPrefix destination, String device, Optional<InetAddress> via,
                    Optional<InetAddress> source, int table) {

    public static final int MAIN_TABLE = 0;

    /** A route into {@code device}, for example a service interface's TUN, in the main table. */
    public static Route toDevice(final IpPrefix destination, final String device) {
        return new Route(destination, device, Optional.empty(), Optional.empty(), MAIN_TABLE);
    }

    public Route inTable(final int newTable) {
        return new Route(destination, device, via, source, newTable);
    }

    public Route withSource(final InetAddress newSource) {
        return new Route(destination, device, via, Optional.of(newSource), table);
    }

    public Route via(final InetAddress gateway) {
        return new Route(destination, device, Optional.of(gateway), source, table);
    }
}
