package io.sallyport.ike.message;

/**
 * One transform (RFC 7296 §3.3.2). {@code keyLength} is the key-length attribute in bits, or 0
 * when absent. {@code unrecognized} marks a transform type or attribute we do not know.
 */
public record Transform(int type, int id, int keyLength, boolean unrecognized) {

    public static Transform of(int type, int id) { return new Transform(type, id, 0, false); }

    public static Transform of(int type, int id, int keyLength) { return new Transform(type, id, keyLength, false); }
}
