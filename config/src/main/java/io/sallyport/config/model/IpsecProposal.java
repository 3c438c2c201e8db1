package io.sallyport.config.model;

import java.util.Optional;

/**
 * {@code ipsec proposal NAME}, defaults of reference §2.2 applied. The authentication algorithm is
 * empty for an AES-GCM proposal (GCM needs no HMAC); the encryption algorithm is empty for AH.
 */
public record IpsecProposal(
        String name,
        Optional<String> description,
        IpsecProtocol protocol,
        Optional<IpsecAuthenticationAlgorithm> authenticationAlgorithm,
        Optional<EncryptionAlgorithm> encryptionAlgorithm,
        int lifetimeSeconds) {

    /** The built-in proposal: ESP, hmac-sha1-96, 3des-cbc, 28800 s (reference §2.2, documented). */
    public static final IpsecProposal DEFAULT = new IpsecProposal("default", Optional.empty(), IpsecProtocol.ESP,
        Optional.of(IpsecAuthenticationAlgorithm.HMAC_SHA1_96), Optional.of(EncryptionAlgorithm.TRIPLE_DES_CBC), 28800);
}
