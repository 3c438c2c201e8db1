package io.sallyport.ike.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Payload bodies against RFC 7296 §3: each payload's fixed part and the lengths it announces,
 * at the boundary (the shortest or longest body the RFC allows decodes; one byte less or more is
 * refused with a reason, and the whole message is dropped as malformed, never half-read).
 */
class PayloadBodiesTest {

    /** A plaintext IKE_SA_INIT request carrying one payload of {@code type} with {@code body}. */
    private static byte[] message(int type, byte[] body) {
        byte[] msg = new byte[IkeHeader.SIZE + 4 + body.length];
        new IkeHeader(1, 0, 0, Wire.IKE_SA_INIT, Wire.FLAG_INITIATOR, 0, 0).write(msg, type, msg.length);
        msg[IkeHeader.SIZE + 2] = (byte) ((body.length + 4) >> 8);
        msg[IkeHeader.SIZE + 3] = (byte) (body.length + 4);
        System.arraycopy(body, 0, msg, IkeHeader.SIZE + 4, body.length);
        return msg;
    }

    private static Payload accepted(int type, byte[] body) {
        var ok = assertInstanceOf(DecodeResult.Ok.class, MessageCodec.decodePlain(message(type, body)));
        return ok.message().payloads().getFirst();
    }

    private static void refused(int type, byte[] body, String because) {
        var e = assertInstanceOf(DecodeResult.UnprotectedError.class, MessageCodec.decodePlain(message(type, body)));
        assertEquals(DecodeResult.Cause.MALFORMED, e.cause());
        assertTrue(e.reason().contains(because), () -> e.reason() + " does not say " + because);
    }

    @Test
    void shouldTakeNoncesOf16To256OctetsOnly() {
        // RFC 7296 §2.10: at least 16 octets and at most 256.
        assertEquals(16, ((Payload.Nonce) accepted(Wire.NONCE, new byte[16])).data().length);
        assertEquals(256, ((Payload.Nonce) accepted(Wire.NONCE, new byte[256])).data().length);
        refused(Wire.NONCE, new byte[15], "nonce");
        refused(Wire.NONCE, new byte[257], "nonce");
    }

    @Test
    void shouldRefuseFixedPartsThatAreCut() {
        refused(Wire.KE, new byte[3], "KE too short");           // §3.4: group, reserved
        refused(Wire.IDI, new byte[4], "ID too short");          // §3.5: type, reserved, then data
        refused(Wire.AUTH, new byte[4], "AUTH too short");       // §3.8: method, reserved, then data
        refused(Wire.NOTIFY, new byte[3], "notify too short");   // §3.10: protocol, SPI size, type
        refused(Wire.DELETE, new byte[3], "delete too short");   // §3.11: protocol, SPI size, count
        refused(Wire.TSI, new byte[3], "TS too short");          // §3.13: count, reserved
        assertEquals(3, ((Payload.Ke) accepted(Wire.KE, new byte[] {0, 3, 0, 0})).group(), "a KE of group 3 with no data is well formed");
    }

    @Test
    void shouldRefuseAnInvalidKePayloadNotifyWithoutItsTwoOctetGroup() {
        // §3.10.1: INVALID_KE_PAYLOAD carries the accepted group, two octets.
        refused(Wire.NOTIFY, new byte[] {0, 0, 0, 17, 0, 14, 0}, "INVALID_KE_PAYLOAD");
        Payload.Notify n = (Payload.Notify) accepted(Wire.NOTIFY, new byte[] {0, 0, 0, 17, 0, 14});
        assertEquals(14, Bytes.u16(n.data(), 0));
    }

    @Test
    void shouldRefuseADeleteOfTheIkeSaWithSpis() {
        // §3.11: deleting the IKE SA carries no SPI (SPI size 0, count 0); an 8-octet SPI is tolerated.
        assertEquals(0, ((Payload.Delete) accepted(Wire.DELETE, new byte[] {1, 0, 0, 0})).spis().size());
        refused(Wire.DELETE, new byte[] {1, 4, 0, 1, 1, 2, 3, 4}, "bad IKE delete");
        assertEquals(1, ((Payload.Delete) accepted(Wire.DELETE, new byte[] {1, 8, 0, 1, 1, 2, 3, 4, 5, 6, 7, 8})).spis().size());
    }

    @Test
    void shouldRefuseSelectorsThatDoNotAddUp() {
        byte[] v4 = {7, 0, 0, 16, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 198, 18, 1, 0, (byte) 198, 18, 1, (byte) 255};
        Payload.Ts ok = (Payload.Ts) accepted(Wire.TSI, Bytes.concat(new byte[] {1, 0, 0, 0}, v4));
        assertEquals(TrafficSelector.ofPrefix("198.18.1.0", 24), ok.selectors().getFirst());
        refused(Wire.TSI, Bytes.concat(new byte[] {0, 0, 0, 0}, v4), "without selectors");
        refused(Wire.TSI, Bytes.concat(new byte[] {2, 0, 0, 0}, v4), "truncated selector");
        byte[] wrongLength = v4.clone();
        wrongLength[3] = 40; // an IPv4 range is 16 octets (§3.13.1)
        refused(Wire.TSI, Bytes.concat(new byte[] {1, 0, 0, 0}, wrongLength), "selector length wrong");
        refused(Wire.TSI, Bytes.concat(new byte[] {1, 0, 0, 0}, v4, new byte[3]), "trailing bytes");
    }
}
