package io.sallyport.config.model;

/** IKE proposal {@code authentication-algorithm} (the IKE hash). Keyed by the Junos keyword. */
public enum IkeAuthenticationAlgorithm implements Keyword {
    MD5("md5"),
    SHA1("sha1"),
    SHA_256("sha-256"),
    SHA_384("sha-384");

    private final String keyword;

    IkeAuthenticationAlgorithm(String keyword) { this.keyword = keyword; }

    @Override public String keyword() { return keyword; }

    public static IkeAuthenticationAlgorithm of(String keyword) { return Keyword.of(IkeAuthenticationAlgorithm.class, keyword); }
}
