package io.sallyport.ike.message;

import java.util.List;
import java.util.Optional;

/** One proposal of an SA payload (RFC 7296 §3.3.1). */
public record Proposal(int number, int protocolId, byte[] spi, List<Transform> transforms) {

    /** Transforms of one type, in the sender's order. */
    public List<Transform> ofType(int transformType) {
        return transforms.stream().filter(t -> t.type() == transformType).toList();
    }

    public Optional<Transform> first(int transformType) {
        return transforms.stream().filter(t -> t.type() == transformType).findFirst();
    }

    /** A proposal holding an unrecognized transform or attribute must be skipped (§3.3.6). */
    public boolean hasUnrecognized() {
        return transforms.stream().anyMatch(Transform::unrecognized);
    }

    /** The SPI as a number (4-byte ESP or 8-byte IKE SPI); 0 when empty. */
    public long spiValue() {
        long v = 0;
        for (byte b : spi) {
            v = (v << 8) | (b & 0xff);
        }
        return v;
    }
}
