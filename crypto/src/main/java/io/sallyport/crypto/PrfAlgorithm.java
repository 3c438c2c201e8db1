package io.sallyport.crypto;

import java.util.Arrays;
import java.util.Optional;

/** IKE pseudo-random functions (IKEv2 "Transform Type 2", RFC 7296 §3.3.2, RFC 4868). */
public enum PrfAlgorithm {
    HMAC_MD5("hmac-md5", "HmacMD5", 16, 1),
    HMAC_SHA1("hmac-sha1", "HmacSHA1", 20, 2),
    HMAC_SHA2_256("hmac-sha256", "HmacSHA256", 32, 5),
    HMAC_SHA2_384("hmac-sha384", "HmacSHA384", 48, 6),
    HMAC_SHA2_512("hmac-sha512", "HmacSHA512", 64, 7);

    private final String displayName;
    private final String jcaName;
    private final int outputSize;
    private final int ikev2Id;

    PrfAlgorithm(String displayName, String jcaName, int outputSize, int ikev2Id) {
        this.displayName = displayName;
        this.jcaName = jcaName;
        this.outputSize = outputSize;
        this.ikev2Id = ikev2Id;
    }

    /** The name Junos prints in {@code show ... ike security-associations detail}. */
    public String displayName() { return displayName; }

    public String jcaName() { return jcaName; }

    /** Output length in bytes; also the preferred key length (RFC 7296 §2.13). */
    public int outputSize() { return outputSize; }

    public int ikev2Id() { return ikev2Id; }

    public static Optional<PrfAlgorithm> fromIkev2(int id) {
        return Arrays.stream(values()).filter(a -> a.ikev2Id == id).findFirst();
    }
}
