package io.sallyport.config.model;

/** Rule {@code match-direction}. Keyed by the Junos keyword. */
public enum MatchDirection implements Keyword {
    INPUT("input"),
    OUTPUT("output");

    private final String keyword;

    MatchDirection(String keyword) { this.keyword = keyword; }

    @Override public String keyword() { return keyword; }

    public static MatchDirection of(String keyword) { return Keyword.of(MatchDirection.class, keyword); }
}
