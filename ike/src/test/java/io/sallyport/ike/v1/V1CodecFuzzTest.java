package io.sallyport.ike.v1;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;

/**
 * Coverage-guided fuzzing of ISAKMP decoding (Jazzer): any datagram, parsed as an ISAKMP header
 * and decoded as a plain payload chain (with and without trailing padding, as an encrypted
 * message's plaintext would have). In a normal build the target runs over its committed corpus in
 * {@code V1CodecFuzzTestInputs/}; {@code bin/fuzz} runs a campaign. Oracles: the decoder never
 * throws on network input (it returns null for anything malformed), and whatever decodes
 * re-encodes to a canonical chain that decodes and re-encodes to itself.
 */
class V1CodecFuzzTest {

    @FuzzTest
    void decode(byte[] datagram) {
        IsakmpHeader h = IsakmpHeader.parse(datagram);
        if (h == null) {
            return;
        }
        byte[] body = Arrays.copyOfRange(datagram, Isakmp.HEADER_SIZE, datagram.length);
        for (boolean padded : new boolean[] {false, true}) {
            V1Message m = V1Codec.decode(h, body, padded);
            if (m != null) {
                assertCanonicalRoundTrip(h, m);
            }
        }
    }

    /** Encoding the decoded payloads, then decoding and encoding that, gives the same bytes. */
    private static void assertCanonicalRoundTrip(IsakmpHeader h, V1Message m) {
        byte[] once = V1Codec.chain(m.payloads());
        int first = m.payloads().isEmpty() ? Isakmp.P_NONE : m.payloads().getFirst().type();
        IsakmpHeader h1 = h.withLength(first, 0, Isakmp.HEADER_SIZE + once.length);
        V1Message again = V1Codec.decode(h1, once, false);
        assertNotNull(again, "re-encoded payloads do not decode");
        assertArrayEquals(once, V1Codec.chain(again.payloads()), "encoding is not canonical");
    }
}
