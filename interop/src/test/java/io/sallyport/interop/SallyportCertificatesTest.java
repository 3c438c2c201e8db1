package io.sallyport.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * IKEv2 with RSA certificates: Sallyport as gw-a against strongSwan 5.9.8 as gw-b (the harness's
 * ikev2-cert variant and make-certs.sh PKI). Sallyport gets its CA certificate, its own certificate
 * and key, and the CA's CRL only through its own {@code request security pki ...} commands, typed
 * into {@code sallyport cli} against the running daemon's state directory, as an operator would.
 * Then strongSwan presents an expired, a revoked and a wrong-CA certificate (made here with
 * strongSwan's pki tool) and Sallyport refuses each with its reason in the show output.
 */
@Tag("interop")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SallyportCertificatesTest {

    @RegisterExtension
    static final Testbed BED = new Testbed("spc-", Harness.Topology.DIRECT);
    static final String HOST_A = "198.18.1.10";
    static final String HOST_B = "198.18.2.10";
    static final String SHOW_IKE = "show services ipsec-vpn ike security-associations";
    /** Why a tunnel is down is not part of the §4 layouts: {@code show services service-sets} says it. */
    static final String SHOW_SETS = "show services service-sets";
    /** Sallyport's ESP proposal (aes-128-gcm, PFS group14); the IKE one is the template's default. */
    static final Map<String, String> PEER_ENV = Map.of("INTEROP_ESP_PROPOSALS", "aes128gcm16-modp2048");

    private final Harness h = BED.harness();
    private static Path pki;

    @BeforeAll
    static void makePki() {
        Harness h = BED.harness();
        h.script("make-certs.sh").orThrow();
        pki = h.stateDir().resolve("pki");
        Map<String, String> env = Map.of("STRONGSWAN_CONF", pki.resolve("pki-strongswan.conf").toString());
        String o = "C=XX, O=IPsec Interop Test";
        String f = "%Y-%m-%d %H:%M:%S";
        // gw-b's identity with one defect each: expired, to be revoked, issued by another CA.
        sh(h, env, "pki --gen --type rsa --size 2048 --outform pem > bad.key");
        sh(h, env, "pki --pub --in bad.key --type rsa | pki --issue --cacert ca.pem --cakey ca.key --dn '" + o
                + ", CN=gw-b.example.net' --san gw-b.example.net -F '2020-01-01 00:00:00' -T '2021-01-01 00:00:00' -D '" + f
                + "' --outform pem > expired.pem");
        sh(h, env, "pki --pub --in bad.key --type rsa | pki --issue --lifetime 365 --cacert ca.pem --cakey ca.key --dn '" + o
                + ", CN=gw-b.example.net' --san gw-b.example.net --outform pem > revoked.pem");
        sh(h, env, "pki --signcrl --cacert ca.pem --cakey ca.key --reason key-compromise --cert revoked.pem --lifetime 30 "
                + "--outform pem > ca.crl");
        sh(h, env, "pki --gen --type rsa --size 2048 --outform pem > wrong-ca.key");
        sh(h, env, "pki --self --ca --lifetime 365 --in wrong-ca.key --type rsa --dn '" + o + ", CN=Wrong CA' --outform pem > wrong-ca.pem");
        sh(h, env, "pki --pub --in bad.key --type rsa | pki --issue --lifetime 365 --cacert wrong-ca.pem --cakey wrong-ca.key --dn '"
                + o + ", CN=gw-b.example.net' --san gw-b.example.net --outform pem > wrong.pem");
    }

    private static void sh(Harness h, Map<String, String> env, String command) {
        h.run(List.of("sh", "-c", "cd " + pki + " && " + command), env, 60).orThrow();
    }

    @AfterEach
    void stop() {
        BED.stopDaemons();
    }

    /** A daemon whose certificate store starts empty (a previous run's store is removed). */
    private SallyportDaemon daemon(String name, String config) {
        Path store = h.stateDir().resolve("sallyport-" + name).resolve("pki");
        h.run(List.of("rm", "-rf", store.toString()), Map.of(), 10).orThrow();
        return BED.daemon("gw-a", name, config);
    }

    /** GatewayConfig.gwA() with certificate authentication instead of the pre-shared key. */
    static String certificateConfig(String establish) {
        String psk = GatewayConfig.gwA().withEstablish(establish).render();
        String policy = "policy ike-pol { version 2; proposals ike-prop; local-id ipv4_addr 192.0.2.1; remote-id ipv4_addr 192.0.2.2; "
                + "pre-shared-key ascii-text \"" + GatewayConfig.PSK + "\"; }";
        assertTrue(psk.contains(policy) && psk.contains("authentication-method pre-shared-keys;")
                && psk.contains("ipsec-vpn-options { local-gateway 192.0.2.1; }"), psk);
        return "security { pki { ca-profile interop { ca-identity interop; } } }\n" + psk
                .replace(policy, "policy ike-pol { version 2; proposals ike-prop; local-id fqdn gw-a.example.net; "
                        + "remote-id fqdn gw-b.example.net; local-certificate gw-a; }")
                .replace("authentication-method pre-shared-keys;", "authentication-method rsa-signatures;")
                .replace("ipsec-vpn-options { local-gateway 192.0.2.1; }", "ipsec-vpn-options { local-gateway 192.0.2.1; trusted-ca interop; }");
    }

    /** The operator's PKI steps on gw-a, each answered as Junos would. */
    private void loadCredentials(SallyportDaemon d, boolean pkcs12) {
        String ca = d.cli("request security pki ca-certificate load ca-profile interop filename " + pki.resolve("ca.pem"));
        System.out.println("evidence:\n" + ca);
        assertTrue(ca.endsWith("CA certificate for profile interop loaded successfully\n"), ca);
        String local = pkcs12
                ? d.cli("request security pki local-certificate load certificate-id gw-a filename " + pki.resolve("gw-a.p12")
                        + " passphrase interop")
                : d.cli("request security pki local-certificate load certificate-id gw-a filename " + pki.resolve("gw-a.pem")
                        + " key " + pki.resolve("gw-a.key"));
        assertEquals("Local certificate gw-a loaded successfully\n", local);
        String show = d.cli("show security pki local-certificate");
        System.out.println("evidence:\n" + show);
        assertTrue(show.contains("Issued to: gw-a.example.net, Issued by: Interop Test CA")
                && show.contains("Public key verification status: Passed"), show);
    }

    /** The tunnel is up at both ends: strongSwan's child INSTALLED, and D holds the same pair (traffic may flow). */
    private void assertTunnelUp(SallyportDaemon d) {
        h.waitSa("gw-b", 30).orThrow();
        SwanSas sas = h.rawSas("gw-b");
        assertTrue(sas.established(), "strongSwan IKE_SA not ESTABLISHED:\n" + sas.raw());
        assertEquals(1, sas.installedChildren().size(), "one CHILD_SA INSTALLED:\n" + sas.raw());
        d.awaitSaPairOf(sas.installedChildren().getFirst());
    }

    private void assertPingsBothWays(int count) {
        Ping ab = h.ping("host-a", HOST_B, count, 0.2);
        assertTrue(ab.allAnswered(), "host-a -> host-b: " + ab.output());
        Ping ba = h.ping("host-b", HOST_A, count, 0.2);
        assertTrue(ba.allAnswered(), "host-b -> host-a: " + ba.output());
    }

    @Test
    @Order(1)
    void sallyportInitiatesWithCredentialsLoadedByTheOperator() {
        h.peerStart("gw-b", "ikev2-cert", PEER_ENV);
        SallyportDaemon d = daemon("cert-initiator", certificateConfig("immediately"));
        // Nothing loaded yet: the tunnel says why it cannot start.
        String before = d.cli(SHOW_SETS);
        assertTrue(before.contains("local-certificate gw-a is not loaded"), before);
        loadCredentials(d, false);
        assertTunnelUp(d);
        assertPingsBothWays(3);
        String ike = d.cli(SHOW_IKE);
        System.out.println("evidence:\n" + ike);
        assertTrue(ike.lines().anyMatch(l -> l.startsWith("192.0.2.2") && l.contains("Matured")), ike);
        String charon = h.sas("gw-b");
        System.out.println("evidence (strongSwan):\n" + charon);
        assertTrue(charon.contains("gw-a.example.net"), charon);
        // Reference §4.6: the CA, gw-a's own certificate and the one strongSwan presented, newest first.
        String cache = d.cli("show services ipsec-vpn certificates");
        System.out.println("evidence:\n" + cache);
        assertTrue(cache.startsWith("Service set: ss1, Total entries: 3\n  Certificate cache entry: 3\n"
                + "    Flags: Non-root Trusted\n    Issued to: gw-b.example.net, Issued by: Interop Test CA\n"), cache);
        // The IKE_SA_INIT + IKE_AUTH with RSA-3072 CA and RSA-2048 certificates, on the wall clock.
        String times = d.cli("show services ipsec-vpn negotiation-times");
        System.out.println("evidence:\n" + times);
        assertTrue(times.startsWith("IKE SAs established: 1,"), times);
    }

    @Test
    @Order(2)
    void strongswanInitiatesSallyportRespondsWithPkcs12() {
        h.peerStart("gw-b", "ikev2-cert", PEER_ENV);
        SallyportDaemon d = daemon("cert-responder", certificateConfig("responder-only"));
        loadCredentials(d, true);
        Harness.Result init = h.initiate("gw-b", 30);
        System.out.println("evidence: " + init.stdout().lines().filter(l -> l.contains("authentication of")
                || l.contains("established")).toList());
        init.orThrow();
        assertTunnelUp(d);
        assertPingsBothWays(3);
    }

    @Test
    @Order(7)
    void revokedInitiatorRefusedBySallyportAsResponder() {
        startPeerWith("revoked.pem");
        SallyportDaemon d = daemon("cert-revoked-responder", certificateConfig("responder-only"));
        loadCredentials(d, false);
        d.cli("request security pki crl load ca-profile interop filename " + pki.resolve("ca.crl"));
        Harness.Result init = h.initiate("gw-b", 20);
        System.out.println("evidence: " + init.stdout().lines().filter(l -> l.contains("AUTHENTICATION_FAILED")
                || l.contains("failed")).toList());
        assertTrue(!init.ok(), "strongSwan's initiation must fail:\n" + init.stdout());
        List<String> seen = new ArrayList<>();
        String reason = "authentication failed: certificate revoked: CN=gw-b.example.net,O=IPsec Interop Test,C=XX";
        boolean said = Testbed.await(Duration.ofSeconds(10), () -> {
            String show = d.cli(SHOW_SETS);
            seen.add(show);
            return show.contains(reason);
        });
        System.out.println("evidence:\n" + seen.getLast());
        assertTrue(said, "expected '" + reason + "' in:\n" + seen.getLast() + "\n" + d.log());
    }

    @Test
    @Order(6)
    void ecdsaKeyPairEnrolledOfflineWithStrongswansPkiAsTheCa() {
        h.peerStart("gw-b", "ikev2-cert", PEER_ENV);
        SallyportDaemon d = daemon("cert-ecdsa", certificateConfig("immediately")
                .replace("authentication-method rsa-signatures;", "authentication-method ecdsa-signatures-256;")
                .replace("local-certificate gw-a;", "local-certificate gw-a-ec;"));
        assertEquals("Generated key pair gw-a-ec, key size 256 bits\n",
                d.cli("request security pki generate-key-pair certificate-id gw-a-ec type ecdsa size 256"));
        Path csr = pki.resolve("gw-a-ec.csr");
        String generated = d.cli("request security pki generate-certificate-request certificate-id gw-a-ec subject "
                + "\"C=XX, O=IPsec Interop Test, CN=gw-a.example.net\" domain-name gw-a.example.net filename " + csr);
        System.out.println("evidence:\n" + generated);
        // strongSwan's pki tool is the CA: it signs Sallyport's PKCS#10 request as it is.
        sh(h, Map.of("STRONGSWAN_CONF", pki.resolve("pki-strongswan.conf").toString()),
                "pki --issue --type pkcs10 --in gw-a-ec.csr --cacert ca.pem --cakey ca.key --lifetime 30 --flag serverAuth "
                        + "--outform pem > gw-a-ec.pem");
        d.cli("request security pki ca-certificate load ca-profile interop filename " + pki.resolve("ca.pem"));
        assertEquals("Local certificate gw-a-ec loaded successfully\n",
                d.cli("request security pki local-certificate load certificate-id gw-a-ec filename " + pki.resolve("gw-a-ec.pem")));
        String show = d.cli("show security pki local-certificate detail");
        System.out.println("evidence:\n" + show);
        assertTrue(show.contains("Alternate subject: gw-a.example.net") && show.contains("ecPublicKey(256 bits)"), show);
        assertTunnelUp(d);
        assertPingsBothWays(3);
        String ike = d.cli(SHOW_IKE + " detail");
        assertTrue(ike.contains("Authentication method: ECDSA-signatures"), ike);
    }

    /** strongSwan's gw-b presenting CERT (with bad.key) instead of its good certificate. */
    private void startPeerWith(String cert) {
        try {
            Path dir = h.stateDir().resolve("swan-" + cert.replace(".pem", ""));
            Files.createDirectories(dir.resolve("x509"));
            Files.createDirectories(dir.resolve("private"));
            Files.copy(pki.resolve(cert), dir.resolve("x509").resolve(cert), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.copy(pki.resolve("bad.key"), dir.resolve("private/bad.key"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            String template = Files.readString(Testbed.repoRoot().resolve("interop/harness/conf/ikev2-cert/gw-b.conf"));
            assertTrue(template.contains("certs = gw-b.pem"), template);
            Files.writeString(dir.resolve("swanctl.conf"), template.replace("certs = gw-b.pem", "certs = " + cert));
            h.peerStart("gw-b", dir.toString(), PEER_ENV);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void refused(String cert, String reason, boolean withCrl) {
        startPeerWith(cert);
        SallyportDaemon d = daemon("cert-" + cert.replace(".pem", ""), certificateConfig("immediately"));
        loadCredentials(d, false);
        if (withCrl) {
            String crl = d.cli("request security pki crl load ca-profile interop filename " + pki.resolve("ca.crl"));
            assertTrue(crl.startsWith("CRL for CA profile interop loaded successfully (1 revoked"), crl);
        }
        List<String> seen = new ArrayList<>();
        boolean said = Testbed.await(Duration.ofSeconds(30), () -> {
            String show = d.cli(SHOW_SETS);
            seen.add(show);
            return show.contains(reason);
        });
        System.out.println("evidence:\n" + seen.getLast());
        assertTrue(said, "expected '" + reason + "' in:\n" + seen.getLast() + "\n" + d.log());
        // strongSwan responded and held its SA for a moment: Sallyport's AUTHENTICATION_FAILED ends it.
        assertTrue(Testbed.await(Duration.ofSeconds(10), () -> !h.rawSas("gw-b").established()),
                "strongSwan must not keep an established IKE SA:\n" + h.rawSas("gw-b").raw());
    }

    @Test
    @Order(3)
    void expiredCertificateRefused() {
        refused("expired.pem", "authentication failed: certificate expired: CN=gw-b.example.net,O=IPsec Interop Test,C=XX", false);
    }

    @Test
    @Order(4)
    void revokedCertificateRefusedWithTheCrl() {
        refused("revoked.pem", "authentication failed: certificate revoked: CN=gw-b.example.net,O=IPsec Interop Test,C=XX", true);
    }

    @Test
    @Order(6)
    void revokedCertificateRefusedWithTheCrlDownloadedOverHttpOnce() throws Exception {
        // The CA publishes its CRL over HTTP inside gw-a's namespace; each request is one line of the server's log.
        Path log = h.stateDir().resolve("crl-http.log");
        Process server = new ProcessBuilder("ip", "netns", "exec", h.ns("gw-a"), "python3", "-m", "http.server", "8080",
                "--bind", "127.0.0.1", "--directory", pki.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            assertTrue(Testbed.await(Duration.ofSeconds(10), () -> h.run(List.of("ip", "netns", "exec", h.ns("gw-a"), "python3", "-c",
                    "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/ca.pem')"), Map.of(), 10).ok()),
                    "the CRL server did not start");
            startPeerWith("revoked.pem");
            String config = certificateConfig("immediately").replace("ca-profile interop { ca-identity interop; }",
                    "ca-profile interop { ca-identity interop; revocation-check { crl { url http://127.0.0.1:8080/ca.crl; "
                            + "refresh-interval 1; } } }").replace("establish-tunnels immediately;",
                    "establish-tunnels immediately; traceoptions { file kmd; flag all; }");
            assertTrue(config.contains("traceoptions") && config.contains("crl { url"), config);
            SallyportDaemon d = daemon("cert-revoked-http", config);
            Path trace = h.stateDir().resolve("sallyport-cert-revoked-http").resolve("log").resolve("kmd");
            loadCredentials(d, false);
            String reason = "authentication failed: certificate revoked: CN=gw-b.example.net,O=IPsec Interop Test,C=XX";
            List<String> seen = new ArrayList<>();
            assertTrue(Testbed.await(Duration.ofSeconds(30), () -> {
                seen.add(d.cli(SHOW_SETS));
                return seen.getLast().contains(reason);
            }), "expected '" + reason + "' in:\n" + seen.getLast() + "\n" + d.log());
            System.out.println("evidence:\n" + seen.getLast());
            // establish-tunnels immediately keeps trying; every attempt checks the CRL in hand, none reads it again.
            assertTrue(Testbed.await(Duration.ofSeconds(30), () -> revokedChecks(trace) >= 3), "three refused handshakes in " + trace);
            long reads = Files.readAllLines(log).stream().filter(l -> l.contains("GET /ca.crl")).count();
            System.out.println("evidence: CRL reads " + reads + "\n" + String.join("\n", Files.readAllLines(log)));
            assertEquals(1, reads, "read once, when planned, within its one-hour refresh-interval");
        } finally {
            server.destroy();
            server.waitFor();
        }
    }

    /** Handshakes kmd's trace shows refused for the revoked certificate. */
    private static long revokedChecks(Path trace) {
        try {
            return Files.exists(trace) ? Files.readAllLines(trace).stream().filter(l -> l.contains("certificate revoked")).count() : 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    @Order(5)
    void wrongCaRefused() {
        refused("wrong.pem", "authentication failed: certificate not issued by a trusted CA: issuer CN=Wrong CA", false);
    }
}
