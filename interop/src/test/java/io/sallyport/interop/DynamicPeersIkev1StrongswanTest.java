package io.sallyport.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issues 10 and 12: Sallyport as gw-a with an IKE access profile whose IKE policy is the seed's
 * §5.4 shape (IKEv1 main mode, no {@code version 2}) and no configuration naming any peer;
 * strongSwan 5.9.8 IKEv1 initiators from several addresses: gw-b (192.0.2.2, host-b behind it)
 * and the branches of {@link DynamicBranches} (br3, br4, and br5 behind a NAT) in namespaces of
 * this class's prefix {@code dv1-}. With a pre-shared key, and with RSA and ECDSA certificates
 * from the interop CA ({@link TestPki}) that Sallyport trusts through its {@code trusted-ca}
 * profile, loaded by its own {@code request security pki} commands.
 */
@Tag("interop")
class DynamicPeersIkev1StrongswanTest {

    @RegisterExtension
    static final Testbed BED = new Testbed("dv1-", Harness.Topology.DIRECT);

    private static final DynamicBranches BRANCHES = new DynamicBranches(BED);

    private static final String PSK = "dynamic-branch-key-ikev1-0123";
    private static final String ESP = "authentication-algorithm hmac-sha1-96; encryption-algorithm aes-256-cbc;";
    private static final String SWAN_ESP = "aes256-sha1-modp2048";

    private static TestPki pki;

    private final Harness h = BED.harness();
    private SallyportDaemon gateway;

    /** gw-a: the seed's §5.4 shape: a main-mode IKE policy with the profile's one key. */
    private static String gatewayConfig() {
        return DynamicBranches.gatewayConfig("mode main;", ESP, PSK);
    }

    /** A strongSwan IKEv1 initiator at {@code address} with identity {@code id}, offering {@code localTs} to 198.18.1.0/24. */
    private Path swanConfig(String role, String address, String id, String localTs, boolean aggressive) {
        return BRANCHES.swanConfig(role, List.of("version = 1", "aggressive = " + (aggressive ? "yes" : "no")), address, id, localTs,
                SWAN_ESP, PSK);
    }

    @BeforeAll
    static void branches() {
        BRANCHES.create();
        // The branches' certificates: RSA and ECDSA from the interop CA, and one from a CA gw-a does not trust.
        pki = TestPki.of(BED.harness());
        for (String br : List.of("br3", "br4", "br5")) {
            pki.issue(br + "-rsa", "rsa", br + ".example.net", "ca");
        }
        // ECDSA gateways with identities of their own: strongSwan picks its IKEv1 key by identity.
        for (String gw : List.of("gw-a", "gw-b")) {
            pki.issue(gw + "-ec", "ecdsa", gw + "-ec.example.net", "ca");
        }
        for (String br : List.of("br3", "br5")) {
            pki.issue(br + "-ec", "ecdsa", br + ".example.net", "ca");
        }
        pki.selfSignedCa("wrong-ca", "Wrong CA");
        pki.issue("br4-wrong", "rsa", "br4.example.net", "wrong-ca");
    }

    @AfterAll
    static void removeBranchNamespaces() {
        BRANCHES.remove();
    }

    private String cli(String command) {
        return gateway.cli(command);
    }

    /** Aggressive mode with a pre-shared key: strongSwan initiates it only when told it does not care about security. */
    private void startBranch(String role, String address, String id, String localTs, boolean aggressive) {
        h.peerStart(role, swanConfig(role, address, id, localTs, aggressive).toString(),
                aggressive ? Map.of("INTEROP_AGGRESSIVE_PSK", "yes") : Map.of());
    }

    /**
     * One gateway: three main-mode initiators from three addresses (one behind a NAT) come up at
     * once and pass pings;
     * an aggressive-mode initiator and one whose proxy IDs lie outside the allowed pair are refused
     * with their reason in {@code show services service-sets}; br3 reconnects from a new address
     * (INITIAL-CONTACT replaces its old SAs); gw-b killed is cleared by DPD. (The Testbed stops
     * daemons between tests, so this is one test in phases.)
     */
    @Test
    void mainModePeersComeUpAtOnceAggressiveAndForeignProxyIdsAreRefusedReconnectAndDpd() {
        gateway = BED.daemon("gw-a", "dynamic-v1", gatewayConfig());
        startBranch("gw-b", "192.0.2.2", "gw-b.example.net", "198.18.2.0/24", false);
        startBranch("br3", "203.0.113.2", "br3.example.net", "198.18.3.0/24", false);
        startBranch("br5", "198.51.100.2", "br5.example.net", "198.18.5.0/24", false);
        for (String role : List.of("gw-b", "br3", "br5")) {
            h.initiate(role, 30);
        }
        for (String role : List.of("gw-b", "br3", "br5")) {
            h.waitSa(role, 30).orThrow();
        }
        Ping b = h.ping("host-b", "198.18.1.10", 3, 0.3);
        Ping a = h.ping("host-a", "198.18.2.10", 3, 0.3);
        Ping three = BRANCHES.pingFrom("br3", "198.18.3.1", "198.18.1.10");
        Ping toThree = BRANCHES.pingFrom("host-a", "198.18.3.1");
        Ping five = BRANCHES.pingFrom("br5", "198.18.5.1", "198.18.1.10");
        Ping toFive = BRANCHES.pingFrom("host-a", "198.18.5.1");
        String ike = cli("show services ipsec-vpn ike security-associations");
        String ipsec = cli("show services ipsec-vpn ipsec security-associations");
        System.out.println("evidence: host-b->host-a " + b + "; host-a->host-b " + a + "; br3 " + three + "; host-a->br3 " + toThree
                + "; br5 behind the NAT " + five + "; host-a->br5 " + toFive
                + "\n" + ike + ipsec + cli("show services service-sets") + h.sas("gw-b") + h.sas("br3") + h.sas("br5"));
        for (Ping p : List.of(b, a, three, toThree, five, toFive)) {
            assertTrue(p.allAnswered(), p.output());
        }
        for (String peer : List.of("192.0.2.2", "203.0.113.2", "203.0.113.18")) {
            assertTrue(ike.contains(peer), ike);
            assertTrue(ipsec.contains("Remote gateway: " + peer), ipsec);
        }
        assertTrue(ike.lines().filter(l -> l.contains("Matured") && l.contains("Main")).count() == 3, ike);
        assertTrue(h.rawSas("br3").raw().contains("version=1"), h.sas("br3"));

        refusals();
        reconnectFromANewAddress();
        killedPeerIsClearedByDeadPeerDetection();
    }

    /** br4 in aggressive mode, then in main mode with proxy IDs outside the allowed pair: both refused, with why. */
    private void refusals() {
        startBranch("br4", "203.0.113.10", "br4.example.net", "198.18.4.0/24", true);
        h.initiate("br4", 20);
        boolean aggressive = Testbed.await(Duration.ofSeconds(15),
                () -> cli("show services service-sets").contains("aggressive mode is not supported for dynamic endpoints"));
        String afterAggressive = cli("show services service-sets");
        String swanAggressive = h.sas("br4");
        h.peerStop("br4");
        startBranch("br4", "203.0.113.10", "br4.example.net", "203.0.113.64/26", false);
        h.initiate("br4", 20);
        boolean proxyIds = Testbed.await(Duration.ofSeconds(15),
                () -> cli("show services service-sets").contains("203.0.113.64-203.0.113.127"));
        String sets = cli("show services service-sets");
        System.out.println("evidence: refusals:\n" + afterAggressive + swanAggressive + sets + h.sas("br4"));
        assertTrue(aggressive && afterAggressive.contains("203.0.113.10"), afterAggressive);
        assertTrue(proxyIds && sets.contains("proxy ID"), sets);
        assertFalse(h.rawSas("br4").established() && h.sas("br4").contains("INSTALLED"), h.sas("br4"));
        assertFalse(cli("show services ipsec-vpn ipsec security-associations").contains("203.0.113.10"));
        h.peerStop("br4");
        assertTrue(h.ping("host-b", "198.18.1.10", 3, 0.3).allAnswered(), "gw-b untouched by the refusals");
    }

    private void reconnectFromANewAddress() {
        // A new lease: charon dies without a delete, br3 comes back at 203.0.113.3 and initiates afresh (INITIAL-CONTACT).
        h.peerKill("br3");
        BRANCHES.br3At("203.0.113.3");
        startBranch("br3", "203.0.113.3", "br3.example.net", "198.18.3.0/24", false);
        h.initiate("br3", 30);
        h.waitSa("br3", 30).orThrow();
        boolean replaced = Testbed.await(Duration.ofSeconds(10), () -> {
            String ike = cli("show services ipsec-vpn ike security-associations");
            return ike.contains("203.0.113.3") && !ike.contains("203.0.113.2 ");
        });
        Ping three = BRANCHES.pingFrom("br3", "198.18.3.1", "198.18.1.10");
        String ike = cli("show services ipsec-vpn ike security-associations");
        System.out.println("evidence: br3 at its new address: " + three + "\n" + ike + cli("show services ipsec-vpn ipsec security-associations"));
        assertTrue(replaced, ike);
        assertTrue(three.allAnswered(), three.output());
        assertFalse(cli("show services ipsec-vpn ipsec security-associations").contains("Remote gateway: 203.0.113.2\n"));
        assertTrue(h.ping("host-b", "198.18.1.10", 3, 0.3).allAnswered(), "gw-b untouched");
    }

    private void killedPeerIsClearedByDeadPeerDetection() {
        h.peerKill("gw-b");
        boolean cleared = Testbed.await(Duration.ofSeconds(30),
                () -> !cli("show services ipsec-vpn ike security-associations").contains("192.0.2.2"));
        String sets = cli("show services service-sets");
        System.out.println("evidence: gw-b killed, DPD interval 2 threshold 3:\n" + sets
                + cli("show services ipsec-vpn ipsec security-associations"));
        assertTrue(cleared, cli("show services ipsec-vpn ike security-associations"));
        assertTrue(sets.contains("Peer 192.0.2.2 gone"), sets);
        assertFalse(cli("show services ipsec-vpn ipsec security-associations").contains("Remote gateway: 192.0.2.2"));
        assertTrue(BRANCHES.pingFrom("br3", "198.18.3.1", "198.18.1.10").allAnswered(), "br3 untouched");
    }

    // ---------------------------------------------------------------- certificates (an access profile ike-policy that signs)

    /** gw-a with the certificate access profile, its store loaded by the operator's commands: the interop CA and {@code cert}. */
    private SallyportDaemon certificateGateway(String name, String method, String fqdn, String cert) {
        h.run(List.of("rm", "-rf", h.stateDir().resolve("sallyport-" + name).resolve("pki").toString()), Map.of(), 10).orThrow();
        SallyportDaemon d = BED.daemon("gw-a", name, DynamicBranches.certificateGatewayConfig(method, fqdn, ESP));
        String ca = d.cli("request security pki ca-certificate load ca-profile interop filename " + pki.file("ca.pem"));
        assertTrue(ca.endsWith("CA certificate for profile interop loaded successfully\n"), ca);
        String local = d.cli("request security pki local-certificate load certificate-id gw-a filename " + pki.file(cert + ".pem")
                + " key " + pki.file(cert + ".key"));
        assertEquals("Local certificate gw-a loaded successfully\n", local);
        return d;
    }

    private void startCertificateBranch(String role, String address, String id, String localTs, String cert, String keyType,
                                        String gwFqdn) {
        if (role.equals("br3")) {
            BRANCHES.br3At(address);   // the pre-shared-key test moves it
        }
        h.peerStart(role, BRANCHES.certificateSwanConfig(role, address, id, localTs, SWAN_ESP, pki, cert, keyType, gwFqdn).toString(),
                Map.of());
    }

    /** The three initiators come up at once, each pings through its tunnel both ways, and show lists each at its address. */
    private String threeSignedPeersUp(String method, String ec) {
        for (String role : List.of("gw-b", "br3", "br5")) {
            h.initiate(role, 30);
        }
        for (String role : List.of("gw-b", "br3", "br5")) {
            h.waitSa(role, 30).orThrow();
        }
        List<Ping> pings = List.of(h.ping("host-b", "198.18.1.10", 3, 0.3), h.ping("host-a", "198.18.2.10", 3, 0.3),
                BRANCHES.pingFrom("br3", "198.18.3.1", "198.18.1.10"), BRANCHES.pingFrom("host-a", "198.18.3.1"),
                BRANCHES.pingFrom("br5", "198.18.5.1", "198.18.1.10"), BRANCHES.pingFrom("host-a", "198.18.5.1"));
        String ike = cli("show services ipsec-vpn ike security-associations");
        String detail = cli("show services ipsec-vpn ike security-associations detail");
        String ipsec = cli("show services ipsec-vpn ipsec security-associations");
        System.out.println("evidence: " + method + ": gw-b, br3, br5 (behind the NAT) " + pings + "\n" + ike + detail + ipsec
                + h.sas("gw-b") + h.sas("br3") + h.sas("br5"));
        for (Ping p : pings) {
            assertTrue(p.allAnswered(), p.output());
        }
        for (String peer : List.of("192.0.2.2", "203.0.113.2", "203.0.113.18")) {
            assertTrue(ike.lines().anyMatch(l -> l.startsWith(peer) && l.contains("Matured") && l.contains("Main")), ike);
            assertTrue(ipsec.contains("Remote gateway: " + peer), ipsec);
        }
        assertEquals(3, detail.lines().filter(l -> l.contains("Exchange type: Main, Authentication method: " + method)).count(), detail);
        for (String role : List.of("gw-b", "br3", "br5")) {
            String log = charonLog(role);
            assertTrue(log.contains("authentication of 'gw-a" + ec + ".example.net' with"), log);
        }
        return ike;
    }

    private String charonLog(String role) {
        try {
            return java.nio.file.Files.readString(h.stateDir().resolve(h.ns(role)).resolve("charon.log"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Issue 12 with certificates: gw-b (make-certs.sh's RSA certificate), br3 and br5 behind the
     * NAT (RSA certificates of the interop CA) authenticate in main mode with RSA signatures and
     * carry traffic; br4 with a certificate of a CA gw-a does not trust is refused with the reason
     * in {@code show services service-sets}; br4 with a good certificate asks first for an IPsec
     * SA outside the allowed pair (refused, the ISAKMP SA stays) and then for one inside it, which
     * comes up under the same ISAKMP SA.
     */
    @Test
    void rsaCertificatePeersComeUpAWrongCaIsRefusedAndARefusedQuickModeLeavesTheIsakmpSaForOneThatFits() {
        gateway = certificateGateway("dynamic-v1-rsa", "rsa-signatures", "gw-a.example.net", "gw-a");
        startCertificateBranch("gw-b", "192.0.2.2", "gw-b.example.net", "198.18.2.0/24", "gw-b", "rsa", "gw-a.example.net");
        startCertificateBranch("br3", "203.0.113.2", "br3.example.net", "198.18.3.0/24", "br3-rsa", "rsa", "gw-a.example.net");
        startCertificateBranch("br5", "198.51.100.2", "br5.example.net", "198.18.5.0/24", "br5-rsa", "rsa", "gw-a.example.net");
        threeSignedPeersUp("RSA-signatures", "");

        startCertificateBranch("br4", "203.0.113.10", "br4.example.net", "198.18.4.0/24", "br4-wrong", "rsa", "gw-a.example.net");
        h.initiate("br4", 20);
        String reason = "certificate not issued by a trusted CA: issuer CN=Wrong CA";
        boolean refused = Testbed.await(Duration.ofSeconds(20), () -> cli("show services service-sets").contains(reason));
        String sets = cli("show services service-sets");
        System.out.println("evidence: br4 with a certificate of another CA:\n" + sets + h.sas("br4"));
        assertTrue(refused, sets);
        assertTrue(sets.lines().anyMatch(l -> l.contains("Peer 203.0.113.10 gone") && l.contains(reason)), sets);
        assertFalse(cli("show services ipsec-vpn ike security-associations").contains("203.0.113.10"));
        h.peerStop("br4");

        startCertificateBranch("br4", "203.0.113.10", "br4.example.net", "198.18.4.0/24", "br4-rsa", "rsa", "gw-a.example.net");
        Harness.Result foreign = h.script("strongswan-peer.sh", "initiate", "br4", "foreign", "20");
        boolean proxyIds = Testbed.await(Duration.ofSeconds(15),
                () -> cli("show services service-sets").contains("proxy IDs 203.0.113.64-203.0.113.127"));
        String afterForeign = cli("show services service-sets");
        String ikeAfterForeign = cli("show services ipsec-vpn ike security-associations");
        System.out.println("evidence: br4 asks for " + DynamicBranches.FOREIGN_TS + " (exit " + foreign.exit() + "):\n" + afterForeign
                + ikeAfterForeign + h.sas("br4"));
        assertTrue(proxyIds, afterForeign);
        assertTrue(afterForeign.lines().anyMatch(l -> l.contains("Peer 203.0.113.10 child SA refused (") && l.contains("its IKE SA kept")),
                "a refused quick mode is no peer gone:\n" + afterForeign);
        assertTrue(ikeAfterForeign.lines().anyMatch(l -> l.startsWith("203.0.113.10") && l.contains("Matured")),
                "the ISAKMP SA stays after the refused quick mode:\n" + ikeAfterForeign);
        h.initiate("br4", 20);
        h.waitSa("br4", 20).orThrow();
        Ping four = BRANCHES.pingFrom("br4", "198.18.4.1", "198.18.1.10");
        String ike = cli("show services ipsec-vpn ike security-associations");
        String log = charonLog("br4");
        System.out.println("evidence: br4 then asks for 198.18.4.0/24: " + four + "\n" + ike
                + cli("show services ipsec-vpn ipsec security-associations") + h.sas("br4")
                + log.lines().filter(l -> l.contains("Main Mode") || l.contains("Quick Mode") || l.contains("INVALID_ID")
                        || l.contains("established")).toList());
        assertTrue(four.allAnswered(), four.output());
        assertEquals(1, ike.lines().filter(l -> l.startsWith("203.0.113.10")).count(), "one ISAKMP SA for br4:\n" + ike);
        assertEquals(1, log.lines().filter(l -> l.contains("initiating Main Mode")).count(), "one main mode:\n" + log);
    }

    /** The same with ECDSA P-256 (RFC 4754): gw-a signs with its gw-a-ec certificate, gw-b, br3 and br5 with theirs. */
    @Test
    void ecdsaCertificatePeersComeUp() {
        gateway = certificateGateway("dynamic-v1-ecdsa", "ecdsa-signatures-256", "gw-a-ec.example.net", "gw-a-ec");
        startCertificateBranch("gw-b", "192.0.2.2", "gw-b-ec.example.net", "198.18.2.0/24", "gw-b-ec", "ecdsa", "gw-a-ec.example.net");
        startCertificateBranch("br3", "203.0.113.2", "br3.example.net", "198.18.3.0/24", "br3-ec", "ecdsa", "gw-a-ec.example.net");
        startCertificateBranch("br5", "198.51.100.2", "br5.example.net", "198.18.5.0/24", "br5-ec", "ecdsa", "gw-a-ec.example.net");
        threeSignedPeersUp("ECDSA-signatures", "-ec");
    }
}
