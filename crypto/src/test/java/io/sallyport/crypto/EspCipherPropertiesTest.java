package io.sallyport.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

class EspCipherPropertiesTest {

    record Suite(EncryptionAlgorithm enc, IntegrityAlgorithm integ) {}

    /** Half the draws an AEAD suite, half a classic cipher with any integrity algorithm. */
    static Gen<Suite> suites() {
        final Gen<Suite> aead = Generate.pick(Stream.of(EncryptionAlgorithm.AES_128_GCM, EncryptionAlgorithm.AES_192_GCM,
                EncryptionAlgorithm.AES_256_GCM).map(e -> new Suite(e, null)).toList());
        final Gen<Suite> classic = Generate.pick(Stream.of(EncryptionAlgorithm.NULL, EncryptionAlgorithm.TRIPLE_DES_CBC,
                        EncryptionAlgorithm.AES_128_CBC, EncryptionAlgorithm.AES_192_CBC, EncryptionAlgorithm.AES_256_CBC)
                .flatMap(e -> Stream.of(IntegrityAlgorithm.values()).map(i -> new Suite(e, i))).toList());
        return Generate.oneOf(aead, classic);
    }

    /** One sealed packet: suite, plaintext length in cipher blocks, sequence number, ESN, key seed. */
    record Case(Suite suite, int blocks, long seq, boolean esn, long seed) {
    }

    static EspCipher cipher(final Suite s, final long seed) {
        final Random r = new Random(seed);
        final byte[] ek = new byte[s.enc().keyMaterialSize()];
        r.nextBytes(ek);
        final byte[] ik = s.integ() == null ? null : new byte[s.integ().keySize()];
        if (ik != null) {
            r.nextBytes(ik);
        }
        return EspCipher.create(s.enc(), s.integ(), ek, ik, seed);
    }

    @Test
    void sealThenOpenIsIdentityAndAnyFlippedBitFails() {
        final Gen<Case> cases = suites().zip(integers().between(1, 300), longs().between(1, Long.MAX_VALUE),
                booleans().all(), longs().all(), Case::new);
        qt().withExamples(300).forAll(cases).checkAssert(c -> sealThenOpen(c.suite(), c.blocks(), c.seq(), c.esn(), c.seed()));
    }

    private static void sealThenOpen(final Suite suite, final int blocks, final long seq, final boolean esn, final long seed) {
        final EspCipher tx = cipher(suite, seed);
        final EspCipher rx = cipher(suite, seed);
        final int pt = blocks * tx.alignment();
        final byte[] buf = new byte[8 + tx.ivSize() + pt + tx.icvSize()];
        final Random r = new Random(seed ^ seq);
        r.nextBytes(buf);
        final byte[] plain = Arrays.copyOfRange(buf, 8 + tx.ivSize(), 8 + tx.ivSize() + pt);
        final int n = tx.seal(buf, 0, pt, seq, esn);
        assertEquals(buf.length, n);
        final byte[] sealed = buf.clone();
        assertEquals(pt, rx.open(buf, 0, n, seq, esn));
        assertArrayEquals(plain, Arrays.copyOfRange(buf, 8 + tx.ivSize(), 8 + tx.ivSize() + pt));

        final byte[] tampered = sealed.clone();
        final int bit = r.nextInt(n * 8);
        tampered[bit / 8] ^= (byte) (1 << (bit % 8));
        assertEquals(-1, rx.open(tampered, 0, n, seq, esn));
        if (esn) {
            assertEquals(-1, rx.open(sealed.clone(), 0, n, seq + (1L << 32), true));
        }
    }

    @Test
    void cbcIvsDifferPerSequenceNumber() {
        qt().withExamples(50).forAll(longs().between(1, Long.MAX_VALUE - 1)).checkAssert(seq -> {
            final EspCipher c = cipher(new Suite(EncryptionAlgorithm.AES_256_CBC, IntegrityAlgorithm.HMAC_SHA1_96), 9);
            final byte[] a = new byte[8 + 16 + 16 + 12];
            final byte[] b = a.clone();
            c.seal(a, 0, 16, seq, false);
            c.seal(b, 0, 16, seq + 1, false);
            assertNotEquals(Hex.string(a, 8, 16), Hex.string(b, 8, 16));
        });
    }
}
