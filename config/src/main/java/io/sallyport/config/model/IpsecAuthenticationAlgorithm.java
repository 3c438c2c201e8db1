package io.sallyport.config.model;

/** IPsec proposal and manual SA {@code authentication-algorithm}. Keyed by the Junos keyword. */
public enum IpsecAuthenticationAlgorithm implements Keyword {
    HMAC_MD5_96("hmac-md5-96"),
    HMAC_SHA1_96("hmac-sha1-96"),
    HMAC_SHA_256_128("hmac-sha-256-128"),
    HMAC_SHA_256_96("hmac-sha-256-96"),
    HMAC_SHA2_256("hmac-sha2-256");

    private final String keyword;

    IpsecAuthenticationAlgorithm(String keyword) { this.keyword = keyword; }

    @Override public String keyword() { return keyword; }

    public static IpsecAuthenticationAlgorithm of(String keyword) { return Keyword.of(IpsecAuthenticationAlgorithm.class, keyword); }
}
