package io.sallyport.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sallyport.net.PolicyRule;
import io.sallyport.net.Route;
import io.sallyport.net.virtual.VirtualNetworkControl;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Reference §5.3 twice over in the lab ({@code examples/lab/vrf-overlap}): VRFs vrf-a and vrf-b on
 * one router, both customer networks 10.2.1.0/24 (a main table would send the answers to both
 * through one of the two interfaces). Each instance is a table of the router's virtual host with
 * rules by incoming interface, as on Linux.
 */
class VrfInstancesTest {
    private static final long NEGOTIATION = 30_000_000_000L;

    @Test
    void overlappingCustomersReachTheirOwnRemoteSitesOnly() throws Exception {
        try (Lab lab = Lab.start(Topologies.example("vrf-overlap"))) {
            assertTrue(lab.awaitTunnels(NEGOTIATION));
            LabRouter pe = lab.router("pe").orElseThrow();
            assertEquals(List.of(), pe.warnings().stream().filter(w -> w.contains("instance-type") || w.contains("main table")
                    || w.contains("routing-instances * interface")).toList());

            PingResult a = lab.ping("customer-a", lab.resolve("remote-a").orElseThrow(), Optional.empty(), 3);
            PingResult b = lab.ping("customer-b", lab.resolve("remote-b").orElseThrow(), Optional.empty(), 3);
            assertEquals(3, a.received(), a::render);
            assertEquals(3, b.received(), b::render);
            // vrf-b has no route to vrf-a's remote site, and the main table has none either.
            PingResult leak = lab.ping("customer-b", lab.resolve("remote-a").orElseThrow(), Optional.empty(), 2);
            assertEquals(0, leak.received(), leak::render);
            // The peer's outside address is only in the main table: vrf-a's lookup ends in its own
            // table's unreachable default (host unreachable, code 1, as Linux answers) and never reaches the peer.
            PingResult toMain = lab.ping("customer-a", lab.resolve("10.27.0.2").orElseThrow(), Optional.empty(), 2);
            System.out.println("evidence: customer-a (vrf-a) -> 10.27.0.2 (main table only)\n" + toMain.render());
            assertEquals(0, toMain.received(), toMain::render);
            assertTrue(toMain.probes().stream().allMatch(p -> p.error().filter(e -> e.type() == 3 && e.code() == 1
                    && e.from().getHostAddress().equals("10.2.1.1")).isPresent()), toMain::render);

            VirtualNetworkControl host = (VirtualNetworkControl) pe.node().control();
            assertTrue(host.routes().contains(Route.toDevice(io.sallyport.net.IpPrefix.parse("10.3.0.0/16"), "ms-1_2_0.1")
                    .inTable(2000)), host.routes().toString());
            assertTrue(host.routes().contains(Route.toDevice(io.sallyport.net.IpPrefix.parse("10.4.0.0/16"), "ms-1_2_0.3")
                    .inTable(2001)), host.routes().toString());
            assertFalse(host.routes().stream().anyMatch(r -> r.table() == Route.MAIN_TABLE
                    && (r.device().equals("ms-1_2_0.1") || r.device().equals("ms-1_2_0.3"))), host.routes().toString());
            assertTrue(host.routes().contains(Route.unreachable(io.sallyport.net.IpPrefix.parse("0.0.0.0/0"), 2001)),
                    host.routes().toString());
            assertTrue(host.rules().contains(new PolicyRule(1500, Optional.empty(), Optional.empty(), Optional.of("ms-1_2_0.3"), 2001)),
                    host.rules().toString());

            lab.advance(65_000_000_000L);
            String table = pe.execute("show route table vrf-b.inet.0").text();
            System.out.println("evidence: pe show route table vrf-b.inet.0" + table);
            assertTrue(table.startsWith("\nvrf-b.inet.0: 3 destinations, 3 routes (3 active, 0 holddown, 0 hidden)\n"), table);
            assertTrue(table.contains("\n10.2.1.0/24        *[Direct/0] ") && table.contains(">  via ge-1/0/2.0\n"), table);
            assertTrue(table.contains("\n10.2.1.254/32      *[Local/0] ") && table.contains("Local via ge-1/0/2.0\n"), table);
            assertTrue(table.contains("\n10.4.0.0/16        *[Static/5] 00:01:") && table.contains(">  via ms-1/2/0.3\n"), table);
            String statics = pe.execute("show route table vrf-a.inet.0 protocol static | display xml").text();
            assertTrue(statics.contains("<rt-destination>10.3.0.0/16</rt-destination>") && !statics.contains("Direct"), statics);
            String sets = pe.execute("show services service-sets").text();
            assertTrue(sets.contains("Routing instances: policy routing"), sets);
            assertTrue(pe.execute("show ospf neighbor").text().contains("OSPF does not run here"));
        }
    }
}
