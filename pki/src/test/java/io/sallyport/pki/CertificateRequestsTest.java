package io.sallyport.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.util.List;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateRequestsTest {

    @TempDir
    Path dir;

    private static final SecureRandom RANDOM = new SecureRandom();

    @Test
    void keySizesAndTypes() {
        assertEquals(2048, KeyPairs.bits(KeyPairs.generate(KeyAlgorithm.RSA, 2048, RANDOM).getPublic()));
        assertEquals(384, KeyPairs.bits(KeyPairs.generate(KeyAlgorithm.ECDSA, 384, RANDOM).getPublic()));
        assertThrows(IllegalArgumentException.class, () -> KeyPairs.generate(KeyAlgorithm.RSA, 512, RANDOM));
        assertThrows(IllegalArgumentException.class, () -> KeyPairs.generate(KeyAlgorithm.ECDSA, 521, RANDOM));
    }

    @Test
    void opensslAcceptsOurRequest() throws Exception {
        KeyPair keys = KeyPairs.generate(KeyAlgorithm.RSA, 2048, RANDOM);
        byte[] der = CertificateRequests.create(keys, "CN=router2.example.com, O=Example, C=US",
                List.of(new SubjectAltName.DnsName("router2.example.com"),
                        new SubjectAltName.IpAddress(InetAddress.getByName("192.0.2.1")),
                        new SubjectAltName.Email("ops@example.com")),
                CertificateRequests.Digest.SHA_256);
        JcaPKCS10CertificationRequest req = new JcaPKCS10CertificationRequest(new PKCS10CertificationRequest(der));
        assertEquals(keys.getPublic(), req.getPublicKey());

        assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl not installed");
        Path file = dir.resolve("req.pem");
        Files.writeString(file, Credentials.pemBlock("CERTIFICATE REQUEST", der));
        Process p = new ProcessBuilder("openssl", "req", "-in", file.toString(), "-verify", "-noout", "-text")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        assertTrue(out.contains("verify OK") || out.contains("Certificate request self-signature verify OK"), out);
        assertTrue(out.contains("CN = router2.example.com"), out);
        assertTrue(out.contains("DNS:router2.example.com"), out);
        assertTrue(out.contains("IP Address:192.0.2.1"), out);
        assertTrue(out.contains("email:ops@example.com"), out);
        assertTrue(out.contains("sha256WithRSAEncryption"), out);
    }

    @Test
    void ecdsaRequestAndBadSubject() {
        KeyPair keys = KeyPairs.generate(KeyAlgorithm.ECDSA, 256, RANDOM);
        byte[] der = CertificateRequests.create(keys, "CN=ec", List.of(), CertificateRequests.Digest.SHA_384);
        assertTrue(der.length > 100);
        assertThrows(IllegalArgumentException.class,
                () -> CertificateRequests.create(keys, "not a dn", List.of(), CertificateRequests.Digest.SHA_256));
    }
}
