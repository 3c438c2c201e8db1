package io.sallyport.pki;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.OptionalInt;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.jcajce.provider.asymmetric.util.ECUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * IKEv1 SIG_I/SIG_R against openssl: RSA (RFC 2409 §5.1) as {@code pkeyutl}'s PKCS#1 v1.5
 * signature of raw hash octets, ECDSA (RFC 4754) as {@code pkeyutl}'s ECDSA signature of raw
 * hash octets turned into r|s by make-vectors.sh; our ECDSA signatures checked by Bouncy Castle's
 * own ECDSA (not the JCA provider that made them).
 */
class Ikev1SignatureTest {

    private static final byte[] HASH = Vectors.bytes("ikev1-hash.bin");
    private static final byte[] HASH48 = Vectors.bytes("ikev1-hash48.bin");

    @Test
    void signsExactlyAsOpensslDoesWithoutDigestInfo() {
        byte[] sig = Ikev1Signature.sign(Credentials.privateKey(Vectors.bytes("gw.key"), null), HASH);
        assertArrayEquals(Vectors.bytes("ikev1-hash.sig"), sig);
    }

    @Test
    void verifiesOpensslsSignatureAndRefusesOthers() {
        PublicKey gw = Vectors.cert("gw.pem").getPublicKey();
        assertTrue(Ikev1Signature.verify(Ikev1Signature.RSA, gw, HASH, Vectors.bytes("ikev1-hash.sig")));
        byte[] other = HASH.clone();
        other[0] ^= 1;
        assertFalse(Ikev1Signature.verify(Ikev1Signature.RSA, gw, other, Vectors.bytes("ikev1-hash.sig")));
        assertFalse(Ikev1Signature.verify(Ikev1Signature.RSA, Vectors.cert("wrong.pem").getPublicKey(), HASH,
                Vectors.bytes("ikev1-hash.sig")));
        assertFalse(Ikev1Signature.verify(Ikev1Signature.RSA, Vectors.cert("ec.pem").getPublicKey(), HASH,
                Vectors.bytes("ikev1-hash.sig")));
        // A signature with DigestInfo (openssl dgst) is not an IKEv1 SIG.
        assertFalse(Ikev1Signature.verify(Ikev1Signature.RSA, gw, HASH, Vectors.bytes("data.sha1.sig")));
        // The right RSA signature under a method the key does not sign with.
        assertFalse(Ikev1Signature.verify(Ikev1Signature.ECDSA_256, gw, HASH, Vectors.bytes("ikev1-hash.sig")));
    }

    @Test
    void methodFollowsTheKey() {
        assertEquals(OptionalInt.of(3), Ikev1Signature.method(Vectors.cert("gw.pem").getPublicKey()));
        assertEquals(OptionalInt.of(9), Ikev1Signature.method(Vectors.cert("ec.pem").getPublicKey()));
        assertEquals(OptionalInt.of(10), Ikev1Signature.method(Vectors.cert("ec384.pem").getPublicKey()));
        assertEquals(OptionalInt.of(11), Ikev1Signature.method(Vectors.cert("ec521.pem").getPublicKey()));
        assertEquals(OptionalInt.of(11), Ikev1Signature.method(Credentials.privateKey(Vectors.bytes("ec521.key"), null)));
    }

    /** openssl's r|s over a 20-octet hash (SHA-1 PRF) and a 48-octet one, which P-256 truncates. */
    @ParameterizedTest
    @CsvSource({"ec, ikev1-hash.bin, ikev1-hash.ecdsa256.sig, 9", "ec, ikev1-hash48.bin, ikev1-hash48.ecdsa256.sig, 9",
            "ec384, ikev1-hash48.bin, ikev1-hash48.ecdsa384.sig, 10", "ec521, ikev1-hash48.bin, ikev1-hash48.ecdsa521.sig, 11"})
    void verifiesOpensslsEcdsaSignaturesOfRawHashes(String key, String hash, String sig, int method) {
        PublicKey pub = Vectors.cert(key + ".pem").getPublicKey();
        byte[] h = Vectors.bytes(hash);
        byte[] s = Vectors.bytes(sig);
        assertTrue(Ikev1Signature.verify(method, pub, h, s));
        byte[] bent = s.clone();
        bent[s.length - 1] ^= 1;
        assertFalse(Ikev1Signature.verify(method, pub, h, bent));
        byte[] otherHash = h.clone();
        otherHash[0] ^= 1;
        assertFalse(Ikev1Signature.verify(method, pub, otherHash, s));
        assertFalse(Ikev1Signature.verify(method, pub, h, Arrays.copyOf(s, s.length - 1)), "r|s has a fixed length");
        assertFalse(Ikev1Signature.verify(method == 9 ? 10 : 9, pub, h, s), "the method names the curve");
        assertFalse(Ikev1Signature.verify(method, Vectors.cert("ec-peer.pem").getPublicKey(), h, s));
    }

    @ParameterizedTest
    @CsvSource({"ec, 32", "ec384, 48", "ec521, 66"})
    void ourEcdsaSignaturesAreRsOfTheCurveLengthAndVerifyWithBouncyCastle(String key, int octets) throws Exception {
        for (byte[] h : new byte[][] {HASH, HASH48, Arrays.copyOf(HASH48, 64)}) {
            byte[] sig = Ikev1Signature.sign(Credentials.privateKey(Vectors.bytes(key + ".key"), null), h);
            assertEquals(2 * octets, sig.length);
            ECDSASigner bc = new ECDSASigner();
            bc.init(false, (ECPublicKeyParameters) ECUtil.generatePublicKeyParameter(Vectors.cert(key + ".pem").getPublicKey()));
            BigInteger r = new BigInteger(1, Arrays.copyOfRange(sig, 0, octets));
            BigInteger s = new BigInteger(1, Arrays.copyOfRange(sig, octets, 2 * octets));
            assertTrue(bc.verifySignature(h, r, s), key + " over " + h.length + " octets");
        }
    }
}
