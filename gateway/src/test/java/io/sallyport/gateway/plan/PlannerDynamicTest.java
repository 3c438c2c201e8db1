package io.sallyport.gateway.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sallyport.config.ConfigText;
import io.sallyport.config.check.CheckResult;
import io.sallyport.config.check.CommitCheck;
import io.sallyport.config.model.Configuration;
import io.sallyport.crypto.DhGroup;
import io.sallyport.crypto.EncryptionAlgorithm;
import io.sallyport.esp.DfPolicy;
import io.sallyport.ike.PeerConfig;
import io.sallyport.ike.message.TrafficSelector;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Issue 12: a service set with {@code ike-access-profile} plans kmd templates, units and settings for its dynamic peers. */
class PlannerDynamicTest {

    private static GatewayPlan plan(String text) throws Exception {
        CheckResult check = CommitCheck.check(ConfigText.parse(text));
        assertTrue(check.succeeded(), check.render());
        return new Planner(a -> true).plan(check.configuration().orElseThrow());
    }

    @Test
    void theMultitaskExamplePlansOneTemplateOnTheSharedUnitAndNoStaticTunnel() throws Exception {
        GatewayPlan plan = plan(Files.readString(Path.of("..", "examples", "dynamic-peer", "router1.conf")));
        ServiceSetPlan set = plan.serviceSets().getFirst();
        assertEquals(List.of(), set.tunnels(), "remote-gateway 0.0.0.0 is the profile's peers, not a tunnel of its own");
        DynamicEndpointPlan d = set.dynamic().orElseThrow();
        assertEquals(Optional.empty(), d.problem());
        assertEquals(List.of("sp-1/2/0.1"), d.units());
        assertEquals(false, d.dedicated());
        PeerConfig t = d.templates().getFirst();
        assertEquals("TEST/IKE-profile-TEST/1", t.name());
        assertEquals(InetAddress.ofLiteral("0.0.0.0"), t.remoteAddress());
        assertEquals(InetAddress.ofLiteral("192.168.255.2"), t.localAddress());
        assertEquals(PeerConfig.Exchange.MAIN, t.exchange(), "mode main policy, no version 2: IKEv1 main mode");
        assertNull(t.remoteId());
        assertEquals(List.of(TrafficSelector.ofPrefix("10.0.0.0", 24)), t.localSelectors());
        assertEquals(List.of(TrafficSelector.ofPrefix("10.0.1.0", 24)), t.remoteSelectors());
        assertEquals(EncryptionAlgorithm.AES_256_CBC, t.ikeProposals().getFirst().encryption());
        assertEquals(DhGroup.GROUP1, t.childProposals().getFirst().pfsGroup());
        assertEquals(false, t.establishImmediately());
    }

    private static final String BASE = """
        set interfaces ge-0/0/0 unit 0 family inet address 192.0.2.1/24
        set interfaces ms-0/0/0 unit 1 family inet
        set interfaces ms-0/0/0 unit 1 service-domain inside
        set interfaces ms-0/0/0 unit 2 family inet
        set interfaces ms-0/0/0 unit 2 service-domain outside
        set interfaces ms-0/0/0 unit 10 family inet
        set interfaces ms-0/0/0 unit 10 service-domain inside
        set interfaces ms-0/0/0 unit 10 dial-options ipsec-interface-id pool
        set interfaces ms-0/0/0 unit 10 dial-options dedicated
        set interfaces ms-0/0/0 unit 11 family inet
        set interfaces ms-0/0/0 unit 11 service-domain inside
        set interfaces ms-0/0/0 unit 11 dial-options ipsec-interface-id pool
        set interfaces ms-0/0/0 unit 11 dial-options dedicated
        set access profile P client * ike allowed-proxy-pair local 198.18.1.0/24 remote 198.18.2.0/24
        set access profile P client * ike allowed-proxy-pair local 198.18.1.0/24 remote 198.18.3.0/24
        set access profile P client * ike pre-shared-key ascii-text k
        set access profile P client * ike interface-id pool
        set access profile P client * ike initiate-dead-peer-detection
        set access profile P client * ike dead-peer-detection interval 5
        set services service-set S next-hop-service inside-service-interface ms-0/0/0.1
        set services service-set S next-hop-service outside-service-interface ms-0/0/0.2
        set services service-set S ipsec-vpn-options local-gateway 192.0.2.1
        set services service-set S ipsec-vpn-options ike-access-profile P
        set services service-set S ipsec-vpn-options copy-dont-fragment-bit
        set services service-set S ipsec-vpn-options anti-replay-window-size 1024
        set services service-set S ipsec-vpn-options tunnel-mtu 1400
        """;

    @Test
    void serviceSetLevelSettingsReachDynamicTunnels() throws Exception {
        DynamicEndpointPlan d = plan(BASE + "set services service-set S tcp-mss 1360\n").serviceSets().getFirst()
                .dynamic().orElseThrow();
        assertEquals(DfPolicy.COPY, d.esp().dfPolicy());
        assertEquals(1024, d.esp().replayWindow());
        assertEquals(1400, d.esp().tunnelMtu());
        assertEquals(1360, d.esp().tcpMss());
        assertEquals(io.sallyport.esp.EspSa.NO_TCP_MSS,
                plan(BASE).serviceSets().getFirst().dynamic().orElseThrow().esp().tcpMss());
    }

    @Test
    void aSetWithoutRulesRunsItsDedicatedPoolOneTemplatePerPairWithDefaultProposals() throws Exception {
        ServiceSetPlan set = plan(BASE).serviceSets().getFirst();
        DynamicEndpointPlan d = set.dynamic().orElseThrow();
        assertEquals(List.of("ms-0/0/0.10", "ms-0/0/0.11"), d.units());
        assertTrue(d.dedicated());
        assertEquals(List.of("ms-0/0/0.1", "ms-0/0/0.10", "ms-0/0/0.11"), set.devices().stream().map(InsideDevice::unit).toList());
        assertEquals(List.of("S/P/1", "S/P/2"), d.templates().stream().map(PeerConfig::name).toList());
        assertEquals(List.of(TrafficSelector.ofPrefix("198.18.3.0", 24)), d.templates().get(1).remoteSelectors());
        PeerConfig t = d.templates().getFirst();
        assertEquals(Planner.defaultIkeProposals(), t.ikeProposals());
        assertEquals(Planner.defaultChildProposals(), t.childProposals());
        assertEquals(new PeerConfig.Dpd(true, 5, 3), t.dpd());
        assertEquals(PeerConfig.Exchange.MAIN, t.exchange(), "no ike-policy: the Junos default, IKEv1 main mode");
    }
}
