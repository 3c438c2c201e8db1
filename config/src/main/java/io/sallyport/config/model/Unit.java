package io.sallyport.config.model;

import java.util.List;
import java.util.Optional;

/**
 * {@code interfaces IFD unit N}. {@code name} is the interface-unit name ({@code ms-1/2/0.1}).
 * {@code familyInet} is true when {@code family inet} is configured, with or without addresses.
 */
public record Unit(
        String name,
        long number,
        Optional<String> description,
        boolean familyInet,
        List<String> inetAddresses,
        List<ServiceSetReference> serviceInput,
        Optional<String> postServiceFilter,
        List<ServiceSetReference> serviceOutput,
        boolean familyInet6,
        List<String> inet6Addresses,
        Optional<ServiceDomain> serviceDomain,
        Optional<DialOptions> dialOptions) {

    public Unit {
        inetAddresses = List.copyOf(inetAddresses);
        serviceInput = List.copyOf(serviceInput);
        serviceOutput = List.copyOf(serviceOutput);
        inet6Addresses = List.copyOf(inet6Addresses);
    }

    /** {@code family inet service input|output service-set NAME <service-filter F>}. */
    public record ServiceSetReference(String serviceSet, Optional<String> serviceFilter) {}

    /** {@code dial-options}: the interface id dynamic peers select, and shared or dedicated use. */
    public record DialOptions(Optional<String> ipsecInterfaceId, Optional<DialMode> mode) {}
}
