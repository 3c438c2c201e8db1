package io.sallyport.config.model;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * {@code security pki ca-profile NAME}, defaults applied (enrollment retry 1000, retry interval
 * 600 s). Revocation checking is CRL when nothing else is configured (reference §1.9).
 */
public record CaProfile(
        String name,
        Optional<String> caIdentity,
        Optional<String> sourceAddress,
        Optional<String> routingInstance,
        Optional<String> enrollmentUrl,
        int enrollmentRetry,
        int enrollmentRetryIntervalSeconds,
        RevocationCheck revocationCheck,
        List<String> crlUrls,
        OptionalInt crlRefreshIntervalHours,
        boolean crlDisableOnDownloadFailure,
        Optional<String> ocspUrl,
        Optional<String> administratorEmail) {

    public CaProfile { crlUrls = List.copyOf(crlUrls); }
}
