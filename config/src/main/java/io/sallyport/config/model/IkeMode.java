package io.sallyport.config.model;

/** IKE policy {@code mode} (IKEv1 only). Keyed by the Junos keyword. */
public enum IkeMode implements Keyword {
    MAIN("main"),
    AGGRESSIVE("aggressive");

    private final String keyword;

    IkeMode(String keyword) { this.keyword = keyword; }

    @Override public String keyword() { return keyword; }

    public static IkeMode of(String keyword) { return Keyword.of(IkeMode.class, keyword); }
}
