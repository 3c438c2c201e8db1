package io.sallyport.pki;

import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * One CA profile a service set trusts ({@code trusted-ca}), as validation needs it: the CA
 * certificate loaded for the profile and how revocation is checked.
 *
 * @param crls           the CRLs to consult (read from the profile's {@code crl url}s and from
 *                       {@code request security pki crl load}); empty when none is known
 * @param crlUnavailable why a configured CRL could not be read, when that must refuse every
 *                       certificate of this CA ({@code revocation-check crl} without
 *                       {@code disable on-download-failure}); empty otherwise
 */
public record TrustedCa(String profile, X509Certificate certificate, boolean revocationCheck, List<X509CRL> crls,
        Optional<String> crlUnavailable) {

    public TrustedCa {
        crls = List.copyOf(crls);
    }

    /** A profile without revocation checking. */
    public static TrustedCa withoutRevocation(String profile, X509Certificate certificate) {
        return new TrustedCa(profile, certificate, false, List.of(), Optional.empty());
    }
}
