package io.sallyport.ike.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** CERT and CERTREQ (RFC 7296 §3.6, §3.7) from bytes laid out by hand, and back. */
class CertificatePayloadsCodecTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final IkeHeader INIT = new IkeHeader(0x0102030405060708L, 0x1112131415161718L, 0, Wire.IKE_SA_INIT,
            Wire.FLAG_RESPONSE, 0, 0);

    /** IKE header (28 bytes) whose first payload is {@code first}, followed by {@code payloads}. */
    private static byte[] message(int first, String payloads) {
        byte[] body = HEX.parseHex(payloads);
        byte[] header = HEX.parseHex("0102030405060708" + "1112131415161718" + String.format("%02x", first) + "20" + "22" + "20"
                + "00000000" + String.format("%08x", 28 + body.length));
        byte[] out = new byte[header.length + body.length];
        System.arraycopy(header, 0, out, 0, header.length);
        System.arraycopy(body, 0, out, header.length, body.length);
        return out;
    }

    @Test
    void certificateRequestWithTwoAuthorities() {
        String sha1a = "00112233445566778899aabbccddeeff00112233";
        String sha1b = "ffeeddccbbaa99887766554433221100ffeeddcc";
        // generic header: next 0, flags 0, length 4 + 1 + 40 = 45 (0x2d); encoding 4 (X.509 signature)
        byte[] msg = message(Wire.CERTREQ, "00" + "00" + "002d" + "04" + sha1a + sha1b);
        var ok = assertInstanceOf(DecodeResult.Ok.class, MessageCodec.decodePlain(msg));
        Payload.CertReq req = ok.message().first(Payload.CertReq.class).orElseThrow();
        assertEquals(Wire.CERT_X509_SIGNATURE, req.encoding());
        assertArrayEquals(HEX.parseHex(sha1a + sha1b), req.authorities());
        assertArrayEquals(msg, MessageCodec.encode(INIT, List.of(req)));
    }

    @Test
    void certificateThenAnEmptyOneIsMalformed() {
        byte[] good = message(Wire.CERT, "00" + "00" + "0008" + "04" + "308100");
        var cert = assertInstanceOf(DecodeResult.Ok.class, MessageCodec.decodePlain(good)).message().first(Payload.Cert.class)
                .orElseThrow();
        assertEquals(4, cert.encoding());
        assertArrayEquals(HEX.parseHex("308100"), cert.data());
        // A CERT payload must at least carry its encoding byte.
        byte[] empty = message(Wire.CERT, "00" + "00" + "0004");
        assertInstanceOf(DecodeResult.UnprotectedError.class, MessageCodec.decodePlain(empty));
    }
}
