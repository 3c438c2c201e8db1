package io.sallyport.net;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Linux device names for Junos service units: {@code ms-1/2/0.1} becomes {@code ms-1_2_0.1}.
 *
 * <p>Linux allows at most 15 bytes ({@code IFNAMSIZ - 1}) and forbids '/', ':', whitespace and
 * the names "." and "..". Characters outside {@code [A-Za-z0-9._-]} become '_'. A name that is
 * still too long, or that the replacement made ambiguous, keeps its first 8 characters, then
 * '-' and 6 hex digits of the SHA-256 of the unit name, so it stays deterministic and distinct.
 */
public final class TunNames {

    /** {@code IFNAMSIZ - 1}. */
    public static final int MAX_LENGTH = 15;
    private static final int PREFIX_LENGTH = 8;
    private static final int HASH_HEX_DIGITS = 6;

    private TunNames() {
    }

    /** The device name for a unit name such as {@code ms-1/2/0.1} or {@code sp-0/0/0.100}. */
    public static String forUnit(final String unit) {
        if (unit == null || unit.isEmpty()) {
            throw new IllegalArgumentException("service unit name is empty");
        }
        final StringBuilder mapped = new StringBuilder(unit.length());
        boolean lossy = false;
        for (int i = 0; i < unit.length(); i++) {
            final char c = unit.charAt(i);
            if (isAllowed(c)) {
                mapped.append(c);
            } else {
                mapped.append('_');
                // '/' -> '_' is the documented mapping; anything else could collide with it.
                lossy |= c != '/';
            }
        }
        final String name = mapped.toString();
        if (!lossy && name.length() <= MAX_LENGTH && !name.equals(".") && !name.equals("..")) {
            return name;
        }
        final String prefix = name.substring(0, Math.min(PREFIX_LENGTH, name.length()));
        return prefix + "-" + hashHex(unit);
    }

    /** True when {@code name} is acceptable to the kernel as an interface name. */
    public static boolean isValidDeviceName(final String name) {
        if (name.isEmpty() || name.length() > MAX_LENGTH || name.equals(".") || name.equals("..")) {
            return false;
        }
        return name.chars().allMatch(c -> isAllowed((char) c));
    }

    private static boolean isAllowed(final char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '.' || c == '_' || c == '-';
    }

    private static String hashHex(final String unit) {
        try {
            final byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(unit.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, HASH_HEX_DIGITS);
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is mandatory in every JDK", e);
        }
    }
}
