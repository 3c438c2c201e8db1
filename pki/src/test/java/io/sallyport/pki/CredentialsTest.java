package io.sallyport.pki;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading what openssl and strongSwan's pki wrote, and signatures openssl made. */
class CredentialsTest {

    private static final byte[] DATA = Vectors.bytes("data.txt");

    @Test
    void pemAndDerCertificatesAreTheSame() {
        X509Certificate pem = Vectors.cert("gw.pem");
        X509Certificate der = Credentials.certificate(Vectors.bytes("gw.der"));
        assertEquals(pem, der);
        assertEquals("CN=gw.example.net,O=Sallyport Test,C=XX", ChainValidator.subject(pem));
    }

    @Test
    void severalCertificatesInOneFile() {
        byte[] both = (new String(Vectors.bytes("gw.pem"), StandardCharsets.US_ASCII)
                + new String(Vectors.bytes("inter.pem"), StandardCharsets.US_ASCII)).getBytes(StandardCharsets.US_ASCII);
        assertEquals(List.of(Vectors.cert("gw.pem"), Vectors.cert("inter.pem")), Credentials.certificates(both));
    }

    @Test
    void everyKeyFormSignsForTheCertificate() {
        X509Certificate cert = Vectors.cert("gw.pem");
        for (PrivateKey key : List.of(
                Credentials.privateKey(Vectors.bytes("gw.key"), null),
                Credentials.privateKey(Vectors.bytes("gw.pk8.pem"), null),
                Credentials.privateKey(Vectors.bytes("gw.enc.pk8.pem"), "sallyport".toCharArray()),
                Credentials.pkcs12(Vectors.bytes("gw.p12"), "sallyport".toCharArray()).key())) {
            byte[] sig = SignatureScheme.RSA_SHA256.sign(key, DATA);
            assertTrue(SignatureScheme.RSA_SHA256.verify(cert.getPublicKey(), DATA, sig));
            // PKCS#1 v1.5 is deterministic: the same bytes openssl produced.
            assertArrayEquals(Vectors.bytes("data.sha256.sig"), sig);
        }
    }

    @Test
    void encryptedKeyNeedsTheRightPassphrase() {
        byte[] enc = Vectors.bytes("gw.enc.pk8.pem");
        assertThrows(IllegalArgumentException.class, () -> Credentials.privateKey(enc, null));
        assertThrows(IllegalArgumentException.class, () -> Credentials.privateKey(enc, "wrong".toCharArray()));
        assertThrows(IllegalArgumentException.class, () -> Credentials.pkcs12(Vectors.bytes("gw.p12"), "wrong".toCharArray()));
    }

    @Test
    void pkcs12CarriesTheChain() {
        assertTrue(Credentials.isPkcs12(Vectors.bytes("gw.p12")));
        assertFalse(Credentials.isPkcs12(Vectors.bytes("gw.der")));
        var kc = Credentials.pkcs12(Vectors.bytes("gw.p12"), "sallyport".toCharArray());
        assertEquals(Vectors.cert("gw.pem"), kc.chain().getFirst());
        assertTrue(kc.chain().contains(Vectors.cert("inter.pem")));
    }

    @Test
    void ecKeyFromSec1Pem() {
        PrivateKey key = Credentials.privateKey(Vectors.bytes("ec.key"), null);
        byte[] sig = SignatureScheme.ECDSA_SHA256.sign(key, DATA);
        assertTrue(SignatureScheme.ECDSA_SHA256.verify(Vectors.cert("ec.pem").getPublicKey(), DATA, sig));
    }

    @Test
    void opensslSignaturesVerify() {
        var rsa = Vectors.cert("gw.pem").getPublicKey();
        assertTrue(SignatureScheme.RSA_SHA1.verify(rsa, DATA, Vectors.bytes("data.sha1.sig")));
        assertTrue(SignatureScheme.RSA_SHA256.verify(rsa, DATA, Vectors.bytes("data.sha256.sig")));
        assertFalse(SignatureScheme.RSA_SHA256.verify(rsa, DATA, Vectors.bytes("data.sha1.sig")));
        assertTrue(SignatureScheme.ECDSA_SHA256.verify(Vectors.cert("ec.pem").getPublicKey(), DATA, Vectors.bytes("data.ecdsa.sig")));
        byte[] flipped = Vectors.bytes("data.sha256.sig");
        flipped[10] ^= 1;
        assertFalse(SignatureScheme.RSA_SHA256.verify(rsa, DATA, flipped));
        // A key of the other type never verifies, and nothing throws.
        assertFalse(SignatureScheme.ECDSA_SHA256.verify(rsa, DATA, Vectors.bytes("data.ecdsa.sig")));
        assertFalse(SignatureScheme.RSA_SHA1.verify(rsa, DATA, new byte[3]));
    }

    @Test
    void rfc7427AlgorithmIdentifiers() {
        // RFC 7427 Appendix A.1.3 and A.3.1.
        assertEquals("300d06092a864886f70d01010b0500", java.util.HexFormat.of().formatHex(SignatureScheme.RSA_SHA256.algorithmIdentifier()));
        assertEquals("300a06082a8648ce3d040302", java.util.HexFormat.of().formatHex(SignatureScheme.ECDSA_SHA256.algorithmIdentifier()));
        for (SignatureScheme s : SignatureScheme.values()) {
            assertEquals(s, SignatureScheme.fromAlgorithmIdentifier(s.algorithmIdentifier()).orElseThrow());
        }
        assertTrue(SignatureScheme.fromAlgorithmIdentifier(new byte[] {0x30, 0x03, 0x06, 0x01, 0x00}).isEmpty());
        assertTrue(SignatureScheme.fromAlgorithmIdentifier(new byte[] {0x05}).isEmpty());
    }

    @Test
    void garbageIsRefusedWithAMessage() {
        assertThrows(IllegalArgumentException.class, () -> Credentials.certificates("hello".getBytes(StandardCharsets.US_ASCII)));
        assertThrows(IllegalArgumentException.class, () -> Credentials.privateKey("hello".getBytes(StandardCharsets.US_ASCII), null));
        assertThrows(IllegalArgumentException.class, () -> Credentials.crl(Vectors.bytes("gw.pem")));
    }
}
