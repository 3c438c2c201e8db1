package io.sallyport.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sallyport.pki.CertificateIdentity.Kind;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CertificateIdentityTest {

    private static final X509Certificate GW = Vectors.cert("gw.pem");

    private static Optional<String> check(Kind kind, byte[] data) {
        return CertificateIdentity.mismatch(GW, kind, data);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void distinguishedNameIsTheSubject() throws Exception {
        assertEquals(Optional.empty(), check(Kind.DISTINGUISHED_NAME, GW.getSubjectX500Principal().getEncoded()));
        // Typed the way strongSwan prints it, encoded by us: the same DER.
        assertEquals(Optional.empty(), check(Kind.DISTINGUISHED_NAME, DistinguishedNames.der("C=XX, O=Sallyport Test, CN=gw.example.net")));
        assertTrue(check(Kind.DISTINGUISHED_NAME, DistinguishedNames.der("C=XX, O=Sallyport Test, CN=other")).isPresent());
        assertTrue(check(Kind.DISTINGUISHED_NAME, new byte[] {1, 2, 3}).isPresent());
    }

    @Test
    void namesAndAddressesAreSubjectAltNames() throws Exception {
        assertEquals(Optional.empty(), check(Kind.FQDN, ascii("gw.example.net")));
        assertEquals(Optional.empty(), check(Kind.FQDN, ascii("GW.Example.NET")));
        assertEquals(Optional.empty(), check(Kind.EMAIL, ascii("gw@example.net")));
        assertEquals(Optional.empty(), check(Kind.IPV4, InetAddress.getByName("192.0.2.1").getAddress()));
        assertTrue(check(Kind.FQDN, ascii("other.example.net")).get().contains("not a subjectAltName"));
        assertTrue(check(Kind.EMAIL, ascii("gw.example.net")).isPresent());
        assertTrue(check(Kind.FQDN, ascii("gw@example.net")).isPresent());
        assertTrue(check(Kind.IPV4, InetAddress.getByName("192.0.2.2").getAddress()).isPresent());
        // The CN alone is not a subjectAltName.
        assertTrue(CertificateIdentity.mismatch(Vectors.cert("fake-sub.pem"), Kind.FQDN, ascii("fake.example.net")).isPresent());
    }
}
