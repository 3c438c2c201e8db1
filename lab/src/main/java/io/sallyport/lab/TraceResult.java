package io.sallyport.lab;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** A traceroute run: per hop, who answered (empty for {@code *}) and how fast. */
public record TraceResult(InetAddress destination, int maxHops, List<Hop> hops) {

    public record Hop(int ttl, Optional<InetAddress> from, OptionalLong rttNanos) {
    }

    /** The addresses that answered, in hop order ({@code null} where nobody did). */
    public List<InetAddress> path() {
        return hops.stream().map(h -> h.from().orElse(null)).toList();
    }

    public boolean reached() {
        return !hops.isEmpty() && hops.getLast().from().map(destination::equals).orElse(false);
    }

    public String render() {
        String dst = destination.getHostAddress();
        StringBuilder sb = new StringBuilder("traceroute to " + dst + " (" + dst + "), " + maxHops
                + " hops max, 36 byte packets\n");
        for (Hop h : hops) {
            sb.append(String.format("%2d  ", h.ttl()));
            if (h.from().isPresent()) {
                sb.append(h.from().get().getHostAddress()).append("  ")
                        .append(PingResult.millis(h.rttNanos().orElse(0))).append(" ms\n");
            } else {
                sb.append("*\n");
            }
        }
        return sb.toString();
    }
}
