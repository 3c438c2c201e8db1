package io.sallyport.config.model;

/** IKE {@code dh-group} and IPsec {@code perfect-forward-secrecy keys}. Keyed by the Junos keyword. */
public enum DhGroup implements Keyword {
    GROUP1("group1"),
    GROUP2("group2"),
    GROUP5("group5"),
    GROUP14("group14"),
    GROUP15("group15"),
    GROUP16("group16"),
    GROUP19("group19"),
    GROUP20("group20"),
    GROUP24("group24");

    private final String keyword;

    DhGroup(String keyword) { this.keyword = keyword; }

    @Override public String keyword() { return keyword; }

    public static DhGroup of(String keyword) { return Keyword.of(DhGroup.class, keyword); }
}
