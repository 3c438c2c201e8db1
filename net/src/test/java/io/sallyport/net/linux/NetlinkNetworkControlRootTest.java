package io.sallyport.net.linux;

import io.sallyport.net.HostAddress;
import io.sallyport.net.HostNetworkException;
import io.sallyport.net.IpPrefix;
import io.sallyport.net.LinkState;
import io.sallyport.net.NetworkControl;
import io.sallyport.net.PolicyRule;
import io.sallyport.net.Route;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link NetlinkNetworkControl} against the kernel, in a namespace this class creates (veth
 * {@code spnl0} with 198.18.99.1/30 and 2001:db8:99::1/64, its peer {@code spnl1}): every change
 * must leave exactly what {@code ip} leaves for the same change ({@code ip -j ... show}
 * compared), and refusals must read as ip's do.
 */
@Tag("root")
class NetlinkNetworkControlRootTest {

    @RegisterExtension
    static final NamespaceExtension ns = NamespaceExtension.named("nl");
    private static NetlinkNetworkControl netlink;
    private final LinuxNetworkControl ip = LinuxNetworkControl.ofNamespace(ns.name);

    @BeforeAll
    static void addVethPairAndOpenNetlink() {
        ns.run("ip", "-n", ns.name, "link", "add", "spnl0", "type", "veth", "peer", "name", "spnl1");
        ns.run("ip", "-n", ns.name, "link", "set", "spnl0", "up");
        ns.run("ip", "-n", ns.name, "link", "set", "spnl1", "up");
        ns.run("ip", "-n", ns.name, "addr", "add", "198.18.99.1/30", "dev", "spnl0");
        ns.run("ip", "-n", ns.name, "addr", "add", "2001:db8:99::1/64", "dev", "spnl0", "nodad");
        netlink = NetlinkNetworkControl.openIn(ns.name);
    }

    @AfterAll
    static void closeNetlink() {
        if (netlink != null) {
            netlink.close();
        }
    }

    private static InetAddress addr(final String s) {
        try {
            return InetAddress.getByName(s);
        } catch (final UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /**
     * Every table's routes to exactly {@code route}'s destination: the rest of the namespace's
     * routes are left out, since the kernel adds IPv6 link-local ones of its own when it likes.
     */
    private String routesTo(final Route route) {
        return ns.output("ip", "-n", ns.name, "-j", route.destination().isIpv4() ? "-4" : "-6", "route", "show",
                "table", "all", "exact", route.destination().toString());
    }

    private String rules() {
        return ns.output("ip", "-n", ns.name, "-j", "-4", "rule", "show")
                + ns.output("ip", "-n", ns.name, "-j", "-6", "rule", "show");
    }

    /**
     * Makes the change with netlink, undoes it, makes it with ip: both must leave the same
     * {@code state} of {@code value}.
     */
    private <T> void sameAsIp(final T value, final Consumer<T> byNetlink, final Consumer<T> undoByNetlink,
                              final Consumer<T> byIp, final Consumer<T> undoByIp, final Function<T, String> state) {
        final String before = state.apply(value);
        byNetlink.accept(value);
        final String madeByNetlink = state.apply(value);
        assertNotEquals(before, madeByNetlink, "netlink changed nothing for " + value);
        undoByNetlink.accept(value);
        assertEquals(before, state.apply(value), "netlink's deletion of " + value);
        byIp.accept(value);
        try {
            assertEquals(madeByNetlink, state.apply(value), "ip and netlink differ for " + value);
        } finally {
            undoByIp.accept(value);
        }
    }

    @Test
    @DisplayName("routes by device, via, source, table, metric, unreachable and IPv6 are what ip makes")
    void routesAreWhatIpMakes() {
        final List<Route> routes = List.of(
                Route.toDevice(IpPrefix.parse("198.51.100.0/24"), "spnl0").withMetric(5),
                Route.toDevice(IpPrefix.parse("198.51.100.7/32"), "spnl0"),
                Route.toDevice(IpPrefix.parse("198.51.100.0/24"), "spnl0").via(addr("198.18.99.2"))
                        .withSource(addr("198.18.99.1")).inTable(220),
                Route.toDevice(IpPrefix.parse("203.0.113.0/24"), "spnl0").inTable(1000).withMetric(100),
                Route.unreachable(IpPrefix.parse("0.0.0.0/0"), 2000),
                Route.toDevice(IpPrefix.parse("2001:db8:5::/64"), "spnl0").via(addr("2001:db8:99::2")).withMetric(7),
                Route.toDevice(IpPrefix.parse("2001:db8:6::/64"), "spnl0").withSource(addr("2001:db8:99::1"))
                        .inTable(3000),
                Route.unreachable(IpPrefix.parse("::/0"), 2000));
        for (final Route route : routes) {
            sameAsIp(route, netlink::addRoute, netlink::deleteRoute, ip::addRoute, ip::deleteRoute, this::routesTo);
        }
    }

    @Test
    @DisplayName("rules by source, destination, interface, table and mark are what ip makes")
    void rulesAreWhatIpMakes() {
        final List<PolicyRule> rules = List.of(
                new PolicyRule(100, Optional.of(IpPrefix.parse("198.18.1.0/24")),
                        Optional.of(IpPrefix.parse("198.18.2.0/24")), Optional.of("spnl0"), 10),
                new PolicyRule(101, Optional.of(IpPrefix.parse("2001:db8:1::/48")), Optional.empty(),
                        Optional.empty(), 1000),
                new PolicyRule(102, Optional.empty(), Optional.of(IpPrefix.parse("198.18.3.0/24")),
                        Optional.empty(), 2000),
                new PolicyRule(103, Optional.empty(), Optional.empty(), Optional.of("spnl1"), 220));
        for (final PolicyRule rule : rules) {
            sameAsIp(rule, netlink::addRule, netlink::deleteRule, ip::addRule, ip::deleteRule, r -> rules());
        }
        sameAsIp(300, m -> netlink.addMarkRule(90, m, m), m -> netlink.deleteMarkRule(90, m, m),
                m -> ip.addMarkRule(90, m, m), m -> ip.deleteMarkRule(90, m, m), m -> rules());
    }

    @Test
    @DisplayName("a duplicate is 'File exists', a missing route 'No such process', each naming the ip command")
    void refusalsReadAsIpsDo() {
        final Route route = Route.toDevice(IpPrefix.parse("198.51.100.0/24"), "spnl0").withMetric(5);
        netlink.addRoute(route);
        final HostNetworkException duplicate = assertThrows(HostNetworkException.class, () -> netlink.addRoute(route));
        assertEquals("'ip -n " + ns.name + " -4 route add 198.51.100.0/24 dev spnl0 metric 5' failed: File exists",
                duplicate.getMessage());
        netlink.deleteRoute(route);
        final HostNetworkException missing = assertThrows(HostNetworkException.class, () -> netlink.deleteRoute(route));
        assertEquals("'ip -n " + ns.name + " -4 route del 198.51.100.0/24 dev spnl0 metric 5' failed: No such process",
                missing.getMessage());

        final HostNetworkException noDevice = assertThrows(HostNetworkException.class,
                () -> netlink.addRoute(Route.toDevice(IpPrefix.parse("198.51.100.0/24"), "nosuch0")));
        assertEquals("'ip -n " + ns.name + " -4 route add 198.51.100.0/24 dev nosuch0' failed: Cannot find device \"nosuch0\"",
                noDevice.getMessage());
        final HostNetworkException badGateway = assertThrows(HostNetworkException.class,
                () -> netlink.addRoute(Route.toDevice(IpPrefix.parse("198.51.100.0/24"), "spnl0").via(addr("203.0.113.1"))));
        assertEquals("'ip -n " + ns.name + " -4 route add 198.51.100.0/24 via 203.0.113.1 dev spnl0' failed: "
                + "Network is unreachable (Nexthop has invalid gateway)", badGateway.getMessage());

        netlink.addMarkRule(90, 300, 300);
        try {
            final HostNetworkException rule = assertThrows(HostNetworkException.class,
                    () -> netlink.addMarkRule(90, 300, 300));
            assertEquals("'ip -n " + ns.name + " -4 rule add priority 90 fwmark 300 lookup 300' failed: File exists",
                    rule.getMessage());
        } finally {
            netlink.deleteMarkRule(90, 300, 300);
        }
        final HostNetworkException noRule = assertThrows(HostNetworkException.class,
                () -> netlink.deleteMarkRule(90, 300, 300));
        assertTrue(noRule.getMessage().endsWith("failed: No such file or directory"), noRule.getMessage());
    }

    @Test
    @DisplayName("links go up and down, get addresses as ip gives them, and are deleted")
    void linksAndAddresses() {
        ns.run("ip", "-n", ns.name, "tuntap", "add", "spnl2", "mode", "tun");
        // No duplicate address detection: whether an IPv6 address still shows "tentative" is the kernel's timing.
        ns.run("ip", "netns", "exec", ns.name, "sysctl", "-qw", "net.ipv6.conf.spnl2.accept_dad=0");
        netlink.setLinkUp("spnl2", true);
        assertTrue(link("spnl2").orElseThrow().up());
        netlink.setLinkUp("spnl2", false);
        assertFalse(link("spnl2").orElseThrow().up());

        for (final HostAddress address : List.of(new HostAddress("spnl2", addr("198.18.99.5"), 30),
                new HostAddress("spnl2", addr("2001:db8:98::1"), 64))) {
            sameAsIp(address, netlink::addAddress,
                    a -> ns.run("ip", "-n", ns.name, "address", "del", a.address().getHostAddress() + "/" + a.prefixLength(),
                            "dev", a.device()),
                    ip::addAddress,
                    a -> ns.run("ip", "-n", ns.name, "address", "del", a.address().getHostAddress() + "/" + a.prefixLength(),
                            "dev", a.device()),
                    // "tentative" is left out: the link's down event may still be on its way through the
                    // kernel's address work when the first address is added (seen once on a loaded machine).
                    a -> ns.output("ip", "-n", ns.name, "-j", "address", "show", "dev", "spnl2", "to",
                            a.address().getHostAddress() + "/" + a.prefixLength()).replace("\"tentative\":true,", ""));
        }
        netlink.deleteLink("spnl2");
        assertEquals(Optional.empty(), link("spnl2"));
        final HostNetworkException gone = assertThrows(HostNetworkException.class, () -> netlink.deleteLink("spnl2"));
        assertEquals("'ip -n " + ns.name + " link del spnl2' failed: Cannot find device \"spnl2\"", gone.getMessage());
    }

    private Optional<LinkState> link(final String name) {
        return netlink.links().stream().filter(l -> l.name().equals(name)).findFirst();
    }

    @Test
    @DisplayName("the host's control uses rtnetlink when the socket opens, and says so")
    void theHostControlSaysWhichPathItUses() throws Exception {
        final StringBuilder said = new StringBuilder();
        final NetworkControl control = NetlinkNetworkControl.ofHost(said::append);
        assertTrue(control instanceof NetlinkNetworkControl, said.toString());
        assertTrue(said.toString().contains("over rtnetlink"), said.toString());
        ((NetlinkNetworkControl) control).close();
    }
}
