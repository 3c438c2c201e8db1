package io.sallyport.ike;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sallyport.crypto.EncryptionAlgorithm;
import io.sallyport.crypto.IkeKeyDerivation;
import io.sallyport.crypto.IkeSaKeys;
import io.sallyport.crypto.IntegrityAlgorithm;
import io.sallyport.crypto.Prf;
import io.sallyport.crypto.PrfAlgorithm;
import io.sallyport.ike.message.Bytes;
import io.sallyport.ike.message.DecodeResult;
import io.sallyport.ike.message.FragmentBuffer;
import io.sallyport.ike.message.IkeMessage;
import io.sallyport.ike.message.MessageCodec;
import io.sallyport.ike.message.Payload;
import io.sallyport.ike.message.SkCipher;
import io.sallyport.ike.message.Wire;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Independent vectors (issue 15): one IKEv2 exchange between two strongSwan 5.9.8 charons,
 * captured on the wire, with the secrets the initiator's charon logged (provenance in the
 * resource's header, {@code strongswan-ikev2/}). Our code decodes the messages, derives
 * SKEYSEED, the seven SK keys and the child's KEYMAT from the logged D-H secret and the captured
 * nonces and SPIs and must arrive at strongSwan's; it then decrypts both IKE_AUTH messages with
 * those keys and checks both AUTH payloads against the pre-shared key.
 */
class StrongswanCaptureVectorsTest {
    private static final PrfAlgorithm PRF = PrfAlgorithm.HMAC_SHA2_256;
    private static final EncryptionAlgorithm ENCRYPTION = EncryptionAlgorithm.AES_256_CBC;
    private static final IntegrityAlgorithm INTEGRITY = IntegrityAlgorithm.HMAC_SHA_256_128;

    private final Map<String, byte[]> v = vectors("/strongswan-ikev2/ikev2-psk-aes256-sha256-modp2048.txt");
    private final IkeMessage initRequest = plain("ike_sa_init_request");
    private final IkeMessage initResponse = plain("ike_sa_init_response");
    private final byte[] ni = initRequest.first(Payload.Nonce.class).orElseThrow().data();
    private final byte[] nr = initResponse.first(Payload.Nonce.class).orElseThrow().data();

    private static Map<String, byte[]> vectors(String resource) {
        try (InputStream in = StrongswanCaptureVectorsTest.class.getResourceAsStream(resource)) {
            Map<String, byte[]> out = new HashMap<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    String[] kv = line.split(" = ", 2);
                    out.put(kv[0].strip(), HexFormat.of().parseHex(kv[1].strip()));
                }
            }
            return out;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private IkeMessage plain(String name) {
        DecodeResult r = MessageCodec.decodePlain(v.get(name));
        return assertInstanceOf(DecodeResult.Ok.class, r, () -> name + ": " + r).message();
    }

    private IkeSaKeys keys() {
        byte[] skeyseed = IkeKeyDerivation.skeyseed(PRF, ni, nr, v.get("g_ir"));
        return IkeKeyDerivation.ikeSaKeys(PRF, ENCRYPTION, INTEGRITY, skeyseed, ni, nr,
                initRequest.header().spiI(), initResponse.header().spiR());
    }

    private IkeMessage decrypt(String name, byte[] encryptionKey, byte[] integrityKey) {
        SkCipher cipher = SkCipher.create(ENCRYPTION, INTEGRITY, encryptionKey, integrityKey, new SecureRandom());
        DecodeResult r = MessageCodec.decode(v.get(name), cipher, new FragmentBuffer());
        return assertInstanceOf(DecodeResult.Ok.class, r, () -> name + ": " + r).message();
    }

    @Test
    void ikeSaInitDecodesWithGroup14AndTheProposalStrongswanSelected() {
        assertEquals(Wire.IKE_SA_INIT, initRequest.header().exchangeType());
        assertEquals(14, initRequest.first(Payload.Ke.class).orElseThrow().group());
        assertEquals(256, initResponse.first(Payload.Ke.class).orElseThrow().data().length);
        assertEquals(initRequest.header().spiI(), initResponse.header().spiI());
        assertEquals(1, initResponse.first(Payload.Sa.class).orElseThrow().proposals().size());
        assertEquals(32, ni.length);
        assertEquals(32, nr.length);
    }

    @Test
    void keyDerivationArrivesAtStrongswansKeys() {
        assertArrayEquals(v.get("skeyseed"), IkeKeyDerivation.skeyseed(PRF, ni, nr, v.get("g_ir")), "SKEYSEED");
        IkeSaKeys k = keys();
        assertArrayEquals(v.get("sk_d"), k.skD(), "SK_d");
        assertArrayEquals(v.get("sk_ai"), k.skAi(), "SK_ai");
        assertArrayEquals(v.get("sk_ar"), k.skAr(), "SK_ar");
        assertArrayEquals(v.get("sk_ei"), k.skEi(), "SK_ei");
        assertArrayEquals(v.get("sk_er"), k.skEr(), "SK_er");
        assertArrayEquals(v.get("sk_pi"), k.skPi(), "SK_pi");
        assertArrayEquals(v.get("sk_pr"), k.skPr(), "SK_pr");
    }

    @Test
    void childKeymatWithoutPfsIsStrongswansEspKeys() {
        // ESP aes128gcm16: 16-byte key and 4-byte salt per direction, initiator's first.
        byte[] keymat = IkeKeyDerivation.childKeyMaterial(PRF, keys().skD(), null, ni, nr, 40);
        assertArrayEquals(Bytes.concat(v.get("child_encryption_initiator"), v.get("child_encryption_responder")), keymat);
    }

    @Test
    void bothIkeAuthMessagesDecryptAndTheirAuthIsThePreSharedKeyMic() {
        IkeSaKeys k = keys();
        IkeMessage request = decrypt("ike_auth_request", k.skEi(), k.skAi());
        IkeMessage response = decrypt("ike_auth_response", k.skEr(), k.skAr());
        assertTrue(request.encrypted() && response.encrypted());
        assertEquals(Wire.IKE_AUTH, request.header().exchangeType());
        assertEquals(2, request.all(Payload.Ts.class).size(), "TSi and TSr");
        assertTrue(response.first(Payload.Sa.class).isPresent(), "the child SA was accepted");

        Payload.Id idi = request.all(Payload.Id.class).stream().filter(i -> i.type() == Wire.IDI).findFirst().orElseThrow();
        Payload.Id idr = response.all(Payload.Id.class).stream().filter(i -> i.type() == Wire.IDR).findFirst().orElseThrow();
        Payload.Auth authI = request.first(Payload.Auth.class).orElseThrow();
        Payload.Auth authR = response.first(Payload.Auth.class).orElseThrow();
        assertEquals(Wire.AUTH_SHARED_KEY_MIC, authI.method());
        // RFC 7296 §2.15: the initiator signs its IKE_SA_INIT request, Nr and prf(SK_pi, IDi'); the responder likewise.
        byte[] octetsI = Bytes.concat(v.get("ike_sa_init_request"), nr, new Prf(PRF).prf(k.skPi(), idi.body()));
        byte[] octetsR = Bytes.concat(v.get("ike_sa_init_response"), ni, new Prf(PRF).prf(k.skPr(), idr.body()));
        PskAuthenticator psk = new PskAuthenticator(v.get("psk"));
        assertEquals(Optional.empty(), psk.check(PRF, octetsI, new Authenticator.AuthData(authI.method(), authI.data()),
                new Authenticator.PeerProof(idi.idType(), idi.data(), List.of())));
        assertEquals(Optional.empty(), psk.check(PRF, octetsR, new Authenticator.AuthData(authR.method(), authR.data()),
                new Authenticator.PeerProof(idr.idType(), idr.data(), List.of())));
        assertFalse(PskAuthenticator.ascii("not-the-psk").check(PRF, octetsI,
                new Authenticator.AuthData(authI.method(), authI.data()),
                new Authenticator.PeerProof(idi.idType(), idi.data(), List.of())).isEmpty(), "any key would do");
    }

    @Test
    void aFlippedCiphertextByteFailsTheIcvOfTheCapturedMessage() {
        IkeSaKeys k = keys();
        byte[] tampered = v.get("ike_auth_request").clone();
        tampered[tampered.length - 20] ^= 1;
        SkCipher cipher = SkCipher.create(ENCRYPTION, INTEGRITY, k.skEi(), k.skAi(), new SecureRandom());
        assertFalse(MessageCodec.decode(tampered, cipher, new FragmentBuffer()) instanceof DecodeResult.Ok);
    }
}
