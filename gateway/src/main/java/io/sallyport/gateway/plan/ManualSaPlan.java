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
}
