package io.sallyport.gateway.ops;

import java.util.List;
import java.util.Optional;

/**
 * {@code show services service-sets} (Sallyport's own: Junos has no such view of an IPsec set):
 * each set's state and device, how many of its tunnels have SAs installed, and why each tunnel
 * that has none is down. A set is "Up" when its devices and sockets are; its tunnels say whether
 * anything negotiated.
 */
public final class ServiceSetsReport {

    private ServiceSetsReport() {
    }

    /**
     * One service set. {@code downReason} null when up; {@code devicesRecreated}: how often the host
     * deleted one of its devices and the gateway created it again; {@code tunnels} in tunnel-index order.
     */
    public record SetView(String name, String insideInterface, String device, String downReason,
                          long packetsMatchingNoTunnel, int devicesRecreated, List<TunnelLine> tunnels, Optional<DynamicPeers> dynamic) {
        public SetView {
            tunnels = List.copyOf(tunnels);
        }

        long tunnelsUp() {
            return tunnels.stream().filter(t -> t.downReason() == null).count();
        }
    }

    /**
     * A set's dynamic endpoints ({@code ike-access-profile}): its tunnels are among the set's while
     * each peer is connected; {@code problem} null when peers can connect.
     */
    public record DynamicPeers(String profile, List<String> units, boolean dedicated, String problem, List<Refusal> refused) {
        public DynamicPeers {
            units = List.copyOf(units);
            refused = List.copyOf(refused);
        }
    }

    /**
     * A dynamic peer refused or lost {@code secondsAgo} (shown as "gone"), with why; or, with
     * {@code ikeSaKept}, only a child SA it asked for refused while its IKE SA stays.
     */
    public record Refusal(String peer, long secondsAgo, boolean ikeSaKept, String reason) {
    }

    /** One tunnel: {@code downReason} null when an SA pair is installed. */
    public record TunnelLine(int tunnelIndex, String rule, String term, String remoteGateway, String downReason) {
    }

    /**
     * @param dataPath   how the host moves packets (batching, offloads, fallbacks), fixed at start
     * @param pathCounts the data path's live counts, a line each, shown indented under it
     */
    public static String text(List<SetView> sets, String dataPath, List<String> pathCounts, List<String> warnings) {
        StringBuilder out = new StringBuilder();
        out.append(String.format("%-20s%-16s%-16s%-8s%-12s%-10s%s%n", "Service set", "Inside unit", "Device", "State",
                "Tunnels up", "No tunnel", "Reason"));
        for (SetView s : sets) {
            out.append(String.format("%-20s%-16s%-16s%-8s%-12s%-10d%s%n", s.name(), s.insideInterface(), s.device(),
                    s.downReason() == null ? "Up" : "Down", s.tunnelsUp() + "/" + s.tunnels().size(),
                    s.packetsMatchingNoTunnel(), s.downReason() == null ? "" : s.downReason()));
            if (s.devicesRecreated() > 0) {
                out.append("  Devices recreated after the host deleted them: ").append(s.devicesRecreated()).append('\n');
            }
            for (TunnelLine t : s.tunnels()) {
                if (t.downReason() != null) {
                    out.append("  Tunnel ").append(t.tunnelIndex()).append(" (").append(t.rule()).append('/')
                            .append(t.term()).append(") to ").append(t.remoteGateway()).append(": down: ")
                            .append(t.downReason()).append('\n');
                }
            }
            s.dynamic().ifPresent(d -> {
                out.append("  Dynamic peers: access profile ").append(d.profile()).append(", ")
                        .append(d.dedicated() ? "dedicated units " : "shared unit ").append(String.join(" ", d.units()))
                        .append(d.problem() == null ? "" : ": down: " + d.problem()).append('\n');
                for (Refusal r : d.refused()) {
                    out.append("    Peer ").append(r.peer()).append(r.ikeSaKept() ? " child SA refused" : " gone")
                            .append(" (").append(r.secondsAgo()).append(" s ago").append(r.ikeSaKept() ? ", its IKE SA kept" : "")
                            .append("): ").append(r.reason()).append('\n');
                }
            });
        }
        out.append("Data path: ").append(dataPath).append('\n');
        for (String line : pathCounts) {
            out.append("  ").append(line).append('\n');
        }
        for (String w : warnings) {
            out.append("warning: ").append(w).append('\n');
        }
        return out.toString();
    }

    public static Element element(List<SetView> sets, String dataPath, List<String> pathCounts) {
        Element.Builder root = Element.builder("service-set-information");
        root.leaf("data-path", dataPath);
        for (String line : pathCounts) {
            root.leaf("data-path-count", line);
        }
        for (SetView s : sets) {
            Element.Builder set = Element.builder("service-set")
                    .leaf("service-set-name", s.name())
                    .leaf("inside-interface", s.insideInterface())
                    .leaf("device", s.device())
                    .leaf("state", s.downReason() == null ? "up" : "down")
                    .leaf("tunnels-up", s.tunnelsUp())
                    .leaf("tunnels-configured", s.tunnels().size())
                    .leaf("packets-matching-no-tunnel", s.packetsMatchingNoTunnel())
                    .leaf("devices-recreated", s.devicesRecreated())
                    .leaf("down-reason", s.downReason());
            for (TunnelLine t : s.tunnels()) {
                set.add(Element.builder("tunnel")
                        .leaf("tunnel-index", t.tunnelIndex())
                        .leaf("rule-name", t.rule())
                        .leaf("term-name", t.term())
                        .leaf("remote-gateway", t.remoteGateway())
                        .leaf("state", t.downReason() == null ? "up" : "down")
                        .leaf("down-reason", t.downReason())
                        .build());
            }
            s.dynamic().ifPresent(d -> {
                Element.Builder dyn = Element.builder("dynamic-peers")
                        .leaf("access-profile", d.profile())
                        .leaf("unit-mode", d.dedicated() ? "dedicated" : "shared")
                        .leaf("units", String.join(" ", d.units()))
                        .leaf("down-reason", d.problem());
                for (Refusal r : d.refused()) {
                    dyn.add(Element.builder(r.ikeSaKept() ? "refused-child-sa" : "gone-peer").leaf("peer-address", r.peer())
                            .leaf("seconds-ago", r.secondsAgo()).leaf("reason", r.reason()).build());
                }
                set.add(dyn.build());
            });
            root.add(set.build());
        }
        return root.build();
    }
}
