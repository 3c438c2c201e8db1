package io.sallyport.ike;

import io.sallyport.crypto.DhGroup;
import io.sallyport.crypto.EncryptionAlgorithm;
import io.sallyport.crypto.IntegrityAlgorithm;

/** One ESP proposal; {@code integrity} null with AEAD; {@code pfsGroup} null without PFS. */
public record ChildProposal(EncryptionAlgorithm encryption, IntegrityAlgorithm integrity, DhGroup pfsGroup,
                            long lifetimeSeconds) {

    /**
     * The Junos built-in IPsec proposal used when none is configured (reference §2.2): ESP with
     * 3des-cbc and hmac-sha1-96, 28800 s, no PFS.
     */
    public static ChildProposal junosDefault() {
        return new ChildProposal(EncryptionAlgorithm.TRIPLE_DES_CBC, IntegrityAlgorithm.HMAC_SHA1_96, null, 28800);
    }
}
