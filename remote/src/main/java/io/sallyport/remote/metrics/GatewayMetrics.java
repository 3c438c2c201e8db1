package io.sallyport.remote.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.sallyport.gateway.mgmt.ControlProtocol;
import io.sallyport.gateway.mgmt.ManagementApi;
import io.sallyport.remote.SafeXml;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.w3c.dom.Element;

/**
 * The gateway's metrics, read at each scrape from the same views {@code show} prints (their
 * {@code | display xml} form, through the management API): nothing is counted twice, and a
 * value on the endpoint is the value {@code show} gives at that moment. Counters restart when
 * an SA is replaced or statistics are cleared, which Prometheus's {@code rate()} handles.
 */
public final class GatewayMetrics implements MultiCollector {
    static final String IPSEC_SAS = "show services ipsec-vpn ipsec security-associations detail | display xml";
    static final String IPSEC_STATISTICS = "show services ipsec-vpn ipsec statistics detail | display xml";
    static final String IKE_SAS = "show services ipsec-vpn ike security-associations | display xml";
    static final String IKE_STATISTICS = "show services ipsec-vpn ike statistics | display xml";
    static final String NEGOTIATION_TIMES = "show services ipsec-vpn negotiation-times | display xml";
    static final String TCP_MSS = "show services service-sets statistics tcp-mss | display xml";

    /** The drop counters of {@code show ... ipsec statistics}: XML element → reason label. */
    private static final Map<String, String> DROPS = drops();

    private final ManagementApi management;

    public GatewayMetrics(ManagementApi management) {
        this.management = management;
    }

    private static Map<String, String> drops() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("replay-errors", "replay");
        m.put("esp-authentication-failures", "authentication");
        m.put("esp-decryption-failures", "decryption");
        m.put("bad-headers", "bad_header");
        m.put("bad-trailers", "bad_trailer");
        m.put("replay-before-window-drops", "replay_before_window");
        m.put("ip-integrity-errors", "ip_integrity");
        m.put("exceeds-tunnel-mtu", "exceeds_tunnel_mtu");
        m.put("no-sa-errors", "no_sa");
        m.put("invalid-spi-errors", "invalid_spi");
        m.put("ts-check-fail-errors", "traffic_selector");
        m.put("misc-errors", "misc");
        return m;
    }

    @Override
    public List<String> getPrometheusNames() {
        return List.of("sallyport_management_up", "sallyport_tunnel_up", "sallyport_ipsec_security_associations",
                "sallyport_ike_security_associations", "sallyport_tunnel_bytes", "sallyport_tunnel_packets",
                "sallyport_tunnel_drops", "sallyport_ike_messages", "sallyport_ike_bytes", "sallyport_ipsec_sas_created",
                "sallyport_ipsec_sas_deleted", "sallyport_ipsec_rekeys", "sallyport_dpd_messages", "sallyport_dpd_missed",
                "sallyport_ike_handshake_duration_seconds", "sallyport_tcp_mss_syns");
    }

    @Override
    public MetricSnapshots collect() {
        List<MetricSnapshot> out = new ArrayList<>();
        Optional<Element> ipsecSas = read(IPSEC_SAS);
        Optional<Element> statistics = read(IPSEC_STATISTICS);
        Optional<Element> ikeSas = read(IKE_SAS);
        Optional<Element> ikeStatistics = read(IKE_STATISTICS);
        Optional<Element> negotiationTimes = read(NEGOTIATION_TIMES);
        Optional<Element> tcpMss = read(TCP_MSS);
        boolean up = ipsecSas.isPresent() && statistics.isPresent() && ikeSas.isPresent() && ikeStatistics.isPresent()
                && negotiationTimes.isPresent() && tcpMss.isPresent();
        out.add(gauge("sallyport_management_up", "1 when the daemon answered every show command of this scrape",
                List.of(GaugeDataPointSnapshot.builder().value(up ? 1 : 0).build())));
        ipsecSas.ifPresent(x -> tunnels(x, out));
        statistics.ifPresent(x -> traffic(x, out));
        ikeSas.ifPresent(x -> ikeSas(x, out));
        ikeStatistics.ifPresent(x -> ike(x, out));
        negotiationTimes.ifPresent(x -> handshakes(x, out));
        tcpMss.ifPresent(x -> tcpMss(x, out));
        return new MetricSnapshots(out);
    }

    private Optional<Element> read(String command) {
        ControlProtocol.Reply reply = management.execute(command);
        if (!reply.ok()) return Optional.empty();
        try {
            return Optional.of(SafeXml.parse(reply.text()).getDocumentElement());
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    /** {@code sallyport_tunnel_up} and the child SAs of each tunnel. */
    private static void tunnels(Element root, List<MetricSnapshot> out) {
        List<GaugeDataPointSnapshot> up = new ArrayList<>();
        List<GaugeDataPointSnapshot> sas = new ArrayList<>();
        // One block per tunnel: its sa-tunnel-information and, beside it, its SAs.
        for (Element block : all(root, "services-security-associations-block")) {
            Element tunnel = SafeXml.child(block, "sa-tunnel-information");
            if (tunnel == null) continue;
            Labels labels = Labels.of("service_set", text(block, "svc-set-name"), "rule", text(tunnel, "sa-rule-name"),
                    "term", text(tunnel, "sa-term-name"), "tunnel_index", text(tunnel, "sa-tunnel-index"),
                    "remote_gateway", text(tunnel, "sa-remote-gateway"));
            long installed = SafeXml.children(block).stream()
                    .filter(e -> SafeXml.name(e).equals("security-associations"))
                    .filter(sa -> "inbound".equals(text(sa, "sa-direction")) && "installed".equals(text(sa, "sa-state")))
                    .count();
            up.add(GaugeDataPointSnapshot.builder().labels(labels).value(installed > 0 ? 1 : 0).build());
            sas.add(GaugeDataPointSnapshot.builder().labels(labels).value(installed).build());
        }
        out.add(gauge("sallyport_tunnel_up", "1 when the tunnel has an installed IPsec SA pair", up));
        out.add(gauge("sallyport_ipsec_security_associations", "installed IPsec (child) SA pairs of the tunnel", sas));
    }

    /** Bytes, packets and drops per tunnel and direction, from {@code show ... ipsec statistics detail}. */
    private static void traffic(Element root, List<MetricSnapshot> out) {
        List<CounterDataPointSnapshot> bytes = new ArrayList<>();
        List<CounterDataPointSnapshot> packets = new ArrayList<>();
        List<CounterDataPointSnapshot> drops = new ArrayList<>();
        for (Element set : all(root, "ipsec-service-set-statistics")) {
            String name = text(set, "service-set-name");
            for (Element s : all(set, "ipsec-statistics")) {
                String[] tunnel = {"service_set", name, "local_gateway", text(s, "local-gateway"),
                        "remote_gateway", text(s, "remote-gateway"), "tunnel_index", text(s, "tunnel-index")};
                Element esp = SafeXml.child(s, "esp-statistics");
                if (esp != null) {
                    bytes.add(counter(tunnel, "direction", "out", number(esp, "esp-encrypted-bytes")));
                    bytes.add(counter(tunnel, "direction", "in", number(esp, "esp-decrypted-bytes")));
                    packets.add(counter(tunnel, "direction", "out", number(esp, "esp-encrypted-packets")));
                    packets.add(counter(tunnel, "direction", "in", number(esp, "esp-decrypted-packets")));
                }
                Element errors = SafeXml.child(s, "error-statistics");
                if (errors != null) {
                    DROPS.forEach((element, reason) -> drops.add(counter(tunnel, "reason", reason, number(errors, element))));
                }
            }
        }
        out.add(counter("sallyport_tunnel_bytes", "ESP payload bytes of the tunnel: out = encrypted, in = decrypted", bytes));
        out.add(counter("sallyport_tunnel_packets", "ESP packets of the tunnel: out = encrypted, in = decrypted", packets));
        out.add(counter("sallyport_tunnel_drops", "packets of the tunnel dropped, by reason", drops));
    }

    private static void ikeSas(Element root, List<MetricSnapshot> out) {
        Map<String, Integer> byState = new LinkedHashMap<>();
        byState.put("matured", 0);
        byState.put("not matured", 0);
        for (Element sa : all(root, "ike-security-associations")) {
            byState.merge(Optional.ofNullable(text(sa, "ike-sa-state")).orElse("unknown"), 1, Integer::sum);
        }
        List<GaugeDataPointSnapshot> points = new ArrayList<>();
        byState.forEach((state, n) -> points.add(GaugeDataPointSnapshot.builder()
                .labels(Labels.of("state", state.replace(' ', '_'))).value(n).build()));
        out.add(gauge("sallyport_ike_security_associations", "IKE SAs by state", points));
    }

    /** Per IKE SA (peer): messages and bytes, child SAs created/deleted, rekeys, DPD. */
    private static void ike(Element root, List<MetricSnapshot> out) {
        List<CounterDataPointSnapshot> messages = new ArrayList<>();
        List<CounterDataPointSnapshot> bytes = new ArrayList<>();
        List<CounterDataPointSnapshot> created = new ArrayList<>();
        List<CounterDataPointSnapshot> deleted = new ArrayList<>();
        List<CounterDataPointSnapshot> rekeys = new ArrayList<>();
        List<CounterDataPointSnapshot> dpd = new ArrayList<>();
        List<CounterDataPointSnapshot> missed = new ArrayList<>();
        for (Element block : all(root, "ike-security-associations-block")) {
            String[] peer = {"remote_address", text(block, "ike-sa-remote-address")};
            for (Element sa : all(block, "ike-security-associations")) {
                messages.add(counter(peer, "direction", "in", number(sa, "ike-sa-input-packets")));
                messages.add(counter(peer, "direction", "out", number(sa, "ike-sa-output-packets")));
                bytes.add(counter(peer, "direction", "in", number(sa, "ike-sa-input-bytes")));
                bytes.add(counter(peer, "direction", "out", number(sa, "ike-sa-output-bytes")));
                created.add(counter(peer, number(sa, "ike-sa-num-ipsec-sas-created")));
                deleted.add(counter(peer, number(sa, "ike-sa-num-ipsec-sas-deleted")));
                rekeys.add(counter(peer, number(sa, "ike-sa-num-ipsec-rekeys")));
                dpd.add(counter(peer, "kind", "request_sent", number(sa, "ike-sa-dpd-request-payloads-sent")));
                dpd.add(counter(peer, "kind", "request_received", number(sa, "ike-sa-dpd-request-payloads-received")));
                dpd.add(counter(peer, "kind", "response_sent", number(sa, "ike-sa-dpd-response-payloads-sent")));
                dpd.add(counter(peer, "kind", "response_received", number(sa, "ike-sa-dpd-response-payloads-received")));
                missed.add(counter(peer, number(sa, "ike-sa-dpd-response-payloads-missed")));
            }
        }
        out.add(counter("sallyport_ike_messages", "IKE messages (packets) of the peer's IKE SA", messages));
        out.add(counter("sallyport_ike_bytes", "IKE bytes of the peer's IKE SA", bytes));
        out.add(counter("sallyport_ipsec_sas_created", "IPsec SAs negotiated under the peer's IKE SA", created));
        out.add(counter("sallyport_ipsec_sas_deleted", "IPsec SAs deleted under the peer's IKE SA", deleted));
        out.add(counter("sallyport_ipsec_rekeys", "IPsec SA rekeys under the peer's IKE SA", rekeys));
        out.add(counter("sallyport_dpd_messages", "dead peer detection messages, by kind", dpd));
        out.add(counter("sallyport_dpd_missed", "dead peer detection requests that got no answer", missed));
    }

    /** The buckets of {@code show services ipsec-vpn negotiation-times} as a classic histogram. */
    private static void handshakes(Element reply, List<MetricSnapshot> out) {
        List<Element> info = all(reply, "sallyport-negotiation-times-information");
        if (info.isEmpty()) return;
        Element root = info.getFirst();
        List<Double> bounds = new ArrayList<>();
        List<Long> counts = new ArrayList<>();
        for (Element bucket : all(root, "negotiation-time-bucket")) {
            String bound = text(bucket, "upper-bound-seconds");
            bounds.add(bound.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(bound));
            counts.add((long) number(bucket, "negotiation-count"));
        }
        if (bounds.isEmpty() || bounds.getLast() != Double.POSITIVE_INFINITY) return;
        out.add(HistogramSnapshot.builder().name("sallyport_ike_handshake_duration_seconds")
                .help("time from the first message of the exchange that made an IKE SA to the SA being established")
                .dataPoint(HistogramSnapshot.HistogramDataPointSnapshot.builder()
                        .classicHistogramBuckets(ClassicHistogramBuckets.of(bounds, counts))
                        .sum(number(root, "negotiation-seconds-total")).build())
                .build());
    }

    /** Each service set's {@code tcp-mss} counts, from {@code show services service-sets statistics tcp-mss}. */
    private static void tcpMss(Element root, List<MetricSnapshot> out) {
        List<CounterDataPointSnapshot> syns = new ArrayList<>();
        for (Element set : all(root, "service-set-tcp-mss-statistics")) {
            String[] labels = {"service_set", text(set, "service-set-name")};
            syns.add(counter(labels, "outcome", "received", number(set, "syn-received")));
            syns.add(counter(labels, "outcome", "modified", number(set, "syn-modified")));
        }
        out.add(counter("sallyport_tcp_mss_syns",
                "TCP SYNs the service set's tcp-mss saw (received) and those whose MSS it lowered (modified)", syns));
    }

    private static GaugeSnapshot gauge(String name, String help, List<GaugeDataPointSnapshot> points) {
        GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
        points.forEach(b::dataPoint);
        return b.build();
    }

    private static CounterSnapshot counter(String name, String help, List<CounterDataPointSnapshot> points) {
        CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(help);
        points.forEach(b::dataPoint);
        return b.build();
    }

    private static CounterDataPointSnapshot counter(String[] labels, String key, String value, double v) {
        String[] all = java.util.Arrays.copyOf(labels, labels.length + 2);
        all[labels.length] = key;
        all[labels.length + 1] = value;
        return CounterDataPointSnapshot.builder().labels(Labels.of(all)).value(v).build();
    }

    private static CounterDataPointSnapshot counter(String[] labels, double v) {
        return CounterDataPointSnapshot.builder().labels(Labels.of(labels)).value(v).build();
    }

    private static List<Element> all(Element root, String name) {
        List<Element> out = new ArrayList<>();
        org.w3c.dom.NodeList list = root.getElementsByTagName(name);
        for (int i = 0; i < list.getLength(); i++) out.add((Element) list.item(i));
        return out;
    }

    private static String text(Element e, String child) {
        String t = SafeXml.text(e, child);
        return t == null ? "" : t;
    }

    private static double number(Element e, String child) {
        String t = SafeXml.text(e, child);
        try {
            return t == null ? 0 : Double.parseDouble(t);
        } catch (NumberFormatException x) {
            return 0;
        }
    }
}
