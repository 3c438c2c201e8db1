package io.sallyport.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * ESP packets of 64 to 9,000 plaintext bytes sealed by OpenSSL (src/test/resources/openssl-gcm):
 * long enough for SunJCE's fused AES-GCM path (512 bytes and more) and its tail, which
 * Wycheproof's ESP-shaped vectors (at most 20 bytes) never reach. {@link GcmEspCipher#seal} must
 * produce OpenSSL's bytes, {@link GcmEspCipher#open} must recover the plaintext, and a flipped bit
 * anywhere must fail authentication and leave the packet as it was.
 */
class OpenSslGcmVectorsTest {

    @SuppressWarnings("unchecked")
    static Stream<Map<String, Object>> vectors() throws IOException {
        try (InputStream in = OpenSslGcmVectorsTest.class.getResourceAsStream("/openssl-gcm/esp_gcm_long.json")) {
            final Map<String, Object> root = (Map<String, Object>) Json.parse(
                    new String(in.readAllBytes(), StandardCharsets.UTF_8));
            return ((List<Map<String, Object>>) root.get("tests")).stream();
        }
    }

    private record Vector(EspCipher cipher, long seq, boolean esn, byte[] plain, byte[] packet) {
        static Vector of(final Map<String, Object> t) {
            final int bits = ((Number) t.get("keyBits")).intValue();
            final EncryptionAlgorithm alg = bits == 128 ? EncryptionAlgorithm.AES_128_GCM : EncryptionAlgorithm.AES_256_GCM;
            final byte[] km = concat(Hex.bytes((String) t.get("key")), Hex.bytes((String) t.get("salt")));
            final long seq = Long.parseUnsignedLong((String) t.get("seq"), 16);
            final byte[] plain = new byte[((Number) t.get("size")).intValue()];
            for (int i = 0; i < plain.length; i++) {
                plain[i] = (byte) (31 * i + 7);
            }
            final byte[] header = concat(Hex.bytes((String) t.get("spi")), Hex.bytes("%08x".formatted((int) seq)));
            final byte[] packet = concat(header, Hex.bytes("%016x".formatted(seq)),
                    Hex.bytes((String) t.get("ct")), Hex.bytes((String) t.get("tag")));
            return new Vector(EspCipher.create(alg, null, km, null, 0), seq, Boolean.TRUE.equals(t.get("esn")),
                    plain, packet);
        }
    }

    private static byte[] concat(final byte[]... parts) {
        int n = 0;
        for (final byte[] p : parts) {
            n += p.length;
        }
        final byte[] out = new byte[n];
        int off = 0;
        for (final byte[] p : parts) {
            System.arraycopy(p, 0, out, off, p.length);
            off += p.length;
        }
        return out;
    }

    @ParameterizedTest(name = "tcId {0}")
    @MethodSource("vectors")
    @DisplayName("seal writes OpenSSL's packet; open recovers the plaintext at an offset inside a larger buffer")
    void sealAndOpen(final Map<String, Object> t) {
        final Vector v = Vector.of(t);
        final int esp = 40;
        final byte[] buf = new byte[esp + v.packet.length + 24];
        System.arraycopy(v.packet, 0, buf, esp, 8);
        System.arraycopy(v.plain, 0, buf, esp + 16, v.plain.length);
        assertEquals(v.packet.length, v.cipher.seal(buf, esp, v.plain.length, v.seq, v.esn));
        assertArrayEquals(v.packet, Arrays.copyOfRange(buf, esp, esp + v.packet.length));

        final Vector fresh = Vector.of(t);
        assertEquals(v.plain.length, fresh.cipher.open(buf, esp, v.packet.length, v.seq, v.esn));
        assertArrayEquals(v.plain, Arrays.copyOfRange(buf, esp + 16, esp + 16 + v.plain.length));
        assertArrayEquals(new byte[24], Arrays.copyOfRange(buf, esp + v.packet.length, buf.length), "nothing written past the packet");
    }

    @ParameterizedTest(name = "tcId {0}")
    @MethodSource("vectors")
    @DisplayName("a flipped bit in the header, the ciphertext's first or last byte or the tag fails and moves nothing")
    void tamperedFailsAndMovesNothing(final Map<String, Object> t) {
        final Vector v = Vector.of(t);
        final int n = v.packet.length;
        for (final int at : new int[] {0, 5, 16, 16 + v.plain.length / 2, n - 17, n - 1}) {
            final byte[] buf = v.packet.clone();
            buf[at] ^= 0x10;
            final byte[] before = buf.clone();
            assertEquals(-1, v.cipher.open(buf, 0, n, v.seq, v.esn), "bit flipped at " + at);
            assertArrayEquals(before, buf, "bit flipped at " + at);
        }
        // The same cipher still opens the genuine packet after the failures.
        final byte[] buf = v.packet.clone();
        assertEquals(v.plain.length, v.cipher.open(buf, 0, n, v.seq, v.esn));
        assertArrayEquals(v.plain, Arrays.copyOfRange(buf, 16, 16 + v.plain.length));
    }
}
