package io.sallyport.gateway.plan;

import io.sallyport.crypto.EncryptionAlgorithm;
import io.sallyport.crypto.IntegrityAlgorithm;

/**
 * One direction of a {@code then manual} SA: SPI and static keys. {@code integrity} is null with
 * the null/GCM-free combinations Junos allows only with an HMAC, never both absent.
 */
public record ManualSaPlan(int spi, EncryptionAlgorithm encryption, byte[] encryptionKey,
                           IntegrityAlgorithm integrity, byte[] integrityKey) {

    public ManualSaPlan {
        encryptionKey = encryptionKey.clone();
        integrityKey = integrityKey.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ManualSaPlan m && m.spi == spi && m.encryption == encryption && m.integrity == integrity
                && java.util.Arrays.equals(m.encryptionKey, encryptionKey) && java.util.Arrays.equals(m.integrityKey, integrityKey);
    }

    @Override
    public int hashCode() {
        return spi * 31 + java.util.Arrays.hashCode(encryptionKey);
    }

    @Override
    public String toString() {
        return "ManualSaPlan[spi=" + Integer.toUnsignedString(spi) + ", " + encryption.keyword() + ", keys hidden]";
    }
}
