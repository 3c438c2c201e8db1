package io.sallyport.pki;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;

/**
 * IKEv1 RSA signature authentication (RFC 2409 §5.1, method 3): SIG_I/SIG_R is HASH_I/HASH_R
 * itself, PKCS#1 v1.5 padded and RSA-signed, with no DigestInfo around it (the hash is the PRF
 * output, not a named digest). That is the JCA's {@code NONEwithRSA}; strongSwan calls it
 * SIGN_RSA_EMSA_PKCS1_NULL.
 */
public final class Ikev1Signature {

    private static final String JCA = "NONEwithRSA";

    private Ikev1Signature() {}

    public static byte[] sign(PrivateKey key, byte[] hash) {
        try {
            Signature s = Signature.getInstance(JCA);
            s.initSign(key);
            s.update(hash);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with " + JCA + ": " + e.getMessage(), e);
        }
    }

    /** False for a wrong or malformed signature or a key that is not RSA; never throws. */
    public static boolean verify(PublicKey key, byte[] hash, byte[] signature) {
        if (KeyAlgorithm.ofKeyOrNull(key) != KeyAlgorithm.RSA) return false;
        try {
            Signature s = Signature.getInstance(JCA);
            s.initVerify(key);
            s.update(hash);
            return s.verify(signature);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }
}
