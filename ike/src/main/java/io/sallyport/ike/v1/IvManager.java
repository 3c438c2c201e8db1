package io.sallyport.ike.v1;

import io.sallyport.crypto.Ikev1KeyDerivation;
import io.sallyport.crypto.PrfAlgorithm;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The CBC IV chains of one ISAKMP SA (RFC 2409 §5.3, Appendix B). Phase 1 starts from
 * hash(g^xi | g^xr); every later phase-1 message continues from the last cipher block of the one
 * before. Each phase-2 or informational exchange (by message ID) starts from hash(last phase-1
 * block | M-ID) and then chains the same way. Only a bounded number of exchanges is remembered.
 */
final class IvManager {

    private static final int MAX_EXCHANGES = 32;

    private final PrfAlgorithm hash;
    private final int blockSize;
    private byte[] phase1;
    private final Map<Integer, byte[]> phase2 = new LinkedHashMap<>();

    IvManager(PrfAlgorithm hash, int blockSize, byte[] gxi, byte[] gxr) {
        this.hash = hash;
        this.blockSize = blockSize;
        this.phase1 = Arrays.copyOf(Ikev1KeyDerivation.hash(hash, gxi, gxr), blockSize);
    }

    /** The IV for the next message of exchange {@code messageId} (0 is phase 1). */
    byte[] iv(int messageId) {
        if (messageId == 0) {
            return phase1.clone();
        }
        byte[] iv = phase2.get(messageId);
        if (iv == null) {
            byte[] mid = {(byte) (messageId >>> 24), (byte) (messageId >>> 16), (byte) (messageId >>> 8), (byte) messageId};
            iv = Arrays.copyOf(Ikev1KeyDerivation.hash(hash, phase1, mid), blockSize);
        }
        return iv.clone();
    }

    /** After a message was accepted or sent: its last cipher block continues the chain. */
    void advance(int messageId, byte[] lastBlock) {
        if (messageId == 0) {
            phase1 = lastBlock.clone();
            return;
        }
        phase2.remove(messageId);
        phase2.put(messageId, lastBlock.clone());
        while (phase2.size() > MAX_EXCHANGES) {
            phase2.remove(phase2.keySet().iterator().next());
        }
    }

    /** The exchange finished and will not send or receive again. */
    void forget(int messageId) {
        phase2.remove(messageId);
    }
}
