package io.sallyport.remote.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The Grafana dashboard in packaging/ asks only for metrics the endpoint serves. */
class DashboardTest {
    private static final Path DASHBOARD = Path.of("../packaging/grafana-dashboard.json");

    @Test
    void everySallyportMetricOfTheDashboardExists() throws Exception {
        String json = Files.readString(DASHBOARD);
        Set<String> used = new TreeSet<>();
        Matcher m = Pattern.compile("sallyport_[a-z_]+").matcher(json);
        while (m.find()) used.add(m.group().replaceAll("_(total|bucket|sum|count)$", ""));
        List<String> served = new GatewayMetrics(line -> null).getPrometheusNames();
        assertTrue(used.size() >= 8, used.toString());
        assertEquals(Set.of(), used.stream().filter(n -> !served.contains(n)).collect(java.util.stream.Collectors.toSet()));
    }
}
