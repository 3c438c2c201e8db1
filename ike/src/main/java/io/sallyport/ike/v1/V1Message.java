package io.sallyport.ike.v1;

import java.util.List;
import java.util.Optional;

/**
 * A decoded ISAKMP message: its header, payloads, each payload's raw body (for SAi_b and IDii_b
 * in the phase-1 hashes) and the bytes after a leading HASH payload (what the quick-mode and
 * informational hashes cover), without padding.
 */
record V1Message(IsakmpHeader header, List<V1Payload> payloads, List<byte[]> bodies, byte[] afterHash) {

    <T extends V1Payload> Optional<T> first(Class<T> type) {
        return payloads.stream().filter(type::isInstance).map(type::cast).findFirst();
    }

    <T extends V1Payload> List<T> all(Class<T> type) {
        return payloads.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** The raw body of the first payload of {@code type}. */
    Optional<byte[]> body(Class<? extends V1Payload> type) {
        for (int i = 0; i < payloads.size(); i++) {
            if (type.isInstance(payloads.get(i))) {
                return Optional.of(bodies.get(i));
            }
        }
        return Optional.empty();
    }

    /** Whether the first payload is a HASH (quick mode, informational). */
    boolean startsWithHash() {
        return !payloads.isEmpty() && payloads.getFirst() instanceof V1Payload.Hash;
    }
}
