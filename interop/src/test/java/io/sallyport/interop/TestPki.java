package io.sallyport.interop;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The interop PKI of a test class's state directory: make-certs.sh's CA ("Interop Test CA",
 * ca.pem/ca.key) with its gw-a and gw-b certificates, and further keys, CAs and certificates made
 * there with strongSwan's pki tool (the harness's pki-strongswan.conf), all PEM.
 */
final class TestPki {

    /** The subject's fixed part, as make-certs.sh has it. */
    static final String O = "C=XX, O=IPsec Interop Test";

    private final Harness h;
    private final Path dir;
    private final Map<String, String> env;

    private TestPki(Harness h) {
        this.h = h;
        this.dir = h.stateDir().resolve("pki");
        this.env = Map.of("STRONGSWAN_CONF", dir.resolve("pki-strongswan.conf").toString());
    }

    /** The state directory's PKI, made by make-certs.sh unless it exists. */
    static TestPki of(Harness h) {
        h.script("make-certs.sh").orThrow();
        return new TestPki(h);
    }

    Path dir() { return dir; }

    Path file(String name) { return dir.resolve(name); }

    /** Runs {@code command} (a shell line of pki commands) in the PKI directory; fails the test if it fails. */
    void sh(String command) {
        h.run(List.of("sh", "-c", "cd " + dir + " && " + command), env, 60).orThrow();
    }

    /** A self-signed RSA CA {@code name}.pem (key {@code name}.key) with common name {@code cn}, unless it exists. */
    void selfSignedCa(String name, String cn) {
        if (Files.exists(file(name + ".pem"))) {
            return;
        }
        sh("pki --gen --type rsa --size 2048 --outform pem > " + name + ".key");
        sh("pki --self --ca --lifetime 365 --in " + name + ".key --type rsa --dn '" + O + ", CN=" + cn + "' --outform pem > " + name + ".pem");
    }

    /**
     * A {@code keyType} key ({@code rsa}: 2048 bits, {@code ecdsa}: P-256) {@code name}.key and its
     * certificate {@code name}.pem from CA {@code ca} ({@code ca}.pem/.key here) for the FQDN
     * {@code fqdn} (common name and subjectAltName), with the serverAuth usage.
     */
    void issue(String name, String keyType, String fqdn, String ca) {
        sh("pki --gen --type " + keyType + " --size " + (keyType.equals("ecdsa") ? 256 : 2048) + " --outform pem > " + name + ".key");
        sh("pki --pub --in " + name + ".key --type " + keyType + " | pki --issue --lifetime 365 --cacert " + ca + ".pem --cakey " + ca
                + ".key --dn '" + O + ", CN=" + fqdn + "' --san " + fqdn + " --flag serverAuth --outform pem > " + name + ".pem");
    }
}
