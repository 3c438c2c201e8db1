package io.sallyport.ike;

import java.util.Arrays;

/** Rekey collision rules in one place. */
final class Collisions {

    private Collisions() {
    }

    /**
     * RFC 7296 §2.8.1: when two rekeys of the same SA cross, "the SA created with the lowest of
     * the four nonces used in the two exchanges SHOULD be closed by the endpoint that created it".
     * Returns true when the exchange we initiated holds that lowest nonce, so our new SA is the
     * redundant one.
     */
    static boolean lostCollision(byte[] ourNi, byte[] ourNr, byte[] peerNi, byte[] peerNr) {
        byte[] ourLowest = lower(ourNi, ourNr);
        byte[] peerLowest = lower(peerNi, peerNr);
        return Arrays.compareUnsigned(ourLowest, peerLowest) < 0;
    }

    private static byte[] lower(byte[] a, byte[] b) {
        return Arrays.compareUnsigned(a, b) <= 0 ? a : b;
    }
}
