package io.sallyport.ike;

/** Why an IKE SA ended, as a type; {@link Action.IkeSaDown#reason()} says it in words for operators. */
public enum DownCause {
    /** Retransmissions of a request went unanswered. */
    NO_RESPONSE,
    /** Dead-peer detection gave up. */
    DEAD_PEER,
    AUTHENTICATION_FAILED,
    /** No common proposal, unacceptable traffic selectors, or a choice we did not offer. */
    POLICY_MISMATCH,
    /** The peer answered with an error notify other than the above. */
    REFUSED,
    /** The peer sent something unusable (malformed message, invalid KE value). */
    INVALID,
    DELETED_BY_PEER,
    /** Deleted by the operator, or because its peer configuration was removed. */
    DELETED_LOCALLY,
    /** Replaced by a rekey or by a duplicate SA with the same peer. */
    REPLACED,
    /** Lifetime or half-open time over. */
    EXPIRED,
    INTERNAL_ERROR;

    /** The down cause of a failure that ends an SA. */
    public static DownCause of(io.sallyport.ike.task.Failure.Kind kind) {
        return switch (kind) {
            case NO_RESPONSE -> NO_RESPONSE;
            case DEAD_PEER -> DEAD_PEER;
            case AUTHENTICATION_FAILED -> AUTHENTICATION_FAILED;
            case NO_PROPOSAL_CHOSEN, INVALID_ID, TS_UNACCEPTABLE, REFUSED_BY_POLICY -> POLICY_MISMATCH;
            case INVALID_KEY, MALFORMED -> INVALID;
            case PEER_ERROR -> REFUSED;
            case DELETED -> DELETED_LOCALLY;
            case DELETED_BY_PEER -> DELETED_BY_PEER;
            case REPLACED -> REPLACED;
            case INTERNAL_ERROR -> INTERNAL_ERROR;
            case LIFETIME_EXPIRED, TIMED_OUT -> EXPIRED;
        };
    }

    /** The peer does not answer at all: what makes a gateway try its backup peer. */
    public boolean peerUnreachable() {
        return this == NO_RESPONSE || this == DEAD_PEER;
    }
}
