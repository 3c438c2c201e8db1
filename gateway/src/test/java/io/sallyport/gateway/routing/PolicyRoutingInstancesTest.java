package io.sallyport.gateway.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sallyport.config.ConfigText;
import io.sallyport.config.check.CheckResult;
import io.sallyport.config.check.CommitCheck;
import io.sallyport.config.model.Configuration;
import io.sallyport.gateway.mgmt.OperationalCommand.Format;
import io.sallyport.gateway.mgmt.OperationalCommand.ShowRoute;
import io.sallyport.gateway.plan.GatewayPlan;
import io.sallyport.gateway.plan.InsideDevice;
import io.sallyport.gateway.plan.InstanceTables;
import io.sallyport.gateway.plan.Planner;
import io.sallyport.net.IpPrefix;
import io.sallyport.net.PolicyRule;
import io.sallyport.net.Route;
import io.sallyport.net.virtual.VirtualNetworkControl;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Reference §5.3's VRF as policy routing, on a virtual host. */
class PolicyRoutingInstancesTest {

    @Test
    void referenceVrfIsATableWithRulesByIncomingInterface() throws Exception {
        String text = Files.readString(Path.of("../examples/vrf-static/router1.conf"))
                .replace("local-gateway 10.27.0.1;", "local-gateway 10.27.0.1 routing-instance vrf-a;")
                // The outside unit has no device: in an instance it draws no warning (its local gateway's mark is its instance).
                .replace(" interface ms-1/2/0.1;", " interface ms-1/2/0.1;\n        interface ms-1/2/0.2;")
                .replace("route 10.3.0.0/16 next-hop ms-1/2/0.1;", "route 10.3.0.0/16 next-hop ms-1/2/0.1;\n"
                        + "route 10.9.0.0/16 next-hop 10.2.1.254;");
        Configuration c = configuration(text);
        GatewayPlan plan = new Planner(a -> true).plan(c);
        InsideDevice inside = plan.serviceSets().getFirst().devices().getFirst();
        assertEquals(2000, inside.table(), "the static route into the inside unit goes in vrf-a's table");
        assertEquals(List.of(IpPrefix.parse("10.3.0.0/16")), inside.routedPrefixes());
        assertTrue(plan.warnings().stream().noneMatch(w -> w.contains("main table")), plan.warnings().toString());
        assertEquals(Map.of(InetAddress.ofLiteral("10.27.0.1"), 2000), InstanceTables.localGatewayMarks(c));

        VirtualNetworkControl host = new VirtualNetworkControl();
        host.addLink("eth1", 1500);
        host.addAddress(new io.sallyport.net.HostAddress("eth1", InetAddress.ofLiteral("10.2.1.1"), 24));
        host.addLink("ms-1_2_0.1", 1400);
        PolicyRoutingInstances instances = new PolicyRoutingInstances(host, () -> 100, false);
        assertEquals(List.of(), instances.apply(c, plan, host.addresses()));
        assertTrue(host.rules().containsAll(List.of(
                new PolicyRule(1500, Optional.empty(), Optional.empty(), Optional.of("eth1"), 2000),
                new PolicyRule(1500, Optional.empty(), Optional.empty(), Optional.of("ms-1_2_0.1"), 2000))), host.rules().toString());
        assertTrue(host.routes().containsAll(List.of(
                Route.toDevice(IpPrefix.parse("10.2.1.0/24"), "eth1").inTable(2000),
                Route.toDevice(IpPrefix.parse("10.9.0.0/16"), "eth1").via(InetAddress.ofLiteral("10.2.1.254")).inTable(2000),
                Route.unreachable(IpPrefix.parse("0.0.0.0/0"), 2000))),
                host.routes().toString());
        // What vrf-a has no route for ends in vrf-a's table: it never falls through to the main table.
        host.addRoute(Route.toDevice(IpPrefix.parse("0.0.0.0/0"), "eth1").via(InetAddress.ofLiteral("10.2.1.254")));
        assertTrue(host.lookup(InetAddress.ofLiteral("192.0.2.99"), 2000).orElseThrow().isUnreachable());
        assertTrue(instances.mechanism().contains("the kernel has no VRF driver"));
        String table = RoutingReports.routeText(List.of(instances.table("vrf-a").orElseThrow()));
        assertTrue(table.contains("10.9.0.0/16        *[Static/5] 00:00:00\n                    >  to 10.2.1.254 via ge-1/0/0.0\n"), table);

        // Applying again changes nothing; closing removes what was added.
        assertEquals(List.of(), instances.apply(c, plan, host.addresses()));
        assertEquals(2, host.rules().size());
        instances.close();
        assertEquals(List.of(), host.rules());
        assertTrue(host.routes().stream().noneMatch(r -> r.table() == 2000), host.routes().toString());
    }

    @Test
    void showRouteListsTheMainTableFromTheKernelThenEachInstance() throws Exception {
        Configuration c = configuration(Files.readString(Path.of("../examples/vrf-static/router1.conf")));
        GatewayPlan plan = new Planner(a -> true).plan(c);
        VirtualNetworkControl host = new VirtualNetworkControl();
        host.addLink("eth0", 1500);
        host.addLink("eth1", 1500);
        host.addAddress(new io.sallyport.net.HostAddress("eth0", InetAddress.ofLiteral("10.27.0.1"), 30));
        host.addAddress(new io.sallyport.net.HostAddress("eth1", InetAddress.ofLiteral("10.2.1.1"), 24));
        host.addLink("ms-1_2_0.1", 1400);
        PolicyRoutingInstances instances = new PolicyRoutingInstances(host, () -> 0, false);
        instances.apply(c, plan, host.addresses());
        // What the kernel would list for this host: eth1's network is also in main (Linux adds it), but
        // eth1 is vrf-a's, so inet.0 leaves it to vrf-a.inet.0.
        String kernel = """
                [{"dst":"10.27.0.0/30","dev":"eth0","protocol":"kernel","scope":"link","prefsrc":"10.27.0.1","flags":[]},
                 {"dst":"10.2.1.0/24","dev":"eth1","protocol":"kernel","scope":"link","prefsrc":"10.2.1.1","flags":[]},
                 {"type":"local","dst":"10.27.0.1","dev":"eth0","table":"local","protocol":"kernel","scope":"host","prefsrc":"10.27.0.1","flags":[]},
                 {"type":"local","dst":"10.2.1.1","dev":"eth1","table":"local","protocol":"kernel","scope":"host","prefsrc":"10.2.1.1","flags":[]}]
                """;
        RoutingCommands commands = new RoutingCommands(Optional.empty(), instances,
                Optional.of(new MainRoutes(() -> kernel, () -> 0)));
        String all = commands.execute(new ShowRoute(Optional.empty(),
                Optional.empty(), Format.TEXT)).text();
        assertEquals("""

                inet.0: 2 destinations, 2 routes (2 active, 0 holddown, 0 hidden)
                + = Active Route, - = Last Active, * = Both

                10.27.0.0/30       *[Direct/0] 00:00:00
                                    >  via ge-1/0/1.0
                10.27.0.1/32       *[Local/0] 00:00:00
                                      Local via ge-1/0/1.0

                vrf-a.inet.0: 3 destinations, 3 routes (3 active, 0 holddown, 0 hidden)
                + = Active Route, - = Last Active, * = Both

                10.2.1.0/24        *[Direct/0] 00:00:00
                                    >  via ge-1/0/0.0
                10.2.1.1/32        *[Local/0] 00:00:00
                                      Local via ge-1/0/0.0
                10.3.0.0/16        *[Static/5] 00:00:00
                                    >  via ms-1/2/0.1
                """, all);
        String statics = commands.execute(new ShowRoute(Optional.of("static"), Optional.empty(), Format.TEXT)).text();
        assertTrue(statics.startsWith("\nvrf-a.inet.0: 3 destinations") && !statics.contains("inet.0: 2"), statics);
        String main = commands.execute(new ShowRoute(Optional.of("direct"),
                Optional.of("inet.0"), Format.TEXT)).text();
        assertTrue(main.contains("10.27.0.0/30") && !main.contains("Local") && !main.contains("vrf-a"), main);
        // The lab has no kernel: its main table is its own show route NODE.
        RoutingCommands lab = new RoutingCommands(Optional.empty(), instances, Optional.empty());
        assertTrue(!lab.execute(new ShowRoute(Optional.empty(), Optional.of("inet.0"),
                Format.TEXT)).ok());
        instances.close();
    }

    @Test
    void theVrfDriverIsFoundLoadedOrAsAModule(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path sys = Files.createDirectories(dir.resolve("sys/module"));
        Path dep = dir.resolve("modules.dep");
        assertEquals(false, PolicyRoutingInstances.vrfDriver(sys, dep), "neither loaded nor listed");
        Files.writeString(dep, "kernel/drivers/net/dummy.ko.zst:\nkernel/drivers/net/vrfx.ko:\n");
        assertEquals(false, PolicyRoutingInstances.vrfDriver(sys, dep));
        Files.writeString(dep, "kernel/drivers/net/dummy.ko.zst:\nkernel/drivers/net/vrf.ko.zst:\n");
        assertEquals(true, PolicyRoutingInstances.vrfDriver(sys, dep), "a module the kernel can load");
        Files.createDirectories(sys.resolve("vrf"));
        assertEquals(true, PolicyRoutingInstances.vrfDriver(sys, dir.resolve("absent")), "loaded or built in");
    }

    private static Configuration configuration(String text) throws Exception {
        CheckResult r = CommitCheck.check(ConfigText.parse(text));
        return r.configuration().orElseThrow(() -> new AssertionError(r.render()));
    }
}
