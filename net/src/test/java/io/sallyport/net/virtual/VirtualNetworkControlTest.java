package io.sallyport.net.virtual;

import io.sallyport.net.HostAddress;
import io.sallyport.net.HostNetworkException;
import io.sallyport.net.IpPrefix;
import io.sallyport.net.NetworkEvent;
import io.sallyport.net.PolicyRule;
import io.sallyport.net.Route;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

import static io.sallyport.net.virtual.VirtualNetworkTest.addr;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VirtualNetworkControlTest {

    private final VirtualNetworkControl host = new VirtualNetworkControl();
    private final HostAddress wan = new HostAddress("wan", addr("192.0.2.1"), 24);

    VirtualNetworkControlTest() {
        host.addLink("wan", 1500);
        host.addLink("ms-1_2_0.1", 1400);
        host.addAddress(wan);
    }

    @Test
    void shouldFindTheLocalGatewayAddress() {
        assertTrue(host.hasAddress(addr("192.0.2.1")));
        assertFalse(host.hasAddress(addr("192.0.2.9")));
    }

    @Test
    void shouldRefuseWhatTheKernelRefuses() {
        final Route r = Route.toDevice(IpPrefix.parse("198.18.2.0/24"), "ms-1_2_0.1");
        host.addRoute(r);
        assertThrows(HostNetworkException.class, () -> host.addRoute(r));
        assertThrows(HostNetworkException.class,
                () -> host.addRoute(Route.toDevice(IpPrefix.parse("198.18.3.0/24"), "nope0")));
        host.deleteRoute(r);
        assertThrows(HostNetworkException.class, () -> host.deleteRoute(r));
        final PolicyRule rule = new PolicyRule(100, Optional.of(IpPrefix.parse("198.18.1.0/24")),
                Optional.empty(), Optional.empty(), 10);
        host.addRule(rule);
        assertEquals(List.of(rule), host.rules());
        assertThrows(HostNetworkException.class, () -> host.addRule(rule));
        host.deleteRule(rule);
        assertThrows(HostNetworkException.class, () -> host.deleteRule(rule));
    }

    @Test
    void shouldPickLongestPrefixAndSkipDownDevices() {
        final InetAddress dst = addr("198.18.2.10");
        host.addRoute(Route.toDevice(IpPrefix.parse("198.18.0.0/15"), "wan"));
        host.addRoute(Route.toDevice(IpPrefix.parse("198.18.2.0/24"), "ms-1_2_0.1"));
        host.addRoute(Route.toDevice(IpPrefix.parse("198.18.2.0/24"), "wan").inTable(7));
        assertEquals("ms-1_2_0.1", host.lookup(dst, 0).orElseThrow().device());
        assertEquals("wan", host.lookup(dst, 7).orElseThrow().device());
        host.setLinkUp("ms-1_2_0.1", false);
        assertEquals("wan", host.lookup(dst, 0).orElseThrow().device());
        assertTrue(host.lookup(addr("203.0.113.1"), 0).isEmpty());
        assertTrue(host.lookup(addr("2001:db8::1"), 0).isEmpty());
    }

    @Test
    void anUnreachableRouteEndsTheLookupButLosesToAnyRouteOfItsLength() {
        final InetAddress dst = addr("198.18.2.7");
        host.addRoute(Route.unreachable(IpPrefix.parse("0.0.0.0/0"), 2000));
        assertTrue(host.lookup(dst, 2000).orElseThrow().isUnreachable());
        host.addRoute(Route.toDevice(IpPrefix.parse("0.0.0.0/0"), "wan").inTable(2000));
        assertEquals("wan", host.lookup(dst, 2000).orElseThrow().device());
        host.deleteRoute(Route.toDevice(IpPrefix.parse("0.0.0.0/0"), "wan").inTable(2000));
        host.addRoute(Route.toDevice(IpPrefix.parse("198.18.2.0/24"), "ms-1_2_0.1").inTable(2000));
        assertEquals("ms-1_2_0.1", host.lookup(dst, 2000).orElseThrow().device());
        assertTrue(host.lookup(addr("203.0.113.1"), 2000).orElseThrow().isUnreachable());
    }

    @Test
    void shouldReportLinkAndAddressChangesAfterTheBaseline() {
        assertTrue(host.pollEvents().isEmpty());
        host.setCarrier("wan", false);
        host.removeAddress(wan);
        assertEquals(List.of(new NetworkEvent.LinkDown("wan"), new NetworkEvent.AddressRemoved(wan)),
                host.pollEvents());
        host.setCarrier("wan", true);
        host.addAddress(wan);
        assertEquals(List.of(new NetworkEvent.LinkUp("wan"), new NetworkEvent.AddressAdded(wan)),
                host.pollEvents());
        assertTrue(host.pollEvents().isEmpty());
    }

    @Test
    void shouldCreateVrfEnslaveAndCleanUpOnDelete() {
        host.createVrf("vrf-blue", 100);
        host.setMaster("ms-1_2_0.1", "vrf-blue");
        assertEquals(Optional.of("vrf-blue"), host.masterOf("ms-1_2_0.1"));
        assertEquals(Optional.of(100), host.vrfTable("vrf-blue"));
        host.addRoute(Route.toDevice(IpPrefix.parse("198.18.2.0/24"), "ms-1_2_0.1").inTable(100));
        host.deleteLink("vrf-blue");
        assertTrue(host.masterOf("ms-1_2_0.1").isEmpty());
        host.deleteLink("ms-1_2_0.1");
        assertTrue(host.routes().isEmpty());
        assertThrows(HostNetworkException.class, () -> host.setLinkUp("ms-1_2_0.1", true));
    }
}
