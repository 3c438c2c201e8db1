package io.sallyport.config.model;

/** How a key is written: text or hexadecimal. Keyed by the Junos keyword. */
public enum KeyFormat implements Keyword {
    ASCII_TEXT("ascii-text"),
    HEXADECIMAL("hexadecimal");

    private final String keyword;

    KeyFormat(String keyword) { this.keyword = keyword; }

    @Override public String keyword() { return keyword; }

    public static KeyFormat of(String keyword) { return Keyword.of(KeyFormat.class, keyword); }
}
