package io.sallyport.gateway.routing;

import io.sallyport.gateway.mgmt.ControlProtocol.Reply;
import io.sallyport.gateway.mgmt.OperationalCommand;
import io.sallyport.gateway.mgmt.OperationalCommand.Format;
import io.sallyport.gateway.mgmt.RoutingOperations;
import io.sallyport.gateway.ops.Display;
import io.sallyport.gateway.ops.Element;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The daemon's {@code show ospf neighbor}, {@code show ospf interface} and {@code show route
 * protocol ospf}: FRR's JSON answers ({@code vtysh -c '... json'} against the FRR
 * {@link FrrDaemons} started) in Junos layouts, Linux devices named by the Junos units they carry.
 * Without {@code protocols ospf} the OSPF commands print nothing, as on Junos.
 */
public final class FrrRouting implements RoutingOperations {
    private final FrrDaemons frr;

    public FrrRouting(FrrDaemons frr) {
        this.frr = frr;
    }

    @Override
    public Reply execute(OperationalCommand.RoutingQuery query) {
        return switch (query) {
            case OperationalCommand.ShowOspfNeighbor q -> ask(q.format(), "show ip ospf neighbor json",
                    (json, names) -> {
                        List<OspfNeighbor> n = FrrJson.neighbors(json, names);
                        return new Rendered(RoutingReports.neighborText(n), RoutingReports.neighborElement(n));
                    });
            case OperationalCommand.ShowOspfInterface q -> ask(q.format(), "show ip ospf interface json",
                    (json, names) -> {
                        List<OspfInterface> i = FrrJson.interfaces(json, names);
                        return new Rendered(RoutingReports.interfaceText(i), RoutingReports.interfaceElement(i));
                    });
            case OperationalCommand.ShowRoute q -> {
                if (!q.protocol().equals(Optional.of("ospf")) || !q.table().orElse("inet.0").equals("inet.0")) {
                    yield Reply.error("error: Sallyport shows only 'show route protocol ospf' (table inet.0)\n");
                }
                yield ask(q.format(), "show ip route json", (json, names) -> {
                    List<RouteTable> t = List.of(FrrJson.ospfRoutes(json, "inet.0", names));
                    return new Rendered(RoutingReports.routeText(t), RoutingReports.routeElement(t));
                });
            }
        };
    }

    private record Rendered(String text, Element element) {
    }

    private interface Answer {
        Rendered read(String json, UnaryOperator<String> junosNames);
    }

    private Reply ask(Format format, String command, Answer answer) {
        Optional<FrrConfig> config = frr.applied();
        if (config.isEmpty()) {
            return render(format, new Rendered("", answer.read("{}", UnaryOperator.identity()).element()));
        }
        if (!frr.running()) {
            return Reply.error("error: OSPF is configured but FRR is not running (see the commit warnings)\n");
        }
        try {
            return render(format, answer.read(frr.vtysh(command), config.get()::junosName));
        } catch (IOException | FrrJson.FrrJsonException e) {
            return Reply.error("error: FRR did not answer '" + command + "': " + e.getMessage() + "\n");
        }
    }

    private static Reply render(Format format, Rendered r) {
        Function<Element, String> display = switch (format) {
            case TEXT -> e -> r.text();
            case XML -> Display::xml;
            case JSON -> Display::json;
        };
        return Reply.ok(display.apply(r.element()));
    }
}
