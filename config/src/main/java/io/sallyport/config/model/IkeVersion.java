package io.sallyport.config.model;

/** IKE policy {@code version}. Keyed by the Junos keyword. */
public enum IkeVersion implements Keyword {
    V1("1"),
    V2("2");

    private final String keyword;

    IkeVersion(String keyword) { this.keyword = keyword; }

    @Override public String keyword() { return keyword; }

    public static IkeVersion of(String keyword) { return Keyword.of(IkeVersion.class, keyword); }
}
