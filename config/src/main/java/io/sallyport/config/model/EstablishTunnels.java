package io.sallyport.config.model;

/** {@code services ipsec-vpn establish-tunnels}. Keyed by the Junos keyword. */
public enum EstablishTunnels implements Keyword {
    IMMEDIATELY("immediately"),
    ON_TRAFFIC("on-traffic"),
    RESPONDER_ONLY("responder-only");

    private final String keyword;

    EstablishTunnels(String keyword) { this.keyword = keyword; }

    @Override public String keyword() { return keyword; }

    public static EstablishTunnels of(String keyword) { return Keyword.of(EstablishTunnels.class, keyword); }
}
