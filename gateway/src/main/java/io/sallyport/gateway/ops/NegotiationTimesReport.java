package io.sallyport.gateway.ops;

import java.util.List;
import java.util.Locale;

/**
 * {@code show services ipsec-vpn negotiation-times} (Sallyport's own: Junos has no such view): how
 * long kmd took to establish each IKE SA since the daemon started, from the first message of the
 * exchange that made it (IKE_SA_INIT, main or aggressive mode, or the CREATE_CHILD_SA of a rekey)
 * to the SA being up, counted in fixed buckets. The Prometheus endpoint reads it as its handshake
 * duration histogram.
 */
public final class NegotiationTimesReport {

    /** Upper bounds of the buckets in seconds; a last bucket holds everything longer. */
    public static final List<Double> BOUNDS = List.of(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0);

    /**
     * @param counts    negotiations per bucket (not cumulative): one per {@link #BOUNDS} entry, then the overflow
     * @param sumNanos  the durations added up
     */
    public record Times(List<Long> counts, long sumNanos) {
        public static final Times NONE = new Times(java.util.Collections.nCopies(BOUNDS.size() + 1, 0L), 0);

        public Times {
            counts = List.copyOf(counts);
            if (counts.size() != BOUNDS.size() + 1) {
                throw new IllegalArgumentException("one count per bucket and one for the overflow");
            }
        }

        public long total() {
            return counts.stream().mapToLong(Long::longValue).sum();
        }
    }

    private NegotiationTimesReport() {
    }

    /** The bucket a duration falls in: the first bound it does not exceed, else the overflow. */
    public static int bucket(long nanos) {
        for (int i = 0; i < BOUNDS.size(); i++) {
            if (nanos <= (long) (BOUNDS.get(i) * 1e9)) return i;
        }
        return BOUNDS.size();
    }

    public static String text(Times t) {
        StringBuilder out = new StringBuilder();
        out.append("IKE SAs established: ").append(t.total()).append(", total negotiation time: ")
                .append(seconds(t.sumNanos())).append(" s\n");
        out.append(String.format("  %-16s%12s%n", "Up to", "IKE SAs"));
        for (int i = 0; i < t.counts().size(); i++) {
            String bound = i < BOUNDS.size() ? BOUNDS.get(i) + " s" : "longer";
            out.append(String.format("  %-16s%12d%n", bound, t.counts().get(i)));
        }
        return out.toString();
    }

    public static Element element(Times t) {
        Element.Builder root = Element.builder("sallyport-negotiation-times-information")
                .leaf("negotiation-count", t.total())
                .leaf("negotiation-seconds-total", seconds(t.sumNanos()));
        for (int i = 0; i < t.counts().size(); i++) {
            root.add(Element.builder("negotiation-time-bucket")
                    .leaf("upper-bound-seconds", i < BOUNDS.size() ? BOUNDS.get(i).toString() : "+Inf")
                    .leaf("negotiation-count", t.counts().get(i)).build());
        }
        return root.build();
    }

    private static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.6f", nanos / 1e9);
    }
}
