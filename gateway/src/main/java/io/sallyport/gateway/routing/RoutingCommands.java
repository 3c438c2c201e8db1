package io.sallyport.gateway.routing;

import io.sallyport.gateway.mgmt.ControlProtocol.Reply;
import io.sallyport.gateway.mgmt.OperationalCommand;
import io.sallyport.gateway.mgmt.RoutingOperations;
import io.sallyport.gateway.ops.Display;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The routing show commands of a gateway. {@code show ospf ...} from FRR where it runs
 * ({@link FrrRouting}; the in-JVM lab has none). {@code show route [table T] [protocol P]}:
 * {@code inet.0} is the kernel's main table ({@link MainRoutes}, with FRR's OSPF routes), each
 * {@code NAME.inet.0} what Sallyport installed for the instance ({@link PolicyRoutingInstances});
 * without {@code table}, {@code inet.0} and then every instance's table by name, as Junos lists
 * them. A protocol filter keeps the tables' whole counts and leaves out tables with no route of it.
 */
public final class RoutingCommands implements RoutingOperations {
    private final Optional<FrrRouting> frr;
    private final PolicyRoutingInstances instances;
    private final Optional<MainRoutes> main;

    /**
     * @param main the host's main table; empty in the lab, whose main table is its own
     *             {@code show route NODE}
     */
    public RoutingCommands(Optional<FrrRouting> frr, PolicyRoutingInstances instances, Optional<MainRoutes> main) {
        this.frr = frr;
        this.instances = instances;
        this.main = main;
    }

    @Override
    public Reply execute(OperationalCommand.RoutingQuery query) {
        return switch (query) {
            case OperationalCommand.ShowOspfNeighbor q -> frr.map(f -> f.neighbors(q.format())).orElseGet(RoutingCommands::noOspf);
            case OperationalCommand.ShowOspfInterface q -> frr.map(f -> f.interfaces(q.format())).orElseGet(RoutingCommands::noOspf);
            case OperationalCommand.ShowRoute q -> route(q);
        };
    }

    @Override
    public Optional<String> instancesMechanism() {
        return instances.installed().isEmpty() ? Optional.empty() : Optional.of(instances.mechanism());
    }

    private static Reply noOspf() {
        return Reply.error("error: OSPF does not run here (it needs FRR, which the in-JVM lab does not run)\n");
    }

    private Reply route(OperationalCommand.ShowRoute r) {
        Optional<String> table = r.table();
        boolean ospfOnly = r.protocol().equals(Optional.of("ospf"));
        List<RouteTable> tables = new ArrayList<>();
        if (table.isEmpty() || table.get().equals("inet.0")) {
            if (main.isEmpty()) {
                if (ospfOnly) {
                    return noOspf();
                }
                if (table.isPresent()) {
                    return Reply.error("error: the lab shows a router's main table with 'show route NODE';"
                            + " 'show route table NAME.inet.0' shows a routing instance's\n");
                }
            } else {
                try {
                    tables.add(main.get().table(instances.names(), ospfRoutes(ospfOnly)));
                } catch (IOException e) {
                    return Reply.error("error: " + e.getMessage() + "\n");
                }
            }
        }
        if (table.isPresent() && !table.get().equals("inet.0")) {
            String name = table.get().substring(0, table.get().length() - ".inet.0".length());
            Optional<RouteTable> t = instances.table(name);
            if (t.isEmpty()) {
                return Reply.error("error: no routing table " + table.get() + " (no routing-instances " + name
                        + " { instance-type vrf; } is committed)\n");
            }
            tables.add(t.get());
        } else if (table.isEmpty()) {
            instances.installed().stream().map(PolicyRoutingInstances.InstanceRoutes::name).sorted(Comparator.naturalOrder())
                    .forEach(name -> instances.table(name).ifPresent(tables::add));
        }
        List<RouteTable> shown = tables.stream().map(t -> new RouteTable(t.name(), t.destinations(), t.routes(),
                t.activeRoutes(), t.entries().stream()
                        .filter(e -> r.protocol().map(p -> p.equalsIgnoreCase(e.protocol())).orElse(true)).toList()))
                .toList();
        return Reply.ok(switch (r.format()) {
            case TEXT -> RoutingReports.routeText(shown);
            case XML -> Display.xml(RoutingReports.routeElement(shown));
            case JSON -> Display.json(RoutingReports.routeElement(shown));
        });
    }

    /**
     * FRR's OSPF routes; empty without {@code protocols ospf}, or when FRR does not answer and the
     * kernel's copies will do (only {@code protocol ospf} insists on FRR).
     */
    private Optional<List<RouteEntry>> ospfRoutes(boolean insist) throws IOException {
        if (frr.isEmpty()) {
            return Optional.empty();
        }
        try {
            return frr.get().ospfRoutes();
        } catch (IOException e) {
            if (insist) {
                throw e;
            }
            return Optional.empty();
        }
    }
}
