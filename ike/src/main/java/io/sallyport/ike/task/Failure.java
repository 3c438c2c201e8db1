package io.sallyport.ike.task;

/**
 * Why an exchange or an SA failed, as a type. {@link #words()} is the text that goes into traces
 * and {@code IkeSaDown}; callers decide on {@link #kind()}, never on the text.
 *
 * @param detail the specifics in words (the peer's notify, the exchange that got no answer), may be empty
 */
public record Failure(Kind kind, String detail) {

    /** Failure kinds both IKE versions share. */
    public enum Kind {
        NO_PROPOSAL_CHOSEN("proposal mismatch"),
        AUTHENTICATION_FAILED("authentication failed"),
        INVALID_ID("identity or proxy ID unacceptable"),
        INVALID_KEY("invalid key exchange value"),
        PEER_ERROR("peer reported an error"),
        NO_RESPONSE("no response"),
        DEAD_PEER("no response (dead peer detected)"),
        DELETED("deleted"),
        DELETED_BY_PEER("deleted by the peer"),
        REPLACED("replaced"),
        INTERNAL_ERROR("internal error"),
        LIFETIME_EXPIRED("lifetime expired"),
        TIMED_OUT("half-open SA timed out");

        private final String words;

        Kind(String words) { this.words = words; }

        public String words() { return words; }
    }

    public static Failure of(Kind kind, String detail) { return new Failure(kind, detail); }

    public static Failure of(Kind kind) { return new Failure(kind, ""); }

    /** "no response from 192.0.2.2 to Main mode": the kind's words, then the detail. */
    public String words() {
        if (detail.isEmpty()) {
            return kind.words();
        }
        return kind == Kind.NO_RESPONSE ? kind.words() + " " + detail : kind.words() + ": " + detail;
    }

    @Override
    public String toString() { return words(); }
}
