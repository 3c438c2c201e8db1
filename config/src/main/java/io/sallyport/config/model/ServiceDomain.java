package io.sallyport.config.model;

/** Unit {@code service-domain}. Keyed by the Junos keyword. */
public enum ServiceDomain implements Keyword {
    INSIDE("inside"),
    OUTSIDE("outside");

    private final String keyword;

    ServiceDomain(String keyword) { this.keyword = keyword; }

    @Override public String keyword() { return keyword; }

    public static ServiceDomain of(String keyword) { return Keyword.of(ServiceDomain.class, keyword); }
}
