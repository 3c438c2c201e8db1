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
        /** The peer's selectors fit no term of ours (IKEv2 TS_UNACCEPTABLE). */
        TS_UNACCEPTABLE("TS unacceptable"),
        /** A message of the exchange lacked what it must carry. */
        MALFORMED("malformed message"),
        /** Refused by our own policy after authentication (a dynamic peer that got no child SA). */
        REFUSED_BY_POLICY("refused by policy"),
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

        /**
         * Whether the SA ended because something went wrong (traced as a failure), rather than by
         * an orderly delete, replacement or expiry.
         */
        public boolean fault() {
            return switch (this) {
                case DELETED, DELETED_BY_PEER, REPLACED, LIFETIME_EXPIRED, TIMED_OUT -> false;
                default -> true;
            };
        }
    }

    public static Failure of(Kind kind, String detail) { return new Failure(kind, detail); }

    public static Failure of(Kind kind) { return new Failure(kind, ""); }

    /** The same failure with a remark in parentheses added, e.g. {@code (peer did not confirm)}. */
    public Failure remark(String words) {
        return new Failure(kind, detail.isEmpty() ? "(" + words + ")" : detail + " (" + words + ")");
    }

    /**
     * "no response from 192.0.2.2 to Main mode", "proposal mismatch (peer sent NO_PROPOSAL_CHOSEN)",
     * "authentication failed: ...": the kind's words, then the detail (after a space when it
     * continues them: NO_RESPONSE's, or one in parentheses; else after a colon).
     */
    public String words() {
        if (detail.isEmpty()) {
            return kind.words();
        }
        return kind == Kind.NO_RESPONSE || detail.startsWith("(") ? kind.words() + " " + detail : kind.words() + ": " + detail;
    }

    @Override
    public String toString() { return words(); }
}
