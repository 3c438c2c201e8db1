package io.sallyport.config.model;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Junos "$9$" secrets: the reversible obfuscation {@code show configuration} uses for keys
 * ({@code pre-shared-key ascii-text "$9$...";  ## SECRET-DATA}). A configuration copied from a router
 * carries keys in this form; the key that IKE uses is the decoded text.
 *
 * <p>The scheme: after the "$9$" marker, one character selects how many random characters to skip;
 * then each plaintext byte is spread over a group of 2 to 4 characters whose distances in a
 * 65-character alphabet, weighted by a per-position pattern, sum to the byte. Encoding picks the
 * first character and the skipped ones at random, so one secret has many encodings; each decodes
 * to the same text. Plain text is encoded as its UTF-8 bytes, which is what {@link SecretKey#bytes}
 * gives IKE either way.
 */
public final class JunosSecret {

    private static final String[] FAMILY = {"QzF3n6/9CAtpu0O", "B1IREhcSyrleKvMW8LXx", "7N-dVbwsY2g4oaJZGUDj", "iHkq.mPf5T"};
    private static final String ALPHABET = String.join("", FAMILY);
    private static final int[][] WEIGHTS = {{1, 4, 32}, {1, 16, 32}, {1, 8, 32}, {1, 64}, {1, 32}, {1, 4, 16, 128}, {1, 32, 64}};
    public static final String MAGIC = "$9$";

    private JunosSecret() {}

    /** The plaintext of a "$9$" secret, or empty when the text is not one. */
    public static Optional<String> decode(String secret) {
        if (!secret.startsWith(MAGIC) || secret.length() < MAGIC.length() + 1) return Optional.empty();
        String chars = secret.substring(MAGIC.length());
        for (int i = 0; i < chars.length(); i++) if (ALPHABET.indexOf(chars.charAt(i)) < 0) return Optional.empty();
        char first = chars.charAt(0);
        int pos = 1 + skipCount(first);
        char prev = first;
        StringBuilder out = new StringBuilder();
        while (pos < chars.length()) {
            int[] weights = WEIGHTS[out.length() % WEIGHTS.length];
            if (pos + weights.length > chars.length()) return Optional.empty();
            int value = 0;
            for (int w : weights) {
                char c = chars.charAt(pos++);
                int gap = Math.floorMod(ALPHABET.indexOf(c) - ALPHABET.indexOf(prev), ALPHABET.length()) - 1;
                value += gap * w;
                prev = c;
            }
            out.append((char) (value % 256));
        }
        return Optional.of(out.toString());
    }

    /** The "$9$" form of {@code plain}, with the salt and filler characters drawn from {@code random}. */
    public static String encode(String plain, RandomGenerator random) {
        char salt = ALPHABET.charAt(random.nextInt(ALPHABET.length()));
        StringBuilder filler = new StringBuilder();
        for (int i = skipCount(salt); i > 0; i--) filler.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        return encode(plain, salt, filler.toString());
    }

    /** Whether {@code value} is a "$9$" secret (one that {@link #decode} accepts). */
    public static boolean isEncoded(String value) {
        return decode(value).isPresent();
    }

    /** The encoding with a given salt and filler: deterministic, for comparison with published strings. */
    static String encode(String plain, char salt, String filler) {
        if (ALPHABET.indexOf(salt) < 0 || filler.length() != skipCount(salt)) {
            throw new IllegalArgumentException("salt and filler do not fit the $9$ alphabet");
        }
        StringBuilder out = new StringBuilder(MAGIC).append(salt).append(filler);
        char prev = salt;
        byte[] bytes = plain.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            int[] weights = WEIGHTS[i % WEIGHTS.length];
            int value = bytes[i] & 0xff;
            int[] gaps = new int[weights.length];
            for (int w = weights.length - 1; w >= 0; w--) {
                gaps[w] = value / weights[w];
                value %= weights[w];
            }
            for (int gap : gaps) {
                char c = ALPHABET.charAt((ALPHABET.indexOf(prev) + gap + 1) % ALPHABET.length());
                out.append(c);
                prev = c;
            }
        }
        return out.toString();
    }

    private static int skipCount(char c) {
        for (int f = 0; f < FAMILY.length; f++) if (FAMILY[f].indexOf(c) >= 0) return 3 - f;
        return 0;
    }
}
