package io.sallyport.config.model;

/** What happens to the DF bit of packets entering a tunnel. Keyed by the Junos keyword. */
public enum DfBit implements Keyword {
    CLEAR("clear-dont-fragment-bit"),
    COPY("copy-dont-fragment-bit"),
    SET("set-dont-fragment-bit");

    private final String keyword;

    DfBit(String keyword) { this.keyword = keyword; }

    @Override public String keyword() { return keyword; }

    public static DfBit of(String keyword) { return Keyword.of(DfBit.class, keyword); }
}
