package io.sallyport.gateway.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sallyport.pki.Credentials;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Numbering, duplicates, the bound on peer entries and clear, on strongSwan-made certificates. */
class CertificateCacheTest {

    private static X509Certificate cert(String name) {
        try (InputStream in = CertificateCacheTest.class.getResourceAsStream("/pki/" + name)) {
            return Credentials.certificate(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> subjects(CertificateCache c) {
        return c.entries().stream().map(e -> e.number() + " " + e.origin() + " "
                + e.certificate().getSubjectX500Principal().getName().replaceAll(",.*", "")).toList();
    }

    @Test
    void duplicatesAreCachedOnceAndTheOldestPeerEntriesMakeRoom() {
        CertificateCache c = new CertificateCache("ss", 2);
        c.add(List.of(cert("root.pem")), CertificateCache.Origin.TRUSTED_CA);
        c.add(List.of(cert("gw.pem"), cert("inter.pem")), CertificateCache.Origin.PEER);
        c.add(List.of(cert("gw.pem"), cert("inter.pem")), CertificateCache.Origin.PEER);
        assertEquals(List.of("1 TRUSTED_CA CN=Root CA", "2 PEER CN=gw.example.net", "3 PEER CN=Intermediate CA"), subjects(c));
        c.add(List.of(cert("ec.pem"), cert("inter.pem")), CertificateCache.Origin.PEER);
        assertEquals(List.of("1 TRUSTED_CA CN=Root CA", "3 PEER CN=Intermediate CA", "4 PEER CN=ec.example.net"), subjects(c));
        assertTrue(c.entries().getFirst().root() && !c.entries().getLast().root());
    }

    @Test
    void clearForgetsPeersOnlyAndNumbersGoOn() {
        CertificateCache c = new CertificateCache("ss");
        c.add(List.of(cert("root.pem")), CertificateCache.Origin.TRUSTED_CA);
        c.add(List.of(cert("gw.pem")), CertificateCache.Origin.PEER);
        c.add(List.of(cert("ec.pem")), CertificateCache.Origin.PEER);
        assertFalse(c.clearPeers(1), "entry 1 is the trusted CA");
        assertTrue(c.clearPeers(2));
        assertEquals(List.of("1 TRUSTED_CA CN=Root CA", "3 PEER CN=ec.example.net"), subjects(c));
        assertTrue(c.clearPeers(0));
        assertFalse(c.clearPeers(0));
        c.add(List.of(cert("gw.pem")), CertificateCache.Origin.PEER);
        assertEquals(List.of("1 TRUSTED_CA CN=Root CA", "4 PEER CN=gw.example.net"), subjects(c));
    }
}
