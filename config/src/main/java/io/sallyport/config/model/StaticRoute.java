package io.sallyport.config.model;

import java.util.List;
import java.util.OptionalLong;

/** {@code static route PREFIX next-hop ...}; a next hop is an address or an interface unit. */
public record StaticRoute(String prefix, List<String> nextHops, OptionalLong preference, OptionalLong metric) {
    public StaticRoute { nextHops = List.copyOf(nextHops); }
}
