package io.sallyport.crypto;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-GCM for ESP (RFC 4106) with a 16-byte ICV. Nonce = 4-byte salt from the key material ||
 * 8-byte explicit IV (§3.1). The explicit IV is the 64-bit sequence number: it never repeats under
 * one key, which is the only requirement of §3.1, and it is free to produce.
 *
 * <p>{@link #open} decrypts into a scratch array and copies the plaintext back: given the same
 * array as input and output, SunJCE cannot use its fused AES-GCM intrinsic (it would overwrite the
 * ciphertext before GHASH reads it) and makes two passes instead, which costs more than the copy
 * (docs/benchmarks.md, "The JCA's GCM call pattern").
 */
public final class GcmEspCipher implements EspCipher {
    private static final int TAG_BITS = 128;
    private static final int IV = 8;
    private static final int ICV = 16;

    private final SecretKeySpec key;
    private final Cipher cipher;
    private final byte[] nonce = new byte[12];
    private final byte[] esnHigh = new byte[4];
    /**
     * Decryption output, made on the first {@link #open} (a sealing SA never needs it): 2 KB, doubled
     * when a longer ciphertext arrives, so at most six sizes up to one ESP packet (64 KB).
     */
    private byte[] plaintext = new byte[0];

    GcmEspCipher(final EncryptionAlgorithm algorithm, final byte[] keyMaterial) {
        final int keyLen = algorithm.keyBits() / 8;
        this.key = new SecretKeySpec(keyMaterial, 0, keyLen, "AES");
        System.arraycopy(keyMaterial, keyLen, nonce, 0, 4);
        try {
            this.cipher = Cipher.getInstance(algorithm.jcaTransformation());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JCA lacks " + algorithm.jcaTransformation(), e);
        }
    }

    @Override public int ivSize() { return IV; }
    @Override public int icvSize() { return ICV; }
    @Override public int alignment() { return 4; }

    @Override
    public int seal(final byte[] buf, final int esp, final int plaintextLength, final long seq, final boolean esn) {
        final int iv = esp + 8;
        putLong(buf, iv, seq);
        System.arraycopy(buf, iv, nonce, 4, IV);
        try {
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            aad(buf, esp, seq, esn);
            final int n = cipher.doFinal(buf, iv + IV, plaintextLength, buf, iv + IV);
            return 8 + IV + n;
        } catch (GeneralSecurityException e) {
            // Only reachable through a programming error (buffer too short): the caller checks room.
            throw new IllegalStateException("GCM seal failed", e);
        }
    }

    @Override
    public int open(final byte[] buf, final int esp, final int espLength, final long seq, final boolean esn) {
        final int iv = esp + 8;
        final int ctLen = espLength - 8 - IV;
        if (ctLen < ICV) {
            return -1;
        }
        System.arraycopy(buf, iv, nonce, 4, IV);
        try {
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            aad(buf, esp, seq, esn);
            if (plaintext.length < ctLen) {
                plaintext = new byte[Math.max(2048, Integer.highestOneBit(ctLen - 1) << 1)];
            }
            final int n = cipher.doFinal(buf, iv + IV, ctLen, plaintext, 0);
            System.arraycopy(plaintext, 0, buf, iv + IV, n);
            return n;
        } catch (GeneralSecurityException e) {
            return -1; // AEADBadTagException: ICV mismatch
        }
    }

    /** RFC 4106 §5: AAD is SPI || seq (8 bytes) or SPI || ESN high || seq low (12 bytes). */
    private void aad(final byte[] buf, final int esp, final long seq, final boolean esn) {
        if (esn) {
            cipher.updateAAD(buf, esp, 4);
            putInt(esnHigh, 0, (int) (seq >>> 32));
            cipher.updateAAD(esnHigh);
            cipher.updateAAD(buf, esp + 4, 4);
        } else {
            cipher.updateAAD(buf, esp, 8);
        }
    }

    static void putLong(final byte[] b, final int off, final long v) {
        putInt(b, off, (int) (v >>> 32));
        putInt(b, off + 4, (int) v);
    }

    static void putInt(final byte[] b, final int off, final int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }
}
