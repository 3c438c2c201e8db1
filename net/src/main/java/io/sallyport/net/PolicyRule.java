package io.sallyport.net;

import java.util.Optional;

/**
 * A policy routing rule: {@code ip rule add priority P [from SRC] [to DST] [iif DEV] lookup T}.
 * Interface service sets use these to steer a term's traffic into the set's table.
 */
public record PolicyRule(int priority, Optional<IpPrefix> from, Optional<IpPrefix> to,
                         Optional<String> inputInterface, int table) {

    public PolicyRule {
        if (table <= 0) {
            throw new IllegalArgumentException("a policy rule needs a table number > 0");
        }
    }
}
