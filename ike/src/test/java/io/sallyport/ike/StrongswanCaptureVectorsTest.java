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
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Independent vectors (issue 15): IKEv2 exchanges between two strongSwan 5.9.8 charons, captured
 * on the wire, with the secrets the initiator's charon logged (provenance in each resource's
 * header, {@code strongswan-ikev2/}). Our code decodes the messages, derives SKEYSEED, the SK keys
 * and the child's KEYMAT from the logged D-H secret and the captured nonces and SPIs and must
 * arrive at strongSwan's; it then decrypts both IKE_AUTH messages with those keys and checks both
 * AUTH payloads against the pre-shared key. Two suites: AES-CBC with HMAC and MODP group 14; AES-GCM
 * (no integrity transform) and ECP group 19.
 */
class StrongswanCaptureVectorsTest {
    private static final PrfAlgorithm PRF = PrfAlgorithm.HMAC_SHA2_256;

    /** One capture: its file, the IKE SA's algorithms and group, and the ESP key length (key and salt) per direction. */
    record Suite(String file, EncryptionAlgorithm encryption, IntegrityAlgorithm integrity, int group, int keLength,
                 int childKeyLength) {
        @Override public String toString() { return file; }
    }

    static Stream<Suite> suites() {
        return Stream.of(
                new Suite("ikev2-psk-aes256-sha256-modp2048", EncryptionAlgorithm.AES_256_CBC,
                        IntegrityAlgorithm.HMAC_SHA_256_128, 14, 256, 20),
                new Suite("ikev2-psk-aes128gcm-ecp256", EncryptionAlgorithm.AES_128_GCM, null, 19, 64, 36));
    }

    private Suite suite;
    private Map<String, byte[]> v;
    private IkeMessage initRequest;
    private IkeMessage initResponse;
    private byte[] ni;
    private byte[] nr;

    private void load(Suite s) {
        suite = s;
        v = CaptureVectors.read("/strongswan-ikev2/" + s.file() + ".txt");
        initRequest = plain("ike_sa_init_request");
        initResponse = plain("ike_sa_init_response");
        ni = initRequest.first(Payload.Nonce.class).orElseThrow().data();
        nr = initResponse.first(Payload.Nonce.class).orElseThrow().data();
    }


    private IkeMessage plain(String name) {
        DecodeResult r = MessageCodec.decodePlain(v.get(name));
        return assertInstanceOf(DecodeResult.Ok.class, r, () -> name + ": " + r).message();
    }

    private IkeSaKeys keys() {
        byte[] skeyseed = IkeKeyDerivation.skeyseed(PRF, ni, nr, v.get("g_ir"));
        return IkeKeyDerivation.ikeSaKeys(PRF, suite.encryption(), suite.integrity(), skeyseed, ni, nr,
                initRequest.header().spiI(), initResponse.header().spiR());
    }

    private IkeMessage decrypt(String name, byte[] encryptionKey, byte[] integrityKey) {
        SkCipher cipher = SkCipher.create(suite.encryption(), suite.integrity(), encryptionKey, integrityKey,
                new SecureRandom());
        DecodeResult r = MessageCodec.decode(v.get(name), cipher, new FragmentBuffer());
        return assertInstanceOf(DecodeResult.Ok.class, r, () -> name + ": " + r).message();
    }

    @ParameterizedTest
    @MethodSource("suites")
    void ikeSaInitDecodesWithTheGroupAndTheProposalStrongswanSelected(Suite s) {
        load(s);
        assertEquals(Wire.IKE_SA_INIT, initRequest.header().exchangeType());
        assertEquals(s.group(), initRequest.first(Payload.Ke.class).orElseThrow().group());
        assertEquals(s.keLength(), initResponse.first(Payload.Ke.class).orElseThrow().data().length);
        assertEquals(initRequest.header().spiI(), initResponse.header().spiI());
        assertEquals(1, initResponse.first(Payload.Sa.class).orElseThrow().proposals().size());
        assertEquals(32, ni.length);
        assertEquals(32, nr.length);
    }

    @ParameterizedTest
    @MethodSource("suites")
    void keyDerivationArrivesAtStrongswansKeys(Suite s) {
        load(s);
        assertArrayEquals(v.get("skeyseed"), IkeKeyDerivation.skeyseed(PRF, ni, nr, v.get("g_ir")), "SKEYSEED");
        IkeSaKeys k = keys();
        assertArrayEquals(v.get("sk_d"), k.skD(), "SK_d");
        // AES-GCM has no integrity transform: no SK_a (strongSwan logs none).
        assertArrayEquals(v.getOrDefault("sk_ai", new byte[0]), k.skAi(), "SK_ai");
        assertArrayEquals(v.getOrDefault("sk_ar", new byte[0]), k.skAr(), "SK_ar");
        assertArrayEquals(v.get("sk_ei"), k.skEi(), "SK_ei");
        assertArrayEquals(v.get("sk_er"), k.skEr(), "SK_er");
        assertArrayEquals(v.get("sk_pi"), k.skPi(), "SK_pi");
        assertArrayEquals(v.get("sk_pr"), k.skPr(), "SK_pr");
    }

    @ParameterizedTest
    @MethodSource("suites")
    void childKeymatWithoutPfsIsStrongswansEspKeys(Suite s) {
        load(s);
        // ESP AES-GCM: key and 4-byte salt per direction, the initiator's first; IKE_AUTH's child has no KE.
        byte[] keymat = IkeKeyDerivation.childKeyMaterial(PRF, keys().skD(), null, ni, nr, 2 * s.childKeyLength());
        assertArrayEquals(Bytes.concat(v.get("child_encryption_initiator"), v.get("child_encryption_responder")), keymat);
    }

    @ParameterizedTest
    @MethodSource("suites")
    void bothIkeAuthMessagesDecryptAndTheirAuthIsThePreSharedKeyMic(Suite s) {
        load(s);
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

    @ParameterizedTest
    @MethodSource("suites")
    void aFlippedCiphertextByteFailsTheIcvOfTheCapturedMessage(Suite s) {
        load(s);
        IkeSaKeys k = keys();
        byte[] tampered = v.get("ike_auth_request").clone();
        tampered[tampered.length - 20] ^= 1;
        SkCipher cipher = SkCipher.create(s.encryption(), s.integrity(), k.skEi(), k.skAi(), new SecureRandom());
        assertFalse(MessageCodec.decode(tampered, cipher, new FragmentBuffer()) instanceof DecodeResult.Ok);
    }
}
