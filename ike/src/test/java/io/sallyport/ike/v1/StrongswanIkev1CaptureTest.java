package io.sallyport.ike.v1;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sallyport.crypto.EncryptionAlgorithm;
import io.sallyport.crypto.Ikev1KeyDerivation;
import io.sallyport.crypto.Ikev1SaKeys;
import io.sallyport.crypto.Prf;
import io.sallyport.crypto.PrfAlgorithm;
import io.sallyport.ike.CaptureVectors;
import io.sallyport.ike.PskAuthenticator;
import io.sallyport.ike.message.Bytes;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Independent vectors (issue 15): one IKEv1 main mode (PSK) and quick mode (PFS) between two
 * strongSwan 5.9.8 charons, captured on the wire, with the secrets the initiator's charon logged
 * (provenance in {@code strongswan-ikev1/ikev1-psk-aes256-sha1-modp2048.txt}). Our code decodes the
 * six main-mode messages, derives SKEYID and SKEYID_d/a/e (RFC 2409 §5) from the PSK, the captured
 * nonces and cookies and the logged g^xy, decrypts messages 5 and 6 and the three quick-mode
 * messages with the chained IVs (Appendix B), checks HASH_I, HASH_R and HASH(1), HASH(2), HASH(3),
 * and derives strongSwan's ESP keys (§5.5, with g(qm)^xy).
 */
class StrongswanIkev1CaptureTest {
    private static final PrfAlgorithm PRF = PrfAlgorithm.HMAC_SHA1;
    private static final EncryptionAlgorithm ENCR = EncryptionAlgorithm.AES_256_CBC;

    private Map<String, byte[]> v;
    private V1Message mm1;
    private V1Message mm2;
    private V1Message mm3;
    private V1Message mm4;
    private Ikev1SaKeys keys;
    private V1Crypter crypter;
    private IvManager ivs;

    @BeforeEach
    void load() {
        v = CaptureVectors.read("/strongswan-ikev1/ikev1-psk-aes256-sha1-modp2048.txt");
        mm1 = plain("msg_01");
        mm2 = plain("msg_02");
        mm3 = plain("msg_03");
        mm4 = plain("msg_04");
        byte[] skeyid = new PskAuthenticator(v.get("psk")).ikev1Skeyid(PRF, ni(), nr());
        keys = Ikev1KeyDerivation.saKeys(PRF, skeyid, v.get("shared_diffie_hellman_secret_1"), ckyI(), ckyR());
        crypter = new V1Crypter(ENCR, Ikev1KeyDerivation.encryptionKey(PRF, keys.skeyidE(), 32));
        ivs = new IvManager(PRF, 16, gxi(), gxr());
    }

    private long ckyI() { return mm1.header().ckyI(); }
    private long ckyR() { return mm2.header().ckyR(); }

    private byte[] ni() { return mm3.first(V1Payload.Nonce.class).orElseThrow().data(); }
    private byte[] nr() { return mm4.first(V1Payload.Nonce.class).orElseThrow().data(); }
    private byte[] gxi() { return mm3.first(V1Payload.Ke.class).orElseThrow().data(); }
    private byte[] gxr() { return mm4.first(V1Payload.Ke.class).orElseThrow().data(); }

    private V1Message plain(String name) {
        byte[] wire = v.get(name);
        IsakmpHeader h = IsakmpHeader.parse(wire);
        assertNotNull(h, name);
        V1Message m = V1Codec.decode(h, Arrays.copyOfRange(wire, Isakmp.HEADER_SIZE, wire.length), false);
        assertNotNull(m, name);
        return m;
    }

    /** Decrypts a captured message with the IV chain of its exchange, and moves the chain on. */
    private V1Message decrypt(String name) {
        byte[] wire = v.get(name);
        IsakmpHeader h = IsakmpHeader.parse(wire);
        assertNotNull(h, name);
        byte[] ct = Arrays.copyOfRange(wire, Isakmp.HEADER_SIZE, wire.length);
        byte[] pt = crypter.decrypt(ivs.iv(h.messageId()), ct);
        assertNotNull(pt, name);
        V1Message m = V1Codec.decode(h, pt, true);
        assertNotNull(m, name + " decodes after decryption");
        ivs.advance(h.messageId(), crypter.lastBlock(ct));
        return m;
    }

    /** The SA payload's body as the initiator sent it in message 1 (SAi_b). */
    private byte[] saiB() {
        byte[] wire = v.get("msg_01");
        assertEquals(Isakmp.P_SA, IsakmpHeader.parse(wire).nextPayload());
        return Arrays.copyOfRange(wire, Isakmp.HEADER_SIZE + 4, Isakmp.HEADER_SIZE + Bytes.u16(wire, Isakmp.HEADER_SIZE + 2));
    }

    private byte[] prf(byte[] key, byte[]... parts) { return new Prf(PRF).prf(key, parts); }

    @Test
    void phaseOneKeysAreStrongswans() {
        assertArrayEquals(v.get("skeyid_1"), keys.skeyid(), "SKEYID");
        assertArrayEquals(v.get("skeyid_d_1"), keys.skeyidD(), "SKEYID_d");
        assertArrayEquals(v.get("skeyid_a_1"), keys.skeyidA(), "SKEYID_a");
        assertArrayEquals(v.get("skeyid_e_1"), keys.skeyidE(), "SKEYID_e");
        assertArrayEquals(v.get("encryption_key_ka_1"), Ikev1KeyDerivation.encryptionKey(PRF, keys.skeyidE(), 32), "Ka");
        assertArrayEquals(v.get("initial_iv_1"), ivs.iv(0), "the phase-1 IV, hash(g^xi | g^xr)");
    }

    @Test
    void messagesFiveAndSixDecryptAndCarryHashIAndHashR() {
        V1Message mm5 = decrypt("msg_05");
        V1Message mm6 = decrypt("msg_06");
        byte[] cookies = Bytes.concat(Bytes.of64(ckyI()), Bytes.of64(ckyR()));
        byte[] idii = mm5.bodies().get(mm5.payloads().indexOf(mm5.first(V1Payload.Id.class).orElseThrow()));
        byte[] idir = mm6.bodies().get(mm6.payloads().indexOf(mm6.first(V1Payload.Id.class).orElseThrow()));
        // RFC 2409 §5: HASH_I = prf(SKEYID, g^xi | g^xr | CKY-I | CKY-R | SAi_b | IDii_b); HASH_R swaps the sides.
        byte[] hashI = prf(keys.skeyid(), gxi(), gxr(), cookies, saiB(), idii);
        byte[] hashR = prf(keys.skeyid(), gxr(), gxi(), Bytes.concat(Bytes.of64(ckyR()), Bytes.of64(ckyI())),
                saiB(), idir);
        assertArrayEquals(hashI, mm5.first(V1Payload.Hash.class).orElseThrow().data(), "HASH_I");
        assertArrayEquals(hashR, mm6.first(V1Payload.Hash.class).orElseThrow().data(), "HASH_R");
    }

    @Test
    void quickModeDecryptsWithChainedIvsAndItsHashesAndKeymatAreStrongswans() {
        decrypt("msg_05");
        decrypt("msg_06");
        V1Message qm1 = decrypt("msg_07");
        V1Message qm2 = decrypt("msg_08");
        V1Message qm3 = decrypt("msg_09");
        int mid = qm1.header().messageId();
        assertEquals(Isakmp.EXCH_QUICK, qm1.header().exchange());
        byte[] qmNi = qm1.first(V1Payload.Nonce.class).orElseThrow().data();
        byte[] qmNr = qm2.first(V1Payload.Nonce.class).orElseThrow().data();
        // RFC 2409 §5.5: HASH(1) = prf(SKEYID_a, M-ID | SA | Ni [| KE] [| IDci | IDcr]), HASH(2) adds Ni_b first,
        // HASH(3) = prf(SKEYID_a, 0 | M-ID | Ni_b | Nr_b).
        assertArrayEquals(prf(keys.skeyidA(), Bytes.of32(mid), qm1.afterHash()), hash(qm1), "HASH(1)");
        assertArrayEquals(prf(keys.skeyidA(), Bytes.of32(mid), qmNi, qm2.afterHash()), hash(qm2), "HASH(2)");
        assertArrayEquals(prf(keys.skeyidA(), new byte[] {0}, Bytes.of32(mid), qmNi, qmNr), hash(qm3), "HASH(3)");
        assertArrayEquals(v.get("hash_1_1"), hash(qm1), "strongSwan's logged HASH(1)");
        assertArrayEquals(v.get("hash_2_1"), hash(qm2), "strongSwan's logged HASH(2)");
        assertArrayEquals(v.get("hash_3_1"), hash(qm3), "strongSwan's logged HASH(3)");
        assertArrayEquals(v.get("next_iv_for_mid_" + Integer.toUnsignedString(mid) + "_4"), ivs.iv(mid), "the IV after message 3");

        byte[] gxyQm = v.get("dh_secret_1");
        assertTrue(qm1.first(V1Payload.Ke.class).isPresent(), "PFS");
        V1Payload.SaProposal pi = qm1.first(V1Payload.Sa.class).orElseThrow().proposals().getFirst();
        V1Payload.SaProposal pr = qm2.first(V1Payload.Sa.class).orElseThrow().proposals().getFirst();
        int spiI = (int) Bytes.u32(pi.spi(), 0);
        int spiR = (int) Bytes.u32(pr.spi(), 0);
        // The KEYMAT of each SA uses the SPI its receiver chose: the initiator's outbound SA is the responder's SPI.
        byte[] outbound = Ikev1KeyDerivation.keymat(PRF, keys.skeyidD(), gxyQm, Isakmp.PROTO_ESP, spiR, qmNi, qmNr, 64);
        byte[] inbound = Ikev1KeyDerivation.keymat(PRF, keys.skeyidD(), gxyQm, Isakmp.PROTO_ESP, spiI, qmNi, qmNr, 64);
        assertArrayEquals(Bytes.concat(v.get("encryption_initiator_key_1"), v.get("integrity_initiator_key_1")),
                Arrays.copyOf(outbound, 32 + 20));
        assertArrayEquals(Bytes.concat(v.get("encryption_responder_key_1"), v.get("integrity_responder_key_1")),
                Arrays.copyOf(inbound, 32 + 20));
    }

    private static byte[] hash(V1Message m) {
        assertTrue(m.startsWithHash());
        return ((V1Payload.Hash) m.payloads().getFirst()).data();
    }

    @Test
    void theIvChainIsStrongswans() {
        decrypt("msg_05");
        decrypt("msg_06");
        // Appendix B: phase 1 continues from the last cipher block; quick mode starts from hash(that | M-ID).
        assertArrayEquals(v.get("next_iv_for_mid_0_2"), ivs.iv(0), "after message 6");
        int mid = IsakmpHeader.parse(v.get("msg_07")).messageId();
        assertArrayEquals(v.get("next_iv_for_mid_" + Integer.toUnsignedString(mid) + "_1"), ivs.iv(mid), "quick mode's first IV");
    }

    @Test
    void aFlippedCiphertextByteInMessageFiveFailsHashI() {
        byte[] wire = v.get("msg_05").clone();
        wire[Isakmp.HEADER_SIZE + 4] ^= 1;  // the first block: the ID payload decrypts to garbage
        byte[] pt = crypter.decrypt(ivs.iv(0), Arrays.copyOfRange(wire, Isakmp.HEADER_SIZE, wire.length));
        V1Message mm5 = pt == null ? null : V1Codec.decode(IsakmpHeader.parse(wire), pt, true);
        byte[] cookies = Bytes.concat(Bytes.of64(ckyI()), Bytes.of64(ckyR()));
        boolean verifies = mm5 != null && mm5.first(V1Payload.Id.class).isPresent() && mm5.first(V1Payload.Hash.class).isPresent()
                && Arrays.equals(prf(keys.skeyid(), gxi(), gxr(), cookies, saiB(),
                        mm5.bodies().get(mm5.payloads().indexOf(mm5.first(V1Payload.Id.class).orElseThrow()))),
                        mm5.first(V1Payload.Hash.class).orElseThrow().data());
        assertFalse(verifies);
    }
}
