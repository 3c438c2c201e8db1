package io.sallyport.ike.message;

import java.util.List;

/**
 * One IKEv2 payload (RFC 7296 §3). Decoding is total: lengths are checked while parsing, and a
 * payload type we do not know is kept as {@link Unknown} with its critical bit.
 */
public sealed interface Payload {

    /** The payload type number on the wire. */
    int type();

    /** SA payload: proposals in the sender's order. */
    record Sa(List<Proposal> proposals) implements Payload {
        public int type() { return Wire.SA; }
    }

    /** KE payload: DH group number and public value. */
    record Ke(int group, byte[] data) implements Payload {
        public int type() { return Wire.KE; }
    }

    record Nonce(byte[] data) implements Payload {
        public int type() { return Wire.NONCE; }
    }

    /** IDi or IDr ({@code type} tells which). */
    record Id(int type, int idType, byte[] data) implements Payload {
        /** The ID payload body without the generic header: what prf(SK_p, IDx') covers. */
        public byte[] body() {
            byte[] b = new byte[4 + data.length];
            b[0] = (byte) idType;
            System.arraycopy(data, 0, b, 4, data.length);
            return b;
        }
    }

    record Auth(int method, byte[] data) implements Payload {
        public int type() { return Wire.AUTH; }
    }

    /** Notify: {@code spi} is empty when no SPI is carried. */
    record Notify(int protocolId, byte[] spi, int notifyType, byte[] data) implements Payload {
        public int type() { return Wire.NOTIFY; }

        public static Notify of(int notifyType, byte[] data) { return new Notify(0, new byte[0], notifyType, data); }

        public static Notify of(int notifyType) { return of(notifyType, new byte[0]); }

        /** An error notify without SPI (the peer's refusal of a request, RFC 7296 §3.10.1). */
        public static Notify of(NotifyError error) { return of(error.code()); }

        public boolean isError() { return notifyType < 16384; }

        /** The error this notify reports, if it is an error notify. */
        public java.util.Optional<NotifyError> error() {
            return isError() ? java.util.Optional.of(NotifyError.of(notifyType)) : java.util.Optional.empty();
        }
    }

    /** Delete: the IKE SA itself when protocol is IKE (no SPIs), else a list of SPIs. */
    record Delete(int protocolId, int spiSize, List<byte[]> spis) implements Payload {
        public int type() { return Wire.DELETE; }
    }

    record VendorId(byte[] data) implements Payload {
        public int type() { return Wire.VENDOR; }
    }

    /** TSi or TSr ({@code type} tells which). */
    record Ts(int type, List<TrafficSelector> selectors) implements Payload {
    }

    /** CERT (RFC 7296 §3.6): encoding (4 = X.509 signature) and the certificate data (DER). */
    record Cert(int encoding, byte[] data) implements Payload {
        public int type() { return Wire.CERT; }
    }

    /**
     * CERTREQ (RFC 7296 §3.7): encoding and the certification authority field, for X.509 a
     * concatenation of 20-byte SHA-1 hashes of trusted CAs' public keys.
     */
    record CertReq(int encoding, byte[] authorities) implements Payload {
        public int type() { return Wire.CERTREQ; }
    }

    /** CP and EAP: carried as bytes, not interpreted. */
    record Opaque(int type, byte[] body) implements Payload {
    }

    /** A payload type this implementation does not know (RFC 7296 §2.5). */
    record Unknown(int type, boolean critical, byte[] body) implements Payload {
    }
}
