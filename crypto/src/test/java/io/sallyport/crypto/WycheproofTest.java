package io.sallyport.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Wycheproof vectors driven through the ESP cipher objects themselves, where the ESP framing allows. */
class WycheproofTest {

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> groups(final String file) throws IOException {
        try (InputStream in = WycheproofTest.class.getResourceAsStream("/wycheproof/" + file)) {
            final Map<String, Object> root = (Map<String, Object>) Json.parse(
                    new String(in.readAllBytes(), StandardCharsets.UTF_8));
            return (List<Map<String, Object>>) root.get("testGroups");
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> tests(final Map<String, Object> group) {
        return (List<Map<String, Object>>) group.get("tests");
    }

    private static byte[] hex(final Map<String, Object> t, final String k) {
        return Hex.bytes((String) t.get(k));
    }

    /**
     * An ESP packet is SPI || seq || explicit IV || ciphertext || tag, with AAD SPI || seq (8 bytes)
     * or SPI || seq-high || seq-low (12 bytes, ESN) and nonce salt || explicit IV. Every vector with
     * such an AAD maps onto one exactly, so {@link EspCipher#open} must accept the valid ones and
     * reject the invalid ones.
     */
    @Test
    @DisplayName("Wycheproof AES-GCM (96-bit IV, 128-bit tag) through GcmEspCipher.open")
    void aesGcm() throws IOException {
        int run = 0;
        for (final Map<String, Object> g : groups("aes_gcm_test.json")) {
            final int keyBits = ((Number) g.get("keySize")).intValue();
            final EncryptionAlgorithm alg = switch (keyBits) {
                case 128 -> EncryptionAlgorithm.AES_128_GCM;
                case 192 -> EncryptionAlgorithm.AES_192_GCM;
                default -> EncryptionAlgorithm.AES_256_GCM;
            };
            for (final Map<String, Object> t : tests(g)) {
                final byte[] aad = hex(t, "aad");
                if (aad.length != 8 && aad.length != 12) {
                    continue;
                }
                final boolean esn = aad.length == 12;
                final byte[] iv = hex(t, "iv");
                final byte[] ct = hex(t, "ct");
                final byte[] tag = hex(t, "tag");
                final byte[] km = new byte[keyBits / 8 + 4];
                System.arraycopy(hex(t, "key"), 0, km, 0, keyBits / 8);
                System.arraycopy(iv, 0, km, keyBits / 8, 4);
                final byte[] buf = new byte[16 + ct.length + tag.length];
                System.arraycopy(aad, 0, buf, 0, 4);
                System.arraycopy(aad, esn ? 8 : 4, buf, 4, 4);
                System.arraycopy(iv, 4, buf, 8, 8);
                System.arraycopy(ct, 0, buf, 16, ct.length);
                System.arraycopy(tag, 0, buf, 16 + ct.length, tag.length);
                final long seq = esn ? (readInt(aad, 4) << 32) | readInt(aad, 8) : readInt(aad, 4);
                final EspCipher c = EspCipher.create(alg, null, km, null, 0);
                final int n = c.open(buf, 0, buf.length, seq, esn);
                final String id = "tcId " + t.get("tcId");
                if ("invalid".equals(t.get("result"))) {
                    assertEquals(-1, n, id);
                } else {
                    assertEquals(ct.length, n, id);
                    assertArrayEquals(hex(t, "msg"), Arrays.copyOfRange(buf, 16, 16 + n), id);
                }
                run++;
            }
        }
        assertTrue(run >= 5, "expected ESP-shaped vectors, ran " + run);
    }

    /**
     * With the null cipher the ICV covers exactly the bytes handed in, so the HMAC of a Wycheproof
     * message (at least the 8 header bytes long) appears truncated in the ICV. Keys of the full
     * hash length only: that is what ESP uses.
     */
    @ParameterizedTest
    @CsvSource({"hmac_sha1_test.json, HMAC_SHA1_96", "hmac_sha256_test.json, HMAC_SHA_256_128"})
    @DisplayName("Wycheproof HMAC through the ESP ICV")
    void hmac(final String file, final IntegrityAlgorithm alg) throws IOException {
        int run = 0;
        for (final Map<String, Object> g : groups(file)) {
            if (((Number) g.get("keySize")).intValue() != alg.keySize() * 8) {
                continue;
            }
            for (final Map<String, Object> t : tests(g)) {
                final byte[] msg = hex(t, "msg");
                final byte[] tag = hex(t, "tag");
                if (msg.length < 8 || tag.length < alg.icvSize()) {
                    continue;
                }
                final EspCipher c = EspCipher.create(EncryptionAlgorithm.NULL, alg, new byte[0], hex(t, "key"), 0);
                final byte[] buf = Arrays.copyOf(msg, msg.length + alg.icvSize());
                c.seal(buf, 0, msg.length - 8, 1, false);
                final byte[] icv = Arrays.copyOfRange(buf, msg.length, buf.length);
                final String id = "tcId " + t.get("tcId");
                if ("valid".equals(t.get("result"))) {
                    assertArrayEquals(Arrays.copyOf(tag, alg.icvSize()), icv, id);
                } else {
                    // A modified tag may differ only in the bytes ESP truncates away: then the ICV
                    // still matches it; otherwise it must not.
                    final boolean prefixIntact = Arrays.equals(Arrays.copyOf(fullMac(alg, hex(t, "key"), msg),
                            alg.icvSize()), Arrays.copyOf(tag, alg.icvSize()));
                    assertEquals(prefixIntact, Arrays.equals(Arrays.copyOf(tag, alg.icvSize()), icv), id);
                }
                run++;
            }
        }
        assertTrue(run >= 40, "ran " + run);
    }

    private static byte[] fullMac(final IntegrityAlgorithm alg, final byte[] key, final byte[] msg) {
        try {
            final javax.crypto.Mac m = javax.crypto.Mac.getInstance(alg.jcaName());
            m.init(new javax.crypto.spec.SecretKeySpec(key, alg.jcaName()));
            return m.doFinal(msg);
        } catch (java.security.GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    private static long readInt(final byte[] b, final int off) {
        return ((b[off] & 0xFFL) << 24) | ((b[off + 1] & 0xFF) << 16) | ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
    }

    /**
     * ECDH with the peer's point as the KE payload carries it (x || y, RFC 5903 §7): every vector
     * whose public key is an uncompressed point maps onto one exactly (the 04 prefix dropped).
     * Valid ones must give the shared x coordinate; invalid ones (points off the curve, coordinates
     * not below p, the point at infinity) an empty result, never an exception. Compressed points
     * and other encodings have no KE form and are skipped; the count run is checked so the
     * skipping cannot hide everything.
     */
    @ParameterizedTest
    @CsvSource({"ecdh_secp256r1_ecpoint_test.json, GROUP19, 346", "ecdh_secp384r1_ecpoint_test.json, GROUP20, 115",
            "ecdh_secp521r1_ecpoint_test.json, GROUP21, 115"})
    @DisplayName("Wycheproof ECDH (uncompressed points) through KeyExchange.sharedSecret")
    void ecdh(final String file, final DhGroup group, final int expectedRun) throws IOException {
        int run = 0;
        for (final Map<String, Object> g : groups(file)) {
            for (final Map<String, Object> t : tests(g)) {
                final byte[] pub = hex(t, "public");
                if (pub.length != group.publicValueSize() + 1 || pub[0] != 4) {
                    continue;
                }
                final byte[] peer = Arrays.copyOfRange(pub, 1, pub.length);
                final var ke = KeyExchange.fromEcPrivate(group, new java.math.BigInteger(1, hex(t, "private")),
                        new byte[group.publicValueSize()]);
                final var shared = ke.sharedSecret(peer);
                final String id = "tcId " + t.get("tcId") + " " + t.get("comment");
                if ("valid".equals(t.get("result"))) {
                    assertArrayEquals(hex(t, "shared"), shared.orElseThrow(() -> new AssertionError(id)), id);
                } else if ("invalid".equals(t.get("result"))) {
                    assertTrue(shared.isEmpty(), id);
                }
                run++;
            }
        }
        assertEquals(expectedRun, run);
    }
}
