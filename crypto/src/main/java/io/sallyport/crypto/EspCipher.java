package io.sallyport.crypto;

/**
 * The cryptographic transform of one ESP SA in one direction (RFC 4303 §3.3.2 and §3.4.4), over
 * heap byte arrays, in place. One instance holds ready JCA {@code Cipher}/{@code Mac} objects and
 * is owned by one thread.
 *
 * <p>Buffer layout, with {@code esp} the offset of the SPI:
 * <pre>
 *   esp: SPI(4) | Seq low(4) | IV(ivSize) | payload ... padding | pad len | next hdr | ICV(icvSize)
 *                                          \______ plaintextLength (already padded) ______/
 * </pre>
 * The caller writes SPI, sequence number and the padded plaintext (with trailer); the cipher writes
 * the IV and ICV. AEAD ciphers authenticate SPI and sequence number as AAD (RFC 4106 §5); HMAC
 * covers SPI..ciphertext, plus the ESN high half appended when ESN is on (RFC 4303 §2.2.1).
 */
public sealed interface EspCipher permits GcmEspCipher, CbcHmacEspCipher {

    /** Explicit IV bytes in each packet. */
    int ivSize();

    /** ICV bytes after the ciphertext. */
    int icvSize();

    /** Plaintext (payload + padding + 2-byte trailer) must be a multiple of this (at least 4). */
    int alignment();

    /**
     * Writes IV, encrypts {@code plaintextLength} bytes at {@code esp + 8 + ivSize()} in place, and
     * appends the ICV. {@code seq} is the full 64-bit sequence number (its low half is already in
     * the header). Returns the ESP length: 8 + IV + plaintext + ICV.
     */
    int seal(byte[] buf, int esp, int plaintextLength, long seq, boolean esn);

    /**
     * Verifies the ICV and decrypts in place. {@code espLength} covers SPI through ICV. Returns the
     * plaintext length (payload + padding + trailer, starting at {@code esp + 8 + ivSize()}), or
     * -1 when the ICV does not verify. Never throws on bad input.
     */
    int open(byte[] buf, int esp, int espLength, long seq, boolean esn);

    /** Smallest ESP length that can carry anything: header, IV, one aligned block, ICV. */
    default int minimumEspLength() {
        return 8 + ivSize() + alignment() + icvSize();
    }

    /**
     * Builds the transform for an SA from keying material in the order RFC 7296 §2.17 draws it:
     * encryption key (plus 4-byte salt for GCM, RFC 4106 §8.1), then the integrity key.
     *
     * @param integrity null for AEAD ciphers; required otherwise (ESP without integrity is refused)
     * @param ivSeed    makes CBC IVs of this SA differ from any other SA's; any value will do
     */
    static EspCipher create(final EncryptionAlgorithm encryption, final IntegrityAlgorithm integrity,
                            final byte[] encryptionKey, final byte[] integrityKey, final long ivSeed) {
        if (encryptionKey.length != encryption.keyMaterialSize()) {
            throw new IllegalArgumentException(encryption.keyword() + " needs " + encryption.keyMaterialSize()
                    + " bytes of key material, got " + encryptionKey.length);
        }
        if (encryption.isAead()) {
            if (integrity != null) {
                throw new IllegalArgumentException(encryption.keyword() + " is combined mode: no integrity algorithm");
            }
            return new GcmEspCipher(encryption, encryptionKey);
        }
        if (integrity == null) {
            throw new IllegalArgumentException(encryption.keyword() + " needs an integrity algorithm");
        }
        if (integrityKey == null || integrityKey.length != integrity.keySize()) {
            throw new IllegalArgumentException(integrity.ipsecKeyword() + " needs a " + integrity.keySize() + "-byte key");
        }
        return new CbcHmacEspCipher(encryption, integrity, encryptionKey, integrityKey, ivSeed);
    }
}
