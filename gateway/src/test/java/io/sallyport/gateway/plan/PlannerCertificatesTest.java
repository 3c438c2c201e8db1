package io.sallyport.gateway.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sallyport.config.ConfigText;
import io.sallyport.config.check.CheckResult;
import io.sallyport.config.check.CommitCheck;
import io.sallyport.config.model.Configuration;
import io.sallyport.gateway.pki.CertificateAuthenticator;
import io.sallyport.ike.Identity;
import io.sallyport.ike.PeerConfig;
import io.sallyport.pki.Credentials;
import io.sallyport.pki.PkiStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The planner turns local-certificate, trusted-ca and CA profiles into a certificate authenticator. */
class PlannerCertificatesTest {

    @TempDir
    Path state;
    private PkiStore store;

    private static byte[] bytes(String name) throws IOException {
        try (InputStream in = PlannerCertificatesTest.class.getResourceAsStream("/pki/" + name)) {
            return in.readAllBytes();
        }
    }

    @BeforeEach
    void setUp() {
        store = new PkiStore(state);
    }

    private void loadGw() throws IOException {
        var cert = Credentials.certificate(bytes("gw.pem"));
        store.saveKeyPair("local-entrust2", new KeyPair(cert.getPublicKey(), Credentials.privateKey(bytes("gw.key"), null)));
        store.saveLocalCertificate("local-entrust2", List.of(cert, Credentials.certificate(bytes("inter.pem"))));
        store.saveCaCertificate("entrust", Credentials.certificate(bytes("root.pem")));
    }

    private TunnelPlan plan(String extra) throws Exception {
        return plan(config(extra));
    }

    private TunnelPlan plan(Configuration c) {
        return new Planner(a -> true, Optional.of(store), Clock.systemUTC()).plan(c).serviceSets().getFirst().tunnels().getFirst();
    }

    private static Configuration config(String extra) throws Exception {
        return config(extra, true);
    }

    private static Configuration config(String extra, boolean version2) throws Exception {
        CheckResult check = CommitCheck.check(ConfigText.parse(("""
            set interfaces ms-1/2/0 unit 1 family inet
            set interfaces ms-1/2/0 unit 1 service-domain inside
            set interfaces ms-1/2/0 unit 2 family inet
            set interfaces ms-1/2/0 unit 2 service-domain outside
            set security pki ca-profile entrust ca-identity entrust
            set services service-set ss next-hop-service inside-service-interface ms-1/2/0.1
            set services service-set ss next-hop-service outside-service-interface ms-1/2/0.2
            set services service-set ss ipsec-vpn-options trusted-ca entrust
            set services service-set ss ipsec-vpn-options local-gateway 10.1.15.1
            set services service-set ss ipsec-vpn-rules rule-ike
            set services ipsec-vpn rule rule-ike term t from ipsec-inside-interface ms-1/2/0.1
            set services ipsec-vpn rule rule-ike term t then remote-gateway 10.1.15.2
            set services ipsec-vpn rule rule-ike term t then dynamic ike-policy pol
            set services ipsec-vpn rule rule-ike match-direction input
            set services ipsec-vpn ike proposal p authentication-method rsa-signatures
            set services ipsec-vpn ike policy pol version 2
            set services ipsec-vpn ike policy pol proposals p
            set services ipsec-vpn ike policy pol local-certificate local-entrust2
            """).replace(version2 ? "" : "set services ipsec-vpn ike policy pol version 2\n", "") + extra));
        assertTrue(check.succeeded(), check.render());
        return check.configuration().orElseThrow();
    }

    @Test
    void loadedCredentialsMakeACertificatePeer() throws Exception {
        loadGw();
        TunnelPlan t = plan("set services ipsec-vpn ike policy pol remote-id fqdn router3.example.com\n");
        assertTrue(t.problem().isEmpty(), t.problem().toString());
        PeerConfig peer = t.peer().orElseThrow();
        CertificateAuthenticator auth = assertInstanceOf(CertificateAuthenticator.class, peer.authenticator());
        // No local-id: the certificate's subject, as ID_DER_ASN1_DN.
        assertEquals(auth.distinguishedName(), peer.localId());
        assertEquals(Identity.fqdn("router3.example.com"), peer.remoteId());
        assertEquals(2, auth.certificates().size());
        assertEquals("entrust", auth.trusted().getFirst().profile());
    }

    @Test
    void fqdnLocalIdNoChainAndAnyCertifiedRemote() throws Exception {
        loadGw();
        TunnelPlan t = plan("""
            set services ipsec-vpn ike policy pol local-id fqdn gw.example.net
            set services service-set ss ipsec-vpn-options no-certificate-chain-in-ike
            """);
        PeerConfig peer = t.peer().orElseThrow();
        assertEquals(Identity.fqdn("gw.example.net"), peer.localId());
        assertNull(peer.remoteId(), "without remote-id any identity the certificate vouches for");
        assertEquals(1, peer.authenticator().certificates().size());
    }

    @Test
    void remoteIdDistinguishedNamesGoToTheAuthenticator() throws Exception {
        loadGw();
        TunnelPlan t = plan("""
            set services ipsec-vpn ike policy pol remote-id distinguished-name container "O=juniper, C=us"
            set services ipsec-vpn ike policy pol remote-id distinguished-name wildcard "CN=router3.example.com"
            """);
        assertTrue(t.problem().isEmpty(), t.problem().toString());
        PeerConfig peer = t.peer().orElseThrow();
        assertNull(peer.remoteId(), "the engine takes any identity the certificate vouches for; the authenticator checks the DN");
        var auth = (CertificateAuthenticator) peer.authenticator();
        assertEquals(List.of("container \"O=juniper, C=us\"", "wildcard \"CN=router3.example.com\""),
                auth.remoteNames().stream().map(Object::toString).toList());
    }

    @Test
    void missingCredentialsNameTheCommandThatLoadsThem() throws Exception {
        TunnelPlan t = plan("");
        assertTrue(t.problem().orElseThrow().contains("local-certificate local-entrust2 is not loaded (request security pki "
                + "local-certificate load certificate-id local-entrust2 filename FILE)"), t.problem().toString());
        loadGw();
        store.deleteCaCertificate("entrust");
        t = plan("");
        assertTrue(t.problem().orElseThrow().contains("trusted-ca entrust has no CA certificate"), t.problem().toString());
    }

    /** IKEv1 (no version 2) with ecdsa-signatures-256 and a P-256 certificate: an RFC 4754 method 9 peer, no warning. */
    @Test
    void ikev1PolicyWithAnEcdsaCertificateMakesAMainModePeer() throws Exception {
        var cert = Credentials.certificate(bytes("ec.pem"));
        store.saveKeyPair("local-entrust2", new KeyPair(cert.getPublicKey(), Credentials.privateKey(bytes("ec.key"), null)));
        store.saveLocalCertificate("local-entrust2", List.of(cert, Credentials.certificate(bytes("inter.pem"))));
        store.saveCaCertificate("entrust", Credentials.certificate(bytes("root.pem")));
        Configuration c = config("set services ipsec-vpn ike proposal p authentication-method ecdsa-signatures-256\n", false);
        TunnelPlan t = plan(c);
        assertTrue(t.problem().isEmpty(), t.problem().toString());
        PeerConfig peer = t.peer().orElseThrow();
        assertEquals(PeerConfig.Exchange.MAIN, peer.exchange());
        assertEquals(9, peer.authenticator().ikev1SignatureMethod());
    }

    @Test
    void keyTypeMustFitTheMethodAndCrlUrlFailureRefusesUnlessDisabled() throws Exception {
        loadGw();
        TunnelPlan t = plan("set services ipsec-vpn ike proposal p authentication-method ecdsa-signatures-256\n");
        assertTrue(t.problem().orElseThrow().contains("has a rsa 2048-bit key"), t.problem().toString());
        t = plan("set security pki ca-profile entrust revocation-check crl url file:///nonexistent/entrust.crl\n");
        var auth = (CertificateAuthenticator) t.peer().orElseThrow().authenticator();
        assertTrue(auth.trusted().getFirst().crlUnavailable().orElseThrow().contains("file:///nonexistent/entrust.crl"));
        t = plan("""
            set security pki ca-profile entrust revocation-check crl url file:///nonexistent/entrust.crl
            set security pki ca-profile entrust revocation-check crl disable on-download-failure
            """);
        auth = (CertificateAuthenticator) t.peer().orElseThrow().authenticator();
        assertTrue(auth.trusted().getFirst().crlUnavailable().isEmpty());
        t = plan("set security pki ca-profile entrust revocation-check crl url http://ca^example/entrust.crl\n");
        assertTrue(t.problem().orElseThrow().contains("crl url http://ca^example/entrust.crl of CA profile entrust is not a URL"),
                t.problem().toString());
    }

    @Test
    void planningAgainKeepsTheServiceSetsCertificateCacheSoAnUnchangedPlanStaysEqual() throws Exception {
        loadGw();
        var services = new io.sallyport.gateway.pki.CertificateServices(store, Clock.systemUTC());
        Configuration c = config("");
        GatewayPlan first = new Planner(a -> true, Optional.of(services)).plan(c);
        assertEquals(first, new Planner(a -> true, Optional.of(services)).plan(c));
        var auth = (CertificateAuthenticator) first.serviceSets().getFirst().tunnels().getFirst().peer().orElseThrow().authenticator();
        assertEquals(services.cache("ss"), auth.cache());
        // The trusted CA, the local certificate and the intermediate it was loaded with.
        assertEquals(List.of(io.sallyport.gateway.pki.CertificateCache.Origin.TRUSTED_CA,
                io.sallyport.gateway.pki.CertificateCache.Origin.LOCAL, io.sallyport.gateway.pki.CertificateCache.Origin.LOCAL),
                auth.cache().entries().stream().map(io.sallyport.gateway.pki.CertificateCache.Entry::origin).toList());
    }

    @Test
    void crlOverHttpIsReadOnceWhenPlannedAndAgainOnlyOnItsSchedule() throws Exception {
        loadGw();
        java.util.concurrent.atomic.AtomicInteger requests = new java.util.concurrent.atomic.AtomicInteger();
        byte[] crl = bytes("inter.crl");
        var server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/entrust.crl", exchange -> {
            requests.incrementAndGet();
            exchange.sendResponseHeaders(200, crl.length);
            try (var out = exchange.getResponseBody()) {
                out.write(crl);
            }
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/entrust.crl";
            var services = new io.sallyport.gateway.pki.CertificateServices(store, Clock.systemUTC(),
                    io.sallyport.pki.CrlFetcher.defaults(), Runnable::run);
            Configuration c = config("set security pki ca-profile entrust revocation-check crl url " + url + "\n"
                    + "set security pki ca-profile entrust revocation-check crl refresh-interval 24\n");
            GatewayPlan first = new Planner(a -> true, Optional.of(services)).plan(c);
            assertEquals(first, new Planner(a -> true, Optional.of(services)).plan(c));
            var auth = (CertificateAuthenticator) first.serviceSets().getFirst().tunnels().getFirst().peer().orElseThrow()
                    .authenticator();
            assertEquals(1, auth.trusted().getFirst().currentCrls().size());
            assertTrue(auth.trusted().getFirst().crlUnavailable().isEmpty());
            auth.trusted().getFirst().refreshCrlsIfDue();
            assertEquals(1, requests.get(), "one read for two plans and a check inside the refresh interval");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void withoutAStoreCertificatesAreAProblem() throws Exception {
        TunnelPlan t = new Planner(a -> true).plan(config("")).serviceSets().getFirst().tunnels().getFirst();
        assertTrue(t.problem().orElseThrow().contains("needs the certificate store of a state directory"), t.problem().toString());
    }
}
