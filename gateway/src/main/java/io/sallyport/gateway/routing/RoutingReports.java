package io.sallyport.gateway.routing;

import io.sallyport.gateway.ops.Element;
import java.util.List;

/**
 * The Junos layouts of {@code show ospf neighbor}, {@code show ospf interface} and {@code show
 * route}: text, and the element tree {@code | display xml|json} renders (Junos's tags).
 */
public final class RoutingReports {

    private RoutingReports() {}

    public static String neighborText(List<OspfNeighbor> neighbors) {
        if (neighbors.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder(
                "Address          Interface              State     ID               Pri  Dead\n");
        for (OspfNeighbor n : neighbors) {
            out.append(String.format("%-16s %-22s %-9s %-16s %3d %5d%n", n.address(), n.interfaceName(), n.state(),
                    n.id(), n.priority(), n.deadSeconds()));
        }
        return out.toString();
    }

    public static Element neighborElement(List<OspfNeighbor> neighbors) {
        Element.Builder root = Element.builder("ospf-neighbor-information");
        for (OspfNeighbor n : neighbors) {
            root.add(Element.builder("ospf-neighbor")
                    .leaf("neighbor-address", n.address())
                    .leaf("interface-name", n.interfaceName())
                    .leaf("ospf-neighbor-state", n.state())
                    .leaf("neighbor-id", n.id())
                    .leaf("neighbor-priority", n.priority())
                    .leaf("activity-timer", n.deadSeconds())
                    .build());
        }
        return root.build();
    }

    public static String interfaceText(List<OspfInterface> interfaces) {
        if (interfaces.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder(
                "Interface           State   Area            DR ID           BDR ID          Nbrs\n");
        for (OspfInterface i : interfaces) {
            out.append(String.format("%-19s %-7s %-15s %-15s %-15s %4d%n", i.name(), i.state(), i.area(), i.drId(),
                    i.bdrId(), i.neighbors()));
        }
        return out.toString();
    }

    public static Element interfaceElement(List<OspfInterface> interfaces) {
        Element.Builder root = Element.builder("ospf-interface-information");
        for (OspfInterface i : interfaces) {
            root.add(Element.builder("ospf-interface")
                    .leaf("interface-name", i.name())
                    .leaf("ospf-interface-state", i.state())
                    .leaf("ospf-area", i.area())
                    .leaf("dr-id", i.drId())
                    .leaf("bdr-id", i.bdrId())
                    .leaf("neighbor-count", i.neighbors())
                    .build());
        }
        return root.build();
    }

    /** Tables without a route to show are left out, as Junos leaves them out of a filtered {@code show route}. */
    public static String routeText(List<RouteTable> tables) {
        StringBuilder out = new StringBuilder();
        for (RouteTable t : tables) {
            if (t.entries().isEmpty()) {
                continue;
            }
            out.append('\n').append(t.name()).append(": ").append(t.destinations()).append(" destinations, ")
                    .append(t.routes()).append(" routes (").append(t.activeRoutes()).append(" active, 0 holddown, 0 hidden)\n")
                    .append("+ = Active Route, - = Last Active, * = Both\n\n");
            String last = null;
            for (RouteEntry r : t.entries()) {
                String destination = r.destination().equals(last) ? "" : r.destination();
                last = r.destination();
                StringBuilder line = new StringBuilder(String.format("%-18s %s[%s/%d]", destination,
                        r.active() ? "*" : " ", r.protocol(), r.preference()));
                if (!r.age().isEmpty()) {
                    line.append(' ').append(r.age());
                }
                r.metric().ifPresent(m -> line.append(", metric ").append(m));
                out.append(line).append('\n');
                for (RouteEntry.NextHop h : r.nextHops()) {
                    if (r.protocol().equals("Local")) {
                        out.append(" ".repeat(22)).append("Local via ").append(h.via()).append('\n');
                        continue;
                    }
                    out.append(" ".repeat(20)).append(h.selected() ? '>' : ' ').append(' ')
                            .append(h.to().isEmpty() ? "" : " to " + h.to()).append(" via ").append(h.via()).append('\n');
                }
            }
        }
        return out.toString();
    }

    public static Element routeElement(List<RouteTable> tables) {
        Element.Builder root = Element.builder("route-information");
        for (RouteTable t : tables) {
            if (t.entries().isEmpty()) {
                continue;
            }
            Element.Builder table = Element.builder("route-table")
                    .leaf("table-name", t.name())
                    .leaf("destination-count", t.destinations())
                    .leaf("total-route-count", t.routes())
                    .leaf("active-route-count", t.activeRoutes())
                    .leaf("holddown-route-count", 0)
                    .leaf("hidden-route-count", 0);
            for (RouteEntry r : t.entries()) {
                Element.Builder entry = Element.builder("rt-entry")
                        .leaf("active-tag", r.active() ? "*" : " ")
                        .leaf("protocol-name", r.protocol())
                        .leaf("preference", r.preference())
                        .leaf("age", r.age().isEmpty() ? null : r.age())
                        .leaf("metric", r.metric().isPresent() ? r.metric().getAsLong() : null);
                for (RouteEntry.NextHop h : r.nextHops()) {
                    Element.Builder nh = Element.builder("nh");
                    if (h.selected()) {
                        nh.leaf("selected-next-hop", "");
                    }
                    entry.add(nh.leaf("to", h.to().isEmpty() ? null : h.to()).leaf("via", h.via()).build());
                }
                table.add(Element.builder("rt").leaf("rt-destination", r.destination()).add(entry.build()).build());
            }
            root.add(table.build());
        }
        return root.build();
    }
}
