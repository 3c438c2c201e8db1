package io.sallyport.remote;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.List;
import org.apache.commons.codec.digest.Crypt;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Checks what a client offers against a {@link LoginUser}: crypt(3) passwords and OpenSSH public keys. */
public final class Credentials {
    private static final Logger LOG = LoggerFactory.getLogger(Credentials.class);

    private Credentials() {
    }

    /**
     * Whether {@code password} hashes to {@code cryptHash} ($1$, $5$ or $6$, salt and rounds taken
     * from the hash itself, as crypt(3) does). The comparison takes the same time wherever it differs.
     */
    public static boolean passwordMatches(String password, String cryptHash) {
        if (!cryptHash.startsWith("$1$") && !cryptHash.startsWith("$5$") && !cryptHash.startsWith("$6$")) return false;
        String computed;
        try {
            computed = Crypt.crypt(password.getBytes(StandardCharsets.UTF_8), cryptHash);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(computed.getBytes(StandardCharsets.US_ASCII), cryptHash.getBytes(StandardCharsets.US_ASCII));
    }

    /** Whether {@code offered} is one of the configured keys (OpenSSH public key lines). */
    public static boolean keyMatches(PublicKey offered, List<String> configuredKeys) {
        for (String line : configuredKeys) {
            try {
                PublicKey key = AuthorizedKeyEntry.parseAuthorizedKeyEntry(line)
                        .resolvePublicKey(null, PublicKeyEntryResolver.FAILING);
                if (key != null && KeyUtils.compareKeys(key, offered)) return true;
            } catch (Exception e) {
                // A key the commit check let through but the SSH library cannot read: say so, try the next.
                LOG.warn("cannot read configured public key '{}': {}", abbreviate(line), e.getMessage());
            }
        }
        return false;
    }

    private static String abbreviate(String line) {
        return line.length() <= 40 ? line : line.substring(0, 40) + "...";
    }
}
