package io.sallyport.config.model;

/** Unit {@code dial-options}: one unit for many dynamic tunnels, or one per tunnel. Keyed by the Junos keyword. */
public enum DialMode implements Keyword {
    SHARED("shared"),
    DEDICATED("dedicated");

    private final String keyword;

    DialMode(String keyword) { this.keyword = keyword; }

    @Override public String keyword() { return keyword; }

    public static DialMode of(String keyword) { return Keyword.of(DialMode.class, keyword); }
}
