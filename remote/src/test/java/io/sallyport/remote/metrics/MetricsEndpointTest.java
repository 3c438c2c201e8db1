package io.sallyport.remote.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sallyport.remote.LabDaemon;
import io.sallyport.remote.RemoteAccess;
import io.sallyport.remote.RemoteFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code system services prometheus} in front of a real gateway (router1 of the lab's §5.1
 * example, with traffic through its tunnel): the text format is read back by the official
 * Python client's parser, and the values are those {@code show} prints for the same tunnel.
 */
class MetricsEndpointTest {
    private static final Path PYTHON = Path.of("/usr/bin/python3");

    @TempDir
    Path dir;

    private RemoteFixture fixture;
    private LabDaemon daemon;
    private RemoteAccess remote;

    @BeforeEach
    void start() throws Exception {
        fixture = new RemoteFixture(dir.resolve("state"));
        daemon = new LabDaemon(fixture.state);
        remote = new RemoteAccess(fixture.state, "test-host");
        remote.configure(fixture.active());
    }

    @AfterEach
    void stop() throws Exception {
        if (remote != null) remote.close();
        if (daemon != null) daemon.close();
    }

    private String scrape() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + fixture.prometheusPort + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        return r.body();
    }

    /** The samples as the official Python client's parser reads them: "name{labels} value" lines. */
    private Map<String, Double> parsed(String text) throws Exception {
        assumeTrue(Files.isExecutable(PYTHON), "needs /usr/bin/python3");
        var probe = RemoteFixture.run(List.of(PYTHON.toString(), "-c", "import prometheus_client.parser"));
        assumeTrue(probe.code() == 0, "needs the official Python client's parser (apt-get install python3-prometheus-client): "
                + probe.err());
        String script = """
                import sys
                from prometheus_client.parser import text_string_to_metric_families
                for family in text_string_to_metric_families(sys.stdin.read()):
                    for s in family.samples:
                        labels = ",".join(f'{k}="{v}"' for k, v in sorted(s.labels.items()))
                        print(f"{s.name}{{{labels}}} {s.value!r}")
                """;
        var r = RemoteFixture.run(List.of(PYTHON.toString(), "-c", script), text);
        assertEquals(0, r.code(), r.err());
        Map<String, Double> out = new HashMap<>();
        for (String line : r.out().lines().toList()) {
            int space = line.lastIndexOf(' ');
            out.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
        return out;
    }

    private static long showValue(String show, String field) {
        Matcher m = Pattern.compile(Pattern.quote(field) + ":\\s+(\\d+)").matcher(show);
        assertTrue(m.find(), field + " in\n" + show);
        return Long.parseLong(m.group(1));
    }

    @Test
    void theTextFormatParsesAndMatchesShowForTheTunnel() throws Exception {
        Map<String, Double> samples = parsed(scrape());
        String show = daemon.show("show services ipsec-vpn ipsec statistics detail");
        String tunnel = samples.keySet().stream().filter(k -> k.startsWith("sallyport_tunnel_bytes_total{")
                && k.contains("direction=\"out\"")).findFirst().orElseThrow(() -> new AssertionError(samples.keySet()));
        String labels = tunnel.substring(tunnel.indexOf('{'));
        Matcher gw = Pattern.compile("remote_gateway=\"([^\"]+)\"").matcher(labels);
        assertTrue(gw.find());
        assertTrue(show.contains("Remote gateway: " + gw.group(1)), show);
        assertEquals(showValue(show, "Encrypted bytes"), samples.get(tunnel).longValue());
        assertEquals(showValue(show, "Decrypted bytes"), samples.get(tunnel.replace("direction=\"out\"", "direction=\"in\"")).longValue());
        assertEquals(showValue(show, "Encrypted packets"),
                samples.get(tunnel.replace("sallyport_tunnel_bytes_total", "sallyport_tunnel_packets_total")).longValue());
        assertTrue(showValue(show, "Encrypted packets") >= 5, "the pings went through the tunnel");
        assertEquals(1.0, samples.get("sallyport_management_up{}"));
        assertTrue(samples.keySet().stream().anyMatch(k -> k.startsWith("sallyport_tunnel_up{") && samples.get(k) == 1.0), samples.toString());
        assertEquals(1.0, samples.get("sallyport_ike_security_associations{state=\"matured\"}"));
        assertTrue(samples.keySet().stream().anyMatch(k -> k.startsWith("sallyport_tunnel_drops_total{") && k.contains("reason=\"replay\"")));
        assertTrue(samples.keySet().stream().anyMatch(k -> k.startsWith("sallyport_dpd_messages_total{")));
        assertTrue(samples.keySet().stream().anyMatch(k -> k.startsWith("jvm_memory_used_bytes{")), "the JVM's own metrics");
    }

    @Test
    void theTcpMssCountsAreShowsPerServiceSet() throws Exception {
        Map<String, Double> samples = parsed(scrape());
        List<String> rows = daemon.show("show services service-sets statistics tcp-mss").lines().skip(1).toList();
        assertFalse(rows.isEmpty(), "the lab's service sets");
        for (String row : rows) {
            String[] f = row.trim().split("\\s+");
            assertEquals(Double.parseDouble(f[2]),
                    samples.get("sallyport_tcp_mss_syns_total{outcome=\"received\",service_set=\"" + f[1] + "\"}"), samples.toString());
            assertEquals(Double.parseDouble(f[3]),
                    samples.get("sallyport_tcp_mss_syns_total{outcome=\"modified\",service_set=\"" + f[1] + "\"}"), samples.toString());
        }
    }

    @Test
    void theHandshakeHistogramCountsTheLabsIkeSaAsShowDoes() throws Exception {
        Map<String, Double> samples = parsed(scrape());
        String show = daemon.show("show services ipsec-vpn negotiation-times");
        Matcher m = Pattern.compile("IKE SAs established: (\\d+), total negotiation time: ([0-9.]+) s").matcher(show);
        assertTrue(m.find(), show);
        long established = Long.parseLong(m.group(1));
        assertTrue(established >= 1, "the lab negotiated router1's IKE SA before the scrape: " + show);
        assertEquals(established, samples.get("sallyport_ike_handshake_duration_seconds_count{}").longValue(), samples.toString());
        assertEquals(established, samples.get("sallyport_ike_handshake_duration_seconds_bucket{le=\"+Inf\"}").longValue());
        assertEquals(Double.parseDouble(m.group(2)), samples.get("sallyport_ike_handshake_duration_seconds_sum{}"), 1e-6);
        // Cumulative buckets never fall, and the one of 30 s holds every handshake of the lab.
        double previous = 0;
        for (String le : List.of("0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1.0", "2.5", "5.0", "10.0", "30.0")) {
            double v = samples.get("sallyport_ike_handshake_duration_seconds_bucket{le=\"" + le + "\"}");
            assertTrue(v >= previous, le + " in " + samples);
            previous = v;
        }
        assertEquals(established, (long) previous);
    }

    @Test
    void withoutADaemonTheEndpointSaysSoAndStillServesTheJvm() throws Exception {
        daemon.close();
        daemon = null;
        String text = scrape();
        assertTrue(text.contains("sallyport_management_up 0.0"), text);
        assertTrue(text.contains("jvm_threads_current"), text);
    }
}
