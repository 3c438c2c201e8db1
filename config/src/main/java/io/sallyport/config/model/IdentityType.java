package io.sallyport.config.model;

/** IKE identity types of {@code local-id}. Keyed by the Junos keyword. */
public enum IdentityType implements Keyword {
    IPV4_ADDR("ipv4_addr"),
    IPV6_ADDR("ipv6-addr"),
    FQDN("fqdn"),
    KEY_ID("key-id"),
    DISTINGUISHED_NAME("distinguished-name");

    private final String keyword;

    IdentityType(String keyword) { this.keyword = keyword; }

    @Override public String keyword() { return keyword; }

    public static IdentityType of(String keyword) { return Keyword.of(IdentityType.class, keyword); }
}
