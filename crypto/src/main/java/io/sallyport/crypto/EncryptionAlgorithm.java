package io.sallyport.crypto;

import java.util.Arrays;
import java.util.Optional;

/**
 * The encryption transforms Sallyport knows, by Junos keyword, with their wire identifiers.
 *
 * <p>IKEv2 values are IANA "Transform Type 1" (RFC 7296 §3.3.2, RFC 4106 for GCM). IKEv1 has two
 * registries: the phase-1 "Encryption Algorithm" attribute (RFC 2409 Appendix A, AES from RFC 3602)
 * and the IPsec DOI ESP transform IDs (RFC 2407 §4.4.4); {@code 0} means "not defined there".
 */
public enum EncryptionAlgorithm {
    //               keyword        keyBits v1Ike v1Esp v2   jca                    block iv icv salt
    NULL           ("null",               0,    0,   11,  11, null,                      4,  0,  0, 0),
    DES_CBC        ("des-cbc",           64,    1,    2,   2, "DES/CBC/NoPadding",         8,  8,  0, 0),
    TRIPLE_DES_CBC ("3des-cbc",         192,    5,    3,   3, "DESede/CBC/NoPadding",      8,  8,  0, 0),
    AES_128_CBC    ("aes-128-cbc",      128,    7,   12,  12, "AES/CBC/NoPadding",        16, 16,  0, 0),
    AES_192_CBC    ("aes-192-cbc",      192,    7,   12,  12, "AES/CBC/NoPadding",        16, 16,  0, 0),
    AES_256_CBC    ("aes-256-cbc",      256,    7,   12,  12, "AES/CBC/NoPadding",        16, 16,  0, 0),
    AES_128_GCM    ("aes-128-gcm",      128,    0,   20,  20, "AES/GCM/NoPadding",         4,  8, 16, 4),
    AES_192_GCM    ("aes-192-gcm",      192,    0,   20,  20, "AES/GCM/NoPadding",         4,  8, 16, 4),
    AES_256_GCM    ("aes-256-gcm",      256,    0,   20,  20, "AES/GCM/NoPadding",         4,  8, 16, 4);

    private final String keyword;
    private final int keyBits;
    private final int ikev1IkeId;
    private final int ikev1EspId;
    private final int ikev2Id;
    private final String jcaTransformation;
    private final int blockSize;
    private final int ivSize;
    private final int icvSize;
    private final int saltSize;

    EncryptionAlgorithm(String keyword, int keyBits, int ikev1IkeId, int ikev1EspId, int ikev2Id,
                        String jcaTransformation, int blockSize, int ivSize, int icvSize, int saltSize) {
        this.keyword = keyword;
        this.keyBits = keyBits;
        this.ikev1IkeId = ikev1IkeId;
        this.ikev1EspId = ikev1EspId;
        this.ikev2Id = ikev2Id;
        this.jcaTransformation = jcaTransformation;
        this.blockSize = blockSize;
        this.ivSize = ivSize;
        this.icvSize = icvSize;
        this.saltSize = saltSize;
    }

    /** The Junos configuration keyword, for example {@code aes-128-gcm}. */
    public String keyword() { return keyword; }

    /** Cipher key length in bits, without the GCM salt. */
    public int keyBits() { return keyBits; }

    /** Bytes of keying material this transform takes from prf+ or a manual SA: key plus salt. */
    public int keyMaterialSize() { return keyBits / 8 + saltSize; }

    /** IKEv1 phase-1 encryption attribute value, 0 if IKEv1 cannot use it for IKE. */
    public int ikev1IkeId() { return ikev1IkeId; }

    /** IKEv1 IPsec DOI ESP transform ID. */
    public int ikev1EspId() { return ikev1EspId; }

    /** IKEv2 transform type 1 ID. */
    public int ikev2Id() { return ikev2Id; }

    /** Whether the IKE key-length attribute is sent (AES variants only). */
    public boolean hasKeyLengthAttribute() { return name().startsWith("AES"); }

    /** JCA transformation string, or null for the null cipher. */
    public String jcaTransformation() { return jcaTransformation; }

    /** JCA key algorithm name for {@link javax.crypto.spec.SecretKeySpec}. */
    public String jcaKeyAlgorithm() {
        return jcaTransformation == null ? null : jcaTransformation.substring(0, jcaTransformation.indexOf('/'));
    }

    /** ESP payload alignment: the cipher block size, or 4 for stream and AEAD counter modes. */
    public int blockSize() { return blockSize; }

    /** Bytes of explicit IV carried in each packet. */
    public int ivSize() { return ivSize; }

    /** Integrity check value length for combined-mode (AEAD) ciphers, 0 otherwise. */
    public int icvSize() { return icvSize; }

    /** Implicit nonce salt taken from the keying material (RFC 4106 §8.1), 0 if none. */
    public int saltSize() { return saltSize; }

    /** Combined-mode ciphers carry their own integrity and take no authentication algorithm. */
    public boolean isAead() { return icvSize > 0; }

    public static Optional<EncryptionAlgorithm> fromKeyword(String keyword) {
        return Arrays.stream(values()).filter(a -> a.keyword.equals(keyword)).findFirst();
    }

    /** Resolve an IKEv2 transform (ID plus optional key length attribute in bits, 0 if absent). */
    public static Optional<EncryptionAlgorithm> fromIkev2(int id, int keyBits) {
        return Arrays.stream(values())
                .filter(a -> a.ikev2Id == id && (!a.hasKeyLengthAttribute() || a.keyBits == keyBits))
                .findFirst();
    }
}
