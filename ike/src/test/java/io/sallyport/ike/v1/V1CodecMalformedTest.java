package io.sallyport.ike.v1;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.sallyport.ike.message.Bytes;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Payload bodies that RFC 2408 §3 does not allow decode to nothing (the engine counts and drops the
 * message) rather than to a payload with invented fields: each case below is one byte short of, or
 * beyond, what the payload's own header promises.
 */
class V1CodecMalformedTest {

    /** One payload of {@code type} with {@code body}, behind a generic payload header (RFC 2408 §3.2). */
    private static V1Message one(int type, byte[] body) {
        byte[] b = new byte[4 + body.length];
        b[2] = (byte) (b.length >> 8);
        b[3] = (byte) b.length;
        System.arraycopy(body, 0, b, 4, body.length);
        return V1Codec.decode(new IsakmpHeader(1, 2, type, Isakmp.EXCH_INFORMATIONAL, 0, 7, 0), b, false);
    }

    /** Notify or Delete body: DOI, protocol, SPI size, then a 16-bit type or count (RFC 2408 §3.14, §3.15). */
    private static byte[] notifyOrDelete(int protocol, int spiSize, int typeOrCount, byte[] rest) {
        byte[] h = new byte[8 + rest.length];
        h[3] = (byte) Isakmp.DOI_IPSEC;
        h[4] = (byte) protocol;
        h[5] = (byte) spiSize;
        h[6] = (byte) (typeOrCount >> 8);
        h[7] = (byte) typeOrCount;
        System.arraycopy(rest, 0, h, 8, rest.length);
        return h;
    }

    @Test
    void emptyOrShortFixedPayloadsAreRefused() {
        assertNull(one(Isakmp.P_KE, new byte[0]));
        assertNull(one(Isakmp.P_HASH, new byte[0]));
        assertNull(one(Isakmp.P_SIG, new byte[0]));
        assertNull(one(Isakmp.P_ID, new byte[3]));
        assertNull(one(Isakmp.P_CERT, new byte[1]));
        assertNull(one(Isakmp.P_CERTREQ, new byte[0]));
    }

    @Test
    void aNonceMustBeEightTo256Bytes() {
        // RFC 2409 §5: nonce data between 8 and 256 bytes inclusive.
        assertNull(one(Isakmp.P_NONCE, new byte[7]));
        assertNull(one(Isakmp.P_NONCE, new byte[257]));
        assertNotNull(one(Isakmp.P_NONCE, new byte[8]));
        assertNotNull(one(Isakmp.P_NONCE, new byte[256]));
    }

    @Test
    void aNotifyMustHoldTheSpiItAnnounces() {
        assertNull(one(Isakmp.P_NOTIFY, new byte[7]));
        assertNull(one(Isakmp.P_NOTIFY, notifyOrDelete(Isakmp.PROTO_ISAKMP, 16, Isakmp.N_DPD_R_U_THERE, new byte[15])));
        V1Message m = one(Isakmp.P_NOTIFY, notifyOrDelete(Isakmp.PROTO_ISAKMP, 16, Isakmp.N_DPD_R_U_THERE, new byte[20]));
        var n = (V1Payload.Notify) m.payloads().getFirst();
        assertEquals(Isakmp.N_DPD_R_U_THERE, n.notifyType());
        assertEquals(16, n.spi().length);
        assertEquals(4, n.data().length); // the R-U-THERE sequence number (RFC 3706 §5.1)
    }

    @Test
    void aDeleteMustCarryExactlyItsCountOfSpis() {
        assertNull(one(Isakmp.P_DELETE, new byte[7]));
        assertNull(one(Isakmp.P_DELETE, notifyOrDelete(Isakmp.PROTO_ESP, 0, 1, new byte[0])));
        assertNull(one(Isakmp.P_DELETE, notifyOrDelete(Isakmp.PROTO_ESP, 4, 2, new byte[4])));
        assertNull(one(Isakmp.P_DELETE, notifyOrDelete(Isakmp.PROTO_ESP, 4, 1, new byte[5])));
        V1Message m = one(Isakmp.P_DELETE, notifyOrDelete(Isakmp.PROTO_ESP, 4, 2, new byte[] {0, 0, 0, 1, 0, 0, 0, 2}));
        var d = (V1Payload.Delete) m.payloads().getFirst();
        assertEquals(2, d.spis().size());
        assertEquals(2, Bytes.u32(d.spis().get(1), 0));
    }

    @Test
    void aPayloadLengthBeyondTheMessageOrBelowItsHeaderIsRefused() {
        byte[] b = V1Codec.chain(List.of(new V1Payload.Hash(new byte[20])));
        var h = new IsakmpHeader(1, 2, Isakmp.P_HASH, Isakmp.EXCH_INFORMATIONAL, 0, 7, 0);
        assertNotNull(V1Codec.decode(h, b, false));
        assertNull(V1Codec.decode(h, Arrays.copyOf(b, b.length - 1), false));
        byte[] tooShort = b.clone();
        tooShort[2] = 0;
        tooShort[3] = 3;
        assertNull(V1Codec.decode(h, tooShort, false));
        // trailing bytes are refused, except as the padding of an encrypted message (RFC 2408 §3.1)
        assertNull(V1Codec.decode(h, Arrays.copyOf(b, b.length + 3), false));
        assertNotNull(V1Codec.decode(h, Arrays.copyOf(b, b.length + 3), true));
    }

    @Test
    void dataAttributesMustFitTheirDeclaredLength() {
        // RFC 2408 §3.3: a TLV attribute's length is what follows it; we take at most 8 bytes.
        assertEquals(3600, V1Codec.attributesOf(new byte[] {0, 2, 0, 2, 0x0e, 0x10}).attributes().getFirst().value());
        assertNull(V1Codec.attributesOf(new byte[] {0, 2, 0, 0}));
        assertNull(V1Codec.attributesOf(new byte[] {0, 2, 0, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
        assertNull(V1Codec.attributesOf(new byte[] {0, 2, 0, 4, 0, 0}));
        assertNull(V1Codec.attributesOf(new byte[] {(byte) 0x80, 1, 0}));
        assertArrayEquals(new long[] {1, 2}, V1Codec.attributesOf(new byte[] {(byte) 0x80, 1, 0, 1, (byte) 0x80, 2, 0, 2})
                .attributes().stream().mapToLong(V1Payload.Attribute::value).toArray());
    }
}
