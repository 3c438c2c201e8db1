package io.sallyport.config.model;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/** A key or pre-shared key as configured: text or hexadecimal. Never printed by toString. */
public record SecretKey(KeyFormat format, String value) {

    /**
     * The key bytes: the text (decoded first when it is a Junos "$9$" secret, as copied from
     * {@code show configuration}), or the hex digits decoded (a leading 0x is allowed).
     */
    public byte[] bytes() {
        if (format == KeyFormat.ASCII_TEXT) {
            // A decoded "$9$" secret holds one byte per char; plain text is UTF-8.
            return JunosSecret.decode(value).map(d -> d.getBytes(StandardCharsets.ISO_8859_1))
                .orElseGet(() -> value.getBytes(StandardCharsets.UTF_8));
        }
        String digits = value.startsWith("0x") || value.startsWith("0X") ? value.substring(2) : value;
        if (digits.length() % 2 == 1) digits = "0" + digits;
        return HexFormat.of().parseHex(digits);
    }

    @Override public String toString() { return "SecretKey[" + format.keyword() + ", ## SECRET-DATA]"; }
}
