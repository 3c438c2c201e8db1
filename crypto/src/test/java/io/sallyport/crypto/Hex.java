package io.sallyport.crypto;

import java.util.HexFormat;

final class Hex {
    private Hex() {}

    static byte[] bytes(final String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    static String string(final byte[] b, final int off, final int len) {
        return HexFormat.of().formatHex(b, off, off + len);
    }
}
