package io.sallyport.config.model;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/** A key or pre-shared key as configured: text or hexadecimal. Never printed by toString. */
public record SecretKey(KeyFormat format, String value) {

    /** The key bytes: UTF-8 of the text, or the hex digits decoded (a leading 0x is allowed). */
    public byte[] bytes() {
        if (format == KeyFormat.ASCII_TEXT) return value.getBytes(StandardCharsets.UTF_8);
        String digits = value.startsWith("0x") || value.startsWith("0X") ? value.substring(2) : value;
        if (digits.length() % 2 == 1) digits = "0" + digits;
        return HexFormat.of().parseHex(digits);
    }

    @Override public String toString() { return "SecretKey[" + format.keyword() + ", ## SECRET-DATA]"; }
}
