package io.sallyport.gateway.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sallyport.config.ConfigText;
import io.sallyport.config.check.CheckResult;
import io.sallyport.config.check.CommitCheck;
import io.sallyport.config.model.Configuration;
import io.sallyport.crypto.DhGroup;
import io.sallyport.crypto.EncryptionAlgorithm;
import io.sallyport.crypto.IntegrityAlgorithm;
import io.sallyport.esp.DfPolicy;
import io.sallyport.ike.PeerConfig;
import io.sallyport.net.IpPrefix;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlannerTest {
    private static final Path EXAMPLES = Path.of("..", "examples");

    private static Configuration config(String text) throws Exception {
        CheckResult check = CommitCheck.check(ConfigText.parse(text));
        assertTrue(check.succeeded(), check.render());
        return check.configuration().orElseThrow();
    }

    private static Configuration example(String file) throws Exception {
        return config(Files.readString(EXAMPLES.resolve(file)));
    }

    private static GatewayPlan plan(Configuration c) {
        return new Planner(a -> true).plan(c);
    }

    @Test
    void msMpcNextHopExampleBecomesOneTunnelWithAKmdPeer() throws Exception {
        GatewayPlan plan = plan(example("ms-mpc-next-hop/router1.conf"));
        assertEquals(1, plan.serviceSets().size());
        ServiceSetPlan set = plan.serviceSets().getFirst();
        assertEquals(ServiceSetPlan.Kind.NEXT_HOP, set.kind());
        assertEquals("ms-4/0/0.1", set.insideInterface());
        assertEquals("ms-4_0_0.1", set.tunName());
        assertEquals(java.util.List.of(IpPrefix.parse("192.168.0.0/16")), set.devices().getFirst().routedPrefixes());
        assertEquals(1, set.devices().size());
        assertTrue(set.problem().isEmpty());
        TunnelPlan t = set.tunnels().getFirst();
        assertTrue(t.problem().isEmpty(), t.problem().toString());
        assertEquals(1, t.tunnelIndex());
        assertEquals(IpPrefix.parse("172.16.0.0/16"), t.localPrefix());
        assertEquals(IpPrefix.parse("192.168.0.0/16"), t.remotePrefix());
        PeerConfig peer = t.peer().orElseThrow();
        assertEquals(InetAddress.getByName("10.0.1.2"), peer.remoteAddress());
        var ike = peer.ikeProposals().getFirst();
        assertEquals(EncryptionAlgorithm.TRIPLE_DES_CBC, ike.encryption());
        assertEquals(IntegrityAlgorithm.HMAC_SHA1_96, ike.integrity());
        assertEquals(DhGroup.GROUP2, ike.group());
        var child = peer.childProposals().getFirst();
        assertEquals(DhGroup.GROUP2, child.pfsGroup());
        assertEquals(128, t.esp().replayWindow());
        assertEquals(1500, t.esp().tunnelMtu());
        assertTrue(peer.establishImmediately());
    }

    @Test
    void aMissingLocalGatewayAddressPutsTheSetDownWithTheReason() throws Exception {
        GatewayPlan plan = new Planner(a -> false).plan(example("ms-mpc-next-hop/router1.conf"));
        String problem = plan.serviceSets().getFirst().problem().orElseThrow();
        assertTrue(problem.contains("local-gateway 10.0.1.1 is not an address of this host"), problem);
    }

    @Test
    void gwInterfaceIsCarriedPerServiceSetAndChangesThePlan() throws Exception {
        String text = Files.readString(EXAMPLES.resolve("ms-mpc-next-hop/router1.conf"));
        ServiceSetPlan without = plan(config(text)).serviceSets().getFirst();
        ServiceSetPlan with = plan(config(text.replace("local-gateway 10.0.1.1;",
                "local-gateway 10.0.1.1 gw-interface ge-0/0/0.0;"))).serviceSets().getFirst();
        assertTrue(without.gwInterface().isEmpty());
        assertEquals(java.util.Optional.of("ge-0/0/0.0"), with.gwInterface());
        assertEquals(java.util.Optional.of(InetAddress.getByName("10.0.1.1")), with.localGateway());
        assertNotEquals(without, with, "adding gw-interface must rebuild the set on commit");
    }

    @Test
    void theLocalGatewaysRoutingInstanceIsCarriedForShowAndItsFilters() throws Exception {
        String text = Files.readString(EXAMPLES.resolve("ms-mpc-next-hop/router1.conf"));
        assertEquals(ServiceSetPlan.DEFAULT_INSTANCE, plan(config(text)).serviceSets().getFirst().routingInstance());
        ServiceSetPlan wan = plan(config(text.replace("local-gateway 10.0.1.1;", "local-gateway 10.0.1.1 routing-instance wan;")
                + "routing-instances { wan { instance-type vrf; route-distinguisher 10.0.1.1:1; vrf-target target:65000:1; } }\n"))
                .serviceSets().getFirst();
        assertEquals("wan", wan.routingInstance());
    }

    @Test
    void ikePolicyWithoutVersion2SpeaksIkev1InItsMode() throws Exception {
        String v2 = Files.readString(EXAMPLES.resolve("ms-mpc-next-hop/router1.conf"));
        assertEquals(PeerConfig.Exchange.IKEV2, plan(config(v2)).tunnels().getFirst().peer().orElseThrow().exchange());
        for (String v1 : List.of(v2.replace("version 2;", "version 1;"), v2.replace("version 2;", ""))) {
            TunnelPlan t = plan(config(v1)).tunnels().getFirst();
            assertEquals(PeerConfig.Exchange.MAIN, t.peer().orElseThrow().exchange(), t.problem().toString());
            assertTrue(t.problem().isEmpty(), t.problem().toString());
        }
        TunnelPlan aggressive = plan(config(v2.replace("version 2;", "mode aggressive;"))).tunnels().getFirst();
        assertEquals(PeerConfig.Exchange.AGGRESSIVE, aggressive.peer().orElseThrow().exchange());
    }

    @Test
    void termSettingsOverrideTheServiceSetOnes() throws Exception {
        String text = Files.readString(EXAMPLES.resolve("ms-mpc-next-hop/router1.conf"))
                .replace("local-gateway 10.0.1.1;", "local-gateway 10.0.1.1; anti-replay-window-size 1024; set-dont-fragment-bit; tunnel-mtu 1400;")
                .replace("remote-gateway 10.0.1.2;", "remote-gateway 10.0.1.2; no-anti-replay; clear-dont-fragment-bit;");
        TunnelPlan t = plan(config(text)).tunnels().getFirst();
        assertEquals(0, t.esp().replayWindow(), "term no-anti-replay wins");
        assertEquals(DfPolicy.CLEAR, t.esp().dfPolicy(), "term DF setting wins");
        assertEquals(1400, t.esp().tunnelMtu(), "service-set tunnel-mtu applies when the term has none");
    }

    @Test
    void anUnchangedConfigurationPlansEqualSoACommitLeavesTunnelsAlone() throws Exception {
        GatewayPlan a = plan(example("ms-mpc-next-hop/router1.conf"));
        GatewayPlan b = plan(example("ms-mpc-next-hop/router1.conf"));
        assertEquals(a.serviceSets(), b.serviceSets());
        String changedKey = Files.readString(EXAMPLES.resolve("ms-mpc-next-hop/router1.conf")).replace("juniper123", "other-key");
        assertNotEquals(a.serviceSets(), plan(config(changedKey)).serviceSets());
    }

    @Test
    void linkTypeTermsGetADeviceEachWithTheUnitAddress() throws Exception {
        String text = Files.readString(EXAMPLES.resolve("ms-mpc-next-hop/router1.conf"))
                .replace("unit 1 { family inet; service-domain inside; }",
                        "unit 1 { family inet { address 10.10.10.1/30; } service-domain inside; }"
                                + " unit 3 { family inet { address 10.10.11.1/30; } service-domain inside; }")
                .replace("route 192.168.0.0/16 next-hop ms-4/0/0.1;",
                        "route 192.168.0.0/16 next-hop ms-4/0/0.1; route 192.169.0.0/16 next-hop ms-4/0/0.3;")
                .replace("source-address { 172.16.0.0/16; }", "ipsec-inside-interface ms-4/0/0.3;")
                .replace("destination-address { 192.168.0.0/16; }", "");
        ServiceSetPlan set = plan(config(text)).serviceSets().getFirst();
        assertEquals(java.util.List.of("ms-4/0/0.1", "ms-4/0/0.3"), set.devices().stream().map(InsideDevice::unit).toList());
        InsideDevice link = set.devices().get(1);
        assertEquals("ms-4_0_0.3", link.tunName());
        assertEquals(java.util.List.of("10.10.11.1/30"), link.addresses());
        assertEquals(java.util.List.of(IpPrefix.parse("192.169.0.0/16")), link.routedPrefixes());
        TunnelPlan t = set.tunnels().getFirst();
        assertEquals("ms-4/0/0.3", t.insideInterface());
        assertEquals(IpPrefix.parse("0.0.0.0/0"), t.localPrefix(), "a link-type tunnel carries what is routed into it");
    }

    @Test
    void everyExampleRouterPlansWithoutThrowing() throws Exception {
        try (var files = Files.walk(EXAMPLES)) {
            // An example with NAME.expected beside it is refused at commit (dynamic peers): nothing to plan.
            for (Path f : files.filter(p -> p.toString().endsWith(".conf") && !p.toString().contains("invalid")
                    && !Files.exists(p.resolveSibling(p.getFileName().toString().replace(".conf", ".expected")))).toList()) {
                GatewayPlan plan = plan(config(Files.readString(f)));
                for (TunnelPlan t : plan.tunnels()) {
                    assertTrue(t.peer().isPresent() || t.manual() || t.problem().isPresent(),
                            f + ": tunnel " + t.id() + " has neither a peer, manual SAs nor a reason");
                }
            }
        }
    }

    @Test
    void sizesTakeJunosSuffixes() {
        assertEquals(1024 * 1024, Planner.bytes("1m"));
        assertEquals(10 * 1024, Planner.bytes("10k"));
        assertEquals(4096, Planner.bytes("4096"));
        assertFalse(Planner.bytes("2g") < 0);
    }
}
