package io.sallyport.crypto;

/**
 * The seven IKE SA keys of RFC 7296 §2.14, in the order prf+ yields them. For AEAD
 * encryption SK_ai/SK_ar are empty and SK_ei/SK_er include the salt (RFC 5282 §7.1).
 */
public record IkeSaKeys(byte[] skD, byte[] skAi, byte[] skAr, byte[] skEi, byte[] skEr, byte[] skPi, byte[] skPr) {
}
