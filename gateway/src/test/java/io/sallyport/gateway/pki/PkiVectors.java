package io.sallyport.gateway.pki;

import io.sallyport.pki.Credentials;
import io.sallyport.pki.TrustedCa;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

/**
 * The certificates, keys and CRL that strongSwan's pki tool made for the certificate tests
 * ({@code /pki/} test resources: a root, an intermediate CA, end entities), and the fixed clock
 * at which the valid ones are valid.
 */
final class PkiVectors {
    static final InetAddress A = address("192.0.2.1");
    static final InetAddress B = address("192.0.2.2");
    static final Clock CLOCK = Clock.fixed(Instant.parse("2027-06-01T00:00:00Z"), ZoneOffset.UTC);
    static final X509Certificate ROOT = cert("root.pem");
    static final X509Certificate INTER = cert("inter.pem");

    private PkiVectors() {
    }

    static InetAddress address(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] bytes(String name) {
        try (InputStream in = PkiVectors.class.getResourceAsStream("/pki/" + name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static X509Certificate cert(String name) {
        return Credentials.certificate(bytes(name));
    }

    /** The root CA with the intermediate's CRL loaded (revocation checked). */
    static TrustedCa rootWithCrl() {
        return new TrustedCa("root", ROOT, true, List.of(Credentials.crl(bytes("inter.crl"))), List.of());
    }
}
