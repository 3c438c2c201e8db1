package io.sallyport.ike.message;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import io.sallyport.crypto.EncryptionAlgorithm;
import io.sallyport.crypto.IntegrityAlgorithm;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * Byte mutations of valid messages never fault the decoder. {@link MessageCodec#decode} turns a
 * runtime exception into an {@code UnprotectedError("decoder fault: ...")} so that one can't escape
 * the engine; this test looks through that net and fails on it.
 */
class DecoderFuzzTest {

    /** One mutation: flip, overwrite, truncate or extend at a position. */
    record Mutation(int kind, int position, int value) {
        byte[] apply(byte[] m) {
            if (m.length == 0) {
                return new byte[] {(byte) value};
            }
            int p = Math.floorMod(position, m.length);
            return switch (kind) {
                case 0 -> { byte[] c = m.clone(); c[p] ^= (byte) (1 << (value & 7)); yield c; }
                case 1 -> { byte[] c = m.clone(); c[p] = (byte) value; yield c; }
                case 2 -> Arrays.copyOf(m, p);
                default -> { byte[] c = Arrays.copyOf(m, m.length + 1 + (value & 63)); c[p] = (byte) value; yield c; }
            };
        }
    }

    static Gen<List<Mutation>> mutations() {
        return lists().of(integers().between(0, 3).zip(integers().between(0, 4096), integers().between(0, 255), Mutation::new))
                .ofSizeBetween(1, 4);
    }

    private static final byte[] PLAIN = MessageCodec.encode(MessageCodecTest.INIT, MessageCodecTest.everyPayload());
    private static final SkCipher CBC = SkCipher.create(EncryptionAlgorithm.AES_256_CBC, IntegrityAlgorithm.HMAC_SHA_256_128,
            new byte[32], new byte[32], new SecureRandom());

    @Test
    void plaintextDecodingIsTotal() {
        qt().withExamples(400).forAll(mutations()).checkAssert(ms -> {
            byte[] m = PLAIN;
            for (Mutation x : ms) {
                m = x.apply(m);
            }
            fixLength(m);
            assertNoFault(MessageCodec.decodePlain(m));
        });
    }

    @Test
    void encryptedDecodingIsTotal() {
        qt().withExamples(200).forAll(mutations()).checkAssert(ms -> {
            byte[] m = MessageCodec.encodeEncrypted(MessageCodecTest.AUTH, MessageCodecTest.everyPayload(), CBC);
            for (Mutation x : ms) {
                m = x.apply(m);
            }
            fixLength(m);
            assertNoFault(MessageCodec.decode(m, CBC, new FragmentBuffer()));
        });
    }

    /** Fails when the decoder's safety net caught a runtime exception (a codec bug). */
    static void assertNoFault(DecodeResult r) {
        assertFalse(r instanceof DecodeResult.UnprotectedError(var h, var cause, var reason) && reason.startsWith("decoder fault"),
                () -> r.toString());
    }

    /** Keep the header length right half the time so mutations reach the payload parser. */
    private static void fixLength(byte[] m) {
        if (m.length >= IkeHeader.SIZE && (m[m.length - 1] & 1) == 0) {
            Bytes.put32(m, 24, m.length);
        }
    }
}
