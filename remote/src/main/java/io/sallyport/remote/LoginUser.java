package io.sallyport.remote;

import java.util.List;
import java.util.Optional;

/**
 * One {@code system login user}: its class, its crypt(3) password hash if it has one, and its
 * public keys as OpenSSH writes them ({@code ssh-ed25519 AAAA... comment}).
 */
public record LoginUser(String name, LoginClass loginClass, Optional<String> encryptedPassword, List<String> publicKeys) {
    public LoginUser {
        publicKeys = List.copyOf(publicKeys);
    }
}
