package io.sallyport.esp;

/** Success counters, the {@code esp-statistics} block of reference §4.5, plus outcome counts. */
public enum EspStat {
    ENCRYPTED_BYTES(1, "Encrypted bytes", "esp-encrypted-bytes"),
    DECRYPTED_BYTES(2, "Decrypted bytes", "esp-decrypted-bytes"),
    ENCRYPTED_PACKETS(3, "Encrypted packets", "esp-encrypted-packets"),
    DECRYPTED_PACKETS(4, "Decrypted packets", "esp-decrypted-packets"),
    FRAGMENTED_BEFORE_ENCRYPTION(5, "Fragmented before encryption", "fragmented-before-encryption"),
    ICMP_ERRORS_SENT(6, "ICMP errors sent inside", "icmp-errors-sent"),
    NAT_KEEPALIVES(7, "NAT-T keepalives received", "nat-keepalives"),
    IKE_ON_4500(8, "IKE messages on the NAT-T port", "ike-on-nat-t-port"),
    ROLLOVER_EVENTS(9, "Sequence rollover events", "sequence-rollover-events"),
    /** Junos's {@code show services service-sets statistics tcp-mss} "SYN Received". */
    TCP_SYNS(10, "TCP SYNs seen by tcp-mss", "tcp-mss-syn-received"),
    /** Junos's "SYN Modified": the SYNs whose MSS was lowered to {@code tcp-mss}. */
    TCP_MSS_CLAMPED(11, "TCP SYNs with their MSS lowered by tcp-mss", "tcp-mss-syn-modified");

    private final int id;
    private final String label;
    private final String field;

    EspStat(final int id, final String label, final String field) {
        this.id = id;
        this.label = label;
        this.field = field;
    }

    public int id() { return id; }
    public String label() { return label; }
    public String field() { return field; }
}
