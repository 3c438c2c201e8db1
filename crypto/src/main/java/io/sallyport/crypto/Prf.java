package io.sallyport.crypto;

import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** An IKE pseudo-random function bound to its algorithm (RFC 7296 §2.13). Not thread-safe. */
public final class Prf {

    private final PrfAlgorithm algorithm;
    private final Mac mac;

    public Prf(PrfAlgorithm algorithm) {
        this.algorithm = algorithm;
        try {
            this.mac = Mac.getInstance(algorithm.jcaName());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JCA lacks " + algorithm.jcaName(), e);
        }
    }

    public PrfAlgorithm algorithm() { return algorithm; }

    /** prf(K, S). HMAC accepts any key length, so Ni|Nr of any size is used as is. */
    public byte[] prf(byte[] key, byte[]... data) {
        // An empty HMAC key is legal (RFC 2104) but SecretKeySpec refuses it; zero bytes are equivalent.
        byte[] k = key.length == 0 ? new byte[algorithm.outputSize()] : key;
        try {
            mac.init(new SecretKeySpec(k, algorithm.jcaName()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        for (byte[] d : data) {
            mac.update(d);
        }
        return mac.doFinal();
    }

    /**
     * prf+ (RFC 7296 §2.13): T1 = prf(K, S | 0x01), Tn = prf(K, Tn-1 | S | n), concatenated and cut
     * to {@code length} bytes. At most 255 blocks.
     */
    public byte[] prfPlus(byte[] key, byte[] seed, int length) {
        int block = algorithm.outputSize();
        if (length > 255 * block) {
            throw new IllegalArgumentException("prf+ can produce at most " + 255 * block + " bytes");
        }
        byte[] out = new byte[length];
        byte[] t = new byte[0];
        int done = 0;
        for (int n = 1; done < length; n++) {
            t = prf(key, t, seed, new byte[] {(byte) n});
            int take = Math.min(block, length - done);
            System.arraycopy(t, 0, out, done, take);
            done += take;
        }
        return out;
    }
}
