package io.sallyport.ike.message;

/**
 * An IKEv2 error notify (RFC 7296 §3.10.1, types below 16384) as a type: the exchanges decide on
 * it and traces name it. The errors this engine sends or acts on are {@link Standard}; any other
 * error number a peer sends is {@link Unlisted}, which keeps the number for the trace.
 */
public sealed interface NotifyError {

    /** The notify message type on the wire. */
    int code();

    /** The RFC's name, e.g. {@code NO_PROPOSAL_CHOSEN}. */
    String name();

    /** The error notify of wire type {@code code} (which must be an error type, below 16384). */
    static NotifyError of(int code) {
        for (Standard s : Standard.values()) {
            if (s.code == code) {
                return s;
            }
        }
        return new Unlisted(code);
    }

    /** RFC 7296 §3.10.1 errors (and RFC 7296 §2.21's use of them). */
    enum Standard implements NotifyError {
        UNSUPPORTED_CRITICAL_PAYLOAD(Wire.N_UNSUPPORTED_CRITICAL_PAYLOAD),
        INVALID_IKE_SPI(Wire.N_INVALID_IKE_SPI),
        INVALID_MAJOR_VERSION(Wire.N_INVALID_MAJOR_VERSION),
        INVALID_SYNTAX(Wire.N_INVALID_SYNTAX),
        INVALID_MESSAGE_ID(Wire.N_INVALID_MESSAGE_ID),
        INVALID_SPI(Wire.N_INVALID_SPI),
        NO_PROPOSAL_CHOSEN(Wire.N_NO_PROPOSAL_CHOSEN),
        INVALID_KE_PAYLOAD(Wire.N_INVALID_KE_PAYLOAD),
        AUTHENTICATION_FAILED(Wire.N_AUTHENTICATION_FAILED),
        SINGLE_PAIR_REQUIRED(Wire.N_SINGLE_PAIR_REQUIRED),
        NO_ADDITIONAL_SAS(Wire.N_NO_ADDITIONAL_SAS),
        TS_UNACCEPTABLE(Wire.N_TS_UNACCEPTABLE),
        TEMPORARY_FAILURE(Wire.N_TEMPORARY_FAILURE),
        CHILD_SA_NOT_FOUND(Wire.N_CHILD_SA_NOT_FOUND);

        private final int code;

        Standard(int code) { this.code = code; }

        @Override
        public int code() { return code; }

        @Override
        public String toString() { return name(); }
    }

    /** An error type this engine has no name for. */
    record Unlisted(int code) implements NotifyError {
        @Override
        public String name() { return "ERROR(" + code + ")"; }

        @Override
        public String toString() { return name(); }
    }
}
