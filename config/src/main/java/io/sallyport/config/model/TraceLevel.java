package io.sallyport.config.model;

/** Traceoptions {@code level}. Keyed by the Junos keyword. */
public enum TraceLevel implements Keyword {
    ERROR("error"),
    WARNING("warning"),
    NOTICE("notice"),
    INFO("info"),
    VERBOSE("verbose"),
    ALL("all");

    private final String keyword;

    TraceLevel(String keyword) { this.keyword = keyword; }

    @Override public String keyword() { return keyword; }

    public static TraceLevel of(String keyword) { return Keyword.of(TraceLevel.class, keyword); }
}
