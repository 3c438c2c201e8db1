package io.sallyport.ike;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sallyport.crypto.EncryptionAlgorithm;
import io.sallyport.crypto.IkeKeyDerivation;
import io.sallyport.crypto.IkeSaKeys;
import io.sallyport.crypto.IntegrityAlgorithm;
import io.sallyport.crypto.PrfAlgorithm;
import io.sallyport.ike.message.Bytes;
import io.sallyport.ike.message.DecodeResult;
import io.sallyport.ike.message.FragmentBuffer;
import io.sallyport.ike.message.IkeMessage;
import io.sallyport.ike.message.MessageCodec;
import io.sallyport.ike.message.Payload;
import io.sallyport.ike.message.Proposal;
import io.sallyport.ike.message.SkCipher;
import io.sallyport.ike.message.Wire;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Independent vectors (issue 15) for rekeying: one IKEv2 SA between two strongSwan 5.9.8 charons
 * (RSA certificates; IKE aes256-sha256-modp2048, ESP aes256-sha256 with PFS group 14), captured on
 * the wire through a CHILD_SA rekey, an IKE SA rekey and a second CHILD_SA rekey under the new IKE
 * SA, with the secrets the initiator's charon logged (provenance in
 * {@code strongswan-ikev2/ikev2-cert-rekeys.txt}). From the logged D-H secrets and the captured
 * nonces and SPIs our code must arrive at strongSwan's child KEYMAT (RFC 7296 §2.17, with g^ir (new))
 * and at the new IKE SA's SKEYSEED and SK keys (§2.18), and those keys must decrypt the exchanges
 * that follow under the new IKE SA. The certificate AUTH payloads of the same capture are checked
 * in the gateway module ({@code StrongswanCertificateCaptureTest}), where the certificate code lives.
 */
class StrongswanRekeyCaptureTest {
    private static final PrfAlgorithm PRF = PrfAlgorithm.HMAC_SHA2_256;
    private static final EncryptionAlgorithm ENCR = EncryptionAlgorithm.AES_256_CBC;
    private static final IntegrityAlgorithm INTEG = IntegrityAlgorithm.HMAC_SHA_256_128;
    /** ESP aes256-sha256: 32-byte key and 32-byte HMAC key per direction. */
    private static final int CHILD_KEYMAT = 2 * (32 + 32);

    private Map<String, byte[]> v;
    private IkeSaKeys first;

    @BeforeEach
    void load() {
        v = CaptureVectors.read("/strongswan-ikev2/ikev2-cert-rekeys.txt");
        IkeMessage init = plain("msg_01");
        IkeMessage initResponse = plain("msg_02");
        byte[] ni = init.first(Payload.Nonce.class).orElseThrow().data();
        byte[] nr = initResponse.first(Payload.Nonce.class).orElseThrow().data();
        first = IkeKeyDerivation.ikeSaKeys(PRF, ENCR, INTEG, IkeKeyDerivation.skeyseed(PRF, ni, nr, v.get("shared_diffie_hellman_secret_1")),
                ni, nr, init.header().spiI(), initResponse.header().spiR());
    }


    private IkeMessage plain(String name) {
        DecodeResult r = MessageCodec.decodePlain(v.get(name));
        return assertInstanceOf(DecodeResult.Ok.class, r, () -> name + ": " + r).message();
    }

    /** Decrypts a captured message with the keys of the side that sent it (the I flag says which). */
    private IkeMessage decrypt(String name, IkeSaKeys k) {
        boolean fromInitiator = (v.get(name)[19] & Wire.FLAG_INITIATOR) != 0;
        SkCipher cipher = SkCipher.create(ENCR, INTEG, fromInitiator ? k.skEi() : k.skEr(),
                fromInitiator ? k.skAi() : k.skAr(), new SecureRandom());
        DecodeResult r = MessageCodec.decode(v.get(name), cipher, new FragmentBuffer());
        return assertInstanceOf(DecodeResult.Ok.class, r, () -> name + ": " + r).message();
    }

    private static byte[] nonce(IkeMessage m) {
        return m.first(Payload.Nonce.class).orElseThrow().data();
    }

    /** strongSwan logs the ESP keys per direction: encryption then integrity, initiator's first (§2.17's order). */
    private byte[] loggedChildKeys(int n) {
        return Bytes.concat(v.get("encryption_initiator_key_" + n), v.get("integrity_initiator_key_" + n),
                v.get("encryption_responder_key_" + n), v.get("integrity_responder_key_" + n));
    }

    private IkeSaKeys rekeyedIkeSa() {
        IkeMessage request = decrypt("msg_09", first);
        IkeMessage response = decrypt("msg_10", first);
        Proposal newI = request.first(Payload.Sa.class).orElseThrow().proposals().getFirst();
        Proposal newR = response.first(Payload.Sa.class).orElseThrow().proposals().getFirst();
        byte[] skeyseed = IkeKeyDerivation.rekeySkeyseed(PRF, first.skD(), v.get("shared_diffie_hellman_secret_2"),
                nonce(request), nonce(response));
        return IkeKeyDerivation.ikeSaKeys(PRF, ENCR, INTEG, skeyseed, nonce(request), nonce(response),
                ByteBuffer.wrap(newI.spi()).getLong(), ByteBuffer.wrap(newR.spi()).getLong());
    }

    @Test
    void theInitialKeysAreStrongswans() {
        assertArrayEquals(v.get("sk_d_secret_1"), first.skD());
        assertArrayEquals(v.get("sk_ei_secret_1"), first.skEi());
        assertArrayEquals(v.get("sk_ar_secret_1"), first.skAr());
    }

    @Test
    void childRekeyWithPfsDerivesStrongswansEspKeysFromTheNewDhSecret() {
        IkeMessage request = decrypt("msg_05", first);
        IkeMessage response = decrypt("msg_06", first);
        assertEquals(Wire.CREATE_CHILD_SA, request.header().exchangeType());
        assertTrue(request.notify(Wire.N_REKEY_SA).isPresent(), "a CHILD_SA rekey");
        assertEquals(14, request.first(Payload.Ke.class).orElseThrow().group());
        assertEquals(256, response.first(Payload.Ke.class).orElseThrow().data().length);
        byte[] keymat = IkeKeyDerivation.childKeyMaterial(PRF, first.skD(), v.get("dh_secret_1"),
                nonce(request), nonce(response), CHILD_KEYMAT);
        assertArrayEquals(loggedChildKeys(2), keymat);
        // Without g^ir (new) the KEYMAT is another: the KE payloads do count.
        assertFalse(java.util.Arrays.equals(loggedChildKeys(2), IkeKeyDerivation.childKeyMaterial(PRF, first.skD(), null,
                nonce(request), nonce(response), CHILD_KEYMAT)));
    }

    @Test
    void ikeSaRekeyDerivesStrongswansSkeyseedAndKeys() {
        IkeMessage request = decrypt("msg_09", first);
        assertEquals(Wire.CREATE_CHILD_SA, request.header().exchangeType());
        assertEquals(Wire.PROTO_IKE, request.first(Payload.Sa.class).orElseThrow().proposals().getFirst().protocolId());
        IkeMessage response = decrypt("msg_10", first);
        assertArrayEquals(v.get("skeyseed_2"), IkeKeyDerivation.rekeySkeyseed(PRF, first.skD(),
                v.get("shared_diffie_hellman_secret_2"), nonce(request), nonce(response)), "SKEYSEED (RFC 7296 §2.18)");
        IkeSaKeys k = rekeyedIkeSa();
        assertArrayEquals(v.get("sk_d_secret_2"), k.skD(), "SK_d");
        assertArrayEquals(v.get("sk_ai_secret_2"), k.skAi(), "SK_ai");
        assertArrayEquals(v.get("sk_ar_secret_2"), k.skAr(), "SK_ar");
        assertArrayEquals(v.get("sk_ei_secret_2"), k.skEi(), "SK_ei");
        assertArrayEquals(v.get("sk_er_secret_2"), k.skEr(), "SK_er");
        assertArrayEquals(v.get("sk_pi_secret_2"), k.skPi(), "SK_pi");
        assertArrayEquals(v.get("sk_pr_secret_2"), k.skPr(), "SK_pr");
    }

    @Test
    void theNewIkeSaDecryptsTheChildRekeyThatFollowsAndItsKeymatIsStrongswans() {
        IkeSaKeys k = rekeyedIkeSa();
        IkeMessage request = decrypt("msg_13", k);
        IkeMessage response = decrypt("msg_14", k);
        assertNotEquals(plain("msg_01").header().spiI(), request.header().spiI(), "under the new IKE SA's SPIs");
        assertEquals(0, request.header().messageId(), "message IDs start again");
        assertEquals(Wire.CREATE_CHILD_SA, request.header().exchangeType());
        byte[] keymat = IkeKeyDerivation.childKeyMaterial(PRF, k.skD(), v.get("dh_secret_2"),
                nonce(request), nonce(response), CHILD_KEYMAT);
        assertArrayEquals(loggedChildKeys(3), keymat);
    }

    @Test
    void theOldIkeSaKeysDoNotDecryptUnderTheNewOne() {
        SkCipher old = SkCipher.create(ENCR, INTEG, first.skEi(), first.skAi(), new SecureRandom());
        assertFalse(MessageCodec.decode(v.get("msg_13"), old, new FragmentBuffer()) instanceof DecodeResult.Ok);
    }
}
