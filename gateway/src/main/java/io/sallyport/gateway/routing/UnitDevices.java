package io.sallyport.gateway.routing;

import io.sallyport.config.model.Configuration;
import io.sallyport.config.model.Unit;
import io.sallyport.gateway.plan.GatewayPlan;
import io.sallyport.gateway.plan.InsideDevice;
import io.sallyport.gateway.plan.ServiceSetPlan;
import io.sallyport.net.HostAddress;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which Linux device carries a Junos interface unit: a service set's inside unit is its TUN
 * device, {@code lo0} is {@code lo}, any other unit is the host device that has one of the
 * unit's {@code family inet} addresses.
 */
public final class UnitDevices {
    private final Configuration config;
    private final Map<String, String> insideUnits = new HashMap<>();
    private final Map<String, List<String>> insideAddresses = new HashMap<>();
    private final List<HostAddress> hostAddresses;

    public UnitDevices(Configuration config, GatewayPlan plan, List<HostAddress> hostAddresses) {
        this.config = config;
        this.hostAddresses = List.copyOf(hostAddresses);
        for (ServiceSetPlan s : plan.serviceSets()) {
            for (InsideDevice d : s.devices()) {
                insideUnits.put(d.unit(), d.tunName());
                insideAddresses.put(d.unit(), d.addresses());
            }
        }
    }

    /** The device for {@code unit} ({@code ge-0/0/0.0}), if the host has one. */
    public Optional<String> device(String unit) {
        String tun = insideUnits.get(unit);
        if (tun != null) return Optional.of(tun);
        if (unit.startsWith("lo0.")) return Optional.of("lo");
        for (String address : addresses(unit)) {
            InetAddress a = InetAddress.ofLiteral(address);
            for (HostAddress h : hostAddresses) {
                if (h.address().equals(a)) return Optional.of(h.device());
            }
        }
        return Optional.empty();
    }

    /** Whether {@code unit} is a service set's inside unit (a TUN device of the gateway). */
    public boolean inside(String unit) {
        return insideUnits.containsKey(unit);
    }

    /** The unit's IPv4 addresses with prefix length ({@code a.b.c.d/len}), as configured. */
    public List<String> prefixedAddresses(String unit) {
        return config.unit(unit).map(Unit::inetAddresses).orElse(List.of());
    }

    /** The unit's IPv4 addresses without prefix length, as configured. */
    public List<String> addresses(String unit) {
        return bare(prefixedAddresses(unit));
    }

    /**
     * The IPv4 addresses (without prefix length) OSPF runs on: the configured ones, or for an
     * unnumbered inside unit the router's address its TUN device borrows (the plan's).
     */
    public List<String> ospfAddresses(String unit) {
        return bare(insideAddresses.getOrDefault(unit, prefixedAddresses(unit)));
    }

    /** Whether {@code unit} is an unnumbered inside unit whose device borrows the router's address. */
    public boolean borrowsAddress(String unit) {
        return inside(unit) && prefixedAddresses(unit).isEmpty() && !insideAddresses.get(unit).isEmpty();
    }

    private static List<String> bare(List<String> prefixed) {
        return prefixed.stream().map(a -> a.substring(0, a.indexOf('/') < 0 ? a.length() : a.indexOf('/'))).toList();
    }
}
