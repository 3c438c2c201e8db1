package io.sallyport.ike;

import io.sallyport.crypto.DhGroup;
import io.sallyport.crypto.EncryptionAlgorithm;
import io.sallyport.crypto.IntegrityAlgorithm;

/** One ESP proposal; {@code integrity} null with AEAD; {@code pfsGroup} null without PFS. */
public record ChildProposal(EncryptionAlgorithm encryption, IntegrityAlgorithm integrity, DhGroup pfsGroup,
                            long lifetimeSeconds) {
}
