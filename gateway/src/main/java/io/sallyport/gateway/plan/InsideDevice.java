package io.sallyport.gateway.plan;

import io.sallyport.net.IpPrefix;
import java.util.List;

/**
 * A TUN device standing for one inside service unit: the set's inside interface, or a term's
 * {@code ipsec-inside-interface} (a link-type tunnel of its own).
 *
 * @param unit            the Junos unit, e.g. {@code ms-1/2/0.1}
 * @param tunName         the Linux device name derived from it
 * @param routedPrefixes  destinations the host routes into the device
 * @param addresses       the unit's own {@code family inet address} entries ({@code a.b.c.d/len}),
 *                        put on the device (a link-type tunnel runs routing protocols over them)
 */
public record InsideDevice(String unit, String tunName, List<IpPrefix> routedPrefixes, List<String> addresses) {

    public InsideDevice {
        routedPrefixes = List.copyOf(routedPrefixes);
        addresses = List.copyOf(addresses);
    }
}
