package io.sallyport.ike.v1;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.sallyport.ike.IkeProposal;
import io.sallyport.ike.message.Bytes;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * SA attribute values (RFC 2408 §3.3: TV when they fit 16 bits, else TLV with a variable length)
 * survive decoding and encoding: the responder echoes the initiator's chosen transform (RFC 2409
 * §5), so a value that does not fit 32 bits must come back as it was sent. Before the fix, values
 * above 2^32 - 1 went out truncated to their low 32 bits.
 */
class V1AttributeEncodingTest {

    /** A phase-1 SA payload body: DOI, situation, one proposal with one transform of {@code attributes} (raw). */
    private static byte[] saBody(byte[] attributes) {
        byte[] transform = new Bytes().u8(1).u8(Isakmp.KEY_IKE).u16(0).bytes(attributes).toArray();
        byte[] proposal = new Bytes().u8(1).u8(Isakmp.PROTO_ISAKMP).u8(0).u8(1)
                .u8(0).u8(0).u16(transform.length + 4).bytes(transform).toArray();
        return new Bytes().u32(Isakmp.DOI_IPSEC).u32(1).u8(0).u8(0).u16(proposal.length + 4).bytes(proposal).toArray();
    }

    private static V1Payload.Sa decodeSa(byte[] body) {
        byte[] chain = new Bytes().u8(0).u8(0).u16(body.length + 4).bytes(body).toArray();
        V1Message m = V1Codec.decode(new IsakmpHeader(1, 0, Isakmp.P_SA, Isakmp.EXCH_MAIN, 0, 0, 0), chain, false);
        assertNotNull(m);
        return (V1Payload.Sa) m.payloads().getFirst();
    }

    private static long valueOf(V1Payload.Sa sa, int type) {
        return sa.proposals().getFirst().transforms().getFirst().attribute(type).orElseThrow();
    }

    @Test
    void shouldKeepAttributeValuesWiderThan32BitsThroughAnEcho() {
        // Life duration as an 8-byte TLV (2^32 + 5 seconds) and one whose top bit is set.
        byte[] attrs = new Bytes().u16(0x8000 | Isakmp.A_LIFE_TYPE).u16(Isakmp.LIFE_SECONDS)
                .u16(Isakmp.A_LIFE_DURATION).u16(8).u32(1).u32(5).toArray();
        V1Payload.Sa offered = decodeSa(saBody(attrs));
        assertEquals(0x1_0000_0005L, valueOf(offered, Isakmp.A_LIFE_DURATION));
        V1Payload.Sa again = decodeSa(V1Codec.body(offered));
        assertEquals(0x1_0000_0005L, valueOf(again, Isakmp.A_LIFE_DURATION), "re-encoded, the value must not lose its high bits");
        byte[] top = new Bytes().u16(Isakmp.A_LIFE_DURATION).u16(8).u32(0x80000000L).u32(0).toArray();
        V1Payload.Sa high = decodeSa(saBody(top));
        assertEquals(valueOf(high, Isakmp.A_LIFE_DURATION), valueOf(decodeSa(V1Codec.body(high)), Isakmp.A_LIFE_DURATION));
    }

    @Test
    void shouldEncodeEachValueInTheShortestFormThatHoldsIt() {
        byte[] attrs = new Bytes().u16(Isakmp.A_LIFE_DURATION).u16(4).u32(3600).toArray();
        V1Payload.Sa sa = decodeSa(saBody(attrs));
        byte[] body = V1Codec.body(sa);
        // TV for 3600 (RFC 2408 §3.3: AF bit set, value in the length field).
        byte[] tv = new Bytes().u16(0x8000 | Isakmp.A_LIFE_DURATION).u16(3600).toArray();
        assertArrayEquals(tv, Arrays.copyOfRange(body, body.length - 4, body.length));
        V1Payload.Sa wide = decodeSa(saBody(new Bytes().u16(Isakmp.A_LIFE_DURATION).u16(4).u32(86_400_000L).toArray()));
        byte[] wideBody = V1Codec.body(wide);
        assertArrayEquals(new Bytes().u16(Isakmp.A_LIFE_DURATION).u16(4).u32(86_400_000L).toArray(),
                Arrays.copyOfRange(wideBody, wideBody.length - 8, wideBody.length), "a 32-bit value keeps a 4-byte TLV");
    }

    @Test
    void shouldEchoTheChosenTransformAsOffered() {
        byte[] offer = V1Codec.body(V1Proposals.ikeOffer(List.of(IkeProposal.junosDefault()), Isakmp.AUTH_PSK));
        V1Payload.Sa offered = decodeSa(offer);
        var chosen = V1Proposals.selectIke(offered, List.of(IkeProposal.junosDefault()), Isakmp.AUTH_PSK).orElseThrow();
        V1Payload.Sa answer = decodeSa(V1Codec.body(V1Proposals.ikeAnswer(chosen)));
        assertEquals(offered.proposals().getFirst().transforms().getFirst(), answer.proposals().getFirst().transforms().getFirst());
    }
}
