package io.sallyport.gateway.routing;

import io.sallyport.gateway.mgmt.ControlProtocol.Reply;
import io.sallyport.gateway.mgmt.OperationalCommand;
import io.sallyport.gateway.mgmt.RoutingOperations;
import io.sallyport.gateway.ops.Display;
import java.util.List;
import java.util.Optional;

/**
 * The routing show commands of a gateway: {@code show ospf ...} and {@code show route protocol
 * ospf} from FRR where it runs ({@link FrrRouting}; the in-JVM lab has none), {@code show route
 * table NAME.inet.0 [protocol static]} from the routing instances Sallyport installed.
 */
public final class RoutingCommands implements RoutingOperations {
    private final Optional<FrrRouting> frr;
    private final PolicyRoutingInstances instances;

    public RoutingCommands(Optional<FrrRouting> frr, PolicyRoutingInstances instances) {
        this.frr = frr;
        this.instances = instances;
    }

    @Override
    public Reply execute(OperationalCommand.RoutingQuery query) {
        if (query instanceof OperationalCommand.ShowRoute r && r.table().isPresent() && !r.table().get().equals("inet.0")) {
            return instanceTable(r);
        }
        return frr.map(f -> f.execute(query)).orElseGet(() -> Reply.error(
                "error: OSPF does not run here (it needs FRR, which the in-JVM lab does not run)\n"));
    }

    @Override
    public Optional<String> instancesMechanism() {
        return instances.installed().isEmpty() ? Optional.empty() : Optional.of(instances.mechanism());
    }

    private Reply instanceTable(OperationalCommand.ShowRoute r) {
        String table = r.table().orElseThrow();
        String name = table.substring(0, table.length() - ".inet.0".length());
        Optional<RouteTable> t = instances.table(name);
        if (t.isEmpty()) {
            return Reply.error("error: no routing table " + table + " (no routing-instances " + name
                    + " { instance-type vrf; } is committed)\n");
        }
        RouteTable all = t.get();
        List<RouteEntry> shown = all.entries().stream()
                .filter(e -> r.protocol().map(p -> p.equalsIgnoreCase(e.protocol())).orElse(true)).toList();
        List<RouteTable> tables = List.of(new RouteTable(all.name(), all.destinations(), all.routes(), all.activeRoutes(), shown));
        return Reply.ok(switch (r.format()) {
            case TEXT -> RoutingReports.routeText(tables);
            case XML -> Display.xml(RoutingReports.routeElement(tables));
            case JSON -> Display.json(RoutingReports.routeElement(tables));
        });
    }
}
