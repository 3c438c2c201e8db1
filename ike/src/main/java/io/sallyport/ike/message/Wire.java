package io.sallyport.ike.message;

/** IKEv2 wire constants (IANA "IKEv2 Parameters"), grouped by registry. */
public final class Wire {

    private Wire() {
    }

    // Payload types (RFC 7296 §3.2, RFC 7383 §2.5).
    public static final int NO_NEXT = 0;
    public static final int SA = 33;
    public static final int KE = 34;
    public static final int IDI = 35;
    public static final int IDR = 36;
    public static final int CERT = 37;
    public static final int CERTREQ = 38;
    public static final int AUTH = 39;
    public static final int NONCE = 40;
    public static final int NOTIFY = 41;
    public static final int DELETE = 42;
    public static final int VENDOR = 43;
    public static final int TSI = 44;
    public static final int TSR = 45;
    public static final int SK = 46;
    public static final int CP = 47;
    public static final int EAP = 48;
    public static final int SKF = 53;

    // Exchange types.
    public static final int IKE_SA_INIT = 34;
    public static final int IKE_AUTH = 35;
    public static final int CREATE_CHILD_SA = 36;
    public static final int INFORMATIONAL = 37;

    // Header flags.
    public static final int FLAG_INITIATOR = 0x08;
    public static final int FLAG_VERSION = 0x10;
    public static final int FLAG_RESPONSE = 0x20;

    // Protocol IDs.
    public static final int PROTO_IKE = 1;
    public static final int PROTO_AH = 2;
    public static final int PROTO_ESP = 3;

    // Transform types and the key-length attribute.
    public static final int TRANS_ENCR = 1;
    public static final int TRANS_PRF = 2;
    public static final int TRANS_INTEG = 3;
    public static final int TRANS_DH = 4;
    public static final int TRANS_ESN = 5;
    public static final int ATTR_KEY_LENGTH = 14;

    // Notify error types.
    public static final int N_UNSUPPORTED_CRITICAL_PAYLOAD = 1;
    public static final int N_INVALID_IKE_SPI = 4;
    public static final int N_INVALID_MAJOR_VERSION = 5;
    public static final int N_INVALID_SYNTAX = 7;
    public static final int N_INVALID_MESSAGE_ID = 9;
    public static final int N_INVALID_SPI = 11;
    public static final int N_NO_PROPOSAL_CHOSEN = 14;
    public static final int N_INVALID_KE_PAYLOAD = 17;
    public static final int N_AUTHENTICATION_FAILED = 24;
    public static final int N_SINGLE_PAIR_REQUIRED = 34;
    public static final int N_NO_ADDITIONAL_SAS = 35;
    public static final int N_TS_UNACCEPTABLE = 38;
    public static final int N_TEMPORARY_FAILURE = 43;
    public static final int N_CHILD_SA_NOT_FOUND = 44;
    // Notify status types.
    public static final int N_INITIAL_CONTACT = 16384;
    public static final int N_NAT_DETECTION_SOURCE_IP = 16388;
    public static final int N_NAT_DETECTION_DESTINATION_IP = 16389;
    public static final int N_COOKIE = 16390;
    public static final int N_USE_TRANSPORT_MODE = 16391;
    public static final int N_REKEY_SA = 16393;
    public static final int N_ESP_TFC_PADDING_NOT_SUPPORTED = 16394;
    public static final int N_NON_FIRST_FRAGMENTS_ALSO = 16395;
    public static final int N_IKEV2_FRAGMENTATION_SUPPORTED = 16430;
    /** RFC 7427 §4: the hash algorithms the sender can verify digital signatures with (2 bytes each). */
    public static final int N_SIGNATURE_HASH_ALGORITHMS = 16431;

    // Authentication methods.
    public static final int AUTH_SHARED_KEY_MIC = 2;
    /** RSA digital signature: PKCS#1 v1.5 with SHA-1 (RFC 7296 §3.8). */
    public static final int AUTH_RSA_SIGNATURE = 1;
    /** Digital signature with an AlgorithmIdentifier (RFC 7427 §3). */
    public static final int AUTH_DIGITAL_SIGNATURE = 14;

    /** CERT / CERTREQ encoding: X.509 certificate - signature (RFC 7296 §3.6). */
    public static final int CERT_X509_SIGNATURE = 4;

    // Traffic selector types.
    public static final int TS_IPV4_ADDR_RANGE = 7;
    public static final int TS_IPV6_ADDR_RANGE = 8;

    public static String exchangeName(int type) {
        return switch (type) {
            case IKE_SA_INIT -> "IKE_SA_INIT";
            case IKE_AUTH -> "IKE_AUTH";
            case CREATE_CHILD_SA -> "CREATE_CHILD_SA";
            case INFORMATIONAL -> "INFORMATIONAL";
            default -> "EXCHANGE(" + type + ")";
        };
    }
}
