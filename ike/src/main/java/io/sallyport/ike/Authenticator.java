package io.sallyport.ike;

import io.sallyport.crypto.PrfAlgorithm;
import java.util.List;
import java.util.Optional;

/**
 * Produces and checks the AUTH payload (RFC 7296 §2.15). The state machine hands over the
 * signed octets (message | nonce | prf(SK_p, ID')); pre-shared keys ({@link PskAuthenticator})
 * and certificate signatures (built by the gateway from its PKI, which this module never imports)
 * plug in here without touching the exchanges.
 */
public interface Authenticator {

    /** An AUTH payload's method and data. */
    record AuthData(int method, byte[] data) { }

    /**
     * What the peer presented in IKE_AUTH besides its AUTH payload: its ID payload (type and data)
     * and the X.509 certificates of its CERT payloads (DER, in the order sent: end entity first).
     */
    record PeerProof(int idType, byte[] idData, List<byte[]> certificates) { }

    /** Our AUTH payload; {@code peerHashAlgorithms} is the peer's RFC 7427 SIGNATURE_HASH_ALGORITHMS list. */
    AuthData sign(PrfAlgorithm prf, byte[] signedOctets, List<Integer> peerHashAlgorithms);

    /** Empty when the peer's AUTH payload verifies for what it presented, else why not (in words). */
    Optional<String> check(PrfAlgorithm prf, byte[] signedOctets, AuthData auth, PeerProof peer);

    /** X.509 certificates (DER) to send in CERT payloads, end entity first; none for pre-shared keys. */
    default List<byte[]> certificates() { return List.of(); }

    /** SHA-1 hashes of the trusted CAs' SubjectPublicKeyInfo for a CERTREQ payload; none: no CERTREQ. */
    default List<byte[]> certificateAuthorities() { return List.of(); }

    /** RFC 7427 hash algorithm numbers we verify signatures with; none: no SIGNATURE_HASH_ALGORITHMS. */
    default List<Integer> signatureHashAlgorithms() { return List.of(); }

    /** Whether this authenticator signs IKEv1 phase 1 (RSA, RFC 2409 §5.1, or ECDSA, RFC 4754). */
    default boolean signsIkev1() { return false; }

    /**
     * The IKEv1 authentication method our signatures are (the SA attribute both ends must name):
     * 3 RSA, 9/10/11 ECDSA on P-256/P-384/P-521. Asked only when {@link #signsIkev1()}.
     */
    default int ikev1SignatureMethod() { throw new UnsupportedOperationException("not a signature authenticator"); }

    /** IKEv1 SIG_I/SIG_R: our signature over HASH_I/HASH_R (RSA: PKCS#1 v1.5 without DigestInfo; ECDSA: r|s). */
    default byte[] signIkev1(byte[] hash) { throw new UnsupportedOperationException("not a signature authenticator"); }

    /**
     * IKEv1: empty when the peer's SIG over {@code hash} verifies for what it presented, with a key
     * of our {@link #ikev1SignatureMethod()} (the method both ends agreed on), else why not (in words).
     */
    default Optional<String> checkIkev1(byte[] hash, byte[] signature, PeerProof peer) {
        return Optional.of("not a signature authenticator");
    }

    /** IKEv1 CERT_REQ: the DER subject names of the trusted CAs (RFC 2408 §3.10); none: no CERT_REQ. */
    default List<byte[]> certificateAuthorityNames() { return List.of(); }
}
