package io.sallyport.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EspCipherKatTest {

    /** NULL encryption with an HMAC: seal() over an 8+n byte buffer leaves the truncated HMAC of it as ICV. */
    private static byte[] icvOf(final IntegrityAlgorithm integ, final byte[] key, final byte[] data) {
        final byte[] keyToUse = key.length == integ.keySize() ? key : Arrays.copyOf(key, integ.keySize());
        final EspCipher c = EspCipher.create(EncryptionAlgorithm.NULL, integ, new byte[0], keyToUse, 0);
        final byte[] buf = Arrays.copyOf(data, data.length + integ.icvSize());
        final int n = c.seal(buf, 0, data.length - 8, 1, false);
        assertEquals(data.length + integ.icvSize(), n);
        return Arrays.copyOfRange(buf, data.length, n);
    }

    @ParameterizedTest(name = "{0} case {1}")
    @DisplayName("RFC 2202 / RFC 4231 HMAC vectors, truncated to the ESP ICV (RFC 2404, RFC 4868)")
    @CsvSource({
        // alg, case, key hex, data (text), full HMAC hex
        "HMAC_MD5_96, 1, 0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b, Hi There, 9294727a3638bb1c13f48ef8158bfc9d",
        "HMAC_SHA1_96, 1, 0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b, Hi There, b617318655057264e28bc0b6fb378c8ef146be00",
        "HMAC_SHA_256_128, 1, 0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b, Hi There, b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
        "HMAC_SHA_384_192, 1, 0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b, Hi There, afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59cfaea9ea9076ede7f4af152e8b2fa9cb6",
        "HMAC_SHA_512_256, 1, 0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b, Hi There, 87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854",
        "HMAC_MD5_96, 2, 4a656665, what do ya want for nothing?, 750c783e6ab0b503eaa86e310a5db738",
        "HMAC_SHA1_96, 2, 4a656665, what do ya want for nothing?, effcdf6ae5eb2fa2d27416d5f184df9c259a7c79",
        "HMAC_SHA_256_128, 2, 4a656665, what do ya want for nothing?, 5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
    })
    void hmacVectors(final IntegrityAlgorithm alg, final int unusedCase, final String keyHex, final String data,
                     final String expected) {
        // HMAC pads short keys with zeros (RFC 2104 §2), so a zero-extended key gives the same MAC.
        final byte[] icv = icvOf(alg, Hex.bytes(keyHex), data.getBytes(StandardCharsets.US_ASCII));
        assertArrayEquals(Arrays.copyOf(Hex.bytes(expected), alg.icvSize()), icv);
    }

    @ParameterizedTest(name = "RFC 3602 case {0}")
    @DisplayName("RFC 3602 §4 AES-CBC vectors decrypt through the ESP cipher")
    @CsvSource({
        "1, 06a9214036b8a15b512e03d534120006, 3dafba429d9eb430b422da802c9fac41, 53696e676c6520626c6f636b206d7367, e353779c1079aeb82708942dbe77181a",
        "2, c286696d887c9aa0611bbb3e2025a45a, 562e17996d093d28ddb3ba695a2e6f58, 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f, d296cd94c2cccf8a3a863028b5e1dc0a7586602d253cfff91b8266bea6d61ab1",
    })
    void rfc3602(final int unusedCase, final String key, final String iv, final String plain, final String cipherText)
            throws Exception {
        final byte[] macKey = new byte[20];
        Arrays.fill(macKey, (byte) 0x42);
        final EspCipher c = EspCipher.create(EncryptionAlgorithm.AES_128_CBC, IntegrityAlgorithm.HMAC_SHA1_96,
                Hex.bytes(key), macKey, 0);
        final byte[] ct = Hex.bytes(cipherText);
        final byte[] buf = new byte[8 + 16 + ct.length + 12];
        System.arraycopy(Hex.bytes("0000100000000001"), 0, buf, 0, 8);
        System.arraycopy(Hex.bytes(iv), 0, buf, 8, 16);
        System.arraycopy(ct, 0, buf, 24, ct.length);
        final Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(macKey, "HmacSHA1"));
        mac.update(buf, 0, 24 + ct.length);
        System.arraycopy(mac.doFinal(), 0, buf, 24 + ct.length, 12);
        final int n = c.open(buf, 0, buf.length, 1, false);
        assertEquals(ct.length, n);
        assertArrayEquals(Hex.bytes(plain), Arrays.copyOfRange(buf, 24, 24 + n));
    }

    @Test
    @DisplayName("RFC 4106 §3-5: nonce = salt || explicit IV, explicit IV = sequence number, AAD = SPI || seq")
    void gcmLayoutMatchesRfc4106() throws Exception {
        final byte[] km = Hex.bytes("feffe9928665731c6d6a8f9467308308" + "cafebabe");
        final EspCipher c = EspCipher.create(EncryptionAlgorithm.AES_128_GCM, null, km, null, 0);
        final byte[] plain = Hex.bytes("45000028000040004006000" + "0c0000201c000020200010203");
        final long seq = 0x1234_5678L;
        final byte[] buf = new byte[8 + 8 + plain.length + 16];
        System.arraycopy(Hex.bytes("cafe0001" + "12345678"), 0, buf, 0, 8);
        System.arraycopy(plain, 0, buf, 16, plain.length);
        final int n = c.seal(buf, 0, plain.length, seq, false);
        assertEquals(buf.length, n);
        assertArrayEquals(Hex.bytes("0000000012345678"), Arrays.copyOfRange(buf, 8, 16));

        final Cipher ref = Cipher.getInstance("AES/GCM/NoPadding");
        ref.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(km, 0, 16, "AES"),
                new GCMParameterSpec(128, Hex.bytes("cafebabe" + "0000000012345678")));
        ref.updateAAD(Hex.bytes("cafe0001" + "12345678"));
        assertArrayEquals(ref.doFinal(plain), Arrays.copyOfRange(buf, 16, n));

        assertEquals(plain.length, c.open(buf, 0, n, seq, false));
        assertArrayEquals(plain, Arrays.copyOfRange(buf, 16, 16 + plain.length));
    }

    @Test
    @DisplayName("RFC 4106 §5 ESN: AAD = SPI || seq high || seq low, only the low half on the wire")
    void gcmEsnAad() throws Exception {
        final byte[] km = new byte[36];
        Arrays.fill(km, (byte) 7);
        final EspCipher c = EspCipher.create(EncryptionAlgorithm.AES_256_GCM, null, km, null, 0);
        final long seq = 0x0000_0002_0000_0005L;
        final byte[] plain = new byte[20];
        final byte[] buf = new byte[8 + 8 + 20 + 16];
        System.arraycopy(Hex.bytes("0000abcd00000005"), 0, buf, 0, 8);
        final int n = c.seal(buf, 0, 20, seq, true);
        final Cipher ref = Cipher.getInstance("AES/GCM/NoPadding");
        final byte[] nonce = new byte[12];
        System.arraycopy(km, 32, nonce, 0, 4);
        System.arraycopy(buf, 8, nonce, 4, 8);
        ref.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(km, 0, 32, "AES"), new GCMParameterSpec(128, nonce));
        ref.updateAAD(Hex.bytes("0000abcd" + "00000002" + "00000005"));
        assertArrayEquals(ref.doFinal(plain), Arrays.copyOfRange(buf, 16, n));
        // The wrong high half fails authentication.
        assertEquals(-1, c.open(buf.clone(), 0, n, 0x0000_0001_0000_0005L, true));
        assertEquals(20, c.open(buf, 0, n, seq, true));
    }

    @Test
    @DisplayName("RFC 4303 §2.2.1 ESN with HMAC: the high half is appended for the ICV only")
    void hmacEsnAppendsHighHalf() throws Exception {
        final byte[] macKey = new byte[32];
        Arrays.fill(macKey, (byte) 3);
        final EspCipher c = EspCipher.create(EncryptionAlgorithm.NULL, IntegrityAlgorithm.HMAC_SHA_256_128,
                new byte[0], macKey, 0);
        final byte[] buf = new byte[8 + 8 + 16];
        System.arraycopy(Hex.bytes("0000abcd00000009" + "0102030405060708"), 0, buf, 0, 16);
        final long seq = 0x0000_0007_0000_0009L;
        final int n = c.seal(buf, 0, 8, seq, true);
        final Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(macKey, "HmacSHA256"));
        mac.update(buf, 0, 16);
        mac.update(Hex.bytes("00000007"));
        assertArrayEquals(Arrays.copyOf(mac.doFinal(), 16), Arrays.copyOfRange(buf, 16, n));
    }

    @Test
    void refusesWrongKeyLengthsAndMissingIntegrity() {
        assertThrows(IllegalArgumentException.class,
                () -> EspCipher.create(EncryptionAlgorithm.AES_128_GCM, null, new byte[16], null, 0));
        assertThrows(IllegalArgumentException.class,
                () -> EspCipher.create(EncryptionAlgorithm.AES_128_CBC, null, new byte[16], null, 0));
        assertThrows(IllegalArgumentException.class, () -> EspCipher.create(EncryptionAlgorithm.AES_128_GCM,
                IntegrityAlgorithm.HMAC_SHA1_96, new byte[20], new byte[20], 0));
        assertThrows(IllegalArgumentException.class, () -> EspCipher.create(EncryptionAlgorithm.AES_256_CBC,
                IntegrityAlgorithm.HMAC_SHA1_96, new byte[32], new byte[16], 0));
    }
}
