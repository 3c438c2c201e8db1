package io.sallyport.gateway.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sallyport.gateway.ops.Display;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The kernel's main table as Junos's {@code inet.0}, from a real {@code ip -j -4 route show table
 * all} (iproute2 6.1, {@code iproute2-61-route-all.json}: see the resources' README). The layout
 * is Junos's {@code show route} as Juniper's documentation prints it (header {@code inet.0: N
 * destinations, N routes (N active, 0 holddown, 0 hidden)}, {@code *[Static/5] AGE},
 * {@code > to A via IFL}, {@code Local via IFL}), with the next-hop spacing of {@code FrrJsonTest}.
 */
class KernelRoutesTest {
    private static final RouteNames NAMES = new RouteNames(
            Map.of("eth0", "ge-0/0/0.0", "eth1", "ge-0/0/1.0", "ms-0_0_0.1", "ms-0/0/0.1"),
            Set.of("eth1"), Set.of("ms-0_0_0.1"), Set.of("203.0.113.0/24"));

    @Test
    void iproutesJsonLeavesOutItsDefaults() throws IOException {
        List<KernelRoute> routes = KernelRoutes.parse(resource("iproute2-61-route-all.json"));
        assertEquals(new KernelRoute("2000", "unreachable", "0.0.0.0/0", "boot", OptionalLong.of(4278198272L), List.of()),
                routes.getFirst());
        assertEquals(new KernelRoute("main", "unicast", "0.0.0.0/0", "boot", OptionalLong.empty(),
                List.of(new KernelRoute.Hop("192.0.2.254", "eth0"))), routes.get(2));
        assertEquals(new KernelRoute("main", "unicast", "198.18.5.0/24", "ospf", OptionalLong.of(20), List.of(
                new KernelRoute.Hop("192.0.2.2", "eth0"), new KernelRoute.Hop("198.18.1.2", "eth1"))), routes.get(6));
        assertEquals("198.18.99.4/32", routes.get(7).destination());
        assertThrows(KernelRoutes.KernelRoutesException.class, () -> KernelRoutes.parse("{\"not\": \"a list\"}"));
        assertThrows(KernelRoutes.KernelRoutesException.class, () -> KernelRoutes.parse(""));
    }

    @Test
    void theMainTableInJunossTerms() throws IOException {
        AtomicLong now = new AtomicLong(1000);
        String json = resource("iproute2-61-route-all.json");
        MainRoutes main = new MainRoutes(() -> json, now::get);
        main.table(NAMES, Optional.empty());
        now.addAndGet(75);
        RouteTable t = main.table(NAMES, Optional.empty());
        // eth1 is an instance's: its network and address are in NAME.inet.0, not here; nor are 127/8,
        // broadcasts and table 2000.
        assertEquals("""

                inet.0: 8 destinations, 8 routes (8 active, 0 holddown, 0 hidden)
                + = Active Route, - = Last Active, * = Both

                0.0.0.0/0          *[Kernel/40] 00:01:15
                                    >  to 192.0.2.254 via ge-0/0/0.0
                192.0.2.0/24       *[Direct/0] 00:01:15
                                    >  via ge-0/0/0.0
                192.0.2.1/32       *[Local/0] 00:01:15
                                      Local via ge-0/0/0.0
                198.18.2.0/24      *[Static/5] 00:01:15
                                    >  via ms-0/0/0.1
                198.18.5.0/24      *[OSPF/10] 00:01:15, metric 20
                                    >  to 192.0.2.2 via ge-0/0/0.0
                                    >  to 198.18.1.2 via ge-0/0/1.0
                198.18.99.2/32     *[Direct/0] 00:01:15
                                    >  via lo0.0
                198.18.99.4/32     *[OSPF/10] 00:01:15, metric 20
                                    >  to 192.0.2.3 via ge-0/0/0.0
                203.0.113.0/24     *[Static/5] 00:01:15
                                    >  to 192.0.2.2 via ge-0/0/0.0
                """, RoutingReports.routeText(List.of(t)));
        String xml = Display.xml(RoutingReports.routeElement(List.of(t)));
        assertTrue(xml.contains("<rt-destination>198.18.2.0/24</rt-destination>")
                && xml.contains("<protocol-name>Static</protocol-name>") && xml.contains("<via>ms-0/0/0.1</via>"), xml);
    }

    @Test
    void frrsOspfRoutesReplaceZebrasKernelCopiesAndTheBestPreferenceIsActive() throws IOException {
        String json = resource("iproute2-61-route-all.json");
        RouteEntry fromFrr = new RouteEntry("198.18.2.0/24", "OSPF", 10, "00:00:07", OptionalLong.of(2), true,
                List.of(new RouteEntry.NextHop("198.18.15.2", "ms-0/0/0.1", true)));
        RouteTable t = new MainRoutes(() -> json, () -> 0).table(NAMES, Optional.of(List.of(fromFrr)));
        List<RouteEntry> to2 = t.entries().stream().filter(e -> e.destination().equals("198.18.2.0/24")).toList();
        // The static route (5) wins over OSPF (10), as in Junos; the kernel's proto ospf routes are gone.
        assertEquals(List.of("Static", "OSPF"), to2.stream().map(RouteEntry::protocol).toList());
        assertEquals(List.of(true, false), to2.stream().map(RouteEntry::active).toList());
        assertTrue(t.entries().stream().noneMatch(e -> e.destination().equals("198.18.5.0/24")), t.toString());
        assertEquals(6, t.destinations());
        assertEquals(7, t.routes());
        assertEquals(6, t.activeRoutes());
        String text = RoutingReports.routeText(List.of(t));
        assertTrue(text.contains("198.18.2.0/24      *[Static/5] 00:00:00\n                    >  via ms-0/0/0.1\n"
                + "                    [OSPF/10] 00:00:07, metric 2\n                       to 198.18.15.2 via ms-0/0/0.1\n"), text);
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = KernelRoutesTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aReverseRouteWithAMetricShowsItAsItsPreference() {
        // reverse-route preference 7: Gateway installs the dynamic peer's route with metric 7.
        List<KernelRoute> kernel = List.of(
                new KernelRoute("main", "unicast", "198.18.7.0/24", "boot", OptionalLong.of(7),
                        List.of(new KernelRoute.Hop("", "ms-0_0_0.1"))),
                new KernelRoute("main", "unicast", "198.18.8.0/24", "boot", OptionalLong.empty(),
                        List.of(new KernelRoute.Hop("", "ms-0_0_0.1"))));
        List<RouteEntry> entries = MainTable.entries(kernel, NAMES, List.of(), false);
        assertEquals(List.of("198.18.7.0/24 Static/7", "198.18.8.0/24 Static/5"),
                entries.stream().map(e -> e.destination() + " " + e.protocol() + "/" + e.preference()).toList());
    }
}
