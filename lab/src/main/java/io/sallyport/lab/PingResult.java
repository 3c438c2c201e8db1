package io.sallyport.lab;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** What a ping run saw: per probe, the round-trip time in nanoseconds and the reply TTL, or a loss. */
public record PingResult(InetAddress destination, Optional<InetAddress> source, List<Probe> probes, int payloadBytes) {

    /** One echo: {@code rttNanos} empty when lost; {@code error} an ICMP error seen instead of a reply. */
    public record Probe(int seq, OptionalLong rttNanos, int ttl, Optional<IcmpEvent> error) {
    }

    public long received() {
        return probes.stream().filter(p -> p.rttNanos().isPresent()).count();
    }

    public boolean allReceived() {
        return !probes.isEmpty() && received() == probes.size();
    }

    /** Junos-style output. */
    public String render() {
        StringBuilder sb = new StringBuilder();
        String dst = destination.getHostAddress();
        sb.append("PING ").append(dst).append(" (").append(dst).append("): ").append(payloadBytes)
                .append(" data bytes\n");
        if (source.isEmpty()) {
            sb.append("ping: sendto: No route to host\n");
        }
        for (Probe p : probes) {
            if (p.rttNanos().isPresent()) {
                sb.append(payloadBytes + Icmp.HEADER).append(" bytes from ").append(dst).append(": icmp_seq=")
                        .append(p.seq()).append(" ttl=").append(p.ttl()).append(" time=")
                        .append(millis(p.rttNanos().getAsLong())).append(" ms\n");
            } else if (p.error().isPresent()) {
                IcmpEvent e = p.error().get();
                sb.append(36).append(" bytes from ").append(e.from().getHostAddress()).append(": ")
                        .append(e.type() == Icmp.TIME_EXCEEDED ? "Time to live exceeded" : "Destination Host Unreachable")
                        .append("\n");
            }
        }
        long rx = received();
        sb.append("\n--- ").append(dst).append(" ping statistics ---\n").append(probes.size())
                .append(" packets transmitted, ").append(rx).append(" packets received, ")
                .append(probes.isEmpty() ? 0 : (probes.size() - rx) * 100 / probes.size()).append("% packet loss\n");
        if (rx > 0) {
            long[] rtts = probes.stream().filter(p -> p.rttNanos().isPresent())
                    .mapToLong(p -> p.rttNanos().getAsLong()).toArray();
            long min = java.util.Arrays.stream(rtts).min().orElse(0);
            long max = java.util.Arrays.stream(rtts).max().orElse(0);
            long avg = java.util.Arrays.stream(rtts).sum() / rtts.length;
            sb.append("round-trip min/avg/max = ").append(millis(min)).append('/').append(millis(avg)).append('/')
                    .append(millis(max)).append(" ms\n");
        }
        return sb.toString();
    }

    static String millis(long nanos) {
        return String.format("%d.%03d", nanos / 1_000_000, nanos / 1_000 % 1000);
    }
}
