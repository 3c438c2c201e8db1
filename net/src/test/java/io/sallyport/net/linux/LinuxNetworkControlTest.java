package io.sallyport.net.linux;

import io.sallyport.net.HostAddress;
import io.sallyport.net.HostNetworkException;
import io.sallyport.net.IpPrefix;
import io.sallyport.net.LinkState;
import io.sallyport.net.PolicyRule;
import io.sallyport.net.Route;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Command lines and output parsing, with a recording runner: no root, no processes. */
class LinuxNetworkControlTest {

    private final List<String> commands = new ArrayList<>();
    private CommandRunner.Result answer = new CommandRunner.Result(0, "", "");
    private final LinuxNetworkControl control = new LinuxNetworkControl(cmd -> {
        commands.add(String.join(" ", cmd));
        return answer;
    }, Optional.of("gw-a"));

    private static InetAddress addr(final String s) {
        try {
            return InetAddress.getByName(s);
        } catch (final UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Test
    void shouldBuildRouteCommands() {
        control.addRoute(Route.toDevice(IpPrefix.parse("198.18.2.0/24"), "ms-1_2_0.1")
                .withSource(addr("198.18.1.1")).inTable(220));
        control.deleteRoute(Route.toDevice(IpPrefix.parse("2001:db8::/64"), "ms-1_2_0.1").via(addr("2001:db8::1")));
        assertEquals(List.of(
                "ip -n gw-a -4 route add 198.18.2.0/24 dev ms-1_2_0.1 src 198.18.1.1 table 220",
                "ip -n gw-a -6 route del 2001:db8:0:0:0:0:0:0/64 via 2001:db8:0:0:0:0:0:1 dev ms-1_2_0.1"),
                commands);
    }

    @Test
    void aRouteWithAMetricCarriesItBothWays() {
        control.addRoute(Route.toDevice(IpPrefix.parse("198.18.7.0/24"), "ms-1_2_0.1").withMetric(7));
        control.deleteRoute(Route.toDevice(IpPrefix.parse("198.18.7.0/24"), "ms-1_2_0.1").withMetric(7));
        assertEquals(List.of(
                "ip -n gw-a -4 route add 198.18.7.0/24 dev ms-1_2_0.1 metric 7",
                "ip -n gw-a -4 route del 198.18.7.0/24 dev ms-1_2_0.1 metric 7"), commands);
    }

    @Test
    void anUnreachableRouteHasNoDeviceAndTheLastMetric() {
        control.addRoute(Route.unreachable(IpPrefix.parse("0.0.0.0/0"), 2000));
        control.deleteRoute(Route.unreachable(IpPrefix.parse("0.0.0.0/0"), 2000));
        assertEquals(List.of(
                "ip -n gw-a -4 route add unreachable 0.0.0.0/0 table 2000 metric 4278198272",
                "ip -n gw-a -4 route del unreachable 0.0.0.0/0 table 2000 metric 4278198272"), commands);
    }

    @Test
    void shouldBuildRuleVrfAndLinkCommands() {
        control.addRule(new PolicyRule(100, Optional.of(IpPrefix.parse("198.18.1.0/24")),
                Optional.of(IpPrefix.parse("198.18.2.0/24")), Optional.of("lan"), 10));
        control.createVrf("vrf-blue", 10);
        control.setMaster("ms-1_2_0.1", "vrf-blue");
        control.setMaster("ms-1_2_0.1", null);
        control.setLinkUp("ms-1_2_0.1", false);
        control.deleteLink("vrf-blue");
        assertEquals(List.of(
                "ip -n gw-a -4 rule add priority 100 from 198.18.1.0/24 to 198.18.2.0/24 iif lan lookup 10",
                "ip -n gw-a link add vrf-blue type vrf table 10",
                "ip -n gw-a link set vrf-blue up",
                "ip -n gw-a link set ms-1_2_0.1 master vrf-blue",
                "ip -n gw-a link set ms-1_2_0.1 nomaster",
                "ip -n gw-a link set ms-1_2_0.1 down",
                "ip -n gw-a link del vrf-blue"), commands);
    }

    @Test
    void shouldReportFailuresWithCommandExitAndReason() {
        answer = new CommandRunner.Result(2, "", "RTNETLINK answers: Operation not permitted\n");
        final HostNetworkException e = assertThrows(HostNetworkException.class,
                () -> control.addRoute(Route.toDevice(IpPrefix.parse("198.18.2.0/24"), "tun0")));
        assertEquals("'ip -n gw-a -4 route add 198.18.2.0/24 dev tun0' failed (exit 2): "
                + "RTNETLINK answers: Operation not permitted (needs CAP_NET_ADMIN)", e.getMessage());
    }

    @Test
    void shouldParseOneLineAddressListing() {
        final String out = """
                1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever
                1: lo    inet6 ::1/128 scope host \\       valid_lft forever preferred_lft forever
                2: wan@if7    inet 192.0.2.1/24 brd 192.0.2.255 scope global wan\\       valid_lft forever
                5: ppp0    inet 203.0.113.5 peer 203.0.113.1/32 scope global ppp0\\       valid_lft forever
                """;
        final List<HostAddress> list = LinuxNetworkControl.parseAddresses(out);
        assertEquals(List.of(
                new HostAddress("lo", addr("127.0.0.1"), 8),
                new HostAddress("lo", addr("::1"), 128),
                new HostAddress("wan", addr("192.0.2.1"), 24),
                new HostAddress("ppp0", addr("203.0.113.5"), 32)), list);
    }

    @Test
    void shouldParseOneLineLinkListing() {
        final String out = """
                1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\\    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
                3: wan@if2: <BROADCAST,MULTICAST,UP> mtu 1500 qdisc noqueue state LOWERLAYERDOWN mode DEFAULT
                9: ms-1_2_0.1: <POINTOPOINT,MULTICAST,NOARP> mtu 1400 qdisc fq_codel state DOWN mode DEFAULT
                """;
        assertEquals(List.of(
                new LinkState("lo", 1, true, true, 65536),
                new LinkState("wan", 3, true, false, 1500),
                new LinkState("ms-1_2_0.1", 9, false, false, 1400)), LinuxNetworkControl.parseLinks(out));
    }

    @Test
    void shouldAnswerLocalGatewayCheckFromListing() {
        answer = new CommandRunner.Result(0,
                "2: wan    inet 192.0.2.1/24 brd 192.0.2.255 scope global wan\\ valid_lft forever\n", "");
        assertTrue(control.hasAddress(addr("192.0.2.1")));
        assertEquals(List.of("ip -n gw-a -o addr show"), commands);
    }
}
