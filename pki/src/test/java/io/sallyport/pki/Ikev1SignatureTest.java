package io.sallyport.pki;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.PublicKey;
import org.junit.jupiter.api.Test;

/** IKEv1 SIG_I/SIG_R against openssl's PKCS#1 v1.5 signature of raw hash octets (make-vectors.sh). */
class Ikev1SignatureTest {

    private static final byte[] HASH = Vectors.bytes("ikev1-hash.bin");

    @Test
    void signsExactlyAsOpensslDoesWithoutDigestInfo() {
        byte[] sig = Ikev1Signature.sign(Credentials.privateKey(Vectors.bytes("gw.key"), null), HASH);
        assertArrayEquals(Vectors.bytes("ikev1-hash.sig"), sig);
    }

    @Test
    void verifiesOpensslsSignatureAndRefusesOthers() {
        PublicKey gw = Vectors.cert("gw.pem").getPublicKey();
        assertTrue(Ikev1Signature.verify(gw, HASH, Vectors.bytes("ikev1-hash.sig")));
        byte[] other = HASH.clone();
        other[0] ^= 1;
        assertFalse(Ikev1Signature.verify(gw, other, Vectors.bytes("ikev1-hash.sig")));
        assertFalse(Ikev1Signature.verify(Vectors.cert("wrong.pem").getPublicKey(), HASH, Vectors.bytes("ikev1-hash.sig")));
        assertFalse(Ikev1Signature.verify(Vectors.cert("ec.pem").getPublicKey(), HASH, Vectors.bytes("ikev1-hash.sig")));
        // A signature with DigestInfo (openssl dgst) is not an IKEv1 SIG.
        assertFalse(Ikev1Signature.verify(gw, HASH, Vectors.bytes("data.sha1.sig")));
    }
}
