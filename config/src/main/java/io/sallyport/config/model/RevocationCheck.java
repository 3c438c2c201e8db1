package io.sallyport.config.model;

/** CA profile {@code revocation-check} method. Keyed by the Junos keyword. */
public enum RevocationCheck implements Keyword {
    USE_CRL("use-crl"),
    USE_OCSP("use-ocsp"),
    DISABLE("disable");

    private final String keyword;

    RevocationCheck(String keyword) { this.keyword = keyword; }

    @Override public String keyword() { return keyword; }

    public static RevocationCheck of(String keyword) { return Keyword.of(RevocationCheck.class, keyword); }
}
