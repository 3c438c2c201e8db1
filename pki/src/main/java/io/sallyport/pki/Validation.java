package io.sallyport.pki;

import java.security.cert.X509Certificate;
import java.util.List;

/** The outcome of {@link ChainValidator#validate}. */
public sealed interface Validation {

    /** The path from the end entity up to (not including) the trusted CA of {@code profile}. */
    record Valid(List<X509Certificate> path, String profile) implements Validation { }

    record Refused(RefusalReason reason, String detail) implements Validation {
        /** "certificate revoked: CN=..., serial ..." */
        public String text() { return detail.isEmpty() ? reason.text() : reason.text() + ": " + detail; }
    }
}
