package io.sallyport.gateway.ops;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code show services ipsec-vpn ipsec statistics [brief|detail]} (reference §4.5). */
public final class IpsecStatisticsReport {

    private IpsecStatisticsReport() {
    }

    /** Brief sums the tunnels of each service set; detail prints each tunnel under its identity line. */
    public static String text(List<IpsecStatisticsView> tunnels, boolean detail) {
        if (tunnels.isEmpty()) {
            return "No IPSec statistics available\n";
        }
        StringBuilder out = new StringBuilder();
        bySet(tunnels).forEach((set, list) -> {
            IpsecStatisticsView first = list.getFirst();
            out.append("PIC: ").append(first.pic()).append(", Service set: ").append(set).append("\n\n");
            if (detail) {
                for (IpsecStatisticsView t : list) {
                    out.append("  Local gateway: ").append(t.localGateway()).append(", Remote gateway: ")
                            .append(t.remoteGateway()).append(", Tunnel index: ").append(t.tunnelIndex()).append('\n');
                    counters(t, out);
                }
            } else {
                counters(list.stream().reduce(IpsecStatisticsView::plus).orElseThrow(), out);
            }
        });
        return out.toString();
    }

    private static void counters(IpsecStatisticsView s, StringBuilder out) {
        out.append("ESP Statistics:\n");
        out.append(String.format("  Encrypted bytes:   %14d%n", s.encryptedBytes()));
        out.append(String.format("  Decrypted bytes:   %14d%n", s.decryptedBytes()));
        out.append(String.format("  Encrypted packets: %14d%n", s.encryptedPackets()));
        out.append(String.format("  Decrypted packets: %14d%n", s.decryptedPackets()));
        out.append("AH Statistics:\n");
        out.append(String.format("  Input bytes:       %14d%n", 0));
        out.append(String.format("  Output bytes:      %14d%n", 0));
        out.append(String.format("  Input packets:     %14d%n", 0));
        out.append(String.format("  Output packets:    %14d%n", 0));
        out.append("Errors:\n");
        out.append("  AH authentication failures: 0, Replay errors: ").append(s.replayErrors()).append('\n');
        out.append("  ESP authentication failures: ").append(s.espAuthenticationFailures())
                .append(", ESP decryption failures: ").append(s.espDecryptionFailures()).append('\n');
        out.append("  Bad headers: ").append(s.badHeaders()).append(", Bad trailers: ").append(s.badTrailers()).append('\n');
        out.append("  Replay before window drops: ").append(s.replayBeforeWindowDrops())
                .append(", Replayed pkts: ").append(s.replayErrors()).append('\n');
        out.append("  IP integrity errors: ").append(s.ipIntegrityErrors())
                .append(", Exceeds tunnel MTU: ").append(s.exceedsTunnelMtu()).append('\n');
        out.append("  No SA errors: ").append(s.noSaErrors()).append(", Invalid SPI errors: ")
                .append(s.invalidSpiErrors()).append('\n');
        out.append("  TS check failures: ").append(s.tsCheckFailErrors()).append(", Misc errors: ")
                .append(s.miscErrors()).append("\n\n");
    }

    private static Map<String, List<IpsecStatisticsView>> bySet(List<IpsecStatisticsView> tunnels) {
        Map<String, List<IpsecStatisticsView>> sets = new LinkedHashMap<>();
        for (IpsecStatisticsView t : tunnels) {
            sets.computeIfAbsent(t.serviceSet(), s -> new java.util.ArrayList<>()).add(t);
        }
        return sets;
    }

    public static Element element(List<IpsecStatisticsView> tunnels, boolean detail) {
        Element.Builder root = Element.builder("ipsec-total-statistics-information");
        if (tunnels.isEmpty()) {
            root.leaf("statistics-no-information", "No IPSec statistics available");
        }
        bySet(tunnels).forEach((set, list) -> {
            Element.Builder block = Element.builder("ipsec-service-set-statistics")
                    .leaf("pic-name", list.getFirst().pic())
                    .leaf("service-set-name", set);
            List<IpsecStatisticsView> shown = detail ? list
                    : List.of(list.stream().reduce(IpsecStatisticsView::plus).orElseThrow());
            for (IpsecStatisticsView s : shown) {
                Element.Builder stats = Element.builder("ipsec-statistics");
                if (detail) {
                    stats.leaf("local-gateway", s.localGateway()).leaf("remote-gateway", s.remoteGateway())
                            .leaf("tunnel-index", s.tunnelIndex());
                }
                stats.add(Element.builder("esp-statistics")
                        .leaf("esp-encrypted-bytes", s.encryptedBytes())
                        .leaf("esp-decrypted-bytes", s.decryptedBytes())
                        .leaf("esp-encrypted-packets", s.encryptedPackets())
                        .leaf("esp-decrypted-packets", s.decryptedPackets())
                        .build());
                stats.add(Element.builder("ah-statistics")
                        .leaf("ah-input-bytes", 0).leaf("ah-output-bytes", 0)
                        .leaf("ah-input-packets", 0).leaf("ah-output-packets", 0)
                        .build());
                stats.add(Element.builder("error-statistics")
                        .leaf("ah-authentication-failures", 0)
                        .leaf("replay-errors", s.replayErrors())
                        .leaf("esp-authentication-failures", s.espAuthenticationFailures())
                        .leaf("esp-decryption-failures", s.espDecryptionFailures())
                        .leaf("bad-headers", s.badHeaders())
                        .leaf("bad-trailers", s.badTrailers())
                        .leaf("replay-before-window-drops", s.replayBeforeWindowDrops())
                        .leaf("ip-integrity-errors", s.ipIntegrityErrors())
                        .leaf("exceeds-tunnel-mtu", s.exceedsTunnelMtu())
                        .leaf("no-sa-errors", s.noSaErrors())
                        .leaf("invalid-spi-errors", s.invalidSpiErrors())
                        .leaf("ts-check-fail-errors", s.tsCheckFailErrors())
                        .leaf("misc-errors", s.miscErrors())
                        .build());
                block.add(stats.build());
            }
            root.add(block.build());
        });
        return root.build();
    }
}
