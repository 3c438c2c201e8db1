package io.sallyport.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * IKEv2 key derivation against NIST's SP 800-135 IKEv2 KDF vectors (CAVP), not against our own
 * round trips: SKEYSEED, the IKE SA keying material (prf+), the rekey SKEYSEED and, where the
 * vector has them, the child SA keying material with and without a new Diffie-Hellman secret.
 * The data file names where each vector comes from.
 */
class IkeKdfVectorsTest {

    private static final HexFormat HEX = HexFormat.of();

    /** One CAVP case: the hash of its section and its NAME = value lines. */
    record Vector(PrfAlgorithm prf, Map<String, String> fields) {
        byte[] get(String name) { return HEX.parseHex(fields.get(name)); }

        boolean has(String name) { return fields.containsKey(name); }

        @Override
        public String toString() { return prf + " COUNT " + fields.get("COUNT") + " (" + fields.get("SOURCE") + ")"; }
    }

    static List<Vector> vectors() throws IOException {
        List<Vector> out = new ArrayList<>();
        try (InputStream in = IkeKdfVectorsTest.class.getResourceAsStream("/nist-ikev2-kdf/ikev2-kdf.rsp")) {
            PrfAlgorithm prf = null;
            Map<String, String> fields = null;
            for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
                if (line.startsWith("#") || line.isBlank()) continue;
                if (line.startsWith("[")) {
                    prf = switch (line) {
                        case "[SHA-1]" -> PrfAlgorithm.HMAC_SHA1;
                        case "[SHA-256]" -> PrfAlgorithm.HMAC_SHA2_256;
                        case "[SHA-384]" -> PrfAlgorithm.HMAC_SHA2_384;
                        case "[SHA-512]" -> PrfAlgorithm.HMAC_SHA2_512;
                        default -> throw new IllegalArgumentException("unknown section " + line);
                    };
                    continue;
                }
                String[] kv = line.split(" = ", 2);
                if (kv[0].equals("COUNT")) {
                    fields = new LinkedHashMap<>();
                    out.add(new Vector(prf, fields));
                }
                fields.put(kv[0], kv[1]);
            }
        }
        return out;
    }

    @Test
    void fileHoldsVectorsForEachHash() throws IOException {
        var byHash = vectors().stream().collect(java.util.stream.Collectors.groupingBy(Vector::prf, java.util.stream.Collectors.counting()));
        assertEquals(Map.of(PrfAlgorithm.HMAC_SHA1, 2L, PrfAlgorithm.HMAC_SHA2_256, 1L, PrfAlgorithm.HMAC_SHA2_384, 1L), byHash);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void skeyseedIsPrfOfTheNoncesOverTheSharedSecret(Vector v) {
        assertEquals(v.fields().get("SKEYSEED"),
                HEX.formatHex(IkeKeyDerivation.skeyseed(v.prf(), v.get("Ni"), v.get("Nr"), v.get("g^ir"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void dkmIsPrfPlusOfSkeyseed(Vector v) {
        byte[] seed = concat(v.get("Ni"), v.get("Nr"), v.get("SPIi"), v.get("SPIr"));
        byte[] dkm = v.get("DKM");
        assertArrayEquals(dkm, new Prf(v.prf()).prfPlus(v.get("SKEYSEED"), seed, dkm.length));
    }

    /** The IKE SA keys are DKM cut in RFC 7296 order: SK_d, SK_ai, SK_ar, SK_ei, SK_er, SK_pi, SK_pr. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void ikeSaKeysAreDkmInOrder(Vector v) {
        IkeSaKeys k = IkeKeyDerivation.ikeSaKeys(v.prf(), EncryptionAlgorithm.AES_128_CBC, IntegrityAlgorithm.HMAC_SHA1_96,
                v.get("SKEYSEED"), v.get("Ni"), v.get("Nr"), ByteBuffer.wrap(v.get("SPIi")).getLong(),
                ByteBuffer.wrap(v.get("SPIr")).getLong());
        byte[] all = concat(k.skD(), k.skAi(), k.skAr(), k.skEi(), k.skEr(), k.skPi(), k.skPr());
        byte[] dkm = v.get("DKM");
        int n = Math.min(all.length, dkm.length);
        assertArrayEquals(Arrays.copyOf(dkm, n), Arrays.copyOf(all, n));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void rekeySkeyseedIsPrfOfTheOldSkD(Vector v) {
        assertEquals(v.fields().get("SKEYSEED(Rekey)"), HEX.formatHex(IkeKeyDerivation.rekeySkeyseed(v.prf(), skD(v),
                v.get("g^ir (new)"), v.get("Ni"), v.get("Nr"))));
    }

    static Stream<Vector> vectorsWithChildSa() throws IOException {
        return vectors().stream().filter(v -> v.has("DKM(Child SA)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectorsWithChildSa")
    void childSaKeyMaterialWithAndWithoutNewDiffieHellman(Vector v) {
        byte[] plain = v.get("DKM(Child SA)");
        byte[] dh = v.get("DKM(Child SA D-H)");
        assertArrayEquals(plain, IkeKeyDerivation.childKeyMaterial(v.prf(), skD(v), null, v.get("Ni"), v.get("Nr"), plain.length));
        assertArrayEquals(dh, IkeKeyDerivation.childKeyMaterial(v.prf(), skD(v), v.get("g^ir (new)"), v.get("Ni"), v.get("Nr"),
                dh.length));
    }

    private static byte[] skD(Vector v) {
        return Arrays.copyOf(v.get("DKM"), v.prf().outputSize());
    }

    private static byte[] concat(byte[]... parts) {
        ByteBuffer b = ByteBuffer.allocate(Arrays.stream(parts).mapToInt(p -> p.length).sum());
        for (byte[] p : parts) b.put(p);
        return b.array();
    }
}
