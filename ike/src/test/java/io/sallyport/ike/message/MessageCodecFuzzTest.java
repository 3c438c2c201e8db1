package io.sallyport.ike.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.sallyport.crypto.EncryptionAlgorithm;
import io.sallyport.crypto.IntegrityAlgorithm;
import java.security.SecureRandom;

/**
 * Coverage-guided fuzzing of IKEv2 message decoding (Jazzer). In a normal build each target runs
 * over its committed corpus in {@code MessageCodecFuzzTestInputs/}; {@code bin/fuzz} runs a
 * campaign. Oracles: the decoder's catch-all never fires (it hides codec bugs from the engine, not
 * from us), and whatever decodes re-encodes to a canonical form that decodes to itself.
 */
class MessageCodecFuzzTest {

    private static final SkCipher CBC = SkCipher.create(EncryptionAlgorithm.AES_256_CBC,
            IntegrityAlgorithm.HMAC_SHA_256_128, new byte[32], new byte[32], new SecureRandom());
    private static final SkCipher GCM = SkCipher.create(EncryptionAlgorithm.AES_128_GCM, null,
            new byte[20], null, new SecureRandom());

    /** Any datagram, decoded as an IKE_SA_INIT-time (plaintext) message. */
    @FuzzTest
    void decodePlain(byte[] datagram) {
        DecodeResult r = MessageCodec.decodePlain(datagram);
        DecoderFuzzTest.assertNoFault(r);
        if (r instanceof DecodeResult.Ok ok) {
            assertCanonicalRoundTrip(ok.message());
        }
    }

    /**
     * Up to four SK messages or SKF fragments with fuzzer-chosen plaintext, sealed under the keys
     * the decoder uses: the payload parser and the fragment reassembly behind a valid ICV.
     */
    @FuzzTest
    void decodeProtected(FuzzedDataProvider in) {
        SkCipher cipher = in.consumeBoolean() ? CBC : GCM;
        FragmentBuffer fragments = new FragmentBuffer();
        int messages = in.consumeInt(1, 4);
        for (int i = 0; i < messages; i++) {
            IkeHeader h = new IkeHeader(1, 2, 0, in.consumeInt(34, 37), in.consumeInt(0, 255),
                    in.consumeInt(0, 3), 0);
            int first = in.consumeInt(0, 255);
            byte[] msg;
            if (in.consumeBoolean()) {
                int total = in.consumeInt(1, FragmentBuffer.MAX_FRAGMENTS + 1);
                int number = in.consumeInt(0, total);
                msg = SealedMessages.skf(h, first, number, total, in.consumeBytes(in.consumeInt(0, 600)), cipher);
            } else {
                msg = SealedMessages.sk(h, first, in.consumeBytes(in.consumeInt(0, 2000)), cipher);
            }
            DecodeResult r = MessageCodec.decode(msg, cipher, fragments);
            DecoderFuzzTest.assertNoFault(r);
            if (r instanceof DecodeResult.Ok ok) {
                assertCanonicalRoundTrip(ok.message());
            }
        }
    }

    /** Encoding what was decoded, then decoding and encoding that, gives the same bytes. */
    private static void assertCanonicalRoundTrip(IkeMessage m) {
        byte[] once = MessageCodec.encode(m.header(), m.payloads());
        DecodeResult again = MessageCodec.decodePlain(once);
        IkeMessage m2 = assertInstanceOf(DecodeResult.Ok.class, again, () -> "re-encoded message does not decode: " + again)
                .message();
        assertArrayEquals(once, MessageCodec.encode(m2.header(), m2.payloads()));
    }
}
