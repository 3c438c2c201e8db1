package io.sallyport.gateway.plan;

import io.sallyport.ike.PeerConfig;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * A service set's dynamic endpoints ({@code ipsec-vpn-options ike-access-profile}): kmd answers any
 * peer address through one template per {@code allowed-proxy-pair} (remote address unspecified,
 * named {@code SET/PROFILE/N}); each peer it accepts becomes a tunnel of its own, on the inside unit
 * {@code interface-id} names.
 *
 * @param profile   the access profile's name
 * @param templates kmd's templates, one per allowed proxy pair, in configuration order
 * @param dedicated {@code dial-options dedicated}: one unit per peer out of {@code units};
 *                  otherwise ({@code shared}) every peer on the first of them
 * @param units     the inside units whose {@code dial-options ipsec-interface-id} is the profile's {@code interface-id}
 * @param esp       the data-plane settings of every dynamic tunnel (service-set level only, as on Junos)
 * @param algorithms what show prints before an SA exists
 * @param problem   why no dynamic peer can come up
 * @param badSpiResponses {@code client * ike respond-bad-spi}, else its IKE policy's (see {@link TunnelPlan})
 * @param routePreference {@code client * ike reverse-route preference}: the metric of each peer's reverse route
 */
public record DynamicEndpointPlan(String profile, List<PeerConfig> templates, boolean dedicated, List<String> units,
                                  EspSettings esp, TunnelPlan.Algorithms algorithms, Optional<String> problem,
                                  OptionalInt badSpiResponses, OptionalLong routePreference) {

    public DynamicEndpointPlan {
        templates = List.copyOf(templates);
        units = List.copyOf(units);
    }

    /** The template with this name, if it is one of this set's. */
    public Optional<PeerConfig> template(String name) {
        return templates.stream().filter(t -> t.name().equals(name)).findFirst();
    }
}
