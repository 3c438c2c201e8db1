package io.sallyport.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

class EspCipherPropertiesTest {

    record Suite(EncryptionAlgorithm enc, IntegrityAlgorithm integ) {}

    @Provide
    Arbitrary<Suite> suites() {
        final var aead = Arbitraries.of(EncryptionAlgorithm.AES_128_GCM, EncryptionAlgorithm.AES_192_GCM,
                EncryptionAlgorithm.AES_256_GCM).map(e -> new Suite(e, null));
        final var classic = Arbitraries.of(EncryptionAlgorithm.NULL, EncryptionAlgorithm.TRIPLE_DES_CBC,
                        EncryptionAlgorithm.AES_128_CBC, EncryptionAlgorithm.AES_192_CBC, EncryptionAlgorithm.AES_256_CBC)
                .flatMap(e -> Arbitraries.of(IntegrityAlgorithm.values()).map(i -> new Suite(e, i)));
        return Arbitraries.oneOf(aead, classic);
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

    @Property(tries = 300)
    void sealThenOpenIsIdentityAndAnyFlippedBitFails(@ForAll("suites") final Suite suite,
                                                     @ForAll @IntRange(min = 1, max = 300) final int blocks,
                                                     @ForAll @LongRange(min = 1) final long seq,
                                                     @ForAll final boolean esn,
                                                     @ForAll final long seed) {
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

    @Property(tries = 50)
    void cbcIvsDifferPerSequenceNumber(@ForAll @LongRange(min = 1, max = Long.MAX_VALUE - 1) final long seq) {
        final EspCipher c = cipher(new Suite(EncryptionAlgorithm.AES_256_CBC, IntegrityAlgorithm.HMAC_SHA1_96), 9);
        final byte[] a = new byte[8 + 16 + 16 + 12];
        final byte[] b = a.clone();
        c.seal(a, 0, 16, seq, false);
        c.seal(b, 0, 16, seq + 1, false);
        assertNotEquals(Hex.string(a, 8, 16), Hex.string(b, 8, 16));
    }
}
