package io.sallyport.gateway.ops;

import java.util.List;

/**
 * {@code show services ipsec-vpn drops} (Sallyport's own: Junos has no place for these): the drop
 * counters no §4 layout carries, one section per place they happen (an inbound port's worker
 * before any SA, an inside device's outbound worker, kmd and its IKE sockets). Each drop is
 * counted once, under its reason; per-tunnel drops stay in {@code ipsec statistics}.
 */
public final class DropsReport {

    private DropsReport() {
    }

    /** One place and its non-zero counters, in a fixed order. */
    public record Section(String kind, String name, List<Counter> counters) {
        public Section {
            counters = List.copyOf(counters);
        }
    }

    public record Counter(String label, String tag, long value) {
    }

    public static String text(List<Section> sections) {
        StringBuilder out = new StringBuilder();
        for (Section s : sections) {
            out.append(s.kind()).append(": ").append(s.name()).append('\n');
            if (s.counters().isEmpty()) {
                out.append("  No drops\n");
            }
            for (Counter c : s.counters()) {
                out.append(String.format("  %-52s%12d%n", c.label() + ":", c.value()));
            }
        }
        return out.toString();
    }

    public static Element element(List<Section> sections) {
        Element.Builder root = Element.builder("sallyport-drops-information");
        for (Section s : sections) {
            Element.Builder b = Element.builder("drop-section").leaf("section-kind", s.kind()).leaf("section-name", s.name());
            for (Counter c : s.counters()) {
                b.add(Element.builder("drop-counter").leaf("drop-reason", c.tag()).leaf("drop-description", c.label())
                        .leaf("drop-count", c.value()).build());
            }
            root.add(b.build());
        }
        return root.build();
    }
}
