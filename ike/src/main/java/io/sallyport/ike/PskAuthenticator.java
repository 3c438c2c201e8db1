package io.sallyport.ike;

import io.sallyport.crypto.Prf;
import io.sallyport.crypto.PrfAlgorithm;
import io.sallyport.ike.message.Wire;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;

/** Shared-key MIC: AUTH = prf(prf(secret, "Key Pad for IKEv2"), signed octets) (RFC 7296 §2.15). */
public final class PskAuthenticator implements Authenticator {

    private static final byte[] KEY_PAD = "Key Pad for IKEv2".getBytes(StandardCharsets.US_ASCII);

    private final byte[] secret;

    public PskAuthenticator(byte[] secret) {
        this.secret = secret.clone();
    }

    /** {@code pre-shared-key ascii-text}. */
    public static PskAuthenticator ascii(String text) {
        return new PskAuthenticator(text.getBytes(StandardCharsets.UTF_8));
    }

    private byte[] mic(PrfAlgorithm prf, byte[] signedOctets) {
        Prf p = new Prf(prf);
        return p.prf(p.prf(secret, KEY_PAD), signedOctets);
    }

    @Override
    public AuthData sign(PrfAlgorithm prf, byte[] signedOctets, List<Integer> peerHashAlgorithms) {
        return new AuthData(Wire.AUTH_SHARED_KEY_MIC, mic(prf, signedOctets));
    }

    @Override
    public Optional<String> check(PrfAlgorithm prf, byte[] signedOctets, AuthData auth, PeerProof peer) {
        if (auth.method() != Wire.AUTH_SHARED_KEY_MIC) {
            return Optional.of("peer authenticates with method " + auth.method() + ", not a pre-shared key");
        }
        return MessageDigest.isEqual(mic(prf, signedOctets), auth.data()) ? Optional.empty()
                : Optional.of("AUTH payload does not verify (pre-shared key mismatch?)");
    }

    /**
     * IKEv1 with pre-shared keys puts the key into SKEYID = prf(key, Ni_b | Nr_b) (RFC 2409 §5)
     * instead of an AUTH payload; the secret itself stays here.
     */
    public byte[] ikev1Skeyid(PrfAlgorithm prf, byte[] niB, byte[] nrB) {
        return io.sallyport.crypto.Ikev1KeyDerivation.skeyidPreSharedKey(prf, secret, niB, nrB);
    }

    /** Two authenticators with the same secret are the same: a re-commit of an unchanged key changes nothing. */
    @Override
    public boolean equals(Object o) {
        return o instanceof PskAuthenticator p && MessageDigest.isEqual(p.secret, secret);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(secret);
    }
}
