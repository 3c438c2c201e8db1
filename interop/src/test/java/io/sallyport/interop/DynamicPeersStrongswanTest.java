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
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 12: Sallyport as gw-a with an IKE access profile and no configuration naming any peer;
 * four strongSwan IKEv2 initiators from four addresses: gw-b (192.0.2.2, host-b behind it) and
 * the branches of {@link DynamicBranches} (br3, br4, and br5 behind a NAT) in namespaces of this
 * class's prefix {@code dyn-}.
 */
@Tag("interop")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DynamicPeersStrongswanTest {

    @RegisterExtension
    static final Testbed BED = new Testbed("dyn-", Harness.Topology.DIRECT);

    private static final DynamicBranches BRANCHES = new DynamicBranches(BED);

    private static final String PSK = "dynamic-branch-key-0123456789";
    private static SallyportDaemon gateway;

    private final Harness h = BED.harness();

    /** gw-a: IKEv2 ({@code version 2}), AES-GCM for ESP. */
    private static String gatewayConfig() {
        return DynamicBranches.gatewayConfig("version 2;", "encryption-algorithm aes-128-gcm;", PSK);
    }

    /** A strongSwan IKEv2 initiator at {@code address} with identity {@code id}, offering {@code localTs} to 198.18.1.0/24. */
    private Path swanConfig(String role, String address, String id, String localTs, String psk) {
        return BRANCHES.swanConfig(role, List.of("version = 2", "mobike = no"), address, id, localTs, "aes128gcm16-modp2048", psk);
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

    private void startBranch(String role, String address, String id, String localTs, String psk) {
        h.peerStart(role, swanConfig(role, address, id, localTs, psk).toString(), Map.of());
    }

    /**
     * One gateway, three initiators at once; then br3 reconnects from a new address and br4 is
     * killed (the Testbed stops daemons between tests, so this is one test in three phases).
     */
    @Test
    @Order(1)
    void threeInitiatorsComeUpAtOnceOneReconnectsFromANewAddressOneIsClearedByDpd() {
        gateway = BED.daemon("gw-a", "dynamic", gatewayConfig());
        h.peerStart("gw-b", swanConfig("gw-b", "192.0.2.2", "gw-b.example.net", "198.18.2.0/24", PSK).toString(), Map.of());
        startBranch("br3", "203.0.113.2", "br3.example.net", "198.18.3.0/24", PSK);
        startBranch("br4", "203.0.113.10", "br4.example.net", "198.18.4.0/24", PSK);
        startBranch("br5", "198.51.100.2", "br5.example.net", "198.18.5.0/24", PSK);
        for (String role : List.of("gw-b", "br3", "br4", "br5")) {
            h.initiate(role, 30);
        }
        for (String role : List.of("gw-b", "br3", "br4", "br5")) {
            h.waitSa(role, 30).orThrow();
        }
        Ping b = h.ping("host-b", "198.18.1.10", 3, 0.3);
        Ping a = h.ping("host-a", "198.18.2.10", 3, 0.3);
        Ping three = BRANCHES.pingFrom("br3", "198.18.3.1", "198.18.1.10");
        Ping four = BRANCHES.pingFrom("br4", "198.18.4.1", "198.18.1.10");
        Ping toFour = BRANCHES.pingFrom("host-a", "198.18.4.1");
        Ping five = BRANCHES.pingFrom("br5", "198.18.5.1", "198.18.1.10");
        Ping toFive = BRANCHES.pingFrom("host-a", "198.18.5.1");
        String ike = cli("show services ipsec-vpn ike security-associations");
        String ipsec = cli("show services ipsec-vpn ipsec security-associations");
        System.out.println("evidence: host-b->host-a " + b + "; host-a->host-b " + a + "; br3 " + three + "; br4 " + four
                + "; host-a->br4 " + toFour + "; br5 behind the NAT " + five + "; host-a->br5 " + toFive + "\n" + ike + ipsec
                + cli("show services service-sets"));
        for (Ping p : List.of(b, a, three, four, toFour, five, toFive)) {
            assertTrue(p.allAnswered(), p.output());
        }
        for (String peer : List.of("192.0.2.2", "203.0.113.2", "203.0.113.10", "203.0.113.18")) {
            assertTrue(ike.contains(peer), ike);
            assertTrue(ipsec.contains("Remote gateway: " + peer), ipsec);
        }
        assertTrue(ike.lines().filter(l -> l.contains("Matured")).count() == 4, ike);
        reconnectFromANewAddress();
        killedBranchIsClearedByDeadPeerDetection();
    }

    private void reconnectFromANewAddress() {
        // A new lease: charon dies without a delete, br3 comes back at 203.0.113.3 and initiates afresh (INITIAL_CONTACT).
        h.peerKill("br3");
        BRANCHES.br3At("203.0.113.3");
        startBranch("br3", "203.0.113.3", "br3.example.net", "198.18.3.0/24", PSK);
        h.initiate("br3", 30);
        h.waitSa("br3", 30).orThrow();
        boolean replaced = Testbed.await(Duration.ofSeconds(10), () -> {
            String ike = cli("show services ipsec-vpn ike security-associations");
            return ike.contains("203.0.113.3") && !ike.contains("203.0.113.2 ");
        });
        Ping three = BRANCHES.pingFrom("br3", "198.18.3.1", "198.18.1.10");
        String ike = cli("show services ipsec-vpn ike security-associations");
        System.out.println("evidence: br3 at its new address: " + three + "\n" + ike);
        assertTrue(replaced, ike);
        assertTrue(three.allAnswered(), three.output());
        assertTrue(BRANCHES.pingFrom("br4", "198.18.4.1", "198.18.1.10").allAnswered(), "br4 untouched");
    }

    private void killedBranchIsClearedByDeadPeerDetection() {
        h.peerKill("br4");
        boolean cleared = Testbed.await(Duration.ofSeconds(30),
                () -> !cli("show services ipsec-vpn ike security-associations").contains("203.0.113.10"));
        String sets = cli("show services service-sets");
        System.out.println("evidence: br4 killed, DPD interval 2 threshold 3:\n" + sets
                + cli("show services ipsec-vpn ipsec security-associations"));
        assertTrue(cleared, cli("show services ipsec-vpn ike security-associations"));
        assertTrue(sets.contains("Peer 203.0.113.10 gone"), sets);
        assertFalse(cli("show services ipsec-vpn ipsec security-associations").contains("203.0.113.10"));
        assertTrue(h.ping("host-b", "198.18.1.10", 3, 0.3).allAnswered(), "gw-b untouched");
    }

    @Test
    @Order(2)
    void selectorsOutsideTheAllowedPairAndAWrongKeyAreRefusedWithTheirReason() {
        gateway = BED.daemon("gw-a", "dynamic-refusals", gatewayConfig());
        h.script("strongswan-peer.sh", "stop", "br4");   // whatever the first test left
        startBranch("br4", "203.0.113.10", "br4.example.net", "203.0.113.64/26", PSK);
        h.initiate("br4", 20);
        boolean ts = Testbed.await(Duration.ofSeconds(15),
                () -> cli("show services service-sets").contains("TS unacceptable"));
        String afterTs = cli("show services service-sets");
        h.peerStop("br4");
        startBranch("br4", "203.0.113.10", "br4.example.net", "198.18.4.0/24", "not-the-key");
        h.initiate("br4", 20);
        boolean auth = Testbed.await(Duration.ofSeconds(15),
                () -> cli("show services service-sets").contains("authentication failed"));
        String sets = cli("show services service-sets");
        System.out.println("evidence: refusals:\n" + sets + h.sas("br4"));
        assertTrue(ts && afterTs.contains("203.0.113.64"), afterTs);
        assertTrue(auth, sets);
        assertFalse(h.rawSas("br4").established(), h.sas("br4"));
        assertFalse(cli("show services ipsec-vpn ipsec security-associations").contains("203.0.113.10"));
    }
    /**
     * br4 asks first for its child {@code foreign} (outside the allowed pair): refused, and both
     * ends keep the IKE SA (strongSwan: "failed to establish CHILD_SA, keeping IKE_SA"); its child
     * {@code net} then comes up over that IKE SA by CREATE_CHILD_SA and carries pings.
     */
    @Test
    @Order(3)
    void aChildThatFitsComesUpOverTheIkeSaKeptAfterARefusedOne() {
        gateway = BED.daemon("gw-a", "dynamic-kept", gatewayConfig());
        h.script("strongswan-peer.sh", "stop", "br4");   // whatever an earlier test left
        startBranch("br4", "203.0.113.10", "br4.example.net", "198.18.4.0/24", PSK);
        h.script("strongswan-peer.sh", "initiate", "br4", "foreign", "20");   // fails: the child is refused
        boolean kept = Testbed.await(Duration.ofSeconds(15),
                () -> cli("show services service-sets").contains("its IKE SA kept"));
        String ikeAfterRefusal = cli("show services ipsec-vpn ike security-associations");
        String swanAfterRefusal = h.sas("br4");
        h.initiate("br4", 20);
        h.waitSa("br4", 20).orThrow();
        Ping four = BRANCHES.pingFrom("br4", "198.18.4.1", "198.18.1.10");
        SwanSas sas = h.rawSas("br4");
        String ike = cli("show services ipsec-vpn ike security-associations");
        System.out.println("evidence: foreign child refused, IKE SA kept:\n" + cli("show services service-sets") + ikeAfterRefusal
                + swanAfterRefusal + "then net by CREATE_CHILD_SA: " + four + "\n" + ike + sas.raw());
        assertTrue(kept, cli("show services service-sets"));
        assertTrue(ikeAfterRefusal.contains("203.0.113.10"), ikeAfterRefusal);
        assertEquals(1, sas.ikes().size(), sas.raw());
        assertEquals(1, sas.installedChildren().size(), sas.raw());
        assertTrue(four.allAnswered(), four.output());
        assertEquals(1, ike.lines().filter(l -> l.startsWith("203.0.113.10")).count(), ike);
    }
}
