package io.sallyport.remote;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.loader.openssh.OpenSSHKeyPairResourceParser;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.util.io.resource.PathResource;

/**
 * The SSH host keys, in {@code STATE/ssh/} (directory 0700, keys 0600, OpenSSH format): ECDSA
 * P-256 and Ed25519, each generated on first start (an older state directory gains the Ed25519
 * key beside its ECDSA one), the same ever after, so clients' known_hosts stay valid across
 * restarts. Ed25519 comes from Bouncy Castle through the SSH library's EdDSA support.
 */
public final class HostKeys {
    static final String DIRECTORY = "ssh";
    static final String ECDSA = "ssh_host_ecdsa_key";
    static final String ED25519 = "ssh_host_ed25519_key";
    private static final List<String> FILES = List.of(ECDSA, ED25519);

    private HostKeys() {
    }

    /** Loads the host keys under {@code stateDir}, generating the missing ones. */
    public static List<KeyPair> loadOrCreate(Path stateDir) throws IOException, GeneralSecurityException {
        Path dir = stateDir.resolve(DIRECTORY);
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        List<KeyPair> keys = new ArrayList<>();
        for (String name : FILES) {
            Path file = dir.resolve(name);
            if (!Files.exists(file)) write(file, generate(name));
            keys.add(read(file));
        }
        return keys;
    }

    private static KeyPair generate(String name) throws GeneralSecurityException {
        if (name.equals(ED25519)) {
            return KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        }
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    /** Written to an owner-only temporary file and renamed, so a crash never leaves half a key. */
    private static void write(Path file, KeyPair key) throws IOException, GeneralSecurityException {
        Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (OutputStream out = Files.newOutputStream(tmp)) {
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(key, "sallyport host key", null, out);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    }

    private static KeyPair read(Path file) throws IOException, GeneralSecurityException {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        try (InputStream in = Files.newInputStream(file)) {
            var pairs = OpenSSHKeyPairResourceParser.INSTANCE.loadKeyPairs(null, new PathResource(file), null, in);
            if (pairs.isEmpty()) throw new GeneralSecurityException("no key in " + file);
            return pairs.iterator().next();
        }
    }
}
