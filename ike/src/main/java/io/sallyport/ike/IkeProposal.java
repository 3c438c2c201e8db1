package io.sallyport.ike;

import io.sallyport.crypto.DhGroup;
import io.sallyport.crypto.EncryptionAlgorithm;
import io.sallyport.crypto.IntegrityAlgorithm;
import io.sallyport.crypto.PrfAlgorithm;

/** One IKE proposal; {@code integrity} is null with an AEAD cipher. */
public record IkeProposal(EncryptionAlgorithm encryption, IntegrityAlgorithm integrity, PrfAlgorithm prf,
                          DhGroup group, long lifetimeSeconds) {

    /**
     * The Junos built-in IKE proposal used when none is configured (reference §2.2): 3des-cbc,
     * sha1 (PRF hmac-sha1), group2, 3600 s.
     */
    public static IkeProposal junosDefault() {
        return new IkeProposal(EncryptionAlgorithm.TRIPLE_DES_CBC, IntegrityAlgorithm.HMAC_SHA1_96,
                PrfAlgorithm.HMAC_SHA1, DhGroup.GROUP2, 3600);
    }

    /** aes-256-cbc, sha-256, group14, 28800 s: what the interop strongSwan (aes256-sha256-modp2048) expects. */
    public static IkeProposal aes256Sha256Group14() {
        return new IkeProposal(EncryptionAlgorithm.AES_256_CBC, IntegrityAlgorithm.HMAC_SHA_256_128,
                PrfAlgorithm.HMAC_SHA2_256, DhGroup.GROUP14, 28800);
    }
}
