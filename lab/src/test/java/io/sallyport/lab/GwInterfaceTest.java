package io.sallyport.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sallyport.gateway.runtime.KmdAgent;
import io.sallyport.gateway.runtime.TunnelState;
import io.sallyport.net.virtual.VirtualDropReason;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * {@code local-gateway 10.0.1.1 gw-interface ge-0/0/0.0} on router1 of the §5.1 topology, and a
 * flap of router1's WAN link: while it is down router1 sends no IKE, next-hop sets clear their SAs
 * and interface-style sets show them Not installed; when it is back the tunnel returns.
 */
class GwInterfaceTest {
    private static final long SECOND = 1_000_000_000L;
    private static final long MINUTE = 60 * SECOND;
    private static final InetAddress LOCAL_GATEWAY = InetAddress.ofLiteral("10.0.1.1");
    private static final InetAddress PEER = InetAddress.ofLiteral("10.0.1.2");

    private static final UnaryOperator<String> GW_INTERFACE = c -> c.replace("local-gateway 10.0.1.1;",
            "local-gateway 10.0.1.1 gw-interface ge-0/0/0.0;");

    /** Router1's service set as interface style: traffic to router2's side is steered into ms-4/0/0.0. */
    private static final UnaryOperator<String> INTERFACE_STYLE = c -> GW_INTERFACE.apply(c)
            .replace("route 192.168.0.0/16 next-hop ms-4/0/0.1;", "")
            .replaceAll("next-hop-service \\{[^}]*}", "interface-service { service-interface ms-4/0/0.0; }")
            .replace("address 172.16.0.1/16;", "service { input { service-set ipsec-ss1; } } address 172.16.0.1/16;");

    private static Lab msMpc(UnaryOperator<String> router1) throws LabException {
        Topology base = Topologies.example("ms-mpc");
        List<Topology.RouterSpec> routers = base.routers().stream()
                .map(r -> new Topology.RouterSpec(r.name(), r.configFile(),
                        r.name().equals("router1") ? router1.apply(r.configText()) : r.configText(), r.line()))
                .toList();
        return Lab.start(new Topology(base.source(), routers, base.hosts(), base.links()));
    }

    @Test
    void nextHopSetClearsItsSasWhileTheWanLinkIsDownAndComesBack() throws Exception {
        try (Lab lab = msMpc(GW_INTERFACE)) {
            LabRouter r1 = lab.router("router1").orElseThrow();
            assertTrue(r1.plan().serviceSets().getFirst().gwInterface().isPresent());
            assertTrue(lab.awaitTunnels(MINUTE), () -> String.join("; ", r1.tunnelProblems()));
            Outage outage = Outage.start(lab);

            TunnelState tunnel = r1.gateway().tunnels().iterator().next();
            assertNull(tunnel.current(), "router1 kept an SA while its local gateway is down");
            assertEquals(List.of(), tunnel.notInstalled());
            String sas = r1.execute("show services ipsec-vpn ipsec security-associations detail").text();
            assertFalse(sas.contains("SPI:"), sas);
            String ike = r1.execute("show services ipsec-vpn ike security-associations").text();
            assertFalse(ike.contains("10.0.1.2"), ike);
            String sets = r1.execute("show services service-sets").text();
            assertTrue(sets.contains("Down") && sets.contains("local gateway 10.0.1.1: interface ge-0/0/0.0 link is down"), sets);

            outage.endAndCheck(lab, r1);
        }
    }

    @Test
    void interfaceStyleSetShowsItsSasNotInstalledWhileDown() throws Exception {
        try (Lab lab = msMpc(INTERFACE_STYLE)) {
            LabRouter r1 = lab.router("router1").orElseThrow();
            assertEquals("INTERFACE", r1.plan().serviceSets().getFirst().kind().name());
            assertTrue(lab.awaitTunnels(MINUTE), () -> String.join("; ", r1.tunnelProblems()));
            int spiIn = r1.gateway().tunnels().iterator().next().current().spiIn();
            Outage outage = Outage.start(lab);

            TunnelState tunnel = r1.gateway().tunnels().iterator().next();
            assertNull(tunnel.current());
            assertEquals(spiIn, tunnel.notInstalled().getLast().spiIn());
            String sas = r1.execute("show services ipsec-vpn ipsec security-associations detail").text();
            assertTrue(sas.contains("State: Not installed") && !sas.contains("State: Installed"), sas);
            assertTrue(sas.contains(Integer.toUnsignedString(spiIn)) || sas.contains(Integer.toHexString(spiIn)), sas);

            outage.endAndCheck(lab, r1);
            assertEquals(List.of(), r1.gateway().tunnels().iterator().next().notInstalled(),
                    "Not-installed SAs stay after the local gateway came back");
            String after = r1.execute("show services ipsec-vpn ipsec security-associations detail").text();
            assertTrue(after.contains("State: Installed") && !after.contains("Not installed"), after);
        }
    }

    @Test
    void setsWithoutGwInterfaceAreNotWatched() throws Exception {
        try (Lab lab = msMpc(c -> c)) {
            LabRouter r1 = lab.router("router1").orElseThrow();
            assertTrue(lab.awaitTunnels(MINUTE));
            lab.fault("router1", "router2", new Lab.Fault.Down());
            lab.advance(10 * SECOND);
            assertEquals(java.util.Set.of(), r1.localGateways().down());
            assertTrue(r1.gateway().tunnels().iterator().next().current() != null,
                    "without gw-interface the SA stays until kmd gives up on the peer");
            lab.fault("router1", "router2", new Lab.Fault.Up());
        }
    }

    /** Router1's WAN link down for a while, with the counters that show router1 stayed silent. */
    private record Outage(long linkDownDropsBefore, long peerIkeOutBefore) {

        static Outage start(Lab lab) throws LabException {
            LabRouter r1 = lab.router("router1").orElseThrow();
            lab.fault("router1", "router2", new Lab.Fault.Down());
            Outage o = new Outage(lab.link("router1", "router2").link().dropped(VirtualDropReason.LINK_DOWN),
                    ikeOut(lab.router("router2").orElseThrow()));
            lab.advance(10 * SECOND);
            assertEquals(java.util.Set.of(LOCAL_GATEWAY), r1.localGateways().down());
            // Traffic for the tunnel during the outage must not trigger IKE.
            InetAddress h2 = lab.resolve("h2").orElseThrow();
            assertEquals(0, lab.ping("h1", h2, Optional.empty(), 2).received());
            lab.advance(30 * SECOND);
            return o;
        }

        void endAndCheck(Lab lab, LabRouter r1) throws LabException {
            // Router2 (no DPD) stayed quiet, so every datagram the dead link ate came from router1:
            // none did. Router1's own attempts (the IKE delete of the cleared SA) were held back.
            assertEquals(peerIkeOutBefore, ikeOut(lab.router("router2").orElseThrow()), "router2 sent IKE");
            assertEquals(linkDownDropsBefore, lab.link("router1", "router2").link().dropped(VirtualDropReason.LINK_DOWN),
                    "router1 sent on its WAN link while its local gateway was down");
            assertTrue(r1.localGateways().suppressedSends() > 0, "router1's IKE delete was not held back");

            lab.fault("router1", "router2", new Lab.Fault.Up());
            assertTrue(lab.awaitTunnels(2 * MINUTE), () -> String.join("; ", r1.tunnelProblems()));
            assertEquals(java.util.Set.of(), r1.localGateways().down());
            String sets = r1.execute("show services service-sets").text();
            assertFalse(sets.contains("Down"), sets);
            InetAddress h2 = lab.resolve("h2").orElseThrow();
            assertEquals(3, lab.ping("h1", h2, Optional.empty(), 3).received());
        }

        private static long ikeOut(LabRouter r) {
            KmdAgent.IkeTraffic t = r.gateway().kmd().traffic().get(LOCAL_GATEWAY.equals(r.plan().serviceSets()
                    .getFirst().localGateway().orElseThrow()) ? PEER : LOCAL_GATEWAY);
            return t == null ? 0 : t.outPackets();
        }
    }
}
