package io.sallyport.ike;

import io.sallyport.ike.message.Bytes;
import io.sallyport.ike.message.IkeMessage;
import io.sallyport.ike.message.Payload;
import io.sallyport.ike.message.Wire;
import java.util.ArrayList;
import java.util.List;

/**
 * The payloads of certificate authentication, as the {@link Authenticator} asks for them:
 * SIGNATURE_HASH_ALGORITHMS (RFC 7427 §4) and CERTREQ in IKE_SA_INIT, CERT (and the initiator's
 * CERTREQ) in IKE_AUTH. With a pre-shared key none of them is sent.
 */
final class CertificatePayloads {

    /** At most this many hash algorithms are taken from a peer's notify: the registry has 8. */
    private static final int MAX_HASHES = 16;
    /** At most this many CERT payloads are handed on for validation: a chain is never longer. */
    static final int MAX_CERTIFICATES = 8;

    private CertificatePayloads() {}

    /** IKE_SA_INIT additions: our hash algorithms, and CERTREQ when we are the responder. */
    static void addToInit(IkeSession s, List<Payload> payloads, boolean responder) {
        Authenticator a = s.peer.authenticator();
        if (!a.signatureHashAlgorithms().isEmpty()) {
            Bytes b = new Bytes();
            a.signatureHashAlgorithms().forEach(b::u16);
            payloads.add(Payload.Notify.of(Wire.N_SIGNATURE_HASH_ALGORITHMS, b.toArray()));
        }
        if (responder) {
            addCertificateRequest(a, payloads);
        }
    }

    /** Remembers the hash algorithms the peer announced in IKE_SA_INIT. */
    static void learnFromInit(IkeSession s, IkeMessage m) {
        List<Integer> hashes = new ArrayList<>();
        m.notify(Wire.N_SIGNATURE_HASH_ALGORITHMS).ifPresent(n -> {
            byte[] d = n.data();
            for (int i = 0; i + 1 < d.length && hashes.size() < MAX_HASHES; i += 2) {
                hashes.add(((d[i] & 0xff) << 8) | (d[i + 1] & 0xff));
            }
        });
        s.peerSignatureHashes = List.copyOf(hashes);
    }

    /** IKE_AUTH additions before AUTH: our certificates, and CERTREQ in the initiator's request. */
    static void addToAuth(IkeSession s, List<Payload> payloads, boolean request) {
        Authenticator a = s.peer.authenticator();
        for (byte[] der : a.certificates()) {
            payloads.add(new Payload.Cert(Wire.CERT_X509_SIGNATURE, der));
        }
        if (request) {
            addCertificateRequest(a, payloads);
        }
    }

    private static void addCertificateRequest(Authenticator a, List<Payload> payloads) {
        if (!a.certificateAuthorities().isEmpty()) {
            payloads.add(new Payload.CertReq(Wire.CERT_X509_SIGNATURE, Bytes.concat(a.certificateAuthorities().toArray(byte[][]::new))));
        }
    }

    /** The peer's ID and X.509 certificates from an IKE_AUTH message. */
    static Authenticator.PeerProof proof(IkeMessage m, Payload.Id id) {
        List<byte[]> certs = m.all(Payload.Cert.class).stream()
                .filter(c -> c.encoding() == Wire.CERT_X509_SIGNATURE).map(Payload.Cert::data).limit(MAX_CERTIFICATES).toList();
        return new Authenticator.PeerProof(id.idType(), id.data(), certs);
    }
}
