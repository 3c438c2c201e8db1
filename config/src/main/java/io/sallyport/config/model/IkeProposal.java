package io.sallyport.config.model;

import java.util.Optional;

/** {@code ike proposal NAME}, defaults of reference §2.2 applied. */
public record IkeProposal(
        String name,
        Optional<String> description,
        AuthenticationMethod authenticationMethod,
        DhGroup dhGroup,
        IkeAuthenticationAlgorithm authenticationAlgorithm,
        EncryptionAlgorithm encryptionAlgorithm,
        int lifetimeSeconds) {

    /** The same proposal under another name. */
    public IkeProposal withName(String newName) {
        return new IkeProposal(newName, description, authenticationMethod, dhGroup, authenticationAlgorithm,
            encryptionAlgorithm, lifetimeSeconds);
    }

    /** The built-in proposal used when a policy names none (reference §2.2; DH group and hash recalled). */
    public static final IkeProposal DEFAULT = new IkeProposal("default", Optional.empty(),
        AuthenticationMethod.PRE_SHARED_KEYS, DhGroup.GROUP2, IkeAuthenticationAlgorithm.SHA1,
        EncryptionAlgorithm.TRIPLE_DES_CBC, 3600);
}
