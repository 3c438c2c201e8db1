package io.sallyport.ike;

import io.sallyport.crypto.PrfAlgorithm;

/**
 * Produces and checks the AUTH payload (RFC 7296 §2.15). The state machine hands over the
 * signed octets (message | nonce | prf(SK_p, ID')); pre-shared keys and, later, signatures plug in
 * here without touching the exchanges.
 */
public interface Authenticator {

    /** The AUTH method number on the wire. */
    int method();

    byte[] authData(PrfAlgorithm prf, byte[] signedOctets);

    boolean verify(PrfAlgorithm prf, byte[] signedOctets, int method, byte[] authData);
}
