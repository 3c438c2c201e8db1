package io.sallyport.config.model;

/** Manual SA {@code direction}. Keyed by the Junos keyword. */
public enum SaDirection implements Keyword {
    INBOUND("inbound"),
    OUTBOUND("outbound"),
    BIDIRECTIONAL("bidirectional");

    private final String keyword;

    SaDirection(String keyword) { this.keyword = keyword; }

    @Override public String keyword() { return keyword; }

    public static SaDirection of(String keyword) { return Keyword.of(SaDirection.class, keyword); }
}
