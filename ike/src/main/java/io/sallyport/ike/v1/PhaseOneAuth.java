package io.sallyport.ike.v1;

import io.sallyport.crypto.PrfAlgorithm;
import io.sallyport.ike.Authenticator;
import io.sallyport.ike.PskAuthenticator;
import java.util.Optional;

/**
 * How phase 1 authenticates (RFC 2409 §5): the method number in the SA payload and how SKEYID
 * is made. With pre-shared keys SKEYID = prf(key, Ni_b | Nr_b) and HASH_I/HASH_R travel in HASH
 * payloads. Signatures (method 3) make SKEYID = prf(Ni_b | Nr_b, g^xy) and carry SIG over the
 * same HASH_I/HASH_R: they join here as a second record once the engine's {@link Authenticator}
 * can sign, without touching the exchanges.
 */
sealed interface PhaseOneAuth {

    int method();

    byte[] skeyid(PrfAlgorithm prf, byte[] niB, byte[] nrB, byte[] gxy);

    /** The IKEv1 form of a peer's authenticator, empty when IKEv1 cannot use it yet. */
    static Optional<PhaseOneAuth> of(Authenticator a) {
        return a instanceof PskAuthenticator p ? Optional.of(new PreSharedKey(p)) : Optional.empty();
    }

    record PreSharedKey(PskAuthenticator key) implements PhaseOneAuth {
        public int method() { return Isakmp.AUTH_PSK; }

        public byte[] skeyid(PrfAlgorithm prf, byte[] niB, byte[] nrB, byte[] gxy) {
            return key.ikev1Skeyid(prf, niB, nrB);
        }
    }
}
