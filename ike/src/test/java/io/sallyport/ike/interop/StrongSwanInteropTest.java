package io.sallyport.ike.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Sallyport's kmd as gw-a against strongSwan 5.9.8 (kernel-libipsec) as gw-b, IKEv2 PSK
 * (conf/ikev2-psk): both roles, delete from either side, rekeys, and the failure notifies.
 * Needs root, network namespaces and strongSwan (bin/test turns the tag on).
 */
@Tag("interop")
class StrongSwanInteropTest {

    private static final String IKE = "aes256-sha256-modp2048";
    private static final String ESP = "aes128gcm16-modp2048";

    @BeforeAll
    static void topology() {
        var r = Harness.script("netns-up.sh", "direct");
        assertEquals(0, r.exit(), r.output());
    }

    @AfterAll
    static void teardown() {
        Harness.script("down.sh");
    }

    @BeforeEach
    void freshStrongSwan() {
        var r = Harness.script("strongswan-peer.sh", "start", "gw-b", "ikev2-psk");
        assertEquals(0, r.exit(), r.output());
    }

    @Test
    void shouldEstablishAsInitiatorAndDeleteFromOurSide() throws Exception {
        try (var gwa = new Harness.GwA(Harness.PSK, IKE, ESP, true)) {
            assertNotNull(gwa.await("INSTALL", 15), gwa::transcript);
            assertEquals(0, Harness.script("strongswan-peer.sh", "wait-sa", "gw-b", "net", "10").exit());
            String sas = Harness.sas();
            assertTrue(sas.contains("ESTABLISHED, IKEv2"), sas);
            assertTrue(sas.contains("INSTALLED, TUNNEL-in-UDP, ESP:AES_GCM_16-128"), sas);
            assertTrue(sas.contains("AES_CBC-256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048"), sas);
            gwa.send("delete-ike");
            String down = gwa.await("DOWN", 10);
            assertNotNull(down, gwa::transcript);
            assertTrue(down.contains("deleted: by operator"), down);
            assertTrue(waitGone(), Harness::sas);
        }
    }

    @Test
    void shouldEstablishAsResponderAndHandleDeleteFromPeer() throws Exception {
        try (var gwa = new Harness.GwA(Harness.PSK, IKE, ESP, false)) {
            assertNotNull(gwa.await("READY", 10));
            var init = Harness.script("strongswan-peer.sh", "initiate", "gw-b", "net", "30");
            assertEquals(0, init.exit(), init.output() + gwa.transcript());
            assertNotNull(gwa.await("INSTALL", 5), gwa::transcript);
            String sas = Harness.sas();
            assertTrue(sas.contains("ESTABLISHED, IKEv2"), sas);
            assertTrue(sas.contains("INSTALLED, TUNNEL-in-UDP"), sas);
            Harness.script("strongswan-peer.sh", "terminate", "gw-b");
            String down = gwa.await("DOWN", 10);
            assertNotNull(down, gwa::transcript);
            assertTrue(down.contains("deleted by the peer"), down);
            assertNotNull(gwa.await("DELETE", 1), gwa::transcript);
        }
    }

    @Test
    void shouldRekeyChildAndIkeSaAndDeleteChildFromOurSide() throws Exception {
        try (var gwa = new Harness.GwA(Harness.PSK, IKE, ESP, true)) {
            String first = gwa.await("INSTALL", 15);
            assertNotNull(first, gwa::transcript);
            String oldSpi = first.split(" ")[1];
            gwa.send("rekey-child");
            String second = gwa.await("INSTALL", 10);
            assertNotNull(second, gwa::transcript);
            assertNotNull(gwa.await("DELETE " + oldSpi, 10), gwa::transcript);
            String sas = Harness.sas();
            assertEquals("INSTALLED", childState(sas, second.split(" ")[2]), sas);
            assertTrue(!"INSTALLED".equals(childState(sas, first.split(" ")[2])), sas);
            String ikeBefore = spis(sas);
            gwa.send("rekey-ike");
            assertNotNull(gwa.await("UP", 10), gwa::transcript);
            assertNotNull(gwa.await("DOWN", 10), gwa::transcript);
            String after = Harness.sas();
            assertTrue(after.contains("ESTABLISHED"), after);
            assertTrue(!spis(after).equals(ikeBefore), after);
            assertTrue(after.contains("INSTALLED, TUNNEL-in-UDP"), after);
            gwa.send("delete-child");
            assertNotNull(gwa.await("DELETE", 10), gwa::transcript);
            String noChild = Harness.sas();
            assertTrue(noChild.contains("ESTABLISHED") && !noChild.contains("INSTALLED"), noChild);
        }
    }

    @Test
    void shouldAnswerRekeysStartedByStrongSwan() throws Exception {
        try (var gwa = new Harness.GwA(Harness.PSK, IKE, ESP, false)) {
            assertNotNull(gwa.await("READY", 10));
            assertEquals(0, Harness.script("strongswan-peer.sh", "initiate", "gw-b", "net", "30").exit());
            String first = gwa.await("INSTALL", 5);
            assertNotNull(first, gwa::transcript);
            var rekey = Harness.script("strongswan-peer.sh", "swanctl", "gw-b", "--rekey", "--child", "net");
            assertEquals(0, rekey.exit(), rekey.output());
            String second = gwa.await("INSTALL", 10);
            assertNotNull(second, gwa::transcript);
            assertNotNull(gwa.await("DELETE " + first.split(" ")[1], 10), gwa::transcript);
            assertEquals("INSTALLED", childState(Harness.sas(), second.split(" ")[2]), Harness::sas);
            String ikeBefore = spis(Harness.sas());
            var rekeyIke = Harness.script("strongswan-peer.sh", "swanctl", "gw-b", "--rekey", "--ike", "vpn");
            assertEquals(0, rekeyIke.exit(), rekeyIke.output());
            String up = gwa.await("UP", 10);
            assertNotNull(up, gwa::transcript);
            String down = gwa.await("DOWN", 10);
            assertNotNull(down, gwa::transcript);
            assertTrue(down.contains("replaced: rekeyed"), down);
            String after = Harness.sas();
            assertTrue(after.contains("ESTABLISHED") && !spis(after).equals(ikeBefore), after);
            assertEquals("INSTALLED", childState(after, second.split(" ")[2]), after);
            // The rekeyed IKE SA still carries exchanges: strongSwan deletes the child over it.
            Harness.script("strongswan-peer.sh", "swanctl", "gw-b", "--terminate", "--child", "net", "--timeout", "10");
            assertNotNull(gwa.await("DELETE " + second.split(" ")[1], 10), gwa::transcript);
        }
    }

    @Test
    void shouldSendFragmentedIkeAuthThatStrongSwanReassembles() throws Exception {
        // 150-byte datagrams force our IKE_AUTH (224 bytes whole) into RFC 7383 fragments; both sides announced support.
        try (var gwa = new Harness.GwA(Harness.PSK, IKE, ESP, true, 150)) {
            assertNotNull(gwa.await("INSTALL", 15), gwa::transcript);
            assertEquals(0, Harness.script("strongswan-peer.sh", "wait-sa", "gw-b", "net", "10").exit());
            var log = Harness.script("strongswan-peer.sh", "log", "gw-b").output().trim();
            String text = java.nio.file.Files.readString(java.nio.file.Path.of(log));
            // charon logs each fragment (EF = encrypted fragment), then the reassembled request.
            assertTrue(text.contains("parsed IKE_AUTH request 1 [ EF(1/3) ]") && text.contains("parsed IKE_AUTH request 1 [ EF(3/3) ]"), text);
            assertTrue(text.contains("parsed IKE_AUTH request 1 [ IDi N(INIT_CONTACT) AUTH SA TSi TSr ]"), text);
        }
    }

    @Test
    void shouldAnswerStrongSwanLivenessChecks() throws Exception {
        var r = Harness.script(java.util.Map.of("INTEROP_DPD_DELAY", "1s"), "strongswan-peer.sh", "start", "gw-b", "ikev2-psk");
        assertEquals(0, r.exit(), r.output());
        try (var gwa = new Harness.GwA(Harness.PSK, IKE, ESP, true)) {
            assertNotNull(gwa.await("INSTALL", 15), gwa::transcript);
            // strongSwan checks liveness every second: wait (up to 10 s) until two checks were answered.
            var logFile = java.nio.file.Path.of(Harness.script("strongswan-peer.sh", "log", "gw-b").output().trim());
            String log = "";
            for (long deadline = System.nanoTime() + 10_000_000_000L; System.nanoTime() < deadline; Thread.sleep(100)) {
                log = java.nio.file.Files.readString(logFile);
                if (log.lines().filter(l -> l.contains("parsed INFORMATIONAL response")).count() >= 2) {
                    break;
                }
            }
            long answered = log.lines().filter(l -> l.contains("parsed INFORMATIONAL response")).count();
            assertTrue(answered >= 2, log);
            assertTrue(Harness.sas().contains("ESTABLISHED"), Harness::sas);
            assertTrue(gwa.await("DOWN", 1) == null, gwa::transcript);
        }
    }

    @Test
    void shouldFailWithAuthenticationFailedOnPskMismatchInBothRoles() throws Exception {
        try (var gwa = new Harness.GwA("wrong-psk", IKE, ESP, true)) {
            String down = gwa.await("DOWN", 15);
            assertNotNull(down, gwa::transcript);
            assertTrue(down.contains("authentication failed (peer sent AUTHENTICATION_FAILED)"), down);
        }
        try (var gwa = new Harness.GwA("wrong-psk", IKE, ESP, false)) {
            assertNotNull(gwa.await("READY", 10));
            var init = Harness.script("strongswan-peer.sh", "initiate", "gw-b", "net", "10");
            assertTrue(init.exit() != 0 && init.output().contains("AUTHENTICATION_FAILED"), init.output());
            String down = gwa.await("DOWN", 5);
            assertNotNull(down, gwa::transcript);
            assertTrue(down.contains("authentication failed"), down);
        }
    }

    @Test
    void shouldFailWithNoProposalChosenOnProposalMismatchInBothRoles() throws Exception {
        try (var gwa = new Harness.GwA(Harness.PSK, "aes128-sha1-modp1024", ESP, true)) {
            String down = gwa.await("DOWN", 15);
            assertNotNull(down, gwa::transcript);
            assertTrue(down.contains("proposal mismatch (peer sent NO_PROPOSAL_CHOSEN)"), down);
        }
        try (var gwa = new Harness.GwA(Harness.PSK, "aes128-sha1-modp1024", ESP, false)) {
            assertNotNull(gwa.await("READY", 10));
            var init = Harness.script("strongswan-peer.sh", "initiate", "gw-b", "net", "10");
            assertTrue(init.exit() != 0 && init.output().contains("NO_PROPOSAL_CHOSEN"), init.output());
            assertNotNull(gwa.await("TRACE POLICY_MANAGER ERROR CreateIkeRemote: proposal mismatch", 5), gwa::transcript);
        }
    }

    private static boolean waitGone() throws InterruptedException {
        for (int i = 0; i < 50; i++) {
            if (!Harness.sas().contains("vpn:")) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    private static String spis(String sas) {
        Matcher m = Pattern.compile("IKEv2, (\\S+ \\S+)").matcher(sas);
        return m.find() ? m.group(1) : "";
    }

    /** The state strongSwan shows for the child SA whose inbound SPI (its "in") is {@code spi}, or "" when absent. */
    private static String childState(String sas, String spi) {
        Matcher m = Pattern.compile("net: #\\d+, reqid \\d+, (\\w+),[^\\n]*\\n[^\\n]*\\n\\s+in  " + spi).matcher(sas);
        return m.find() ? m.group(1) : "";
    }
}
