package io.sallyport.esp;

/** Events an SA raises to the key manager through the gateway. */
public enum SaEvent {
    NONE,
    /** The outbound sequence number is within {@link OutboundPath#ROLLOVER_MARGIN} of wrapping: rekey now. */
    SEQUENCE_NEAR_ROLLOVER,
    /** The last sequence number was used; the SA sends nothing more (RFC 4303 §3.3.3). */
    SEQUENCE_EXHAUSTED
}
