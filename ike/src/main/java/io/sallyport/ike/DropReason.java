package io.sallyport.ike;

/** Why kmd dropped an input, counted per reason (never an exception). */
public enum DropReason {
    MALFORMED_HEADER("malformed IKE header"),
    MALFORMED_PAYLOAD("malformed payload"),
    INTEGRITY_FAILED("integrity check failed"),
    UNKNOWN_SPI("no IKE SA for SPI"),
    NO_PEER("no peer configured for address"),
    OUT_OF_WINDOW("message ID out of window"),
    UNEXPECTED_RESPONSE("response without outstanding request"),
    UNEXPECTED_EXCHANGE("exchange not valid in this state"),
    RETRANSMITTED_REQUEST("duplicate request answered from cache"),
    KEEPALIVE("NAT keepalive"),
    HALF_OPEN_LIMIT("half-open SA limit reached"),
    INTERNAL_ERROR("internal error contained to one IKE SA");

    private final String label;

    DropReason(String label) { this.label = label; }

    public String label() { return label; }
}
