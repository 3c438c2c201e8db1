package io.sallyport.ike.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Sallyport's kmd speaking IKEv1 main mode + quick mode as gw-a against strongSwan 5.9.8
 * (kernel-libipsec, conf/ikev1-psk) as gw-b: both roles, deletes either way, quick-mode rekeys
 * started by either side, PFS and no PFS, re-authentication, strongSwan's DPD. strongSwan fakes
 * NAT-D (libipsec needs UDP encapsulation), so every run also proves NAT-T: the float to 4500 in
 * main mode and UDP-encapsulated tunnel mode in quick mode. Needs root (tag {@code interop}).
 */
@Tag("interop")
class Ikev1StrongSwanInteropTest {

    private static final String IKE = "aes256-sha256-modp2048";
    private static final String ESP = "aes256-sha256-modp2048";
    private static final Map<String, String> PROPOSALS = Map.of("INTEROP_IKE_PROPOSALS", IKE, "INTEROP_ESP_PROPOSALS", ESP);

    @BeforeAll
    static void topology() {
        var r = Harness.script("netns-up.sh", "direct");
        assertEquals(0, r.exit(), r.output());
    }

    @AfterAll
    static void teardown() {
        Harness.script("down.sh");
    }

    private static void strongSwan(Map<String, String> env) {
        var r = Harness.script(env, "strongswan-peer.sh", "start", "gw-b", "ikev1-psk");
        assertEquals(0, r.exit(), r.output());
    }

    private static Harness.GwA gwA(String esp, boolean initiate) throws Exception {
        return new Harness.GwA(Harness.PSK, IKE, esp, initiate, 1280, "MAIN");
    }

    private static String log() throws Exception {
        return Files.readString(Path.of(Harness.script("strongswan-peer.sh", "log", "gw-b").output().trim()));
    }

    @Test
    void shouldEstablishAsInitiatorRekeyAndDeleteFromOurSide() throws Exception {
        strongSwan(PROPOSALS);
        try (var gwa = gwA(ESP, true)) {
            String first = gwa.await("INSTALL", 20);
            assertNotNull(first, gwa::transcript);
            assertTrue(first.contains("encap=true"), first);
            assertEquals(0, Harness.script("strongswan-peer.sh", "wait-sa", "gw-b", "net", "10").exit());
            String sas = Harness.sas();
            assertTrue(sas.contains("ESTABLISHED, IKEv1"), sas);
            assertTrue(sas.contains("AES_CBC-256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048"), sas);
            assertTrue(sas.contains("INSTALLED, TUNNEL-in-UDP, ESP:AES_CBC-256/HMAC_SHA2_256_128/MODP_2048"), sas);
            assertTrue(sas.contains("in  " + first.split(" ")[2]), "strongSwan's inbound SPI is our outbound\n" + sas);

            gwa.send("rekey-child");
            String second = gwa.await("INSTALL", 10);
            assertNotNull(second, gwa::transcript);
            assertNotNull(gwa.await("DELETE " + first.split(" ")[1], 10), gwa::transcript);
            Thread.sleep(500);
            String after = Harness.sas();
            assertTrue(after.contains("in  " + second.split(" ")[2]) && !after.contains("in  " + first.split(" ")[2]), after);

            gwa.send("delete-ike");
            String down = gwa.await("DOWN", 10);
            assertNotNull(down, gwa::transcript);
            assertTrue(down.contains("deleted: by operator"), down);
            for (int i = 0; i < 50 && Harness.sas().contains("vpn:"); i++) {
                Thread.sleep(100);
            }
            assertTrue(!Harness.sas().contains("vpn:"), Harness::sas);
        }
    }

    @Test
    void shouldRespondAnswerStrongSwansRekeyAndDelete() throws Exception {
        strongSwan(PROPOSALS);
        try (var gwa = gwA(ESP, false)) {
            assertNotNull(gwa.await("READY", 10));
            var init = Harness.script("strongswan-peer.sh", "initiate", "gw-b", "net", "30");
            assertEquals(0, init.exit(), init.output() + gwa.transcript());
            String first = gwa.await("INSTALL", 5);
            assertNotNull(first, gwa::transcript);
            var rekey = Harness.script("strongswan-peer.sh", "swanctl", "gw-b", "--rekey", "--child", "net");
            assertEquals(0, rekey.exit(), rekey.output());
            String second = gwa.await("INSTALL", 10);
            assertNotNull(second, gwa::transcript);
            // strongSwan keeps an IKEv1 SA it rekeyed until it expires (charon.delete_rekeyed = no); so do we.
            String sas = Harness.sas();
            assertTrue(sas.contains("in  " + second.split(" ")[2]) && sas.contains("in  " + first.split(" ")[2]), sas);
            Harness.script("strongswan-peer.sh", "terminate", "gw-b");
            String down = gwa.await("DOWN", 10);
            assertNotNull(down, gwa::transcript);
            assertTrue(down.contains("deleted by the peer"), down);
            assertNotNull(gwa.await("DELETE", 1), gwa::transcript);
        }
    }

    @Test
    void shouldNegotiateQuickModeWithoutPfsInBothRoles() throws Exception {
        Map<String, String> env = Map.of("INTEROP_IKE_PROPOSALS", IKE, "INTEROP_ESP_PROPOSALS", "3des-md5");
        strongSwan(env);
        try (var gwa = gwA("3des-md5", true)) {
            assertNotNull(gwa.await("INSTALL", 20), gwa::transcript);
            assertTrue(Harness.sas().contains("ESP:3DES_CBC/HMAC_MD5_96"), Harness::sas);
        }
        strongSwan(env);
        try (var gwa = gwA("3des-md5", false)) {
            assertNotNull(gwa.await("READY", 10));
            var init = Harness.script("strongswan-peer.sh", "initiate", "gw-b", "net", "30");
            assertEquals(0, init.exit(), init.output() + gwa.transcript());
            assertNotNull(gwa.await("INSTALL", 5), gwa::transcript);
        }
    }

    @Test
    void shouldReauthenticateMakeBeforeBreak() throws Exception {
        strongSwan(PROPOSALS);
        try (var gwa = gwA(ESP, true)) {
            assertNotNull(gwa.await("UP", 20), gwa::transcript);
            assertNotNull(gwa.await("INSTALL", 10), gwa::transcript);
            gwa.send("rekey-ike");
            assertNotNull(gwa.await("UP", 10), gwa::transcript);
            assertNotNull(gwa.await("INSTALL", 10), gwa::transcript);
            String down = gwa.await("DOWN", 10);
            assertNotNull(down, gwa::transcript);
            assertTrue(down.contains("re-authenticated"), down);
            Thread.sleep(500);
            String sas = Harness.sas();
            assertEquals(1, sas.lines().filter(l -> l.contains("ESTABLISHED, IKEv1")).count(), sas);
            assertTrue(sas.contains("INSTALLED, TUNNEL-in-UDP"), sas);
        }
    }

    @Test
    void shouldAnswerStrongSwansDeadPeerDetection() throws Exception {
        strongSwan(Map.of("INTEROP_IKE_PROPOSALS", IKE, "INTEROP_ESP_PROPOSALS", ESP, "INTEROP_DPD_DELAY", "1s"));
        try (var gwa = gwA(ESP, true)) {
            assertNotNull(gwa.await("INSTALL", 20), gwa::transcript);
            Thread.sleep(4000);
            String log = log();
            assertTrue(log.lines().filter(l -> l.contains("N(DPD_ACK)")).count() >= 2, log);
            assertTrue(Harness.sas().contains("ESTABLISHED"), Harness::sas);
            assertTrue(gwa.await("DOWN", 1) == null, gwa::transcript);
        }
    }

    @Test
    void shouldFailOnProposalMismatchAsInitiator() throws Exception {
        strongSwan(Map.of("INTEROP_IKE_PROPOSALS", "aes128-sha1-modp1024", "INTEROP_ESP_PROPOSALS", ESP));
        try (var gwa = gwA(ESP, true)) {
            String down = gwa.await("DOWN", 15);
            assertNotNull(down, gwa::transcript);
            assertTrue(down.contains("proposal mismatch: peer sent NO-PROPOSAL-CHOSEN"), down);
        }
    }

    @Test
    void shouldRespondToStrongSwansAggressiveMode() throws Exception {
        // strongSwan answers aggressive mode with a pre-shared key only when told to ignore its risk, so it initiates here.
        Path template = Files.createTempFile("ikev1-aggressive", ".conf");
        try {
            Files.writeString(template, Files.readString(Harness.SCRIPTS.resolve("conf/ikev1-psk/gw-b.conf"))
                    .replace("aggressive = @AGGRESSIVE:no@", "aggressive = yes"));
            var r = Harness.script(PROPOSALS, "strongswan-peer.sh", "start", "gw-b", template.toString());
            assertEquals(0, r.exit(), r.output());
            try (var gwa = new Harness.GwA(Harness.PSK, IKE, ESP, false, 1280, "AGGRESSIVE")) {
                assertNotNull(gwa.await("READY", 10));
                var init = Harness.script("strongswan-peer.sh", "initiate", "gw-b", "net", "30");
                assertEquals(0, init.exit(), init.output() + gwa.transcript());
                assertNotNull(gwa.await("INSTALL", 5), gwa::transcript);
                assertTrue(log().contains("initiating Aggressive Mode"), "strongSwan used aggressive mode");
                assertTrue(Harness.sas().contains("INSTALLED, TUNNEL-in-UDP"), Harness::sas);
            }
        } finally {
            Files.deleteIfExists(template);
        }
    }
}
