package io.sallyport.ike;

import io.sallyport.crypto.DhGroup;
import io.sallyport.crypto.KeyExchange;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Our responder DH key pair per group, reused for new IKE_SA_INITs for a short time (RFC 7296
 * §2.12 allows reuse; strongSwan and others do the same), so an unauthenticated request costs no
 * exponentiation: the shared secret is computed only when the initiator's IKE_AUTH arrives, which
 * proves it receives at the address it claims. Peer values are checked before use (range, curve,
 * and group 24's subgroup), which reuse requires (RFC 6989).
 */
final class EphemeralKeys {

    private record Entry(KeyExchange ke, long expires) {
    }

    private final long reuseNanos;
    private final Map<DhGroup, Entry> byGroup = new EnumMap<>(DhGroup.class);

    EphemeralKeys(long reuseNanos) {
        this.reuseNanos = reuseNanos;
    }

    KeyExchange get(DhGroup group, long now, Function<DhGroup, KeyExchange> generate) {
        Entry e = byGroup.get(group);
        if (e == null || now >= e.expires()) {
            e = new Entry(generate.apply(group), now + reuseNanos);
            byGroup.put(group, e);
        }
        return e.ke();
    }
}
