package io.sallyport.interop;

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
 * this class's prefix {@code dv1-}.
 */
@Tag("interop")
class DynamicPeersIkev1StrongswanTest {

    @RegisterExtension
    static final Testbed BED = new Testbed("dv1-", Harness.Topology.DIRECT);

    private static final DynamicBranches BRANCHES = new DynamicBranches(BED);

    private static final String PSK = "dynamic-branch-key-ikev1-0123";

    private final Harness h = BED.harness();
    private SallyportDaemon gateway;

    /** gw-a: the seed's §5.4 shape: a main-mode IKE policy with the profile's one key. */
    private static String gatewayConfig() {
        return DynamicBranches.gatewayConfig("mode main;", "authentication-algorithm hmac-sha1-96; encryption-algorithm aes-256-cbc;", PSK);
    }

    /** A strongSwan IKEv1 initiator at {@code address} with identity {@code id}, offering {@code localTs} to 198.18.1.0/24. */
    private Path swanConfig(String role, String address, String id, String localTs, boolean aggressive) {
        return BRANCHES.swanConfig(role, List.of("version = 1", "aggressive = " + (aggressive ? "yes" : "no")), address, id, localTs,
                "aes256-sha1-modp2048", PSK);
    }

    @BeforeAll
    static void branches() {
        BRANCHES.create();
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
        assertFalse(cli("show services ipsec-vpn ike security-associations").contains("203.0.113.10"));
        h.peerStop("br4");
        assertTrue(h.ping("host-b", "198.18.1.10", 3, 0.3).allAnswered(), "gw-b untouched by the refusals");
    }

    private void reconnectFromANewAddress() {
        // A new lease: charon dies without a delete, br3 comes back at 203.0.113.3 and initiates afresh (INITIAL-CONTACT).
        h.peerKill("br3");
        BRANCHES.br3MovesTo("203.0.113.3");
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
}
