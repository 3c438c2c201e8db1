package io.sallyport.ike.message;

/**
 * The outcome of decoding one datagram, RFC 7296 §2.21 written as types: unprotected errors are
 * dropped and counted, protected errors (after the ICV checked) get an error notify in reply.
 */
public sealed interface DecodeResult {

    record Ok(IkeMessage message) implements DecodeResult {
    }

    /** A fragment (RFC 7383) was stored; the message is not complete yet. */
    record Partial(IkeHeader header, int received, int total) implements DecodeResult {
    }

    /** The message was authentic but malformed: answer with {@code notifyType}. */
    record ProtectedError(IkeHeader header, int notifyType, String reason) implements DecodeResult {
    }

    /** Not authentic or not parseable: drop it and count it by {@code cause}; {@code reason} in words. */
    record UnprotectedError(IkeHeader header, Cause cause, String reason) implements DecodeResult {

        public UnprotectedError(IkeHeader header, String reason) {
            this(header, Cause.MALFORMED, reason);
        }
    }

    /** Why a message was dropped unanswered. */
    enum Cause { MALFORMED, INTEGRITY, FRAGMENT_LIMIT }
}
