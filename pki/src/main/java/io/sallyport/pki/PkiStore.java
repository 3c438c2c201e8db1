package io.sallyport.pki;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CRLException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/**
 * The certificate store in the state directory ({@code STATE/pki}): key pairs, certificate
 * requests and local certificates by certificate ID, CA certificates and CRLs by CA profile.
 * Directories are 0700, files 0600, every write is atomic (temporary file, fsync, rename, fsync
 * of the directory), so the store survives restarts and crashes. Private keys are stored as
 * unencrypted PKCS#8 in owner-only files, the way a router keeps its own keys; a passphrase given
 * when loading a key only decrypts it and is never written anywhere.
 */
public final class PkiStore {

    /** Certificate IDs and CA profile names: 1..32 characters, no path separators. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:@-]{0,31}");
    private static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private enum Kind {
        PRIVATE_KEY("keys", ".key"), PUBLIC_KEY("keys", ".pub"), REQUEST("requests", ".csr"),
        LOCAL("local", ".pem"), CA("ca", ".pem"), CRL("crl", ".crl");

        final String dir;
        final String suffix;

        Kind(String dir, String suffix) {
            this.dir = dir;
            this.suffix = suffix;
        }
    }

    private final Path root;

    public PkiStore(Path stateDir) {
        this.root = stateDir.resolve("pki");
    }

    public Path root() { return root; }

    /** Is this a usable certificate ID or CA profile name? */
    public static boolean validName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    // ---- key pairs -------------------------------------------------------------------------------

    public void saveKeyPair(String id, KeyPair keys) {
        write(Kind.PRIVATE_KEY, id, Credentials.pkcs8Pem(keys.getPrivate()));
        write(Kind.PUBLIC_KEY, id, Credentials.pemBlock("PUBLIC KEY", keys.getPublic().getEncoded()));
    }

    public Optional<KeyPair> keyPair(String id) {
        Optional<String> priv = read(Kind.PRIVATE_KEY, id);
        Optional<String> pub = read(Kind.PUBLIC_KEY, id);
        if (priv.isEmpty() || pub.isEmpty()) return Optional.empty();
        PrivateKey key = Credentials.privateKey(priv.get().getBytes(StandardCharsets.US_ASCII), null);
        return Optional.of(new KeyPair(publicKey(pub.get()), key));
    }

    public boolean hasKeyPair(String id) {
        return Files.exists(path(Kind.PRIVATE_KEY, id));
    }

    public List<String> keyPairIds() { return names(Kind.PRIVATE_KEY); }

    public boolean deleteKeyPair(String id) {
        return delete(Kind.PRIVATE_KEY, id) | delete(Kind.PUBLIC_KEY, id);
    }

    // ---- requests --------------------------------------------------------------------------------

    public void saveRequest(String id, byte[] der) {
        write(Kind.REQUEST, id, Credentials.pemBlock("CERTIFICATE REQUEST", der));
    }

    /** The PEM text of the request. */
    public Optional<String> request(String id) { return read(Kind.REQUEST, id); }

    public List<String> requestIds() { return names(Kind.REQUEST); }

    public boolean deleteRequest(String id) { return delete(Kind.REQUEST, id); }

    // ---- local certificates ----------------------------------------------------------------------

    /** The local certificate first, then any CA certificates that came with it. */
    public void saveLocalCertificate(String id, List<X509Certificate> chain) {
        write(Kind.LOCAL, id, pem(chain));
    }

    public Optional<List<X509Certificate>> localCertificate(String id) {
        return read(Kind.LOCAL, id).map(t -> Credentials.certificates(t.getBytes(StandardCharsets.US_ASCII)));
    }

    public List<String> localCertificateIds() { return names(Kind.LOCAL); }

    public boolean deleteLocalCertificate(String id) { return delete(Kind.LOCAL, id); }

    // ---- CA certificates and CRLs ----------------------------------------------------------------

    public void saveCaCertificate(String profile, X509Certificate ca) {
        write(Kind.CA, profile, pem(List.of(ca)));
    }

    public Optional<X509Certificate> caCertificate(String profile) {
        return read(Kind.CA, profile).map(t -> Credentials.certificate(t.getBytes(StandardCharsets.US_ASCII)));
    }

    public List<String> caProfiles() { return names(Kind.CA); }

    public boolean deleteCaCertificate(String profile) { return delete(Kind.CA, profile); }

    public void saveCrl(String profile, X509CRL crl) {
        try {
            write(Kind.CRL, profile, Credentials.pemBlock("X509 CRL", crl.getEncoded()));
        } catch (CRLException e) {
            throw new IllegalArgumentException("cannot encode the CRL", e);
        }
    }

    public Optional<X509CRL> crl(String profile) {
        return read(Kind.CRL, profile).map(t -> Credentials.crl(t.getBytes(StandardCharsets.US_ASCII)));
    }

    public List<String> crlProfiles() { return names(Kind.CRL); }

    public boolean deleteCrl(String profile) { return delete(Kind.CRL, profile); }

    // ---- files -----------------------------------------------------------------------------------

    private static String pem(List<X509Certificate> certs) {
        StringBuilder b = new StringBuilder();
        for (X509Certificate c : certs) {
            try {
                b.append(Credentials.pemBlock("CERTIFICATE", c.getEncoded()));
            } catch (CertificateEncodingException e) {
                throw new IllegalArgumentException("cannot encode the certificate", e);
            }
        }
        return b.toString();
    }

    private static PublicKey publicKey(String pem) {
        try (PEMParser p = new PEMParser(new java.io.StringReader(pem))) {
            return new JcaPEMKeyConverter().getPublicKey((SubjectPublicKeyInfo) p.readObject());
        } catch (IOException | ClassCastException e) {
            throw new IllegalStateException("the stored public key is damaged", e);
        }
    }

    private Path path(Kind kind, String name) {
        if (!validName(name)) throw new IllegalArgumentException("invalid name '" + name + "'");
        return root.resolve(kind.dir).resolve(name + kind.suffix);
    }

    private Optional<String> read(Kind kind, String name) {
        try {
            return Optional.of(Files.readString(path(kind, name), StandardCharsets.US_ASCII));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<String> names(Kind kind) {
        Path dir = root.resolve(kind.dir);
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> files = Files.list(dir)) {
            List<String> out = new ArrayList<>(files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(kind.suffix))
                    .map(n -> n.substring(0, n.length() - kind.suffix.length()))
                    .filter(PkiStore::validName).toList());
            out.sort(null);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private boolean delete(Kind kind, String name) {
        try {
            return Files.deleteIfExists(path(kind, name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void write(Kind kind, String name, String text) {
        Path target = path(kind, name);
        Path dir = target.getParent();
        try {
            directory(root);
            directory(dir);
            Path tmp = dir.resolve("." + target.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(FILE));
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
                while (buf.hasRemaining()) ch.write(buf);
                ch.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
                ch.force(true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    private static void directory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIR));
        }
        Files.setPosixFilePermissions(dir, DIR);
    }
}
