package io.sallyport.ike.v1;

import java.util.List;
import java.util.OptionalLong;

/** One ISAKMP payload (RFC 2408 §3.4-3.15, RFC 3947 §3); unknown types keep their body. */
sealed interface V1Payload {

    int type();

    /** SA payload; the situation is SIT_IDENTITY_ONLY in everything we build. */
    record Sa(int doi, int situation, List<SaProposal> proposals) implements V1Payload {
        public int type() { return Isakmp.P_SA; }
    }

    record Ke(byte[] data) implements V1Payload {
        public int type() { return Isakmp.P_KE; }
    }

    /** Identification (RFC 2407 §4.6.2): type, IP protocol and port, then the data. */
    record Id(int idType, int protocol, int port, byte[] data) implements V1Payload {
        public int type() { return Isakmp.P_ID; }
    }

    record Hash(byte[] data) implements V1Payload {
        public int type() { return Isakmp.P_HASH; }
    }

    /** Certificate (RFC 2408 §3.9): the encoding (4: X.509 signature) and the DER certificate. */
    record Cert(int encoding, byte[] data) implements V1Payload {
        public int type() { return Isakmp.P_CERT; }
    }

    /** Certificate request (RFC 2408 §3.10): the encoding and one acceptable CA's DER subject name (or none). */
    record CertReq(int encoding, byte[] authority) implements V1Payload {
        public int type() { return Isakmp.P_CERTREQ; }
    }

    /** Signature (RFC 2408 §3.12): SIG_I or SIG_R over HASH_I or HASH_R (RFC 2409 §5.1). */
    record Sig(byte[] data) implements V1Payload {
        public int type() { return Isakmp.P_SIG; }
    }

    record Nonce(byte[] data) implements V1Payload {
        public int type() { return Isakmp.P_NONCE; }
    }

    record Notify(int doi, int protocol, byte[] spi, int notifyType, byte[] data) implements V1Payload {
        public int type() { return Isakmp.P_NOTIFY; }
    }

    record Delete(int doi, int protocol, int spiSize, List<byte[]> spis) implements V1Payload {
        public int type() { return Isakmp.P_DELETE; }
    }

    record VendorId(byte[] data) implements V1Payload {
        public int type() { return Isakmp.P_VENDOR; }
    }

    /** NAT-D with payload type 20 (RFC 3947) or 130 (draft-ietf-ipsec-nat-t-ike-02/03). */
    record NatD(int type, byte[] hash) implements V1Payload {
    }

    record Unknown(int type, byte[] body) implements V1Payload {
    }

    /** A proposal of an SA payload; {@code spi} is empty for ISAKMP, 4 bytes for ESP. */
    record SaProposal(int number, int protocol, byte[] spi, List<SaTransform> transforms) {
    }

    record SaTransform(int number, int transformId, List<Attribute> attributes) {
        OptionalLong attribute(int attributeType) {
            return attributes.stream().filter(a -> a.type() == attributeType).mapToLong(Attribute::value).findFirst();
        }
    }

    /** A data attribute; values that fit 16 bits travel in the short (TV) form, others as TLV. */
    record Attribute(int type, long value) {
    }
}
