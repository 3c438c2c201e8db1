package io.sallyport.gateway.plan;

import io.sallyport.net.IpPrefix;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/**
 * A TUN device standing for one inside service unit: the set's inside interface, or a term's
 * {@code ipsec-inside-interface} (a link-type tunnel of its own).
 *
 * @param unit            the Junos unit, e.g. {@code ms-1/2/0.1}
 * @param tunName         the Linux device name derived from it
 * @param routedPrefixes  destinations the host routes into the device, in {@code table}
 * @param addresses       the unit's own {@code family inet address} entries ({@code a.b.c.d/len}),
 *                        put on the device (a link-type tunnel runs routing protocols over them)
 * @param steering        interface style, {@code match-direction input}: destinations routed into
 *                        the device only for traffic arriving on the units the set is applied to
 * @param table           the routing table of {@code routedPrefixes}: 0 (main) or the table of the
 *                        VRF routing instance the unit is in ({@link InstanceTables})
 */
public record InsideDevice(String unit, String tunName, List<IpPrefix> routedPrefixes, List<String> addresses,
                           Optional<PolicySteering> steering, int table) {

    public InsideDevice {
        routedPrefixes = List.copyOf(routedPrefixes);
        addresses = List.copyOf(addresses);
    }

    public InsideDevice(String unit, String tunName, List<IpPrefix> routedPrefixes, List<String> addresses) {
        this(unit, tunName, routedPrefixes, addresses, Optional.empty(), 0);
    }

    public InsideDevice(String unit, String tunName, List<IpPrefix> routedPrefixes, List<String> addresses,
                        Optional<PolicySteering> steering) {
        this(unit, tunName, routedPrefixes, addresses, steering, 0);
    }

    /**
     * Policy routing for an interface-style set applied with {@code service input}: a rule per
     * ingress unit and prefix ({@code iif DEV to PREFIX lookup TABLE}), the routes in {@code table}.
     */
    public record PolicySteering(int table, int priority, List<IpPrefix> prefixes, List<IngressUnit> ingress) {
        public PolicySteering {
            prefixes = List.copyOf(prefixes);
            ingress = List.copyOf(ingress);
        }
    }

    /** A unit with {@code family inet service input service-set NAME}: the host device carrying its addresses. */
    public record IngressUnit(String unit, List<InetAddress> addresses) {
        public IngressUnit {
            addresses = List.copyOf(addresses);
        }
    }
}
