package io.sallyport.pki;

import java.util.List;

/** The key pair types of {@code request security pki generate-key-pair type}, with their sizes. */
public enum KeyAlgorithm {
    RSA("rsa", "RSA", List.of(1024, 2048, 3072, 4096), 2048),
    ECDSA("ecdsa", "EC", List.of(256, 384), 256);

    private final String keyword;
    private final String jcaName;
    private final List<Integer> sizes;
    private final int defaultSize;

    KeyAlgorithm(String keyword, String jcaName, List<Integer> sizes, int defaultSize) {
        this.keyword = keyword;
        this.jcaName = jcaName;
        this.sizes = sizes;
        this.defaultSize = defaultSize;
    }

    public String keyword() { return keyword; }

    public String jcaName() { return jcaName; }

    /** The sizes this type takes: RSA modulus bits, or the ECDSA curve (P-256, P-384). */
    public List<Integer> sizes() { return sizes; }

    public int defaultSize() { return defaultSize; }

    public static KeyAlgorithm of(String keyword) {
        for (KeyAlgorithm a : values()) {
            if (a.keyword.equals(keyword)) return a;
        }
        throw new IllegalArgumentException("unknown key type " + keyword + " (rsa or ecdsa)");
    }

    /** The type of an existing key ({@code RSA} or {@code EC}). */
    public static KeyAlgorithm ofKey(java.security.Key key) {
        return switch (key.getAlgorithm()) {
            case "RSA" -> RSA;
            case "EC", "ECDSA" -> ECDSA;
            default -> throw new IllegalArgumentException("unsupported key algorithm " + key.getAlgorithm());
        };
    }

    /** Like {@link #ofKey} but null for other key types. */
    public static KeyAlgorithm ofKeyOrNull(java.security.Key key) {
        return switch (key.getAlgorithm()) {
            case "RSA" -> RSA;
            case "EC", "ECDSA" -> ECDSA;
            default -> null;
        };
    }
}
