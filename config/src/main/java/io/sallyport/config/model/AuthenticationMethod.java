package io.sallyport.config.model;

/** IKE proposal {@code authentication-method}. Keyed by the Junos keyword. */
public enum AuthenticationMethod implements Keyword {
    PRE_SHARED_KEYS("pre-shared-keys"),
    RSA_SIGNATURES("rsa-signatures"),
    DSA_SIGNATURES("dsa-signatures"),
    ECDSA_SIGNATURES_256("ecdsa-signatures-256"),
    ECDSA_SIGNATURES_384("ecdsa-signatures-384");

    private final String keyword;

    AuthenticationMethod(String keyword) { this.keyword = keyword; }

    @Override public String keyword() { return keyword; }

    public static AuthenticationMethod of(String keyword) { return Keyword.of(AuthenticationMethod.class, keyword); }
}
