package io.sallyport.crypto;

import java.util.Arrays;
import java.util.Optional;

/**
 * Integrity (HMAC) transforms, by Junos keyword.
 *
 * <p>Junos spells them differently in IKE proposals ({@code sha1}) and IPsec proposals
 * ({@code hmac-sha1-96}); both spellings resolve here. IKEv2 values are IANA "Transform Type 3"
 * (RFC 7296, RFC 4868); IKEv1 has the phase-1 "Hash Algorithm" attribute (RFC 2409, RFC 4868 §2.1)
 * and the IPsec DOI "Authentication Algorithm" attribute (RFC 2407 §4.5, RFC 4868).
 */
public enum IntegrityAlgorithm {
    //                  ipsecKeyword         ikeKeyword jca           keyLen icvLen v1Hash v1Esp v2
    HMAC_MD5_96       ("hmac-md5-96",        "md5",     "HmacMD5",    16,    12,    1,     1,    1),
    HMAC_SHA1_96      ("hmac-sha1-96",       "sha1",    "HmacSHA1",   20,    12,    2,     2,    2),
    HMAC_SHA_256_128  ("hmac-sha-256-128",   "sha-256", "HmacSHA256", 32,    16,    4,     5,   12),
    HMAC_SHA_384_192  ("hmac-sha-384-192",   "sha-384", "HmacSHA384", 48,    24,    5,     6,   13),
    HMAC_SHA_512_256  ("hmac-sha-512-256",   "sha-512", "HmacSHA512", 64,    32,    6,     7,   14);

    private final String ipsecKeyword;
    private final String ikeKeyword;
    private final String jcaName;
    private final int keySize;
    private final int icvSize;
    private final int ikev1HashId;
    private final int ikev1EspAuthId;
    private final int ikev2Id;

    IntegrityAlgorithm(String ipsecKeyword, String ikeKeyword, String jcaName, int keySize, int icvSize,
                       int ikev1HashId, int ikev1EspAuthId, int ikev2Id) {
        this.ipsecKeyword = ipsecKeyword;
        this.ikeKeyword = ikeKeyword;
        this.jcaName = jcaName;
        this.keySize = keySize;
        this.icvSize = icvSize;
        this.ikev1HashId = ikev1HashId;
        this.ikev1EspAuthId = ikev1EspAuthId;
        this.ikev2Id = ikev2Id;
    }

    /** Keyword in an IPsec proposal, for example {@code hmac-sha1-96}. */
    public String ipsecKeyword() { return ipsecKeyword; }

    /** Keyword in an IKE proposal, for example {@code sha1}. */
    public String ikeKeyword() { return ikeKeyword; }

    /** JCA Mac algorithm name. */
    public String jcaName() { return jcaName; }

    /** HMAC key length in bytes (the hash output length, RFC 2104). */
    public int keySize() { return keySize; }

    /** Truncated ICV length in bytes. */
    public int icvSize() { return icvSize; }

    public int ikev1HashId() { return ikev1HashId; }

    public int ikev1EspAuthId() { return ikev1EspAuthId; }

    public int ikev2Id() { return ikev2Id; }

    /** The PRF that IKE pairs with this integrity algorithm when a proposal names no PRF. */
    public PrfAlgorithm matchingPrf() {
        return switch (this) {
            case HMAC_MD5_96 -> PrfAlgorithm.HMAC_MD5;
            case HMAC_SHA1_96 -> PrfAlgorithm.HMAC_SHA1;
            case HMAC_SHA_256_128 -> PrfAlgorithm.HMAC_SHA2_256;
            case HMAC_SHA_384_192 -> PrfAlgorithm.HMAC_SHA2_384;
            case HMAC_SHA_512_256 -> PrfAlgorithm.HMAC_SHA2_512;
        };
    }

    /** Accepts either spelling; {@code hmac-sha2-256} is the Junos alias of hmac-sha-256-128. */
    public static Optional<IntegrityAlgorithm> fromKeyword(String keyword) {
        String k = keyword.equals("hmac-sha2-256") ? "hmac-sha-256-128" : keyword;
        return Arrays.stream(values())
                .filter(a -> a.ipsecKeyword.equals(k) || a.ikeKeyword.equals(k))
                .findFirst();
    }

    public static Optional<IntegrityAlgorithm> fromIkev2(int id) {
        return Arrays.stream(values()).filter(a -> a.ikev2Id == id).findFirst();
    }
}
