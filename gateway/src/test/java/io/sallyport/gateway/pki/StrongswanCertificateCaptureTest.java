package io.sallyport.gateway.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sallyport.crypto.EncryptionAlgorithm;
import io.sallyport.crypto.IkeKeyDerivation;
import io.sallyport.crypto.IkeSaKeys;
import io.sallyport.crypto.IntegrityAlgorithm;
import io.sallyport.crypto.Prf;
import io.sallyport.crypto.PrfAlgorithm;
import io.sallyport.ike.Authenticator;
import io.sallyport.ike.CaptureVectors;
import io.sallyport.ike.message.Bytes;
import io.sallyport.ike.message.DecodeResult;
import io.sallyport.ike.message.FragmentBuffer;
import io.sallyport.ike.message.IkeMessage;
import io.sallyport.ike.message.MessageCodec;
import io.sallyport.ike.message.Payload;
import io.sallyport.ike.message.SkCipher;
import io.sallyport.ike.message.Wire;
import io.sallyport.pki.Credentials;
import io.sallyport.pki.TrustedCa;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Independent vectors (issue 15) for signature AUTH: the IKE_AUTH exchange of two strongSwan 5.9.8
 * charons authenticating with RSA certificates (make-certs.sh's test PKI), captured on the wire
 * with the initiator's logged D-H secret. The capture lives in the ike module
 * ({@code ike/src/test/resources/strongswan-ikev2/ikev2-cert-rekeys.txt}, with the CA certificate
 * and the provenance) and is read from ike's test-jar with its {@link CaptureVectors}; the ike
 * module's {@code StrongswanRekeyCaptureTest} checks its rekeys. Here the certificate code
 * verifies both AUTH payloads: the RFC 7296 §2.15 signed octets built from the captured messages,
 * checked by {@link CertificateAuthenticator} against the certificate in each side's CERT
 * payload, chained to the captured CA. A flipped byte of the signature or of the
 * signed octets must fail.
 */
class StrongswanCertificateCaptureTest {
    /** The capture's directory among ike's test resources. */
    private static final String CAPTURE = "/strongswan-ikev2/";
    private static final PrfAlgorithm PRF = PrfAlgorithm.HMAC_SHA2_256;
    /** The certificates were issued on 2026-12-05 for five years. */
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2027-06-01T00:00:00Z"), ZoneOffset.UTC);

    private Map<String, byte[]> v;
    private IkeMessage request;
    private IkeMessage response;
    private byte[] octetsI;
    private byte[] octetsR;
    private CertificateAuthenticator verifier;

    @BeforeEach
    void load() throws NoSuchAlgorithmException {
        v = CaptureVectors.read(CAPTURE + "ikev2-cert-rekeys.txt");
        IkeMessage init = plain(v.get("msg_01"));
        IkeMessage initResponse = plain(v.get("msg_02"));
        byte[] ni = init.first(Payload.Nonce.class).orElseThrow().data();
        byte[] nr = initResponse.first(Payload.Nonce.class).orElseThrow().data();
        IkeSaKeys k = IkeKeyDerivation.ikeSaKeys(PRF, EncryptionAlgorithm.AES_256_CBC, IntegrityAlgorithm.HMAC_SHA_256_128,
                IkeKeyDerivation.skeyseed(PRF, ni, nr, v.get("shared_diffie_hellman_secret_1")), ni, nr,
                init.header().spiI(), initResponse.header().spiR());
        request = decrypt(v.get("msg_03"), k.skEi(), k.skAi());
        response = decrypt(v.get("msg_04"), k.skEr(), k.skAr());
        // RFC 7296 §2.15: each side signs its IKE_SA_INIT message, the peer's nonce and prf(SK_p, its ID payload's body).
        octetsI = Bytes.concat(v.get("msg_01"), nr, new Prf(PRF).prf(k.skPi(), id(request, Wire.IDI).body()));
        octetsR = Bytes.concat(v.get("msg_02"), ni, new Prf(PRF).prf(k.skPr(), id(response, Wire.IDR).body()));

        X509Certificate ca = Credentials.certificate(CaptureVectors.bytes(CAPTURE + "ikev2-cert-ca.pem"));
        // Only checks here: the local key and chain are never used to sign.
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        PrivateKey unused = g.generateKeyPair().getPrivate();
        verifier = new CertificateAuthenticator("capture", unused, List.of(ca), false,
                List.of(TrustedCa.withoutRevocation("interop-ca", ca)), List.of(), CLOCK);
    }

    private static IkeMessage plain(byte[] wire) {
        DecodeResult r = MessageCodec.decodePlain(wire);
        return assertInstanceOf(DecodeResult.Ok.class, r, r::toString).message();
    }

    private static IkeMessage decrypt(byte[] wire, byte[] encryptionKey, byte[] integrityKey) {
        SkCipher cipher = SkCipher.create(EncryptionAlgorithm.AES_256_CBC, IntegrityAlgorithm.HMAC_SHA_256_128,
                encryptionKey, integrityKey, new SecureRandom());
        DecodeResult r = MessageCodec.decode(wire, cipher, new FragmentBuffer());
        return assertInstanceOf(DecodeResult.Ok.class, r, r::toString).message();
    }

    private static Payload.Id id(IkeMessage m, int type) {
        return m.all(Payload.Id.class).stream().filter(i -> i.type() == type).findFirst().orElseThrow();
    }

    private Optional<String> check(IkeMessage m, int idType, byte[] octets, byte[] authData) {
        Payload.Id id = id(m, idType);
        Payload.Auth auth = m.first(Payload.Auth.class).orElseThrow();
        List<byte[]> certs = m.all(Payload.Cert.class).stream()
                .filter(c -> c.encoding() == Wire.CERT_X509_SIGNATURE).map(Payload.Cert::data).toList();
        return verifier.check(PRF, octets, new Authenticator.AuthData(auth.method(), authData),
                new Authenticator.PeerProof(id.idType(), id.data(), certs));
    }

    @Test
    void bothSidesSentTheirCertificateAndARfc7427Signature() {
        assertEquals(Wire.IKE_AUTH, request.header().exchangeType());
        assertEquals(1, request.all(Payload.Cert.class).size());
        assertEquals(1, response.all(Payload.Cert.class).size());
        assertEquals(Wire.AUTH_DIGITAL_SIGNATURE, request.first(Payload.Auth.class).orElseThrow().method());
        assertEquals(Wire.AUTH_DIGITAL_SIGNATURE, response.first(Payload.Auth.class).orElseThrow().method());
    }

    @Test
    void theInitiatorsAuthVerifiesWithItsCertificate() {
        assertEquals(Optional.empty(), check(request, Wire.IDI, octetsI, request.first(Payload.Auth.class).orElseThrow().data()));
    }

    @Test
    void theRespondersAuthVerifiesWithItsCertificate() {
        assertEquals(Optional.empty(), check(response, Wire.IDR, octetsR, response.first(Payload.Auth.class).orElseThrow().data()));
    }

    @Test
    void aFlippedSignatureByteFails() {
        byte[] sig = request.first(Payload.Auth.class).orElseThrow().data().clone();
        sig[sig.length - 1] ^= 1;
        assertTrue(check(request, Wire.IDI, octetsI, sig).isPresent());
    }

    @Test
    void aFlippedSignedOctetFails() {
        byte[] octets = octetsR.clone();
        octets[40] ^= 1;
        assertTrue(check(response, Wire.IDR, octets, response.first(Payload.Auth.class).orElseThrow().data()).isPresent());
    }

    @Test
    void theOtherSidesCertificateDoesNotVerifyTheSignature() {
        Payload.Id id = id(request, Wire.IDI);
        Payload.Auth auth = request.first(Payload.Auth.class).orElseThrow();
        List<byte[]> responderCert = List.of(response.first(Payload.Cert.class).orElseThrow().data());
        assertTrue(verifier.check(PRF, octetsI, new Authenticator.AuthData(auth.method(), auth.data()),
                new Authenticator.PeerProof(id.idType(), id.data(), responderCert)).isPresent());
    }
}
