package io.sallyport.gateway.mgmt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sallyport.gateway.mgmt.ControlProtocol.Reply;
import io.sallyport.pki.PkiStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The offline enrollment workflow a Junos user runs, with openssl as the CA: generate a key pair
 * and a request, have openssl sign it, load the CA and the local certificate, show them.
 */
class PkiOperationsTest {

    @TempDir
    Path state;
    @TempDir
    Path files;

    private PkiOperations pki;

    @BeforeEach
    void setUp() {
        pki = new PkiOperations(new PkiStore(state), new SecureRandom(), () -> Set.of("entrust"));
    }

    private Reply run(String line) {
        OperationalCommand.Parsed p = OperationalCommand.parse(line);
        if (p.error() != null) return Reply.error(p.error());
        return pki.execute(p.command());
    }

    private String ok(String line) {
        Reply r = run(line);
        assertTrue(r.ok(), line + " -> " + r.text());
        return r.text();
    }

    private String error(String line) {
        Reply r = run(line);
        assertFalse(r.ok(), line + " -> " + r.text());
        return r.text();
    }

    private static void openssl(Path dir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + ": " + out);
    }

    @Test
    void offlineEnrollmentWithOpensslAsTheCa() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl not installed");
        assertEquals("Generated key pair local-entrust2, key size 2048 bits\n",
                ok("request security pki generate-key-pair certificate-id local-entrust2"));
        assertTrue(error("request security pki generate-key-pair certificate-id local-entrust2").contains("already exists"));
        String printed = ok("request security pki generate-certificate-request certificate-id local-entrust2 "
                + "subject \"CN=router2.example.com, O=Example\" domain-name router2.example.com ip-address 192.0.2.1");
        assertTrue(printed.startsWith("Generated certificate request\n-----BEGIN CERTIFICATE REQUEST-----\n"), printed);
        assertTrue(printed.contains(" (sha1)\n"), printed);
        Path csr = files.resolve("r2.csr");
        String written = ok("request security pki generate-certificate-request certificate-id local-entrust2 "
                + "subject CN=router2.example.com domain-name router2.example.com filename " + csr);
        assertFalse(written.contains("BEGIN"), written);
        assertTrue(Files.readString(csr).startsWith("-----BEGIN CERTIFICATE REQUEST-----"));

        // openssl plays the CA.
        openssl(files, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
                "-subj", "/O=juniper/C=us", "-days", "3650");
        openssl(files, "x509", "-req", "-in", "r2.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-set_serial", "5",
                "-days", "365", "-copy_extensions", "copyall", "-out", "r2.pem");

        assertTrue(error("request security pki ca-certificate load ca-profile other filename " + files.resolve("ca.pem"))
                .contains("CA profile other is not configured"));
        assertTrue(error("request security pki ca-certificate load ca-profile entrust filename " + files.resolve("r2.pem"))
                .contains("not a CA certificate"));
        String loaded = ok("request security pki ca-certificate load ca-profile entrust filename " + files.resolve("ca.pem"));
        assertTrue(loaded.endsWith("CA certificate for profile entrust loaded successfully\n"), loaded);
        assertTrue(error("request security pki local-certificate load certificate-id local-entrust2 filename "
                + files.resolve("ca.pem")).contains("does not belong to key pair local-entrust2"));
        assertEquals("Local certificate local-entrust2 loaded successfully\n",
                ok("request security pki local-certificate load certificate-id local-entrust2 filename " + files.resolve("r2.pem")));

        String local = ok("show security pki local-certificate");
        assertTrue(local.startsWith("Certificate identifier: local-entrust2\n  Issued to: router2.example.com, Issued by: juniper\n"
                + "  Validity:\n    Not before: "), local);
        assertTrue(local.endsWith("  Public key algorithm: rsaEncryption(2048 bits)\n  Public key verification status: Passed\n"), local);
        String ca = ok("show security pki ca-certificate ca-profile entrust detail");
        assertTrue(ca.contains("  Issuer:\n    Organization: juniper, Country: us\n"), ca);
        assertTrue(ca.contains("  Signature algorithm: sha256WithRSAEncryption\n"), ca);
        assertTrue(ca.contains("  Fingerprint:\n    "), ca);
        String xml = ok("show security pki ca-certificate | display xml");
        assertTrue(xml.contains("<x509-pki-certificate-info-list>") && xml.contains("<organization-name>juniper</organization-name>")
                && xml.contains("<ca-profile>entrust</ca-profile>"), xml);
        String req = ok("show security pki certificate-request");
        assertEquals("Certificate identifier: local-entrust2\n  Issued to: router2.example.com\n"
                + "  Public key algorithm: rsaEncryption(2048 bits)\n  Public key verification status: Passed\n", req);

        assertEquals("", ok("clear security pki local-certificate certificate-id local-entrust2"));
        assertEquals("", ok("show security pki local-certificate"));
        assertTrue(error("show security pki local-certificate certificate-id local-entrust2").contains("no local-certificate"));
    }

    @Test
    void keyFromAFileWithAPassphraseIsNeverStoredEncryptedOrInClear() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl not installed");
        openssl(files, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-keyout", "gw.key",
                "-passout", "pass:s3cret-words", "-out", "gw.pem", "-subj", "/CN=gw.example.net", "-days", "30");
        assertTrue(error("request security pki local-certificate load certificate-id gw filename " + files.resolve("gw.pem")
                + " key " + files.resolve("gw.key") + " passphrase wrong").contains("wrong passphrase"));
        ok("request security pki local-certificate load certificate-id gw filename " + files.resolve("gw.pem")
                + " key " + files.resolve("gw.key") + " passphrase s3cret-words");
        String shown = ok("show security pki local-certificate certificate-id gw detail");
        assertTrue(shown.contains("ecPublicKey(256 bits)") && shown.contains("Passed"), shown);
        try (Stream<Path> all = Files.walk(state)) {
            for (Path p : all.filter(Files::isRegularFile).toList()) {
                assertFalse(Files.readString(p).contains("s3cret-words"), p.toString());
            }
        }
        // The passphrase is not in the command's printed form either.
        assertFalse(OperationalCommand.parse("request security pki local-certificate load certificate-id gw filename f "
                + "passphrase s3cret-words").command().toString().contains("s3cret"));
    }

    @Test
    void enrollmentNamesTheLoadCommands() {
        String e = error("request security pki local-certificate enroll certificate-id x ca-profile entrust");
        assertTrue(e.contains("SCEP") && e.contains("request security pki local-certificate load"), e);
        assertTrue(error("request security pki ca-certificate enroll ca-profile entrust").contains("ca-certificate load"));
    }

    @Test
    void badArguments() {
        assertTrue(error("request security pki generate-key-pair certificate-id a size 512").contains("invalid key size 512"));
        assertTrue(error("request security pki generate-key-pair certificate-id a type dsa").contains("unknown key type"));
        assertTrue(error("request security pki generate-key-pair certificate-id ../x").contains("invalid name"));
        assertTrue(error("request security pki generate-certificate-request certificate-id nokey subject CN=a").contains("no key pair nokey"));
        assertTrue(error("request security pki generate-key-pair size 2048").contains("certificate-id"));
        assertTrue(error("request security pki generate-key-pair certificate-id a bogus 1").contains("syntax error: bogus"));
        ok("request security pki generate-key-pair certificate-id ec1 type ecdsa size 384");
        assertTrue(error("request security pki generate-certificate-request certificate-id ec1 subject \"not a dn\"")
                .contains("invalid subject"));
        assertTrue(error("request security pki ca-certificate load ca-profile entrust filename /nonexistent").contains("cannot read"));
    }
}
