package io.sallyport.ike.v1;

import io.sallyport.crypto.Ikev1KeyDerivation;
import io.sallyport.crypto.PrfAlgorithm;
import io.sallyport.ike.Authenticator;
import io.sallyport.ike.PskAuthenticator;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How phase 1 authenticates (RFC 2409 §5): the method number in the SA payload, how SKEYID is
 * made, and what proves HASH_I/HASH_R. With pre-shared keys SKEYID = prf(key, Ni_b | Nr_b) and
 * the hashes travel in HASH payloads. With signatures (method 3 RSA, RFC 4754 methods 9-11
 * ECDSA on P-256/384/521, as the signer's key says) SKEYID = prf(Ni_b | Nr_b, g^xy) and the hashes
 * are signed: CERT payloads and SIG_I/SIG_R, checked by the engine's {@link Authenticator} (the
 * gateway's, which validates the chain and the identity).
 */
sealed interface PhaseOneAuth {

    /** At most this many CERT payloads are handed on for validation: a chain is never longer. */
    int MAX_CERTIFICATES = 8;

    int method();

    byte[] skeyid(PrfAlgorithm prf, byte[] niB, byte[] nrB, byte[] gxy);

    /** CERT_REQ payloads that go with our KE (main mode message 3 or 4, aggressive mode message 1 or 2). */
    List<V1Payload> certificateRequests();

    /** What proves our HASH_I/HASH_R after our ID payload. */
    List<V1Payload> prove(byte[] hash);

    /** Empty when the peer's message proves {@code hash} for the identity {@code id}, else why not. */
    Optional<Refusal> verify(V1Message m, V1Payload.Id id, byte[] hash);

    /**
     * Why a peer's proof was not accepted. {@code silent}: a wrong pre-shared key decrypts to
     * garbage and is dropped like garbage (the peer retransmits, then gives up); a refused
     * certificate or signature ends phase 1 with its reason.
     */
    record Refusal(boolean silent, String words) { }

    /** The IKEv1 form of a peer's authenticator, empty when IKEv1 cannot use it. */
    static Optional<PhaseOneAuth> of(Authenticator a) {
        if (a instanceof PskAuthenticator p) {
            return Optional.of(new PreSharedKey(p));
        }
        return a != null && a.signsIkev1() ? Optional.of(new Signature(a)) : Optional.empty();
    }

    record PreSharedKey(PskAuthenticator key) implements PhaseOneAuth {
        public int method() { return Isakmp.AUTH_PSK; }

        public byte[] skeyid(PrfAlgorithm prf, byte[] niB, byte[] nrB, byte[] gxy) {
            return key.ikev1Skeyid(prf, niB, nrB);
        }

        public List<V1Payload> certificateRequests() { return List.of(); }

        public List<V1Payload> prove(byte[] hash) { return List.of(new V1Payload.Hash(hash)); }

        public Optional<Refusal> verify(V1Message m, V1Payload.Id id, byte[] hash) {
            Optional<V1Payload.Hash> h = m.first(V1Payload.Hash.class);
            return h.isPresent() && MessageDigest.isEqual(hash, h.get().data()) ? Optional.empty()
                    : Optional.of(new Refusal(true, "HASH does not verify (pre-shared key mismatch?)"));
        }
    }

    record Signature(Authenticator signer) implements PhaseOneAuth {
        public int method() { return signer.ikev1SignatureMethod(); }

        public byte[] skeyid(PrfAlgorithm prf, byte[] niB, byte[] nrB, byte[] gxy) {
            return Ikev1KeyDerivation.skeyidSignature(prf, niB, nrB, gxy);
        }

        public List<V1Payload> certificateRequests() {
            List<V1Payload> p = new ArrayList<>();
            for (byte[] dn : signer.certificateAuthorityNames()) {
                p.add(new V1Payload.CertReq(Isakmp.CERT_X509_SIGNATURE, dn));
            }
            return p;
        }

        public List<V1Payload> prove(byte[] hash) {
            List<V1Payload> p = new ArrayList<>();
            for (byte[] der : signer.certificates()) {
                p.add(new V1Payload.Cert(Isakmp.CERT_X509_SIGNATURE, der));
            }
            p.add(new V1Payload.Sig(signer.signIkev1(hash)));
            return p;
        }

        public Optional<Refusal> verify(V1Message m, V1Payload.Id id, byte[] hash) {
            Optional<V1Payload.Sig> sig = m.first(V1Payload.Sig.class);
            if (sig.isEmpty()) {
                return Optional.of(new Refusal(false, "peer sent no SIG payload (does it use a pre-shared key?)"));
            }
            List<byte[]> certs = m.all(V1Payload.Cert.class).stream().filter(c -> c.encoding() == Isakmp.CERT_X509_SIGNATURE)
                    .map(V1Payload.Cert::data).limit(MAX_CERTIFICATES).toList();
            return signer.checkIkev1(hash, sig.get().data(), new Authenticator.PeerProof(id.idType(), id.data(), certs))
                    .map(w -> new Refusal(false, w));
        }
    }
}
