package io.sallyport.pki;

import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.PublicKey;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXReason;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Validates a peer's certificate chain against the CA profiles a service set trusts: the JCA's
 * PKIX {@link CertPathValidator} checks signatures, validity dates at the given instant and basic
 * constraints; revocation is checked here against the profiles' CRLs (each CRL verified with its
 * issuer's key), because the JCA's own checker would insist on a CRL for every issuer and fetch
 * distribution points over the network.
 */
public final class ChainValidator {

    private ChainValidator() {}

    /**
     * @param presented the peer's certificates, end entity first, then any intermediates in any
     *                  order (CERT payloads); a trusted root among them is ignored
     */
    public static Validation validate(List<X509Certificate> presented, List<TrustedCa> trusted, Instant at) {
        if (presented.isEmpty()) return new Validation.Refused(RefusalReason.NO_CERTIFICATE, "");
        X509Certificate endEntity = presented.getFirst();
        if (trusted.isEmpty()) {
            return new Validation.Refused(RefusalReason.UNTRUSTED_CA, "no CA certificate loaded for the trusted CA profiles");
        }
        List<X509Certificate> path = order(endEntity, presented, trusted);
        Optional<TrustedCa> anchor = anchorFor(path.getLast(), trusted);
        if (anchor.isEmpty()) {
            return new Validation.Refused(RefusalReason.UNTRUSTED_CA, "issuer " + name(path.getLast().getIssuerX500Principal())
                    + " of " + subject(endEntity) + " is not a trusted CA");
        }
        Optional<Validation.Refused> pkix = pkix(path, anchor.get(), at);
        if (pkix.isPresent()) return pkix.get();
        Optional<Validation.Refused> revoked = revocation(path, anchor.get(), at);
        if (revoked.isPresent()) return revoked.get();
        return new Validation.Valid(List.copyOf(path), anchor.get().profile());
    }

    /** End entity, then each issuer found among the presented certificates, stopping at a trusted CA. */
    private static List<X509Certificate> order(X509Certificate endEntity, List<X509Certificate> presented, List<TrustedCa> trusted) {
        List<X509Certificate> path = new ArrayList<>();
        path.add(endEntity);
        Set<X509Certificate> used = new HashSet<>(path);
        X509Certificate current = endEntity;
        while (anchorFor(current, trusted).isEmpty() && path.size() < 8) {
            X509Certificate issuer = null;
            for (X509Certificate c : presented) {
                if (!used.contains(c) && c.getSubjectX500Principal().equals(current.getIssuerX500Principal())
                        && !isTrustedCertificate(c, trusted)) {
                    issuer = c;
                    break;
                }
            }
            if (issuer == null) break;
            path.add(issuer);
            used.add(issuer);
            current = issuer;
        }
        return path;
    }

    private static boolean isTrustedCertificate(X509Certificate c, List<TrustedCa> trusted) {
        return trusted.stream().anyMatch(t -> t.certificate().equals(c));
    }

    /** The trusted CA that issued {@code c}: same name and its key verifies the signature. */
    private static Optional<TrustedCa> anchorFor(X509Certificate c, List<TrustedCa> trusted) {
        for (TrustedCa t : trusted) {
            if (t.certificate().getSubjectX500Principal().equals(c.getIssuerX500Principal()) && signedBy(c, t.certificate().getPublicKey())) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    private static boolean signedBy(X509Certificate c, PublicKey key) {
        try {
            c.verify(key);
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static Optional<Validation.Refused> pkix(List<X509Certificate> path, TrustedCa anchor, Instant at) {
        try {
            CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
            PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(anchor.certificate(), null)));
            params.setRevocationEnabled(false);
            params.setDate(Date.from(at));
            CertPathValidator.getInstance("PKIX").validate(certPath, params);
            return Optional.empty();
        } catch (CertPathValidatorException e) {
            X509Certificate which = e.getIndex() >= 0 && e.getIndex() < path.size() ? path.get(e.getIndex()) : path.getFirst();
            return Optional.of(refusal(e, which));
        } catch (InvalidAlgorithmParameterException | java.security.cert.CertificateException | java.security.NoSuchAlgorithmException e) {
            return Optional.of(new Validation.Refused(RefusalReason.INVALID, e.getMessage()));
        }
    }

    private static Validation.Refused refusal(CertPathValidatorException e, X509Certificate which) {
        var reason = e.getReason();
        if (reason == CertPathValidatorException.BasicReason.EXPIRED) {
            return new Validation.Refused(RefusalReason.EXPIRED, subject(which) + " not after " + which.getNotAfter().toInstant());
        }
        if (reason == CertPathValidatorException.BasicReason.NOT_YET_VALID) {
            return new Validation.Refused(RefusalReason.NOT_YET_VALID, subject(which) + " not before " + which.getNotBefore().toInstant());
        }
        if (reason == CertPathValidatorException.BasicReason.INVALID_SIGNATURE) {
            return new Validation.Refused(RefusalReason.BAD_SIGNATURE, subject(which));
        }
        if (reason == PKIXReason.NOT_CA_CERT || reason == PKIXReason.PATH_TOO_LONG) {
            return new Validation.Refused(RefusalReason.NOT_A_CA, name(which.getIssuerX500Principal()) + " issued " + subject(which));
        }
        if (reason == PKIXReason.NO_TRUST_ANCHOR) {
            return new Validation.Refused(RefusalReason.UNTRUSTED_CA, "issuer " + name(which.getIssuerX500Principal()));
        }
        return new Validation.Refused(RefusalReason.INVALID, subject(which) + ": " + e.getMessage());
    }

    private static Optional<Validation.Refused> revocation(List<X509Certificate> path, TrustedCa anchor, Instant at) {
        if (!anchor.revocationCheck()) return Optional.empty();
        if (anchor.crlUnavailable().isPresent()) {
            return Optional.of(new Validation.Refused(RefusalReason.CRL_UNAVAILABLE, anchor.crlUnavailable().get()));
        }
        List<X509CRL> crls = anchor.currentCrls();
        for (int i = 0; i < path.size(); i++) {
            X509Certificate cert = path.get(i);
            PublicKey issuerKey = (i + 1 < path.size() ? path.get(i + 1) : anchor.certificate()).getPublicKey();
            for (X509CRL crl : crls) {
                if (!crl.getIssuerX500Principal().equals(cert.getIssuerX500Principal()) || !crlSignedBy(crl, issuerKey)) continue;
                X509CRLEntry entry = crl.getRevokedCertificate(cert);
                if (entry != null && !entry.getRevocationDate().toInstant().isAfter(at)) {
                    return Optional.of(new Validation.Refused(RefusalReason.REVOKED, subject(cert) + ", serial "
                            + Fingerprints.colonHex(cert.getSerialNumber().toByteArray()) + ", on the CRL of "
                            + name(crl.getIssuerX500Principal())));
                }
            }
        }
        return Optional.empty();
    }

    private static boolean crlSignedBy(X509CRL crl, PublicKey key) {
        try {
            crl.verify(key);
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    static String subject(X509Certificate c) {
        return name(c.getSubjectX500Principal());
    }

    static String name(javax.security.auth.x500.X500Principal p) {
        return p.getName(javax.security.auth.x500.X500Principal.RFC2253);
    }
}
