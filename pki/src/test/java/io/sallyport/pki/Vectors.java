package io.sallyport.pki;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;

/** The openssl / strongSwan pki vectors of {@code src/test/resources/vectors} (make-vectors.sh). */
final class Vectors {
    /** Inside every validity period of the vectors and after the revocation in inter.crl. */
    static final Instant NOW = Instant.parse("2027-06-01T00:00:00Z");

    private Vectors() {}

    static byte[] bytes(String name) {
        try (InputStream in = Vectors.class.getResourceAsStream("/vectors/" + name)) {
            if (in == null) throw new IllegalArgumentException("no vector " + name);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static X509Certificate cert(String name) {
        return Credentials.certificate(bytes(name));
    }

    static X509CRL crl(String name) {
        return Credentials.crl(bytes(name));
    }
}
