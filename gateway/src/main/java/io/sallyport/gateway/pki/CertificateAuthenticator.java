package io.sallyport.gateway.pki;

import io.sallyport.crypto.PrfAlgorithm;
import io.sallyport.ike.Authenticator;
import io.sallyport.ike.Identity;
import io.sallyport.ike.message.Wire;
import io.sallyport.pki.CertificateIdentity;
import io.sallyport.pki.CertificatePolicies;
import io.sallyport.pki.ChainValidator;
import io.sallyport.pki.Credentials;
import io.sallyport.pki.DistinguishedNamePattern;
import io.sallyport.pki.Fingerprints;
import io.sallyport.pki.Ikev1Signature;
import io.sallyport.pki.KeyAlgorithm;
import io.sallyport.pki.KeyPairs;
import io.sallyport.pki.SignatureScheme;
import io.sallyport.pki.TrustedCa;
import io.sallyport.pki.Validation;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;

/**
 * Certificate authentication for the IKE engine: signs with the local certificate's key (RFC 7427
 * digital signatures when the peer announced SIGNATURE_HASH_ALGORITHMS, else AUTH method 1, RSA
 * with SHA-1, as RFC 7296 says), and accepts a peer only when its certificate chain ends in one of
 * the service set's trusted CAs, is valid now and not revoked, vouches for the peer's ID, carries a
 * required policy OID, and its key verifies the AUTH payload. IKEv1 main mode (RFC 2409 §5.1)
 * takes the same checks; only the signature differs (SIG over HASH_I/HASH_R, {@link Ikev1Signature}:
 * RSA, or ECDSA per RFC 4754 with the method named by the key's curve).
 *
 * @param certificateId the local certificate's ID, for traces
 * @param chain         the local certificate first, then the CA certificates loaded with it
 * @param sendChain     false for {@code no-certificate-chain-in-ike}: send only the end entity
 * @param policyOids    {@code certificate-policy-oids}: the peer's certificate must carry one
 * @param clock         wall time for validity dates and CRLs
 * @param remoteNames   {@code remote-id distinguished-name}: the peer's ID must be a DN that fits
 *                      one of them (none: any identity its certificate vouches for)
 * @param cache         the service set's certificate cache: a peer's chain goes in once it is accepted
 */
public record CertificateAuthenticator(String certificateId, PrivateKey key, List<X509Certificate> chain, boolean sendChain,
        List<TrustedCa> trusted, List<String> policyOids, List<DistinguishedNamePattern> remoteNames, Clock clock,
        CertificateCache cache) implements Authenticator {

    /** RFC 7427 §7 numbers we verify with: SHA2-256, SHA2-384, SHA2-512. */
    private static final List<Integer> HASHES = List.of(2, 3, 4);

    public CertificateAuthenticator {
        chain = List.copyOf(chain);
        trusted = List.copyOf(trusted);
        policyOids = List.copyOf(policyOids);
        remoteNames = List.copyOf(remoteNames);
    }

    /** An authenticator with a cache of its own (tests and benchmarks: no service set). */
    public CertificateAuthenticator(String certificateId, PrivateKey key, List<X509Certificate> chain, boolean sendChain,
            List<TrustedCa> trusted, List<String> policyOids, Clock clock) {
        this(certificateId, key, chain, sendChain, trusted, policyOids, List.of(), clock, new CertificateCache(certificateId));
    }

    /** The local certificate. */
    public X509Certificate certificate() {
        return chain.getFirst();
    }

    /** {@code local-id distinguished-name}, and the default identity with a certificate. */
    public Identity distinguishedName() {
        return Identity.derAsn1Dn(certificate().getSubjectX500Principal().getEncoded());
    }

    @Override
    public AuthData sign(PrfAlgorithm prf, byte[] signedOctets, List<Integer> peerHashAlgorithms) {
        KeyAlgorithm type = KeyAlgorithm.ofKey(key);
        int hash = type == KeyAlgorithm.ECDSA && KeyPairs.bits(certificate().getPublicKey()) == 384 ? 3 : 2;
        if (peerHashAlgorithms.contains(hash) || type == KeyAlgorithm.ECDSA) {
            SignatureScheme scheme = SignatureScheme.of(type, hash).orElseThrow();
            byte[] id = scheme.algorithmIdentifier();
            byte[] sig = scheme.sign(key, signedOctets);
            byte[] data = new byte[1 + id.length + sig.length];
            data[0] = (byte) id.length;
            System.arraycopy(id, 0, data, 1, id.length);
            System.arraycopy(sig, 0, data, 1 + id.length, sig.length);
            return new AuthData(Wire.AUTH_DIGITAL_SIGNATURE, data);
        }
        return new AuthData(Wire.AUTH_RSA_SIGNATURE, SignatureScheme.RSA_SHA1.sign(key, signedOctets));
    }

    @Override
    public Optional<String> check(PrfAlgorithm prf, byte[] signedOctets, AuthData auth, PeerProof peer) {
        PeerCertificate c = peerCertificate(peer);
        return c.refusal().isPresent() ? c.refusal() : accepted(c, signature(c.certificate(), signedOctets, auth));
    }

    /** IKEv1 signs with RSA (method 3) and ECDSA keys on P-256/384/521 (RFC 4754 methods 9-11). */
    @Override
    public boolean signsIkev1() {
        return Ikev1Signature.method(key).isPresent();
    }

    @Override
    public int ikev1SignatureMethod() {
        return Ikev1Signature.method(key).orElseThrow();
    }

    @Override
    public byte[] signIkev1(byte[] hash) {
        return Ikev1Signature.sign(key, hash);
    }

    /**
     * The same checks as IKEv2's (chain, trusted CA, dates, CRL, identity, policy OIDs), then SIG over
     * the hash with the agreed method: ours, so the peer's key must be of our kind and curve.
     */
    @Override
    public Optional<String> checkIkev1(byte[] hash, byte[] signature, PeerProof peer) {
        PeerCertificate c = peerCertificate(peer);
        if (c.refusal().isPresent()) {
            return c.refusal();
        }
        int method = ikev1SignatureMethod();
        String subject = c.certificate().getSubjectX500Principal().getName();
        java.security.PublicKey peerKey = c.certificate().getPublicKey();
        if (Ikev1Signature.method(peerKey).orElse(-1) != method) {
            return Optional.of("certificate of " + subject + " has a " + KeyPairs.bits(peerKey) + "-bit " + peerKey.getAlgorithm()
                    + " key, which cannot sign for authentication method " + Ikev1Signature.name(method));
        }
        return Ikev1Signature.verify(method, peerKey, hash, signature) ? accepted(c, Optional.empty())
                : Optional.of("SIG (" + Ikev1Signature.name(method) + ") does not verify with the key of " + subject);
    }

    @Override
    public List<byte[]> certificateAuthorityNames() {
        return trusted.stream().map(t -> t.certificate().getSubjectX500Principal().getEncoded()).toList();
    }

    /** The peer's end-entity certificate once it passed every check but the signature, or why it did not. */
    private record PeerCertificate(X509Certificate certificate, List<X509Certificate> path, Optional<String> refusal) {
        static PeerCertificate refused(String why) { return new PeerCertificate(null, List.of(), Optional.of(why)); }
    }

    /** A peer whose signature verified: its chain goes into the service set's certificate cache. */
    private Optional<String> accepted(PeerCertificate c, Optional<String> signatureRefusal) {
        if (signatureRefusal.isEmpty()) {
            cache.add(c.path(), CertificateCache.Origin.PEER);
        }
        return signatureRefusal;
    }

    private PeerCertificate peerCertificate(PeerProof peer) {
        if (peer.certificates().isEmpty()) {
            return PeerCertificate.refused("peer sent no certificate");
        }
        List<X509Certificate> presented = new ArrayList<>();
        try {
            for (byte[] der : peer.certificates()) presented.add(Credentials.certificate(der));
        } catch (IllegalArgumentException e) {
            return PeerCertificate.refused("peer sent a malformed certificate");
        }
        // A CRL whose schedule is due is read again in the background; this check uses the one in hand.
        trusted.forEach(TrustedCa::refreshCrlsIfDue);
        List<X509Certificate> path;
        switch (ChainValidator.validate(presented, trusted, clock.instant())) {
            case Validation.Refused r -> { return PeerCertificate.refused(r.text()); }
            case Validation.Valid v -> path = v.path();
        }
        X509Certificate peerCert = presented.getFirst();
        Optional<String> id = identity(peerCert, peer).or(() -> remoteName(peer));
        if (id.isPresent()) {
            return PeerCertificate.refused(id.get());
        }
        if (!policyOids.isEmpty() && CertificatePolicies.of(peerCert).stream().noneMatch(policyOids::contains)) {
            return PeerCertificate.refused("certificate of " + peerCert.getSubjectX500Principal().getName()
                    + " carries none of the certificate-policy-oids " + policyOids);
        }
        return new PeerCertificate(peerCert, path, Optional.empty());
    }

    private static Optional<String> identity(X509Certificate cert, PeerProof peer) {
        CertificateIdentity.Kind kind = switch (Identity.Type.fromWire(peer.idType())) {
            case DER_ASN1_DN -> CertificateIdentity.Kind.DISTINGUISHED_NAME;
            case FQDN -> CertificateIdentity.Kind.FQDN;
            case RFC822_ADDR -> CertificateIdentity.Kind.EMAIL;
            case IPV4_ADDR -> CertificateIdentity.Kind.IPV4;
            case IPV6_ADDR -> CertificateIdentity.Kind.IPV6;
            case KEY_ID -> null;
            case null -> null;
        };
        if (kind == null) {
            return Optional.of("identity does not match the certificate: ID type " + peer.idType()
                    + " cannot be checked against a certificate");
        }
        return CertificateIdentity.mismatch(cert, kind, peer.idData()).map(m -> "identity does not match the certificate: " + m);
    }

    /** {@code remote-id distinguished-name}: the peer's ID (already the certificate's subject) must fit one entry. */
    private Optional<String> remoteName(PeerProof peer) {
        if (remoteNames.isEmpty()) {
            return Optional.empty();
        }
        if (Identity.Type.fromWire(peer.idType()) != Identity.Type.DER_ASN1_DN) {
            return Optional.of("peer identity is not a distinguished name (ID type " + peer.idType()
                    + "); remote-id distinguished-name needs one");
        }
        X500Principal dn = new X500Principal(peer.idData());
        return remoteNames.stream().anyMatch(p -> p.matches(dn)) ? Optional.empty()
                : Optional.of("peer identity " + dn.getName(X500Principal.RFC2253) + " fits none of remote-id distinguished-name "
                        + remoteNames);
    }

    private static Optional<String> signature(X509Certificate cert, byte[] octets, AuthData auth) {
        byte[] d = auth.data();
        boolean ok;
        String scheme;
        if (auth.method() == Wire.AUTH_RSA_SIGNATURE) {
            scheme = "RSA-SHA1";
            ok = SignatureScheme.RSA_SHA1.verify(cert.getPublicKey(), octets, d);
        } else if (auth.method() == Wire.AUTH_DIGITAL_SIGNATURE) {
            int len = d.length > 0 ? d[0] & 0xff : 0;
            if (len == 0 || 1 + len > d.length) {
                return Optional.of("malformed digital signature AUTH payload");
            }
            Optional<SignatureScheme> s = SignatureScheme.fromAlgorithmIdentifier(Arrays.copyOfRange(d, 1, 1 + len));
            if (s.isEmpty()) {
                return Optional.of("unsupported signature algorithm in AUTH payload (RSASSA-PSS?)");
            }
            scheme = s.get().name();
            ok = s.get().verify(cert.getPublicKey(), octets, Arrays.copyOfRange(d, 1 + len, d.length));
        } else {
            return Optional.of("peer authenticates with AUTH method " + auth.method()
                    + "; certificate peers must use RSA signatures (1) or digital signatures (14)");
        }
        return ok ? Optional.empty() : Optional.of("AUTH signature (" + scheme + ") does not verify with the key of "
                + cert.getSubjectX500Principal().getName());
    }

    @Override
    public List<byte[]> certificates() {
        List<byte[]> out = new ArrayList<>();
        for (X509Certificate c : sendChain ? chain : chain.subList(0, 1)) {
            try {
                out.add(c.getEncoded());
            } catch (CertificateEncodingException e) {
                throw new IllegalStateException("the local certificate cannot be encoded", e);
            }
        }
        return out;
    }

    @Override
    public List<byte[]> certificateAuthorities() {
        return trusted.stream().map(t -> Fingerprints.digest("SHA-1", t.certificate().getPublicKey().getEncoded())).toList();
    }

    @Override
    public List<Integer> signatureHashAlgorithms() {
        return HASHES;
    }

    /**
     * Same credentials, trust and checks: equal. The cache is left out: it only records what was
     * accepted, and it follows from the service set, which the plan compares anyway.
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof CertificateAuthenticator a && certificateId.equals(a.certificateId) && key.equals(a.key)
                && chain.equals(a.chain) && sendChain == a.sendChain && trusted.equals(a.trusted)
                && policyOids.equals(a.policyOids) && remoteNames.equals(a.remoteNames) && clock.equals(a.clock);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(certificateId, key, chain, sendChain, trusted, policyOids, remoteNames, clock);
    }

    @Override
    public String toString() {
        return "CertificateAuthenticator[" + certificateId + ", " + certificate().getSubjectX500Principal().getName() + "]";
    }
}
