package io.sallyport.config.model;

/** IPsec {@code protocol}: AH, ESP, or an AH plus ESP bundle. Keyed by the Junos keyword. */
public enum IpsecProtocol implements Keyword {
    AH("ah"),
    ESP("esp"),
    BUNDLE("bundle");

    private final String keyword;

    IpsecProtocol(String keyword) { this.keyword = keyword; }

    @Override public String keyword() { return keyword; }

    public static IpsecProtocol of(String keyword) { return Keyword.of(IpsecProtocol.class, keyword); }
}
