package io.sallyport.config.model;

import java.util.Map;
import java.util.Optional;

/**
 * A checked configuration with defaults applied: what the rest of Sallyport consumes. Built by
 * {@link ModelBuilder} from the active statements of a tree that passed the commit checks.
 */
public record Configuration(
        Optional<String> hostName,
        Map<String, Interface> interfaces,
        RoutingOptions routingOptions,
        Map<String, RoutingInstance> routingInstances,
        Map<String, ServiceSet> serviceSets,
        IpsecVpn ipsecVpn,
        Map<String, AccessProfile> accessProfiles,
        Pki pki,
        Optional<Ospf> ospf) {

    public Configuration {
        interfaces = Ordered.copy(interfaces);
        routingInstances = Ordered.copy(routingInstances);
        serviceSets = Ordered.copy(serviceSets);
        accessProfiles = Ordered.copy(accessProfiles);
    }

    /** The unit an interface-unit name such as {@code ms-1/2/0.1} names, if configured. */
    public Optional<Unit> unit(String ifl) {
        int dot = ifl.lastIndexOf('.');
        if (dot < 0) return Optional.empty();
        Interface ifd = interfaces.get(ifl.substring(0, dot));
        if (ifd == null) return Optional.empty();
        try {
            return Optional.ofNullable(ifd.units().get(Long.parseLong(ifl.substring(dot + 1))));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
