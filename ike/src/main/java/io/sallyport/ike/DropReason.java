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
    UNPROTECTED("unprotected message after IKE_SA_INIT"),
    FRAGMENT_LIMIT("IKE fragments over the reassembly limit"),
    DUPLICATE_FRAGMENT("fragment of an answered request"),
    RATE_LIMITED("IKE_SA_INIT over the rate limit"),
    INVALID_KE("invalid KE value"),
    HALF_OPEN_LIMIT("too many half-open IKE SAs"),
    OVERSIZED_INIT("IKE_SA_INIT request too large"),
    INPUT_QUEUE_FULL("kmd input queue full (counted by the adapter)"),
    INTERNAL_ERROR("internal error contained to one IKE SA");

    private final String label;

    DropReason(String label) { this.label = label; }

    public String label() { return label; }
}
