package io.sallyport.gateway.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sallyport.config.ConfigText;
import io.sallyport.config.check.CheckResult;
import io.sallyport.config.check.CommitCheck;
import io.sallyport.config.model.Configuration;
import io.sallyport.gateway.plan.Planner;
import io.sallyport.net.HostAddress;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OspfFrrTest {

    private static final List<HostAddress> HOST = List.of(
        new HostAddress("eth1", InetAddress.ofLiteral("10.1.12.1"), 30),
        new HostAddress("eth2", InetAddress.ofLiteral("10.1.15.1"), 30),
        new HostAddress("lo", InetAddress.ofLiteral("10.0.0.2"), 32));

    @Test
    void referenceRouter2MapsEachUnitToItsLinuxDevice() throws Exception {
        // Reference §5.2 Router 2: the inside service unit is the TUN device, lo0 is lo, the
        // ge units are the host devices that carry their addresses.
        FrrConfig frr = map(Files.readString(Path.of("../examples/ike-digital-certificates/router2.conf")), HOST);
        assertEquals("hostname sallyport\n!\n", frr.zebra());
        assertEquals("""
            hostname sallyport
            !
            interface eth1
             ip ospf area 0.0.0.0 10.1.12.1
            exit
            !
            interface eth2
             ip ospf area 0.0.0.0 10.1.15.1
            exit
            !
            interface ms-1_2_0.1
             ip ospf area 0.0.0.0 10.0.0.2
             ip ospf network point-to-point
            exit
            !
            interface lo
             ip ospf area 0.0.0.0 10.0.0.2
            exit
            !
            router ospf
             ospf router-id 10.0.0.2
            exit
            !
            """, frr.ospfd());
        // The seed's inside unit is unnumbered: like Junos, its TUN device borrows the router's address (lo0.0's).
        assertEquals(List.of(), frr.warnings());
        assertEquals(List.of("10.0.0.2/32"), new Planner(a -> true).plan(configuration(
            Files.readString(Path.of("../examples/ike-digital-certificates/router2.conf")))).serviceSets().getFirst()
            .devices().getFirst().addresses());
    }

    @Test
    void anUnnumberedInsideUnitWithNoRouterAddressToBorrowIsWarned() throws Exception {
        String text = Files.readString(Path.of("../examples/ike-digital-certificates/router2.conf"))
            .replace("    lo0 { unit 0 { family inet { address 10.0.0.2/32; } } }\n", "")
            .replace("            interface lo0.0;\n", "");
        FrrConfig frr = map(text, HOST);
        assertTrue(frr.ospfd().contains("interface ms-1_2_0.1\n ip ospf area 0.0.0.0\nexit\n"), frr.ospfd());
        assertEquals(List.of("protocols ospf area 0.0.0.0 interface ms-1/2/0.1: the unit has no family inet address"
            + " and lo0.0 has none to borrow, and FRR runs OSPF only where the device has one; OSPF does not cross"
            + " this tunnel until the unit or lo0.0 has an address"), frr.warnings());
    }

    @Test
    void referenceBandwidthBecomesFrrsAutoCostInWholeMegabits() throws Exception {
        String base = """
            set interfaces ge-0/0/0 unit 0 family inet address 10.1.12.1/30
            set protocols ospf area 0.0.0.0 interface ge-0/0/0.0
            """;
        FrrConfig tenGig = map(base + "set protocols ospf reference-bandwidth 10g\n", HOST);
        assertTrue(tenGig.ospfd().contains("router ospf\n auto-cost reference-bandwidth 10000\n"), tenGig.ospfd());
        assertEquals(List.of(), tenGig.warnings());
        FrrConfig odd = map(base + "set protocols ospf reference-bandwidth 9600\n", HOST);
        assertTrue(odd.ospfd().contains(" auto-cost reference-bandwidth 1\n"), odd.ospfd());
        assertEquals(List.of("protocols ospf reference-bandwidth 9600: FRR takes whole Mbit/s, so OSPF uses 1 Mbit/s"
            + " (1000000 bits per second)"), odd.warnings());
        assertTrue(!map(base, HOST).ospfd().contains("auto-cost"));
    }

    @Test
    void interfaceStatementsBecomeTheirFrrCommands() throws Exception {
        FrrConfig frr = map("""
            set system host-name r2
            set interfaces ge-0/0/0 unit 0 family inet address 10.1.12.1/30
            set interfaces lo0 unit 0 family inet address 10.0.0.2/32
            set protocols ospf area 0.0.0.1 stub
            set protocols ospf area 0.0.0.1 interface ge-0/0/0 interface-type p2p
            set protocols ospf area 0.0.0.1 interface ge-0/0/0 metric 20
            set protocols ospf area 0.0.0.1 interface ge-0/0/0 hello-interval 5
            set protocols ospf area 0.0.0.1 interface ge-0/0/0 dead-interval 20
            set protocols ospf area 0.0.0.1 interface ge-0/0/0 priority 0
            set protocols ospf area 0.0.0.1 interface lo0.0 passive
            """, HOST);
        assertEquals("""
            hostname r2
            !
            interface eth1
             ip ospf area 0.0.0.1 10.1.12.1
             ip ospf network point-to-point
             ip ospf cost 20
             ip ospf hello-interval 5
             ip ospf dead-interval 20
             ip ospf priority 0
            exit
            !
            interface lo
             ip ospf area 0.0.0.1 10.0.0.2
            exit
            !
            router ospf
             passive-interface lo
             area 0.0.0.1 stub
            exit
            !
            """, frr.ospfd());
    }

    @Test
    void aUnitNoHostDeviceCarriesIsLeftOutWithAWarning() throws Exception {
        FrrConfig frr = map("""
            set interfaces ge-0/0/3 unit 0 family inet address 198.51.100.1/24
            set interfaces ge-0/0/4 unit 0 family inet address 198.51.100.9/24
            set protocols ospf area 0.0.0.0 interface ge-0/0/3.0 interface-type nbma
            set protocols ospf area 0.0.0.0 interface ge-0/0/4.0
            """, HOST);
        // nbma is warned at commit; ge-0/0/4.0's address is on no host device.
        assertEquals(List.of("protocols ospf area 0.0.0.0 interface ge-0/0/4.0: no host device carries this unit's"
            + " addresses; OSPF does not run on it"), frr.warnings());
        assertEquals("hostname sallyport\n!\nrouter ospf\nexit\n!\n", frr.ospfd());
    }

    @Test
    void noOspfNoFrr() throws Exception {
        Configuration c = configuration("set interfaces ge-0/0/0 unit 0 family inet address 10.1.12.1/30\n");
        assertTrue(OspfFrr.map(c, new UnitDevices(c, new Planner(a -> true).plan(c), HOST)).isEmpty());
    }

    private static FrrConfig map(String text, List<HostAddress> host) throws Exception {
        Configuration c = configuration(text);
        return OspfFrr.map(c, new UnitDevices(c, new Planner(a -> true).plan(c), host)).orElseThrow();
    }

    private static Configuration configuration(String text) throws Exception {
        CheckResult r = CommitCheck.check(ConfigText.parse(text));
        return r.configuration().orElseThrow(() -> new AssertionError(r.render()));
    }
}
