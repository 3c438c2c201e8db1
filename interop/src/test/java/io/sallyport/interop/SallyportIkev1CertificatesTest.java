package io.sallyport.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
 * IKEv1 main mode with RSA signatures (RFC 2409 §5.1): Sallyport as gw-a, its IKE policy without
 * {@code version 2} (the Junos default), against strongSwan 5.9.8 with the harness's ikev1-cert
 * variant as gw-b. Sallyport's CA certificate, certificate and key arrive only through its own
 * {@code request security pki ...} commands. Both roles carry pings; a strongSwan peer with a
 * certificate from another CA is refused with the reason in the show output. ECDSA (RFC 4754,
 * method 9): both ends with P-256 certificates from the same CA, main mode, both roles. Own
 * namespace prefix {@code sv1c-}.
 */
@Tag("interop")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SallyportIkev1CertificatesTest {

    @RegisterExtension
    static final Testbed BED = new Testbed("sv1c-", Harness.Topology.DIRECT);
    static final String HOST_A = "198.18.1.10";
    static final String HOST_B = "198.18.2.10";
    static final String SHOW_IKE = "show services ipsec-vpn ike security-associations";
    static final String SHOW_SETS = "show services service-sets";
    /** Sallyport's ESP proposal (aes-128-gcm, PFS group14); the IKE one is the template's default. */
    static final Map<String, String> PEER_ENV = Map.of("INTEROP_ESP_PROPOSALS", "aes128gcm16-modp2048");

    private final Harness h = BED.harness();
    private static Path pki;

    @BeforeAll
    static void makePki() {
        TestPki p = TestPki.of(BED.harness());
        pki = p.dir();
        p.selfSignedCa("wrong-ca", "Wrong CA");
        p.issue("wrong", "rsa", "gw-b-wrong.example.net", "wrong-ca");
        // ECDSA P-256 ends under the interop CA, with identities of their own: strongSwan picks its
        // IKEv1 key by identity, and the harness also installs the RSA gw-b.pem as gw-b.example.net.
        for (String gw : List.of("gw-a-ec", "gw-b-ec")) {
            p.issue(gw, "ecdsa", gw + ".example.net", "ca");
        }
    }

    @AfterEach
    void stop() {
        BED.stopDaemons();
    }

    /** The IKEv2 certificate configuration with {@code version 2} removed: IKEv1 main mode, as Junos defaults. */
    private static String ikev1CertificateConfig(String establish) {
        String v2 = SallyportCertificatesTest.certificateConfig(establish);
        assertTrue(v2.contains("policy ike-pol { version 2; "), v2);
        return v2.replace("policy ike-pol { version 2; ", "policy ike-pol { ");
    }

    /** A daemon whose certificate store starts empty, loaded by the operator's commands. */
    private SallyportDaemon daemon(String name, String establish) {
        h.run(List.of("rm", "-rf", h.stateDir().resolve("sallyport-" + name).resolve("pki").toString()), Map.of(), 10).orThrow();
        SallyportDaemon d = BED.daemon("gw-a", name, ikev1CertificateConfig(establish));
        String ca = d.cli("request security pki ca-certificate load ca-profile interop filename " + pki.resolve("ca.pem"));
        assertTrue(ca.endsWith("CA certificate for profile interop loaded successfully\n"), ca);
        assertEquals("Local certificate gw-a loaded successfully\n", d.cli("request security pki local-certificate load certificate-id gw-a filename "
                + pki.resolve("gw-a.pem") + " key " + pki.resolve("gw-a.key")));
        return d;
    }

    /** The tunnel is up at both ends: strongSwan's child INSTALLED, and D holds the same pair (traffic may flow). */
    private void assertTunnelUp(SallyportDaemon d) {
        h.waitSa("gw-b", 30).orThrow();
        SwanSas sas = h.rawSas("gw-b");
        assertTrue(sas.established(), "strongSwan IKE_SA not ESTABLISHED:\n" + sas.raw());
        assertTrue(sas.raw().contains("version=1"), "strongSwan speaks IKEv1:\n" + sas.raw());
        assertEquals(1, sas.installedChildren().size(), "one CHILD_SA INSTALLED:\n" + sas.raw());
        d.awaitSaPairOf(sas.installedChildren().getFirst());
    }

    private void assertPingsBothWays(int count) {
        Ping ab = h.ping("host-a", HOST_B, count, 0.2);
        assertTrue(ab.allAnswered(), "host-a -> host-b: " + ab.output());
        Ping ba = h.ping("host-b", HOST_A, count, 0.2);
        assertTrue(ba.allAnswered(), "host-b -> host-a: " + ba.output());
    }

    private void assertSignedMainMode(SallyportDaemon d, String role) {
        String detail = d.cli(SHOW_IKE + " detail");
        System.out.println("evidence:\n" + detail);
        assertTrue(detail.contains("Role: " + role + ", State: Matured"), detail);
        assertTrue(detail.contains("Exchange type: Main, Authentication method: RSA-signatures"), detail);
        String charon = h.sas("gw-b");
        System.out.println("evidence (strongSwan):\n" + charon);
        assertTrue(charon.contains("gw-a.example.net"), charon);
    }

    @Test
    @Order(1)
    void sallyportInitiatesMainModeWithRsaSignatures() {
        h.peerStart("gw-b", "ikev1-cert", PEER_ENV);
        SallyportDaemon d = daemon("v1cert-initiator", "immediately");
        assertTunnelUp(d);
        assertPingsBothWays(3);
        assertSignedMainMode(d, "Initiator");
        String log;
        try {
            log = Files.readString(h.stateDir().resolve(h.ns("gw-b")).resolve("charon.log"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertTrue(log.contains("authentication of 'gw-a.example.net' with RSA_EMSA_PKCS1_NULL successful"), log);
    }

    @Test
    @Order(2)
    void strongswanInitiatesSallyportRespondsWithRsaSignatures() {
        h.peerStart("gw-b", "ikev1-cert", PEER_ENV);
        SallyportDaemon d = daemon("v1cert-responder", "responder-only");
        Harness.Result init = h.initiate("gw-b", 30);
        System.out.println("evidence: " + init.stdout().lines().filter(l -> l.contains("authentication of")
                || l.contains("established")).toList());
        init.orThrow();
        assertTunnelUp(d);
        assertPingsBothWays(3);
        assertSignedMainMode(d, "Responder");
    }

    /** Aggressive mode with signatures: strongSwan answers it without the pre-shared-key risk switch. */
    @Test
    @Order(4)
    void sallyportInitiatesAggressiveModeWithRsaSignatures() {
        h.peerStart("gw-b", "ikev1-cert", Map.of("INTEROP_ESP_PROPOSALS", "aes128gcm16-modp2048", "INTEROP_AGGRESSIVE", "yes"));
        h.run(List.of("rm", "-rf", h.stateDir().resolve("sallyport-v1cert-aggressive").resolve("pki").toString()), Map.of(), 10).orThrow();
        String config = ikev1CertificateConfig("immediately").replace("policy ike-pol { ", "policy ike-pol { mode aggressive; ");
        SallyportDaemon d = BED.daemon("gw-a", "v1cert-aggressive", config);
        d.cli("request security pki ca-certificate load ca-profile interop filename " + pki.resolve("ca.pem"));
        d.cli("request security pki local-certificate load certificate-id gw-a filename " + pki.resolve("gw-a.pem")
                + " key " + pki.resolve("gw-a.key"));
        assertTunnelUp(d);
        assertPingsBothWays(3);
        String detail = d.cli(SHOW_IKE + " detail");
        System.out.println("evidence:\n" + detail);
        assertTrue(detail.contains("Exchange type: Aggressive, Authentication method: RSA-signatures"), detail);
    }

    /** strongSwan's gw-b with its ECDSA P-256 certificate (identity gw-b-ec.example.net), expecting gw-a-ec.example.net. */
    private void startEcdsaPeer() {
        try {
            Path dir = h.stateDir().resolve("swan-v1-ecdsa");
            Files.createDirectories(dir.resolve("x509"));
            Files.createDirectories(dir.resolve("ecdsa"));
            Files.copy(pki.resolve("gw-b-ec.pem"), dir.resolve("x509/gw-b-ec.pem"), StandardCopyOption.REPLACE_EXISTING);
            Files.copy(pki.resolve("gw-b-ec.key"), dir.resolve("ecdsa/gw-b-ec.key"), StandardCopyOption.REPLACE_EXISTING);
            String template = Files.readString(Testbed.repoRoot().resolve("interop/harness/conf/ikev1-cert/gw-b.conf"));
            assertTrue(template.contains("certs = gw-b.pem"), template);
            Files.writeString(dir.resolve("swanctl.conf"), template.replace("certs = gw-b.pem", "certs = gw-b-ec.pem"));
            h.peerStart("gw-b", dir.toString(), Map.of("INTEROP_ESP_PROPOSALS", "aes128gcm16-modp2048",
                    "INTEROP_GWB_CERT_ID", "gw-b-ec.example.net", "INTEROP_GWA_CERT_ID", "gw-a-ec.example.net"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** IKEv1 with {@code authentication-method ecdsa-signatures-256} and the gw-a-ec certificate. */
    private SallyportDaemon ecdsaDaemon(String name, String establish) {
        h.run(List.of("rm", "-rf", h.stateDir().resolve("sallyport-" + name).resolve("pki").toString()), Map.of(), 10).orThrow();
        String config = ikev1CertificateConfig(establish);
        for (String[] r : new String[][] {{"authentication-method rsa-signatures;", "authentication-method ecdsa-signatures-256;"},
                {"local-id fqdn gw-a.example.net;", "local-id fqdn gw-a-ec.example.net;"},
                {"remote-id fqdn gw-b.example.net;", "remote-id fqdn gw-b-ec.example.net;"}}) {
            assertTrue(config.contains(r[0]), config);
            config = config.replace(r[0], r[1]);
        }
        SallyportDaemon d = BED.daemon("gw-a", name, config);
        d.cli("request security pki ca-certificate load ca-profile interop filename " + pki.resolve("ca.pem"));
        assertEquals("Local certificate gw-a loaded successfully\n", d.cli("request security pki local-certificate load certificate-id gw-a"
                + " filename " + pki.resolve("gw-a-ec.pem") + " key " + pki.resolve("gw-a-ec.key")));
        return d;
    }

    private void assertEcdsaMainMode(SallyportDaemon d, String role) {
        String detail = d.cli(SHOW_IKE + " detail");
        System.out.println("evidence:\n" + detail);
        assertTrue(detail.contains("Role: " + role + ", State: Matured"), detail);
        assertTrue(detail.contains("Exchange type: Main, Authentication method: ECDSA-signatures"), detail);
        String log;
        try {
            log = Files.readString(h.stateDir().resolve(h.ns("gw-b")).resolve("charon.log"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String verified = "authentication of 'gw-a-ec.example.net' with ECDSA_WITH_NULL successful";
        System.out.println("evidence (strongSwan): " + log.lines().filter(l -> l.contains("authentication of")).toList());
        assertTrue(log.contains(verified), log);
    }

    @Test
    @Order(5)
    void sallyportInitiatesMainModeWithEcdsaSignatures() {
        startEcdsaPeer();
        SallyportDaemon d = ecdsaDaemon("v1cert-ecdsa-initiator", "immediately");
        assertTunnelUp(d);
        assertPingsBothWays(3);
        assertEcdsaMainMode(d, "Initiator");
    }

    @Test
    @Order(6)
    void strongswanInitiatesSallyportRespondsWithEcdsaSignatures() {
        startEcdsaPeer();
        SallyportDaemon d = ecdsaDaemon("v1cert-ecdsa-responder", "responder-only");
        Harness.Result init = h.initiate("gw-b", 30);
        System.out.println("evidence: " + init.stdout().lines().filter(l -> l.contains("authentication of")
                || l.contains("established")).toList());
        init.orThrow();
        assertTrue(init.stdout().contains("authentication of 'gw-a-ec.example.net' with ECDSA_WITH_NULL successful"), init.stdout());
        assertTunnelUp(d);
        assertPingsBothWays(3);
        assertEcdsaMainMode(d, "Responder");
    }

    @Test
    @Order(3)
    void wrongCaPeerRefusedWithTheReasonShown() {
        try {
            Path dir = h.stateDir().resolve("swan-v1-wrong");
            Files.createDirectories(dir.resolve("x509"));
            Files.createDirectories(dir.resolve("private"));
            Files.copy(pki.resolve("wrong.pem"), dir.resolve("x509/wrong.pem"), StandardCopyOption.REPLACE_EXISTING);
            Files.copy(pki.resolve("wrong.key"), dir.resolve("private/wrong.key"), StandardCopyOption.REPLACE_EXISTING);
            String template = Files.readString(Testbed.repoRoot().resolve("interop/harness/conf/ikev1-cert/gw-b.conf"));
            assertTrue(template.contains("certs = gw-b.pem"), template);
            Files.writeString(dir.resolve("swanctl.conf"), template.replace("certs = gw-b.pem", "certs = wrong.pem"));
            // Its own identity, so that strongSwan signs with this certificate's key (IKEv1 picks the
            // key by identity, and the harness also installs the good gw-b.pem).
            h.peerStart("gw-b", dir.toString(), Map.of("INTEROP_ESP_PROPOSALS", "aes128gcm16-modp2048",
                    "INTEROP_GWB_CERT_ID", "gw-b-wrong.example.net"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        SallyportDaemon d = daemon("v1cert-wrong-ca", "immediately");
        String reason = "authentication failed: certificate not issued by a trusted CA: issuer CN=Wrong CA";
        List<String> seen = new ArrayList<>();
        boolean said = Testbed.await(Duration.ofSeconds(30), () -> {
            String show = d.cli(SHOW_SETS);
            seen.add(show);
            return show.contains(reason);
        });
        System.out.println("evidence:\n" + seen.getLast());
        assertTrue(said, "expected '" + reason + "' in:\n" + seen.getLast() + "\n" + d.log());
        // strongSwan responded with message 6 and held its SA: Sallyport's AUTHENTICATION-FAILED ends it.
        assertTrue(Testbed.await(Duration.ofSeconds(10), () -> !h.rawSas("gw-b").established()),
                "strongSwan must not keep an established ISAKMP SA:\n" + h.rawSas("gw-b").raw());
    }
}
