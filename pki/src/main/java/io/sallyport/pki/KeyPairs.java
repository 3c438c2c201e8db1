package io.sallyport.pki;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;

/** Key pair generation with the JCA, and the size of a public key as show output states it. */
public final class KeyPairs {

    private KeyPairs() {}

    /** A new key pair; the size must be one of {@link KeyAlgorithm#sizes()}. */
    public static KeyPair generate(KeyAlgorithm algorithm, int size, SecureRandom random) {
        if (!algorithm.sizes().contains(size)) {
            throw new IllegalArgumentException("invalid key size " + size + " for " + algorithm.keyword()
                    + " (one of " + algorithm.sizes() + ")");
        }
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm.jcaName());
            if (algorithm == KeyAlgorithm.RSA) {
                g.initialize(size, random);
            } else {
                g.initialize(new ECGenParameterSpec(size == 256 ? "secp256r1" : "secp384r1"), random);
            }
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JCA cannot generate " + algorithm.keyword() + " " + size, e);
        }
    }

    /** RSA modulus bits or the EC field size. */
    public static int bits(PublicKey key) {
        return switch (key) {
            case RSAPublicKey r -> r.getModulus().bitLength();
            case ECPublicKey e -> e.getParams().getCurve().getField().getFieldSize();
            default -> 0;
        };
    }
}
