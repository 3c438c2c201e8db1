package io.sallyport.ike.message;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.sallyport.crypto.EncryptionAlgorithm;
import io.sallyport.crypto.IntegrityAlgorithm;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Byte mutations of valid messages never make the decoder throw; it always returns a DecodeResult. */
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

    @Provide
    Arbitrary<List<Mutation>> mutations() {
        return Combinators.combine(Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 4096),
                Arbitraries.integers().between(0, 255)).as(Mutation::new).list().ofMinSize(1).ofMaxSize(4);
    }

    private static final byte[] PLAIN = MessageCodec.encode(MessageCodecTest.INIT, MessageCodecTest.everyPayload());
    private static final SkCipher CBC = SkCipher.create(EncryptionAlgorithm.AES_256_CBC, IntegrityAlgorithm.HMAC_SHA_256_128,
            new byte[32], new byte[32], new SecureRandom());

    @Property(tries = 400)
    void plaintextDecodingIsTotal(@ForAll("mutations") List<Mutation> ms) {
        byte[] m = PLAIN;
        for (Mutation x : ms) {
            m = x.apply(m);
        }
        fixLength(m);
        assertNotNull(MessageCodec.decodePlain(m));
    }

    @Property(tries = 200)
    void encryptedDecodingIsTotal(@ForAll("mutations") List<Mutation> ms) {
        byte[] m = MessageCodec.encodeEncrypted(MessageCodecTest.AUTH, MessageCodecTest.everyPayload(), CBC);
        for (Mutation x : ms) {
            m = x.apply(m);
        }
        fixLength(m);
        assertNotNull(MessageCodec.decode(m, CBC, new FragmentBuffer()));
    }

    /** Keep the header length right half the time so mutations reach the payload parser. */
    private static void fixLength(byte[] m) {
        if (m.length >= IkeHeader.SIZE && (m[m.length - 1] & 1) == 0) {
            Bytes.put32(m, 24, m.length);
        }
    }
}
