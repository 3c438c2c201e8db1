package io.sallyport.crypto;

/** The IKEv1 phase-1 keys (RFC 2409 §5): SKEYID and the three derived from it. */
public record Ikev1SaKeys(byte[] skeyid, byte[] skeyidD, byte[] skeyidA, byte[] skeyidE) {
}
