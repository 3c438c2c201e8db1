package io.sallyport.pki;

import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One CA profile a service set trusts ({@code trusted-ca}), as validation needs it: the CA
 * certificate loaded for the profile and how revocation is checked.
 *
 * @param crls      CRLs loaded with {@code request security pki crl load}
 * @param downloads the profile's {@code revocation-check crl url}s, each with the CRL last read
 */
public record TrustedCa(String profile, X509Certificate certificate, boolean revocationCheck, List<X509CRL> crls,
        List<CrlDownload> downloads) {

    public TrustedCa {
        crls = List.copyOf(crls);
        downloads = List.copyOf(downloads);
    }

    /** A profile without revocation checking. */
    public static TrustedCa withoutRevocation(String profile, X509Certificate certificate) {
        return new TrustedCa(profile, certificate, false, List.of(), List.of());
    }

    /** The CRLs to consult now: the loaded ones and what each URL last gave. */
    public List<X509CRL> currentCrls() {
        List<X509CRL> out = new ArrayList<>(crls);
        downloads.forEach(d -> d.crl().ifPresent(out::add));
        return out;
    }

    /** Why every certificate of this CA must be refused: a CRL URL gave nothing and failures are not tolerated. */
    public Optional<String> crlUnavailable() {
        return downloads.stream().flatMap(d -> d.unavailable().stream()).findFirst();
    }

    /** Asks each CRL URL for a background refresh when its schedule says so (never waits). */
    public void refreshCrlsIfDue() {
        if (revocationCheck) {
            downloads.forEach(CrlDownload::refreshIfDue);
        }
    }
}
