package io.sallyport.gateway.mgmt;

import io.sallyport.gateway.mgmt.ControlProtocol.Reply;
import io.sallyport.gateway.mgmt.OperationalCommand.Format;
import io.sallyport.gateway.mgmt.OperationalCommand.Level;
import io.sallyport.gateway.mgmt.OperationalCommand.PkiObject;
import io.sallyport.gateway.ops.Display;
import io.sallyport.gateway.ops.Element;
import io.sallyport.gateway.ops.PkiReport;
import io.sallyport.pki.CertificateRequests;
import io.sallyport.pki.CertificateSummary;
import io.sallyport.pki.Credentials;
import io.sallyport.pki.Fingerprints;
import io.sallyport.pki.KeyAlgorithm;
import io.sallyport.pki.KeyPairs;
import io.sallyport.pki.PkiStore;
import io.sallyport.pki.SubjectAltName;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The {@code security pki} commands against the certificate store of a state directory. They need
 * no running daemon: the shell answers them itself, and the daemon answers them on its control
 * socket the same way. A loaded or generated credential is used by the next commit (or the reload
 * the shell sends after a change). Private keys and passphrases never appear in any reply.
 */
public final class PkiOperations {

    private final PkiStore store;
    private final SecureRandom random;
    private final Supplier<Set<String>> configuredCaProfiles;

    /** @param configuredCaProfiles the {@code security pki ca-profile} names of the active configuration */
    public PkiOperations(PkiStore store, SecureRandom random, Supplier<Set<String>> configuredCaProfiles) {
        this.store = store;
        this.random = random;
        this.configuredCaProfiles = configuredCaProfiles;
    }

    /** Does this command change the store (so a running gateway should re-read it)? */
    public static boolean changesStore(OperationalCommand c) {
        return c instanceof OperationalCommand.PkiRequest;
    }

    public Reply execute(OperationalCommand command) {
        try {
            return switch (command) {
                case OperationalCommand.ShowPki s -> show(s);
                case OperationalCommand.GenerateKeyPair g -> generateKeyPair(g);
                case OperationalCommand.GenerateCertificateRequest r -> certificateRequest(r);
                case OperationalCommand.LoadCaCertificate l -> loadCa(l);
                case OperationalCommand.LoadLocalCertificate l -> loadLocal(l);
                case OperationalCommand.LoadCrl l -> loadCrl(l);
                case OperationalCommand.ClearPki c -> clear(c);
                default -> Reply.error("error: not a security pki command\n");
            };
        } catch (IllegalArgumentException e) {
            return Reply.error("error: " + e.getMessage() + "\n");
        } catch (UncheckedIOException e) {
            return Reply.error("error: " + e.getCause().getMessage() + "\n");
        }
    }

    // ---- request ---------------------------------------------------------------------------------

    private Reply generateKeyPair(OperationalCommand.GenerateKeyPair g) {
        name(g.certificateId());
        KeyAlgorithm type = KeyAlgorithm.of(g.type());
        int size = g.size() == 0 ? type.defaultSize() : g.size();
        if (store.hasKeyPair(g.certificateId())) {
            return Reply.error("error: key pair " + g.certificateId() + " already exists (clear security pki key-pair certificate-id "
                    + g.certificateId() + " first)\n");
        }
        store.saveKeyPair(g.certificateId(), KeyPairs.generate(type, size, random));
        return Reply.ok("Generated key pair " + g.certificateId() + ", key size " + size + " bits\n");
    }

    private Reply certificateRequest(OperationalCommand.GenerateCertificateRequest r) {
        KeyPair keys = store.keyPair(name(r.certificateId())).orElseThrow(() -> new IllegalArgumentException(
                "no key pair " + r.certificateId() + " (request security pki generate-key-pair certificate-id " + r.certificateId() + ")"));
        List<SubjectAltName> alt = new ArrayList<>();
        r.domainName().ifPresent(d -> alt.add(new SubjectAltName.DnsName(d)));
        if (r.ipAddress().isPresent()) {
            try {
                alt.add(new SubjectAltName.IpAddress(InetAddress.ofLiteral(r.ipAddress().get())));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("invalid ip-address " + r.ipAddress().get(), e);
            }
        }
        r.email().ifPresent(e -> alt.add(new SubjectAltName.Email(e)));
        byte[] der = CertificateRequests.create(keys, r.subject(), alt, CertificateRequests.Digest.of(r.digest()));
        store.saveRequest(r.certificateId(), der);
        String pem = Credentials.pemBlock("CERTIFICATE REQUEST", der);
        StringBuilder out = new StringBuilder("Generated certificate request\n");
        if (r.filename().isPresent()) {
            write(Path.of(r.filename().get()), pem);
        } else {
            out.append(pem);
        }
        out.append("Fingerprint:\n");
        out.append(Fingerprints.colonHex(Fingerprints.digest("SHA-1", der))).append(" (sha1)\n");
        out.append(Fingerprints.colonHex(Fingerprints.digest("MD5", der))).append(" (md5)\n");
        r.filename().ifPresent(f -> out.append("Certificate request written to ").append(f).append('\n'));
        return Reply.ok(out.toString());
    }

    private Reply loadCa(OperationalCommand.LoadCaCertificate l) {
        configuredProfile(l.caProfile());
        X509Certificate ca = Credentials.certificates(read(l.filename())).getFirst();
        if (ca.getBasicConstraints() < 0) {
            return Reply.error("error: " + ca.getSubjectX500Principal().getName() + " is not a CA certificate (no CA basic constraint)\n");
        }
        store.saveCaCertificate(l.caProfile(), ca);
        CertificateSummary s = CertificateSummary.of(ca);
        return Reply.ok("Fingerprint:\n  " + s.sha1Fingerprint() + " (sha1)\n  " + s.md5Fingerprint() + " (md5)\n"
                + "CA certificate for profile " + l.caProfile() + " loaded successfully\n");
    }

    private Reply loadCrl(OperationalCommand.LoadCrl l) {
        configuredProfile(l.caProfile());
        var crl = Credentials.crl(read(l.filename()));
        store.saveCrl(l.caProfile(), crl);
        return Reply.ok("CRL for CA profile " + l.caProfile() + " loaded successfully ("
                + (crl.getRevokedCertificates() == null ? 0 : crl.getRevokedCertificates().size()) + " revoked certificates)\n");
    }

    private Reply loadLocal(OperationalCommand.LoadLocalCertificate l) {
        String id = name(l.certificateId());
        char[] passphrase = l.passphrase().map(String::toCharArray).orElse(null);
        byte[] file = read(l.filename());
        List<X509Certificate> chain;
        PrivateKey key = null;
        if (Credentials.isPkcs12(file)) {
            Credentials.KeyAndChain kc = Credentials.pkcs12(file, passphrase == null ? new char[0] : passphrase);
            key = kc.key();
            chain = kc.chain();
        } else {
            chain = Credentials.certificates(file);
        }
        if (l.key().isPresent()) {
            key = Credentials.privateKey(read(l.key().get()), passphrase);
        }
        X509Certificate cert = chain.getFirst();
        KeyPair pair;
        if (key != null) {
            pair = new KeyPair(cert.getPublicKey(), key);
            if (!matches(pair)) {
                return Reply.error("error: the key does not belong to the certificate " + cert.getSubjectX500Principal().getName() + "\n");
            }
        } else {
            pair = store.keyPair(id).orElseThrow(() -> new IllegalArgumentException("no key pair " + id
                    + ": generate one first, or give the certificate's key with 'key FILE'"));
            if (!pair.getPublic().equals(cert.getPublicKey())) {
                return Reply.error("error: the certificate does not belong to key pair " + id + "\n");
            }
        }
        store.saveKeyPair(id, pair);
        store.saveLocalCertificate(id, chain);
        return Reply.ok("Local certificate " + id + " loaded successfully\n");
    }

    private Reply clear(OperationalCommand.ClearPki c) {
        List<String> names = c.name().map(List::of).orElseGet(() -> switch (c.object()) {
            case CA_CERTIFICATE -> store.caProfiles();
            case LOCAL_CERTIFICATE -> store.localCertificateIds();
            case CERTIFICATE_REQUEST -> store.requestIds();
            case KEY_PAIR -> store.keyPairIds();
            case CRL -> store.crlProfiles();
        });
        boolean any = false;
        for (String n : names) {
            name(n);
            any |= switch (c.object()) {
                case CA_CERTIFICATE -> store.deleteCaCertificate(n);
                case LOCAL_CERTIFICATE -> store.deleteLocalCertificate(n);
                case CERTIFICATE_REQUEST -> store.deleteRequest(n);
                case KEY_PAIR -> store.deleteKeyPair(n) | store.deleteLocalCertificate(n) | store.deleteRequest(n);
                case CRL -> store.deleteCrl(n);
            };
        }
        if (c.name().isPresent() && !any) {
            return Reply.error("error: no " + c.object().word() + " " + c.name().get() + "\n");
        }
        return Reply.ok("");
    }

    // ---- show ------------------------------------------------------------------------------------

    private Reply show(OperationalCommand.ShowPki s) {
        boolean detail = s.level() != Level.BRIEF;
        if (s.object() == PkiObject.CERTIFICATE_REQUEST) {
            List<PkiReport.RequestEntry> entries = new ArrayList<>();
            for (String id : selected(s.name(), store.requestIds())) {
                String pem = store.request(id).orElse(null);
                if (pem == null) continue;
                CertificateRequests.Info info = CertificateRequests.info(pem.getBytes(StandardCharsets.US_ASCII));
                boolean ok = store.keyPair(id).map(k -> k.getPublic().equals(info.publicKey())).orElse(false);
                entries.add(new PkiReport.RequestEntry(id, info.subject(), info.altNames().isEmpty() ? info.commonName()
                        : info.altNames().getFirst(), info.altNames(), algorithm(info.publicKey()),
                        KeyPairs.bits(info.publicKey()), ok ? "Passed" : "Failed"));
            }
            return render(s.format(), () -> PkiReport.requestsElement(entries), () -> PkiReport.requestsText(entries, detail));
        }
        List<PkiReport.Entry> entries = new ArrayList<>();
        if (s.object() == PkiObject.CA_CERTIFICATE) {
            for (String p : selected(s.name(), store.caProfiles())) {
                store.caCertificate(p).ifPresent(c -> entries.add(new PkiReport.Entry(p, "ca", CertificateSummary.of(c), null)));
            }
        } else {
            for (String id : selected(s.name(), store.localCertificateIds())) {
                Optional<List<X509Certificate>> chain = store.localCertificate(id);
                if (chain.isEmpty()) continue;
                X509Certificate c = chain.get().getFirst();
                boolean ok = store.keyPair(id).map(this::matches).orElse(false)
                        && store.keyPair(id).get().getPublic().equals(c.getPublicKey());
                entries.add(new PkiReport.Entry(id, "local", CertificateSummary.of(c), ok ? "Passed" : "Failed"));
            }
        }
        if (s.name().isPresent() && entries.isEmpty()) {
            return Reply.error("error: no " + s.object().word() + " " + s.name().get() + "\n");
        }
        return render(s.format(), () -> PkiReport.element(entries), () -> PkiReport.text(entries, detail));
    }

    private static List<String> selected(Optional<String> name, List<String> all) {
        return name.map(List::of).orElse(all);
    }

    private static String algorithm(java.security.PublicKey key) {
        return KeyAlgorithm.ofKeyOrNull(key) == KeyAlgorithm.RSA ? "rsaEncryption" : "ecPublicKey";
    }

    private static Reply render(Format format, Supplier<Element> element, Supplier<String> text) {
        return Reply.ok(switch (format) {
            case TEXT -> text.get();
            case XML -> Display.xml(element.get());
            case JSON -> Display.json(element.get());
        });
    }

    // ---- helpers ---------------------------------------------------------------------------------

    /** A key pair is consistent when its private key signs what its public key verifies. */
    private boolean matches(KeyPair pair) {
        KeyAlgorithm type = KeyAlgorithm.ofKeyOrNull(pair.getPrivate());
        if (type == null || type != KeyAlgorithm.ofKeyOrNull(pair.getPublic())) return false;
        byte[] probe = new byte[32];
        random.nextBytes(probe);
        var scheme = io.sallyport.pki.SignatureScheme.of(type, 2).orElseThrow();
        try {
            return scheme.verify(pair.getPublic(), probe, scheme.sign(pair.getPrivate(), probe));
        } catch (IllegalStateException e) {
            return false;
        }
    }

    private void configuredProfile(String profile) {
        name(profile);
        if (!configuredCaProfiles.get().contains(profile)) {
            throw new IllegalArgumentException("CA profile " + profile + " is not configured (set security pki ca-profile "
                    + profile + " ca-identity ..., then commit)");
        }
    }

    private static String name(String name) {
        if (!PkiStore.validName(name)) throw new IllegalArgumentException("invalid name '" + name + "' (1..32 characters, no '/')");
        return name;
    }

    private static byte[] read(String filename) {
        try {
            return Files.readAllBytes(Path.of(filename));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + filename + ": " + e.getMessage(), e);
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
