package io.sallyport.pki;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Certificate fingerprints and the colon-separated hex Junos prints them in. */
public final class Fingerprints {

    private Fingerprints() {}

    public static byte[] digest(String algorithm, byte[] data) {
        try {
            return MessageDigest.getInstance(algorithm).digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " missing from the JCA", e);
        }
    }

    /** {@code 00:8e:6f:...}. */
    public static String colonHex(byte[] bytes) {
        return HexFormat.ofDelimiter(":").formatHex(bytes);
    }
}
