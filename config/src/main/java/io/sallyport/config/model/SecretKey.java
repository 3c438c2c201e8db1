package io.sallyport.config.model;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/** A key or pre-shared key as configured: text or hexadecimal. Never printed by toString. */
public record SecretKey(KeyFormat format, String value) {

    /**
     * The key bytes: the text or the hex digits (a leading 0x is allowed), decoded first when the
     * value is a Junos "$9$" secret (as the store keeps them and {@code show configuration} prints).
     */
    public byte[] bytes() {
        if (format == KeyFormat.ASCII_TEXT) {
            // A decoded "$9$" secret holds one byte per char; plain text is UTF-8.
            return JunosSecret.decode(value).map(d -> d.getBytes(StandardCharsets.ISO_8859_1))
                .orElseGet(() -> value.getBytes(StandardCharsets.UTF_8));
        }
        String hex = JunosSecret.decode(value).orElse(value);
        String digits = hex.startsWith("0x") || hex.startsWith("0X") ? hex.substring(2) : hex;
        if (digits.length() % 2 == 1) digits = "0" + digits;
        return HexFormat.of().parseHex(digits);
    }

    @Override public String toString() { return "SecretKey[" + format.keyword() + ", ## SECRET-DATA]"; }
}
