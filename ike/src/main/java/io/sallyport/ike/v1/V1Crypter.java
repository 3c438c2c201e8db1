package io.sallyport.ike.v1;

import io.sallyport.crypto.EncryptionAlgorithm;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * CBC encryption of ISAKMP payloads (RFC 2409 §5.3, Appendix B): DES, 3DES or AES with the
 * phase-1 key; padding is zeros up to the block size. The IV comes from {@link IvManager}; the
 * message is authenticated by the exchange's HASH, not here. Not thread-safe.
 */
final class V1Crypter {

    private final EncryptionAlgorithm algorithm;
    private final SecretKeySpec key;
    private final Cipher cipher;

    V1Crypter(EncryptionAlgorithm algorithm, byte[] key) {
        if (algorithm.ikev1IkeId() == 0) {
            throw new IllegalArgumentException(algorithm.keyword() + " cannot protect IKEv1 phase 1");
        }
        this.algorithm = algorithm;
        this.key = new SecretKeySpec(key, algorithm.jcaKeyAlgorithm());
        try {
            this.cipher = Cipher.getInstance(algorithm.jcaTransformation());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    int blockSize() { return algorithm.blockSize(); }

    byte[] encrypt(byte[] iv, byte[] plain) {
        int bs = blockSize();
        byte[] padded = Arrays.copyOf(plain, Math.max(bs, (plain.length + bs - 1) / bs * bs));
        return run(Cipher.ENCRYPT_MODE, iv, padded);
    }

    /** Null when the ciphertext is not a whole number of blocks. */
    byte[] decrypt(byte[] iv, byte[] ciphertext) {
        if (ciphertext.length == 0 || ciphertext.length % blockSize() != 0) {
            return null;
        }
        return run(Cipher.DECRYPT_MODE, iv, ciphertext);
    }

    /** The last cipher block of a message: the next IV of its exchange. */
    byte[] lastBlock(byte[] ciphertext) {
        return Arrays.copyOfRange(ciphertext, ciphertext.length - blockSize(), ciphertext.length);
    }

    private byte[] run(int mode, byte[] iv, byte[] data) {
        try {
            cipher.init(mode, key, new IvParameterSpec(iv));
            return cipher.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
