package io.sallyport.config.model;

import java.util.List;
import java.util.Optional;

/** {@code services ipsec-vpn rule NAME}: ordered terms and the match direction. */
public record IpsecVpnRule(String name, List<Term> terms, Optional<MatchDirection> matchDirection) {
    public IpsecVpnRule { terms = List.copyOf(terms); }
}
