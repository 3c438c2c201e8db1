package io.sallyport.gateway.routing;

import io.sallyport.gateway.mgmt.ControlProtocol.Reply;
import io.sallyport.gateway.mgmt.OperationalCommand.Format;
import io.sallyport.gateway.ops.Display;
import io.sallyport.gateway.ops.Element;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The daemon's {@code show ospf neighbor}, {@code show ospf interface} and the OSPF routes of
 * {@code show route}: FRR's JSON answers ({@code vtysh -c '... json'} against the FRR
 * {@link FrrDaemons} started) in Junos layouts, Linux devices named by the Junos units they carry.
 * Without {@code protocols ospf} the OSPF commands print nothing, as on Junos.
 */
public final class FrrRouting {
    private final FrrDaemons frr;

    public FrrRouting(FrrDaemons frr) {
        this.frr = frr;
    }

    /** {@code show ospf neighbor}. */
    public Reply neighbors(Format format) {
        return ask(format, "show ip ospf neighbor json", (json, names) -> {
            List<OspfNeighbor> n = FrrJson.neighbors(json, names);
            return new Rendered(RoutingReports.neighborText(n), RoutingReports.neighborElement(n));
        });
    }

    /** {@code show ospf interface}. */
    public Reply interfaces(Format format) {
        return ask(format, "show ip ospf interface json", (json, names) -> {
            List<OspfInterface> i = FrrJson.interfaces(json, names);
            return new Rendered(RoutingReports.interfaceText(i), RoutingReports.interfaceElement(i));
        });
    }

    /**
     * FRR's OSPF routes ({@code show ip route json}) for {@code inet.0}, devices named by their
     * units; empty when {@code protocols ospf} is not committed.
     *
     * @throws IOException when OSPF is configured but FRR is not running or does not answer
     */
    public Optional<List<RouteEntry>> ospfRoutes() throws IOException {
        Optional<FrrConfig> config = frr.applied();
        if (config.isEmpty()) {
            return Optional.empty();
        }
        if (!frr.running()) {
            throw new IOException("OSPF is configured but FRR is not running (see the commit warnings)");
        }
        String command = "show ip route json";
        try {
            return Optional.of(FrrJson.ospfRoutes(frr.vtysh(command), "inet.0", config.get()::junosName).entries());
        } catch (IOException | FrrJson.FrrJsonException e) {
            throw new IOException("FRR did not answer '" + command + "': " + e.getMessage(), e);
        }
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
