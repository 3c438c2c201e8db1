package io.sallyport.config.model;

/** {@code encryption-algorithm} of IKE and IPsec proposals and manual SAs. Keyed by the Junos keyword. */
public enum EncryptionAlgorithm implements Keyword {
    DES_CBC("des-cbc"),
    TRIPLE_DES_CBC("3des-cbc"),
    AES_128_CBC("aes-128-cbc"),
    AES_192_CBC("aes-192-cbc"),
    AES_256_CBC("aes-256-cbc"),
    AES_128_GCM("aes-128-gcm"),
    AES_192_GCM("aes-192-gcm"),
    AES_256_GCM("aes-256-gcm");

    private final String keyword;

    EncryptionAlgorithm(String keyword) { this.keyword = keyword; }

    @Override public String keyword() { return keyword; }

    public static EncryptionAlgorithm of(String keyword) { return Keyword.of(EncryptionAlgorithm.class, keyword); }

    /** AES-GCM combines encryption and integrity; it takes no HMAC. */
    public boolean isGcm() { return keyword.endsWith("-gcm"); }
}
