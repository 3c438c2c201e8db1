package io.sallyport.ike;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * The files the strongSwan capture extractors write: {@code name = hex} lines, {@code #} comments.
 * In ike's test-jar too, with the captures, for the gateway's certificate tests.
 */
public final class CaptureVectors {
    private CaptureVectors() {}

    /** Reads a class-path resource such as {@code /strongswan-ikev2/FILE.txt}. */
    public static Map<String, byte[]> read(String resource) {
        Map<String, byte[]> out = new HashMap<>();
        for (String line : new String(bytes(resource), StandardCharsets.US_ASCII).split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                String[] kv = line.split(" = ", 2);
                out.put(kv[0].strip(), HexFormat.of().parseHex(kv[1].strip()));
            }
        }
        return out;
    }

    /** A class-path resource as it is, such as the CA certificate beside a capture. */
    public static byte[] bytes(String resource) {
        try (InputStream in = CaptureVectors.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new AssertionError("no resource " + resource);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
