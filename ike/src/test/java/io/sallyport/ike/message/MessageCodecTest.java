package io.sallyport.ike.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sallyport.crypto.EncryptionAlgorithm;
import io.sallyport.crypto.IntegrityAlgorithm;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class MessageCodecTest {

    static final IkeHeader INIT = new IkeHeader(0x0102030405060708L, 0, 0, Wire.IKE_SA_INIT, Wire.FLAG_INITIATOR, 0, 0);
    static final IkeHeader AUTH = new IkeHeader(0x0102030405060708L, 0x1112131415161718L, 0, Wire.IKE_AUTH, Wire.FLAG_INITIATOR, 1, 0);

    static List<Payload> everyPayload() {
        var sa = new Payload.Sa(List.of(
                new Proposal(1, Wire.PROTO_IKE, new byte[0], List.of(Transform.of(Wire.TRANS_ENCR, 12, 256),
                        Transform.of(Wire.TRANS_PRF, 5), Transform.of(Wire.TRANS_INTEG, 12), Transform.of(Wire.TRANS_DH, 14))),
                new Proposal(2, Wire.PROTO_IKE, new byte[0], List.of(Transform.of(Wire.TRANS_ENCR, 20, 128),
                        Transform.of(Wire.TRANS_PRF, 5), Transform.of(Wire.TRANS_DH, 19)))));
        return List.of(sa, new Payload.Ke(14, new byte[256]), new Payload.Nonce(new byte[32]),
                Payload.Notify.of(Wire.N_NAT_DETECTION_SOURCE_IP, new byte[20]),
                new Payload.Notify(Wire.PROTO_ESP, new byte[] {1, 2, 3, 4}, Wire.N_REKEY_SA, new byte[0]),
                new Payload.Id(Wire.IDI, 1, new byte[] {(byte) 192, 0, 2, 1}),
                new Payload.Auth(Wire.AUTH_SHARED_KEY_MIC, new byte[32]),
                new Payload.Delete(Wire.PROTO_ESP, 4, List.of(new byte[] {1, 2, 3, 4}, new byte[] {5, 6, 7, 8})),
                new Payload.VendorId("sallyport".getBytes()),
                new Payload.Ts(Wire.TSI, List.of(TrafficSelector.ofPrefix("198.18.1.0", 24), TrafficSelector.ofPrefix("2001:db8::", 32))),
                new Payload.Opaque(Wire.CERTREQ, new byte[] {4, 1, 2, 3}),
                new Payload.Unknown(200, false, new byte[] {9, 9}));
    }

    @Test
    void shouldRoundTripEveryPayloadInPlaintext() {
        byte[] msg = MessageCodec.encode(INIT, everyPayload());
        var ok = assertInstanceOf(DecodeResult.Ok.class, MessageCodec.decodePlain(msg));
        assertEquals(everyPayload().size(), ok.message().payloads().size());
        assertArrayEquals(msg, MessageCodec.encode(INIT, ok.message().payloads()));
        var sa = ok.message().first(Payload.Sa.class).orElseThrow();
        assertEquals(256, sa.proposals().getFirst().first(Wire.TRANS_ENCR).orElseThrow().keyLength());
        assertEquals(2, ok.message().first(Payload.Delete.class).orElseThrow().spis().size());
    }

    @Test
    void shouldRoundTripEncryptedWithCbcHmacAndGcm() {
        var rnd = new SecureRandom();
        var ciphers = List.of(
                SkCipher.create(EncryptionAlgorithm.AES_256_CBC, IntegrityAlgorithm.HMAC_SHA_256_128, new byte[32], new byte[32], rnd),
                SkCipher.create(EncryptionAlgorithm.AES_128_GCM, null, new byte[20], null, rnd));
        for (SkCipher c : ciphers) {
            byte[] msg = MessageCodec.encodeEncrypted(AUTH, everyPayload(), c);
            var ok = assertInstanceOf(DecodeResult.Ok.class, MessageCodec.decode(msg, c, new FragmentBuffer()));
            assertTrue(ok.message().encrypted());
            assertArrayEquals(MessageCodec.encode(AUTH, everyPayload()), MessageCodec.encode(AUTH, ok.message().payloads()));
            msg[msg.length - 20] ^= 1;
            var bad = assertInstanceOf(DecodeResult.UnprotectedError.class, MessageCodec.decode(msg, c, new FragmentBuffer()));
            assertEquals("integrity check failed", bad.reason());
        }
    }

    @Test
    void shouldReassembleFragmentsInAnyOrder() {
        var c = SkCipher.create(EncryptionAlgorithm.AES_128_GCM, null, new byte[20], null, new SecureRandom());
        List<Payload> big = new ArrayList<>(everyPayload());
        big.add(new Payload.Opaque(Wire.CERT, new byte[3000]));
        List<byte[]> frags = new ArrayList<>(MessageCodec.encodeFragmented(AUTH, big, c, 1280));
        assertTrue(frags.size() >= 3);
        assertTrue(frags.stream().allMatch(f -> f.length <= 1280));
        Collections.reverse(frags);
        var buffer = new FragmentBuffer();
        for (int i = 0; i < frags.size() - 1; i++) {
            assertInstanceOf(DecodeResult.Partial.class, MessageCodec.decode(frags.get(i), c, buffer));
        }
        var ok = assertInstanceOf(DecodeResult.Ok.class, MessageCodec.decode(frags.getLast(), c, buffer));
        assertArrayEquals(MessageCodec.encode(AUTH, big), MessageCodec.encode(AUTH, ok.message().payloads()));
    }

    @Test
    void shouldRejectUnknownCriticalPayloadInPlaintextAndReportItWhenProtected() {
        var crit = List.<Payload>of(new Payload.Nonce(new byte[16]), new Payload.Unknown(201, true, new byte[4]));
        var plain = assertInstanceOf(DecodeResult.UnprotectedError.class, MessageCodec.decodePlain(MessageCodec.encode(INIT, crit)));
        assertTrue(plain.reason().contains("critical"));
        var c = SkCipher.create(EncryptionAlgorithm.AES_128_GCM, null, new byte[20], null, new SecureRandom());
        var prot = assertInstanceOf(DecodeResult.ProtectedError.class,
                MessageCodec.decode(MessageCodec.encodeEncrypted(AUTH, crit, c), c, new FragmentBuffer()));
        assertEquals(Wire.N_UNSUPPORTED_CRITICAL_PAYLOAD, prot.notifyType());
    }

    @Test
    void shouldMarkProposalWithUnknownAttributeAsUnrecognized() {
        byte[] msg = MessageCodec.encode(INIT, List.of(new Payload.Sa(List.of(new Proposal(1, Wire.PROTO_IKE, new byte[0],
                List.of(Transform.of(Wire.TRANS_ENCR, 12, 128), Transform.of(Wire.TRANS_DH, 14)))))));
        // The key-length attribute type 14 sits at a fixed place; turn it into unknown attribute 15.
        int at = IkeHeader.SIZE + 4 + 8 + 8 + 1;
        assertEquals(0x0e, msg[at]);
        msg[at] = 0x0f;
        var ok = assertInstanceOf(DecodeResult.Ok.class, MessageCodec.decodePlain(msg));
        assertTrue(ok.message().first(Payload.Sa.class).orElseThrow().proposals().getFirst().hasUnrecognized());
    }

    @Test
    void shouldRejectLengthErrors() {
        byte[] msg = MessageCodec.encode(INIT, everyPayload());
        byte[] shortMsg = java.util.Arrays.copyOf(msg, msg.length - 1);
        assertInstanceOf(DecodeResult.UnprotectedError.class, MessageCodec.decodePlain(shortMsg));
        byte[] badPayloadLen = msg.clone();
        badPayloadLen[IkeHeader.SIZE + 2] = (byte) 0xff;
        assertInstanceOf(DecodeResult.UnprotectedError.class, MessageCodec.decodePlain(badPayloadLen));
        var nonce = MessageCodec.encode(INIT, List.of(new Payload.Nonce(new byte[8])));
        assertTrue(((DecodeResult.UnprotectedError) MessageCodec.decodePlain(nonce)).reason().contains("nonce"));
    }
}
