package io.sallyport.ike.v1;

/** ISAKMP/IKEv1 wire numbers (RFC 2408 §3, RFC 2407 §4, RFC 2409 Appendix A, RFC 3947, RFC 3706). */
final class Isakmp {

    private Isakmp() {
    }

    // Header (RFC 2408 §3.1)
    static final int HEADER_SIZE = 28;
    static final int VERSION = 0x10;
    static final int FLAG_ENCRYPTION = 0x01;
    static final int FLAG_COMMIT = 0x02;

    // Exchange types (RFC 2408 §3.1, RFC 2409 §5)
    static final int EXCH_MAIN = 2;
    static final int EXCH_AGGRESSIVE = 4;
    static final int EXCH_INFORMATIONAL = 5;
    static final int EXCH_QUICK = 32;

    // Payload types (RFC 2408 §3.1, RFC 3947 §3)
    static final int P_NONE = 0;
    static final int P_SA = 1;
    static final int P_PROPOSAL = 2;
    static final int P_TRANSFORM = 3;
    static final int P_KE = 4;
    static final int P_ID = 5;
    static final int P_CERT = 6;
    static final int P_CERTREQ = 7;
    static final int P_HASH = 8;
    static final int P_SIG = 9;
    static final int P_NONCE = 10;
    static final int P_NOTIFY = 11;
    static final int P_DELETE = 12;
    static final int P_VENDOR = 13;
    static final int P_NAT_D = 20;
    static final int P_NAT_OA = 21;
    static final int P_NAT_D_DRAFT = 130;

    // DOI and situation (RFC 2407 §4.2, §4.6.1)
    static final int DOI_IPSEC = 1;
    static final int SIT_IDENTITY_ONLY = 1;

    // Protocol IDs (RFC 2407 §4.4.1)
    static final int PROTO_ISAKMP = 1;
    static final int PROTO_ESP = 3;
    static final int KEY_IKE = 1;

    // Phase-1 attributes (RFC 2409 Appendix A)
    static final int A_ENCRYPTION = 1;
    static final int A_HASH = 2;
    static final int A_AUTH_METHOD = 3;
    static final int A_GROUP = 4;
    static final int A_LIFE_TYPE = 11;
    static final int A_LIFE_DURATION = 12;
    static final int A_KEY_LENGTH = 14;
    static final int AUTH_PSK = 1;
    static final int AUTH_RSA_SIG = 3;
    static final int LIFE_SECONDS = 1;
    static final int LIFE_KILOBYTES = 2;

    // IPsec DOI SA attributes (RFC 2407 §4.5)
    static final int Q_LIFE_TYPE = 1;
    static final int Q_LIFE_DURATION = 2;
    static final int Q_GROUP = 3;
    static final int Q_ENCAPSULATION = 4;
    static final int Q_AUTH_ALGORITHM = 5;
    static final int Q_KEY_LENGTH = 6;
    static final int ENCAP_TUNNEL = 1;
    static final int ENCAP_UDP_TUNNEL = 3;
    static final int ENCAP_UDP_TUNNEL_DRAFT = 61443;

    // Certificate encodings (RFC 2408 §3.9)
    static final int CERT_X509_SIGNATURE = 4;

    // Identification types (RFC 2407 §4.6.2.1)
    static final int ID_IPV4_ADDR = 1;
    static final int ID_FQDN = 2;
    static final int ID_USER_FQDN = 3;
    static final int ID_IPV4_ADDR_SUBNET = 4;
    static final int ID_IPV6_ADDR = 5;
    static final int ID_IPV6_ADDR_SUBNET = 6;
    static final int ID_IPV4_ADDR_RANGE = 7;
    static final int ID_IPV6_ADDR_RANGE = 8;
    static final int ID_DER_ASN1_DN = 9;
    static final int ID_KEY_ID = 11;

    // Notify messages (RFC 2408 §3.14.1, RFC 2407 §4.6.3, RFC 3706 §5.3)
    static final int N_INVALID_PAYLOAD_TYPE = 1;
    static final int N_INVALID_SPI = 11;
    static final int N_NO_PROPOSAL_CHOSEN = 14;
    static final int N_PAYLOAD_MALFORMED = 16;
    static final int N_INVALID_KEY_INFORMATION = 17;
    static final int N_INVALID_ID_INFORMATION = 18;
    static final int N_AUTHENTICATION_FAILED = 24;
    static final int N_INVALID_HASH_INFORMATION = 23;
    static final int N_RESPONDER_LIFETIME = 24576;
    static final int N_INITIAL_CONTACT = 24578;
    static final int N_DPD_R_U_THERE = 36136;
    static final int N_DPD_R_U_THERE_ACK = 36137;

    /** Notify types below this are errors (RFC 2408 §3.14.1). */
    static final int N_ERROR_MAX = 16383;
}
