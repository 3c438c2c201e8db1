package io.sallyport.net;

import java.net.InetAddress;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A kernel route: {@code ip route add DEST dev DEVICE [via GW] [src SRC] [table T]}, or an
 * {@code unreachable} route ({@link #unreachable}: no device; a packet that matches it is dropped
 * with an ICMP "host unreachable" and the lookup ends there). Table 0 means the main table;
 * an empty {@code metric} leaves the kernel's default.
 */
public record Route(IpPrefix destination, String device, Optional<InetAddress> via,
                    Optional<InetAddress> source, int table, Type type, OptionalLong metric) {

    public static final int MAIN_TABLE = 0;

    /** What a matching packet meets: a next hop, or the end of the lookup. */
    public enum Type { UNICAST, UNREACHABLE }

    /** A route into {@code device}, for example a service interface's TUN, in the main table. */
    public static Route toDevice(final IpPrefix destination, final String device) {
        return new Route(destination, device, Optional.empty(), Optional.empty(), MAIN_TABLE, Type.UNICAST, OptionalLong.empty());
    }

    /**
     * {@code ip route add unreachable DEST table TABLE} with the last metric (any other route to
     * DEST in the table wins over it): what ends a lookup in {@code table} that found nothing
     * better, instead of letting it fall through to the next rule's table.
     */
    public static Route unreachable(final IpPrefix destination, final int table) {
        return new Route(destination, "", Optional.empty(), Optional.empty(), table, Type.UNREACHABLE, OptionalLong.empty());
    }

    public boolean isUnreachable() {
        return type == Type.UNREACHABLE;
    }

    public Route inTable(final int newTable) {
        return new Route(destination, device, via, source, newTable, type, metric);
    }

    public Route withSource(final InetAddress newSource) {
        return new Route(destination, device, via, Optional.of(newSource), table, type, metric);
    }

    public Route via(final InetAddress gateway) {
        return new Route(destination, device, Optional.of(gateway), source, table, type, metric);
    }

    /** {@code ip route add … metric M}: among routes to the same destination the lowest metric wins. */
    public Route withMetric(final long newMetric) {
        return new Route(destination, device, via, source, table, type, OptionalLong.of(newMetric));
    }
}
