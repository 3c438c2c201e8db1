package io.sallyport.ike;

import io.sallyport.crypto.DhGroup;
import io.sallyport.crypto.EncryptionAlgorithm;
import io.sallyport.crypto.IntegrityAlgorithm;
import io.sallyport.crypto.PrfAlgorithm;

/** One IKE proposal; {@code integrity} is null with an AEAD cipher. */
public record IkeProposal(EncryptionAlgorithm encryption, IntegrityAlgorithm integrity, PrfAlgorithm prf,
                          DhGroup group, long lifetimeSeconds) {

    /** The Junos default IKE proposal set's first entry, as used with strongSwan's aes256-sha256-modp2048. */
    public static IkeProposal aes256Sha256Group14() {
        return new IkeProposal(EncryptionAlgorithm.AES_256_CBC, IntegrityAlgorithm.HMAC_SHA_256_128,
                PrfAlgorithm.HMAC_SHA2_256, DhGroup.GROUP14, 28800);
    }
}
