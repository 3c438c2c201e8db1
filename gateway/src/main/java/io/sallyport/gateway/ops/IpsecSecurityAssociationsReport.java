package io.sallyport.gateway.ops;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code show services ipsec-vpn ipsec security-associations [brief|detail]} (reference §4.4). */
public final class IpsecSecurityAssociationsReport {

    private IpsecSecurityAssociationsReport() {
    }

    public static String brief(List<IpsecTunnelView> tunnels, boolean hexSpi) {
        StringBuilder out = new StringBuilder();
        bySet(tunnels).forEach((set, list) -> {
            header(list.getFirst(), out);
            for (IpsecTunnelView t : list) {
                tunnelHead(t, false, false, out);
                out.append(String.format("    %-10s%-12s%-12s%-11s%-9s%s%n",
                        "Direction", "SPI", "AUX-SPI", "Mode", "Type", "Protocol"));
                for (IpsecSaView sa : t.sas()) {
                    out.append(String.format("    %-10s%-12s%-12s%-11s%-9s%s%n", sa.direction(),
                            spi(sa.spi(), hexSpi), "0", "tunnel", sa.type(), sa.protocol()));
                }
                out.append('\n');
            }
        });
        return out.toString();
    }

    public static String detail(List<IpsecTunnelView> tunnels, boolean hexSpi) {
        return detail(tunnels, hexSpi, false);
    }

    /** Extensive: detail plus each tunnel's redundancy block (backup-remote-gateway). */
    public static String extensive(List<IpsecTunnelView> tunnels, boolean hexSpi) {
        return detail(tunnels, hexSpi, true);
    }

    private static String detail(List<IpsecTunnelView> tunnels, boolean hexSpi, boolean extensive) {
        StringBuilder out = new StringBuilder();
        bySet(tunnels).forEach((set, list) -> {
            header(list.getFirst(), out);
            for (IpsecTunnelView t : list) {
                tunnelHead(t, true, extensive, out);
                if (extensive && t.redundancy() != null) {
                    IpsecTunnelView.Redundancy r = t.redundancy();
                    out.append("  Tunnel redundancy:\n");
                    out.append("    Primary remote gateway: ").append(r.primary()).append(", State: ")
                            .append(r.primaryActive() ? "Active" : "Standby").append('\n');
                    out.append("    Backup remote gateway: ").append(r.backup()).append(", State: ")
                            .append(r.primaryActive() ? "Standby" : "Active").append('\n');
                    out.append("    Failover counter: ").append(r.failovers()).append("\n\n");
                }
                for (IpsecSaView sa : t.sas()) {
                    out.append("    Direction: ").append(sa.direction()).append(", SPI: ")
                            .append(spi(sa.spi(), hexSpi)).append(", AUX-SPI: 0\n");
                    out.append("    Mode: tunnel, Type: ").append(sa.type()).append(", State: ")
                            .append(sa.installed() ? "Installed" : "Not installed").append('\n');
                    out.append("    Protocol: ").append(sa.protocol()).append(", Authentication: ")
                            .append(sa.authenticationAlgorithm()).append(", Encryption: ")
                            .append(sa.encryptionAlgorithm()).append('\n');
                    out.append("    Soft lifetime: ").append(lifetime(sa.softLifetimeSeconds())).append('\n');
                    out.append("    Hard lifetime: ").append(lifetime(sa.hardLifetimeSeconds())).append('\n');
                    // The line keeps its shape with anti-replay off, so scripts read the same fields.
                    out.append("    Anti-replay service: ").append(sa.antiReplay() ? "Enabled" : "Disabled")
                            .append(", Replay window size: ").append(sa.antiReplay() ? sa.replayWindowSize() : 0)
                            .append('\n');
                    out.append("    Copy ToS from inner IP header: ").append(sa.copyTos() ? "Enabled"
                            : "Disabled, ToS value: " + sa.tosValue()).append('\n');
                    out.append("    Copy TTL from inner IP header: ").append(sa.copyTtl() ? "Enabled"
                            : "Disabled, TTL value: " + sa.ttlValue()).append("\n\n");
                }
            }
        });
        return out.toString();
    }

    private static void header(IpsecTunnelView t, StringBuilder out) {
        out.append("Service set: ").append(t.serviceSet()).append(", IKE Routing-instance: ")
                .append(t.routingInstance()).append("\n\n");
    }

    /** {@code extensive} adds why a tunnel without SAs is down (not a Junos line: kept out of brief and detail). */
    private static void tunnelHead(IpsecTunnelView t, boolean detail, boolean extensive, StringBuilder out) {
        out.append("  Rule: ").append(t.rule()).append(", Term: ").append(t.term())
                .append(", Tunnel index: ").append(t.tunnelIndex()).append('\n');
        out.append("  Local gateway: ").append(t.localGateway()).append(", Remote gateway: ")
                .append(t.remoteGateway()).append('\n');
        if (detail) {
            out.append("  IPSec inside interface: ").append(t.insideInterface())
                    .append(", Tunnel MTU: ").append(t.tunnelMtu()).append('\n');
            out.append("  UDP encapsulate: ").append(t.udpEncapsulate() ? "Enabled" : "Disabled")
                    .append(", UDP Destination port: ").append(t.udpDestinationPort()).append('\n');
        }
        out.append("  Local identity: ").append(t.localIdentity()).append('\n');
        out.append("  Remote identity: ").append(t.remoteIdentity()).append('\n');
        if (extensive && t.downReason() != null) {
            out.append("  Tunnel down: ").append(t.downReason()).append('\n');
        }
        out.append('\n');
    }

    private static Map<String, List<IpsecTunnelView>> bySet(List<IpsecTunnelView> tunnels) {
        Map<String, List<IpsecTunnelView>> sets = new LinkedHashMap<>();
        for (IpsecTunnelView t : tunnels) {
            sets.computeIfAbsent(t.serviceSet(), s -> new java.util.ArrayList<>()).add(t);
        }
        return sets;
    }

    private static String spi(long spi, boolean hex) {
        return hex ? String.format("%08x", spi) : Long.toString(spi);
    }

    private static String lifetime(long seconds) {
        return "Expires in " + Math.max(0, seconds) + " seconds";
    }

    public static Element element(List<IpsecTunnelView> tunnels) {
        Element.Builder root = Element.builder("services-security-associations-information");
        if (tunnels.isEmpty()) {
            root.leaf("sa-no-information", "No security associations found");
        }
        for (IpsecTunnelView t : tunnels) {
            Element.Builder block = Element.builder("services-security-associations-block")
                    .leaf("svc-set-name", t.serviceSet())
                    .leaf("outside-service-interface-routing-instance", t.routingInstance());
            block.add(Element.builder("sa-tunnel-information")
                    .leaf("sa-rule-name", t.rule())
                    .leaf("sa-term-name", t.term())
                    .leaf("sa-tunnel-index", t.tunnelIndex())
                    .leaf("sa-local-gateway", t.localGateway())
                    .leaf("sa-remote-gateway", t.remoteGateway())
                    .leaf("sa-inside-interface", t.insideInterface())
                    .leaf("sa-tunnel-mtu", t.tunnelMtu())
                    .leaf("sa-udp-encapsulate", t.udpEncapsulate() ? "Enabled" : "Disabled")
                    .leaf("sa-udp-dst-port", t.udpDestinationPort())
                    .leaf("sa-local-identity", t.localIdentity())
                    .leaf("sa-remote-identity", t.remoteIdentity())
                    .build());
            if (t.redundancy() != null) {
                IpsecTunnelView.Redundancy r = t.redundancy();
                block.add(Element.builder("tunnel-redundancy-extensive")
                        .leaf("ipsec-tunnel-redundancy-primary-remote-address", r.primary())
                        .leaf("ipsec-redundancy-primary-state", r.primaryActive() ? "active" : "standby")
                        .leaf("ipsec-redundancy-counter", r.failovers())
                        .leaf("ipsec-tunnel-redundancy-backup-remote-address", r.backup())
                        .leaf("ipsec-redundancy-backup-state", r.primaryActive() ? "standby" : "active")
                        .build());
            }
            for (IpsecSaView sa : t.sas()) {
                block.add(Element.builder("security-associations")
                        .leaf("sa-direction", sa.direction())
                        .leaf("sa-spi", sa.spi())
                        .leaf("sa-aux-spi", 0)
                        .leaf("sa-mode", "tunnel")
                        .leaf("sa-type", sa.type())
                        .leaf("sa-state", sa.installed() ? "installed" : "not installed")
                        .leaf("sa-protocol", sa.protocol())
                        .leaf("sa-authentication-algorithm", sa.authenticationAlgorithm())
                        .leaf("sa-encryption-algorithm", sa.encryptionAlgorithm())
                        .leaf("sa-soft-lifetime", lifetime(sa.softLifetimeSeconds()))
                        .leaf("sa-hard-lifetime", lifetime(sa.hardLifetimeSeconds()))
                        .leaf("sa-anti-replay-service", sa.antiReplay() ? "enabled" : "disabled")
                        .leaf("sa-replay-window-size", sa.antiReplay() ? sa.replayWindowSize() : 0)
                        .leaf("sa-copy-tos-from-inner-ip-header", sa.copyTos() ? "enabled" : "disabled")
                        .leaf("sa-tos-value", sa.copyTos() ? null : sa.tosValue())
                        .leaf("sa-copy-ttl-from-inner-ip-header", sa.copyTtl() ? "enabled" : "disabled")
                        .leaf("sa-ttl-value", sa.copyTtl() ? null : sa.ttlValue())
                        .build());
            }
            root.add(block.build());
        }
        return root.build();
    }
}
