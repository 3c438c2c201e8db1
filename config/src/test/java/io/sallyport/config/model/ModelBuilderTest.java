package io.sallyport.config.model;

import io.sallyport.config.ConfigSyntaxException;
import io.sallyport.config.ConfigText;
import io.sallyport.config.check.CheckResult;
import io.sallyport.config.check.CommitCheck;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelBuilderTest {

    static final Path EXAMPLES = Path.of(System.getProperty("user.dir")).resolve("../examples").normalize();

    static Configuration model(String relative) throws IOException, ConfigSyntaxException {
        CheckResult r = CommitCheck.check(ConfigText.parse(Files.readString(EXAMPLES.resolve(relative))));
        assertTrue(r.succeeded(), r.render());
        return r.configuration().orElseThrow();
    }

    @Test
    void nextHopExampleAsRecords() throws Exception {
        Configuration c = model("ms-mpc-next-hop/router1.conf");
        ServiceSet ss = c.serviceSets().get("ipsec-ss1");
        assertEquals(new ServiceStyle.NextHopStyle("ms-4/0/0.1", "ms-4/0/0.2"), ss.style());
        assertEquals(List.of("vpn-rule-r1"), ss.ipsecVpnRules());
        IpsecVpnOptions o = ss.options();
        assertEquals(Optional.of("10.0.1.1"), o.localGateway().orElseThrow().address());
        assertEquals("default", o.localGateway().orElseThrow().routingInstance());
        assertEquals(128, o.antiReplayWindowSize());
        assertTrue(o.antiReplay());
        assertTrue(o.natTraversal());
        assertEquals(OptionalInt.empty(), o.udpEncapsulateDestPort());
        Term t = c.ipsecVpn().rules().get("vpn-rule-r1").terms().getFirst();
        assertEquals(Optional.of("172.16.0.0/16"), t.sourceAddress());
        assertEquals(Optional.of("192.168.0.0/16"), t.destinationAddress());
        Term.DynamicSa sa = assertInstanceOf(Term.DynamicSa.class, t.sa());
        IkePolicy ike = c.ipsecVpn().ikePolicyFor(sa);
        assertEquals(IkeVersion.V2, ike.version());
        assertArrayEquals("juniper123".getBytes(), ike.preSharedKey().orElseThrow().bytes());
        assertEquals(IkeProposal.DEFAULT.withName("ike-proposal1"), c.ipsecVpn().proposalsOf(ike).getFirst());
        IpsecPolicy ipsec = c.ipsecVpn().ipsecPolicyFor(sa);
        assertEquals(Optional.of(DhGroup.GROUP2), ipsec.perfectForwardSecrecy());
        assertEquals(EstablishTunnels.IMMEDIATELY, c.ipsecVpn().establishTunnels());
        assertEquals(64, t.ttl());
        assertEquals(DeadPeerDetection.DEFAULT, t.deadPeerDetection());
        assertEquals(ServiceDomain.INSIDE, c.unit("ms-4/0/0.1").orElseThrow().serviceDomain().orElseThrow());
        assertEquals(List.of("ms-4/0/0.1"), c.routingOptions().staticRoutes().getFirst().nextHops());
    }

    @Test
    void certificateExampleUsesDefaultIpsecPolicy() throws Exception {
        Configuration c = model("ike-digital-certificates/router2.conf");
        Term.DynamicSa sa = (Term.DynamicSa) c.ipsecVpn().rules().get("rule-ike").terms().getFirst().sa();
        assertEquals(IpsecPolicy.DEFAULT, c.ipsecVpn().ipsecPolicyFor(sa));
        IpsecProposal p = c.ipsecVpn().proposalsOf(IpsecPolicy.DEFAULT).getFirst();
        assertEquals(IpsecProtocol.ESP, p.protocol());
        assertEquals(Optional.of(IpsecAuthenticationAlgorithm.HMAC_SHA1_96), p.authenticationAlgorithm());
        assertEquals(Optional.of(EncryptionAlgorithm.TRIPLE_DES_CBC), p.encryptionAlgorithm());
        assertEquals(28800, p.lifetimeSeconds());
        IkePolicy ike = c.ipsecVpn().ikePolicyFor(sa);
        assertEquals(new IkePolicy.LocalId(IdentityType.FQDN, Optional.of("router2.example.com")), ike.localId().orElseThrow());
        assertEquals(List.of("router3.example.com"), ike.remoteId().fqdns());
        IkeProposal rsa = c.ipsecVpn().proposalsOf(ike).getFirst();
        assertEquals(AuthenticationMethod.RSA_SIGNATURES, rsa.authenticationMethod());
        assertEquals(3600, rsa.lifetimeSeconds());
        assertEquals(List.of("entrust"), c.serviceSets().get("ipsec-ss-cert").options().trustedCa());
        CaProfile ca = c.pki().caProfiles().get("entrust");
        assertEquals(RevocationCheck.USE_CRL, ca.revocationCheck());
        assertEquals(1000, ca.enrollmentRetry());
    }

    @Test
    void dynamicPeerExampleAccessProfile() throws Exception {
        Configuration c = CommitCheck.check(ConfigText.parse(Files.readString(EXAMPLES.resolve("dynamic-peer/router1.conf"))))
            .configuration().orElseThrow();
        AccessProfile.IkeClient client = c.accessProfiles().get("IKE-profile-TEST").clients().get("*");
        assertEquals(List.of(new AccessProfile.ProxyPair("10.0.0.0/24", "10.0.1.0/24")), client.allowedProxyPairs());
        assertEquals(Optional.of("TEST-intf"), client.interfaceId());
        assertEquals(Optional.of(DialMode.SHARED), c.unit("sp-1/2/0.1").orElseThrow().dialOptions().orElseThrow().mode());
        Traceoptions tr = c.ipsecVpn().traceoptions().orElseThrow();
        assertEquals("ipsec.log", tr.fileName());
        assertEquals(TraceLevel.ERROR, tr.level());
        assertEquals(3, tr.files());
    }

    @Test
    void defaultsForGcmAndUdpAndInactiveStatements() throws Exception {
        Configuration c = CommitCheck.check(ConfigText.parse("""
            set services ipsec-vpn ipsec proposal g encryption-algorithm aes-256-gcm
            set services service-set S ipsec-vpn-options udp-encapsulate
            set services service-set S ipsec-vpn-options no-anti-replay
            set services service-set S ipsec-vpn-options tunnel-mtu 1400
            deactivate services service-set S ipsec-vpn-options tunnel-mtu
            """)).configuration().orElseThrow();
        IpsecProposal g = c.ipsecVpn().ipsecProposals().get("g");
        assertEquals(Optional.empty(), g.authenticationAlgorithm());
        IpsecVpnOptions o = c.serviceSets().get("S").options();
        assertEquals(OptionalInt.of(4565), o.udpEncapsulateDestPort());
        assertFalse(o.antiReplay());
        assertEquals(OptionalInt.empty(), o.tunnelMtu());
    }

    @Test
    void secretKeysNeverPrintAndDecodeHex() {
        SecretKey k = new SecretKey(KeyFormat.HEXADECIMAL, "0x0a0B1");
        assertArrayEquals(new byte[] {0x00, (byte) 0xa0, (byte) 0xb1}, k.bytes());
        assertFalse(k.toString().contains("0a0B1"));
    }

    @Test
    void junosNineSecretsDecode() {
        // Published vector (router_crypt test suite).
        assertEquals(Optional.of("99problemsbutpwaintone"),
            JunosSecret.decode("$9$40aikFn/9tOQFRSleXxoJGDi.CA0Ihr.PRSylXxGDi.Qn/9p0BEz3rvLNY2.P5QF/"));
        assertEquals(Optional.empty(), JunosSecret.decode("juniper123"));
        assertEquals(Optional.empty(), JunosSecret.decode("$9$not valid!"));
        SecretKey k = new SecretKey(KeyFormat.ASCII_TEXT, "$9$40aikFn/9tOQFRSleXxoJGDi.CA0Ihr.PRSylXxGDi.Qn/9p0BEz3rvLNY2.P5QF/");
        assertArrayEquals("99problemsbutpwaintone".getBytes(), k.bytes());
    }
}
