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

    /** Not authentic or not parseable: drop it and count {@code reason}. */
    record UnprotectedError(IkeHeader header, String reason) implements DecodeResult {
    }
}
