package io.sallyport.ike.message;

import io.sallyport.crypto.EncryptionAlgorithm;
import io.sallyport.crypto.IntegrityAlgorithm;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Protection of the SK payload for one direction of an IKE SA: AES-CBC with HMAC (RFC 7296
 * §3.14) or AES-GCM (RFC 5282). One cipher type covers both modes; the message codec calls it
 * with the whole message buffer so that the integrity or AAD covers the IKE header. Not thread-safe.
 */
public sealed interface SkCipher {

    int ivSize();

    int icvSize();

    /** Bytes of ciphertext (with padding and pad-length byte) for {@code plainLength} bytes. */
    int ciphertextSize(int plainLength);

    /** Encrypts {@code plain} into {@code msg} at {@code ivOff}: IV, ciphertext, then ICV to the end. */
    void seal(byte[] msg, int ivOff, byte[] plain);

    /** Checks and decrypts the SK body {@code msg[ivOff, end)}; null when the ICV or padding is wrong. */
    byte[] open(byte[] msg, int ivOff, int end);

    static SkCipher create(EncryptionAlgorithm enc, IntegrityAlgorithm integ, byte[] encKey, byte[] integKey, SecureRandom random) {
        return enc.isAead() ? new Gcm(enc, encKey, random) : new CbcHmac(enc, integ, encKey, integKey, random);
    }

    /** AES-CBC (or 3DES-CBC) encryption with an HMAC over header, IV and ciphertext. */
    final class CbcHmac implements SkCipher {
        private final EncryptionAlgorithm enc;
        private final IntegrityAlgorithm integ;
        private final SecretKeySpec encKey;
        private final SecretKeySpec integKey;
        private final SecureRandom random;
        private final Cipher cipher;
        private final Mac mac;

        CbcHmac(EncryptionAlgorithm enc, IntegrityAlgorithm integ, byte[] encKey, byte[] integKey, SecureRandom random) {
            this.enc = enc;
            this.integ = integ;
            this.encKey = new SecretKeySpec(encKey, enc.jcaKeyAlgorithm());
            this.integKey = new SecretKeySpec(integKey, integ.jcaName());
            this.random = random;
            try {
                this.cipher = Cipher.getInstance(enc.jcaTransformation());
                this.mac = Mac.getInstance(integ.jcaName());
                mac.init(this.integKey);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        public int ivSize() { return enc.ivSize(); }

        public int icvSize() { return integ.icvSize(); }

        public int ciphertextSize(int plainLength) {
            int bs = enc.blockSize();
            return (plainLength + 1 + bs - 1) / bs * bs;
        }

        public void seal(byte[] msg, int ivOff, byte[] plain) {
            int ctLen = ciphertextSize(plain.length);
            byte[] padded = Arrays.copyOf(plain, ctLen);
            padded[ctLen - 1] = (byte) (ctLen - plain.length - 1);
            byte[] iv = new byte[ivSize()];
            random.nextBytes(iv);
            System.arraycopy(iv, 0, msg, ivOff, iv.length);
            try {
                cipher.init(Cipher.ENCRYPT_MODE, encKey, new IvParameterSpec(iv));
                cipher.doFinal(padded, 0, ctLen, msg, ivOff + iv.length);
                mac.update(msg, 0, ivOff + iv.length + ctLen);
                byte[] icv = mac.doFinal();
                System.arraycopy(icv, 0, msg, ivOff + iv.length + ctLen, icvSize());
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        public byte[] open(byte[] msg, int ivOff, int end) {
            int ctLen = end - ivOff - ivSize() - icvSize();
            if (ctLen <= 0 || ctLen % enc.blockSize() != 0) {
                return null;
            }
            mac.update(msg, 0, end - icvSize());
            byte[] icv = Arrays.copyOf(mac.doFinal(), icvSize());
            if (!MessageDigest.isEqual(icv, Arrays.copyOfRange(msg, end - icvSize(), end))) {
                return null;
            }
            try {
                cipher.init(Cipher.DECRYPT_MODE, encKey, new IvParameterSpec(msg, ivOff, ivSize()));
                byte[] padded = cipher.doFinal(msg, ivOff + ivSize(), ctLen);
                int pad = padded[padded.length - 1] & 0xff;
                return pad + 1 > padded.length ? null : Arrays.copyOf(padded, padded.length - pad - 1);
            } catch (GeneralSecurityException e) {
                return null;
            }
        }
    }

    /** AES-GCM with a 4-byte salt from the keying material and an 8-byte explicit IV (RFC 5282). */
    final class Gcm implements SkCipher {
        private final EncryptionAlgorithm enc;
        private final SecretKeySpec key;
        private final byte[] salt;
        private final Cipher cipher;
        private long counter;

        Gcm(EncryptionAlgorithm enc, byte[] keyAndSalt, SecureRandom random) {
            this.enc = enc;
            int keyLen = keyAndSalt.length - enc.saltSize();
            this.key = new SecretKeySpec(keyAndSalt, 0, keyLen, "AES");
            this.salt = Arrays.copyOfRange(keyAndSalt, keyLen, keyAndSalt.length);
            // IVs must never repeat under one key: a counter from a random start does that.
            this.counter = random.nextLong() >>> 1;
            try {
                this.cipher = Cipher.getInstance(enc.jcaTransformation());
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        public int ivSize() { return enc.ivSize(); }

        public int icvSize() { return enc.icvSize(); }

        public int ciphertextSize(int plainLength) { return plainLength + 1; }

        public void seal(byte[] msg, int ivOff, byte[] plain) {
            byte[] iv = Bytes.of64(counter++);
            System.arraycopy(iv, 0, msg, ivOff, 8);
            byte[] padded = Arrays.copyOf(plain, plain.length + 1);
            try {
                cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(icvSize() * 8, Bytes.concat(salt, iv)));
                cipher.updateAAD(msg, 0, ivOff);
                cipher.doFinal(padded, 0, padded.length, msg, ivOff + 8);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        public byte[] open(byte[] msg, int ivOff, int end) {
            if (end - ivOff < ivSize() + icvSize() + 1) {
                return null;
            }
            try {
                cipher.init(Cipher.DECRYPT_MODE, key,
                        new GCMParameterSpec(icvSize() * 8, Bytes.concat(salt, Arrays.copyOfRange(msg, ivOff, ivOff + 8))));
                cipher.updateAAD(msg, 0, ivOff);
                byte[] padded = cipher.doFinal(msg, ivOff + 8, end - ivOff - 8);
                int pad = padded[padded.length - 1] & 0xff;
                return pad + 1 > padded.length ? null : Arrays.copyOf(padded, padded.length - pad - 1);
            } catch (GeneralSecurityException e) {
                return null;
            }
        }
    }
}
