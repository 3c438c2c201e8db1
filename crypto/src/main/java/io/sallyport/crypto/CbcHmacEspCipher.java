package io.sallyport.crypto;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A block cipher in CBC mode (RFC 3602 AES, RFC 2451 3DES) or the null cipher (RFC 2410),
 * followed by an HMAC truncated to the ICV length (RFC 2404, RFC 4868). Encrypt-then-MAC: the
 * receiver checks the ICV before it decrypts anything (RFC 4303 §3.4.4.1).
 *
 * <p>CBC IVs: RFC 3602 §3 asks for IVs an attacker cannot predict. Each IV here is the block
 * cipher, under the SA's own key, applied to a block that never repeats under that key (a per-SA
 * seed and the 64-bit sequence number): NIST SP 800-38A Appendix C, method 1. Without the key
 * nobody can predict the next IV from past ones, and it costs one block encryption instead of a
 * SecureRandom call per packet.
 */
public final class CbcHmacEspCipher implements EspCipher {
    private final Cipher cipher;
    private final Cipher ivCipher;
    private final SecretKeySpec key;
    private final Mac mac;
    private final int ivSize;
    private final int blockSize;
    private final int icvSize;
    private final long ivSeed;
    private final byte[] counterBlock;
    private final byte[] macOut;
    private final byte[] esnHigh = new byte[4];
    /**
     * The JCA's CBC copies its input into a fresh array when input and output overlap; running the
     * cipher into this scratch array and copying back is cheaper than that garbage.
     */
    private byte[] scratch = new byte[2048];

    CbcHmacEspCipher(final EncryptionAlgorithm encryption, final IntegrityAlgorithm integrity,
                     final byte[] encryptionKey, final byte[] integrityKey, final long ivSeed) {
        try {
            if (encryption.jcaTransformation() == null) {
                this.cipher = null;
                this.ivCipher = null;
                this.key = null;
                this.ivSize = 0;
            } else {
                this.key = new SecretKeySpec(encryptionKey, encryption.jcaKeyAlgorithm());
                this.cipher = Cipher.getInstance(encryption.jcaTransformation());
                this.ivCipher = Cipher.getInstance(encryption.jcaKeyAlgorithm() + "/ECB/NoPadding");
                this.ivCipher.init(Cipher.ENCRYPT_MODE, key);
                this.ivSize = encryption.ivSize();
            }
            this.mac = Mac.getInstance(integrity.jcaName());
            this.mac.init(new SecretKeySpec(integrityKey, integrity.jcaName()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JCA cannot build " + encryption.keyword() + "/" + integrity.ipsecKeyword(), e);
        }
        this.blockSize = encryption.blockSize();
        this.icvSize = integrity.icvSize();
        this.ivSeed = ivSeed;
        this.counterBlock = new byte[Math.max(ivSize, 1)];
        this.macOut = new byte[mac.getMacLength()];
    }

    @Override public int ivSize() { return ivSize; }
    @Override public int icvSize() { return icvSize; }
    @Override public int alignment() { return blockSize; }

    @Override
    public int seal(final byte[] buf, final int esp, final int plaintextLength, final long seq, final boolean esn) {
        final int iv = esp + 8;
        final int ct = iv + ivSize;
        try {
            if (cipher != null) {
                nextIv(seq, buf, iv);
                cipher.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(buf, iv, ivSize));
                final byte[] out = scratch(plaintextLength);
                cipher.doFinal(buf, ct, plaintextLength, out, 0);
                System.arraycopy(out, 0, buf, ct, plaintextLength);
            }
            final int covered = 8 + ivSize + plaintextLength;
            icv(buf, esp, covered, seq, esn);
            System.arraycopy(macOut, 0, buf, esp + covered, icvSize);
            return covered + icvSize;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("CBC seal failed", e);
        }
    }

    @Override
    public int open(final byte[] buf, final int esp, final int espLength, final long seq, final boolean esn) {
        final int covered = espLength - icvSize;
        final int ctLen = covered - 8 - ivSize;
        if (ctLen <= 0 || ctLen % blockSize != 0) {
            return -1;
        }
        icv(buf, esp, covered, seq, esn);
        int diff = 0;
        for (int i = 0; i < icvSize; i++) {
            diff |= macOut[i] ^ buf[esp + covered + i];
        }
        if (diff != 0) {
            return -1;
        }
        if (cipher == null) {
            return ctLen;
        }
        final int ct = esp + 8 + ivSize;
        try {
            cipher.init(Cipher.DECRYPT_MODE, key, new IvParameterSpec(buf, esp + 8, ivSize));
            final byte[] out = scratch(ctLen);
            final int n = cipher.doFinal(buf, ct, ctLen, out, 0);
            System.arraycopy(out, 0, buf, ct, n);
            return n;
        } catch (GeneralSecurityException e) {
            return -1;
        }
    }

    private byte[] scratch(final int length) {
        if (scratch.length < length) {
            scratch = new byte[Math.max(length, scratch.length * 2)];
        }
        return scratch;
    }

    /** HMAC over SPI..ciphertext, then the ESN high half if used (RFC 4303 §2.2.1, §3.3.2.2). */
    private void icv(final byte[] buf, final int esp, final int covered, final long seq, final boolean esn) {
        mac.update(buf, esp, covered);
        if (esn) {
            GcmEspCipher.putInt(esnHigh, 0, (int) (seq >>> 32));
            mac.update(esnHigh);
        }
        try {
            mac.doFinal(macOut, 0);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC output buffer", e);
        }
    }

    /** E_K(seed || seq) for 16-byte blocks, E_K(seed XOR seq) for 8-byte ones: unique inputs, unpredictable IVs. */
    private void nextIv(final long seq, final byte[] out, final int off) throws GeneralSecurityException {
        if (ivSize == 16) {
            GcmEspCipher.putLong(counterBlock, 0, ivSeed);
            GcmEspCipher.putLong(counterBlock, 8, seq);
        } else {
            GcmEspCipher.putLong(counterBlock, 0, ivSeed ^ seq);
        }
        ivCipher.doFinal(counterBlock, 0, ivSize, out, off);
    }
}
