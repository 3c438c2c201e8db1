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
import java.util.OptionalLong;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** FRR 8.4's JSON, captured from a real FRR (resources README), in the Junos layouts. */
class FrrJsonTest {

    /** rtc0 carries ge-0/0/1.0, rtc1 the inside unit ms-0/0/0.1, lo lo0.0. */
    private static final UnaryOperator<String> NAMES = new FrrConfig("", "", List.of(),
            Map.of("rtc0", "ge-0/0/1.0", "rtc1", "ms-0/0/0.1", "lo", "lo0.0"))::junosName;

    @Test
    void neighborsInJunosLayout() throws IOException {
        List<OspfNeighbor> n = FrrJson.neighbors(resource("frr84-ospf-neighbor.json"), NAMES);
        assertEquals(List.of(
                new OspfNeighbor("198.51.100.2", "ge-0/0/1.0", "Full", "198.18.99.2", 1, 4),
                new OspfNeighbor("198.51.100.6", "ms-0/0/0.1", "Full", "198.18.99.2", 1, 4)), n);
        assertEquals("""
                Address          Interface              State     ID               Pri  Dead
                198.51.100.2     ge-0/0/1.0             Full      198.18.99.2        1     4
                198.51.100.6     ms-0/0/0.1             Full      198.18.99.2        1     4
                """, RoutingReports.neighborText(n));
        String xml = Display.xml(RoutingReports.neighborElement(n));
        assertTrue(xml.contains("<ospf-neighbor-information>") && xml.contains("<ospf-neighbor-state>Full</ospf-neighbor-state>")
                && xml.contains("<interface-name>ms-0/0/0.1</interface-name>") && xml.contains("<activity-timer>4</activity-timer>"), xml);
    }

    @Test
    void interfacesInJunosLayout() throws IOException {
        List<OspfInterface> i = FrrJson.interfaces(resource("frr84-ospf-interface.json"), NAMES);
        assertEquals("""
                Interface           State   Area            DR ID           BDR ID          Nbrs
                lo0.0               DR      0.0.0.0         198.18.99.2     0.0.0.0            0
                ge-0/0/1.0          DR      0.0.0.0         198.18.99.2     198.18.99.1        1
                ms-0/0/0.1          PtToPt  0.0.0.0         0.0.0.0         0.0.0.0            1
                """, RoutingReports.interfaceText(i));
        String json = Display.json(RoutingReports.interfaceElement(i));
        assertTrue(json.contains("ospf-interface-information") && json.contains("PtToPt"), json);
    }

    @Test
    void ospfRoutesLeaveOutOspfsOwnNetworksAndCountTheWholeTable() throws IOException {
        RouteTable t = FrrJson.ospfRoutes(resource("frr84-ip-route.json"), "inet.0", NAMES);
        // 4 destinations; 7 routes (an OSPF and a connected one for each local network); 4 selected.
        assertEquals(4, t.destinations());
        assertEquals(7, t.routes());
        assertEquals(4, t.activeRoutes());
        assertEquals(List.of(new RouteEntry("198.18.99.2/32", "OSPF", 10, "00:00:01", OptionalLong.of(10), true,
                List.of(new RouteEntry.NextHop("198.51.100.2", "ge-0/0/1.0", true)))), t.entries());
        assertEquals("""

                inet.0: 4 destinations, 7 routes (4 active, 0 holddown, 0 hidden)
                + = Active Route, - = Last Active, * = Both

                198.18.99.2/32     *[OSPF/10] 00:00:01, metric 10
                                    >  to 198.51.100.2 via ge-0/0/1.0
                """, RoutingReports.routeText(List.of(t)));
        String xml = Display.xml(RoutingReports.routeElement(List.of(t)));
        assertTrue(xml.contains("<table-name>inet.0</table-name>") && xml.contains("<protocol-name>OSPF</protocol-name>")
                && xml.contains("<to>198.51.100.2</to>") && xml.contains("<via>ge-0/0/1.0</via>"), xml);
    }

    @Test
    void equalCostNextHopsBothCarryTraffic() throws IOException {
        RouteTable t = FrrJson.ospfRoutes(resource("frr84-ip-route-ecmp.json"), "inet.0", NAMES);
        // Linux multipath forwards over both; Junos marks each next hop in use with '>'.
        assertEquals("""

                inet.0: 4 destinations, 7 routes (4 active, 0 holddown, 0 hidden)
                + = Active Route, - = Last Active, * = Both

                198.18.99.2/32     *[OSPF/10] 00:00:11, metric 10
                                    >  to 198.51.100.2 via ge-0/0/1.0
                                    >  to 198.51.100.6 via ms-0/0/0.1
                """, RoutingReports.routeText(List.of(t)));
    }

    @Test
    void neighborStatesAndAgesBecomeJunossWords() {
        assertEquals("2Way", FrrJson.neighborState("2-Way/DROther"));
        assertEquals("ExStart", FrrJson.neighborState("ExStart/-"));
        assertEquals("00:05:12", FrrJson.junosAge("00:05:12"));
        assertEquals("1d 02:03:00", FrrJson.junosAge("1d02h03m"));
        assertEquals("2w3d 04:00:00", FrrJson.junosAge("02w3d04h"));
    }

    @Test
    void noOspfPrintsNothingAndGarbageIsRefused() {
        assertEquals("", RoutingReports.neighborText(FrrJson.neighbors("{}", NAMES)));
        assertEquals("", RoutingReports.routeText(List.of(FrrJson.ospfRoutes("{}", "inet.0", NAMES))));
        assertThrows(FrrJson.FrrJsonException.class, () -> FrrJson.neighbors("% Unknown command", NAMES));
        assertThrows(FrrJson.FrrJsonException.class, () -> FrrJson.neighbors("", NAMES));
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = FrrJsonTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
