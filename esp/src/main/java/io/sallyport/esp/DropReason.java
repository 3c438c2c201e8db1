package io.sallyport.esp;

/**
 * Why the data plane discarded a packet. Ids are stable (they name counters in traces and the
 * management API); labels follow {@code show services ipsec-vpn ipsec statistics} (reference §4.5)
 * where it has one, and {@link #showField()} names the §4.5 counter each reason adds to.
 */
public enum DropReason {
    // inbound, ESP level
    REPLAY(1, "Replay errors", "replay-errors"),
    REPLAY_BEFORE_WINDOW(2, "Replay before window drops", "replay-before-window-drops"),
    AUTHENTICATION(3, "ESP authentication failures", "esp-authentication-failures"),
    DECRYPTION(4, "ESP decryption failures", "esp-decryption-failures"),
    BAD_PADDING(5, "Bad trailers: padding", "bad-trailers"),
    BAD_NEXT_HEADER(6, "Bad trailers: next header", "bad-trailers"),
    BAD_LENGTH(7, "Bad headers: ESP length", "bad-headers"),
    INVALID_SPI(8, "Invalid SPI errors", "invalid-spi-errors"),
    BAD_OUTER_HEADER(9, "Bad headers: outer IP/UDP", "bad-headers"),
    OUTER_FRAGMENT(10, "Bad headers: outer fragment", "bad-headers"),
    DUMMY_PACKET(11, "Dummy packets (next header 59)", "discard-errors"),
    // both directions, inner packet checks
    INNER_MALFORMED(20, "IP integrity errors: malformed inner packet", "ip-integrity-errors"),
    INNER_BAD_VERSION(21, "IP integrity errors: version", "ip-integrity-errors"),
    INNER_BAD_CHECKSUM(22, "IP integrity errors: IPv4 checksum", "ip-integrity-errors"),
    INNER_BAD_OPTIONS(23, "IP integrity errors: IPv4 options", "ip-integrity-errors"),
    INNER_BAD_ADDRESS(24, "IP integrity errors: address", "ip-integrity-errors"),
    INNER_LAND_ATTACK(25, "IP integrity errors: land attack", "ip-integrity-errors"),
    INNER_ZERO_TTL(26, "IP integrity errors: TTL 0", "ip-integrity-errors"),
    INNER_BAD_PROTOCOL(27, "IP integrity errors: protocol", "ip-integrity-errors"),
    INNER_BAD_TCP(28, "Header check: TCP", "ip-integrity-errors"),
    INNER_BAD_UDP(29, "Header check: UDP", "ip-integrity-errors"),
    INNER_BAD_ICMP(30, "Header check: ICMP", "ip-integrity-errors"),
    // outbound
    TTL_EXCEEDED(40, "TTL exceeded entering the tunnel", "discard-errors"),
    EXCEEDS_TUNNEL_MTU(41, "Exceeds tunnel MTU", "exceeds-tunnel-mtu"),
    SEQUENCE_EXHAUSTED(42, "Sequence number rollover", "misc-errors"),
    NO_BUFFER_SPACE(43, "No headroom/tailroom in buffer", "misc-errors");

    private final int id;
    private final String label;
    private final String showField;

    DropReason(final int id, final String label, final String showField) {
        this.id = id;
        this.label = label;
        this.showField = showField;
    }

    public int id() { return id; }
    public String label() { return label; }
    /** The §4.5 XML counter (under {@code error-statistics}) this reason is summed into. */
    public String showField() { return showField; }
}
