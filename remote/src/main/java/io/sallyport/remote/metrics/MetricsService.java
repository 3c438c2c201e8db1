package io.sallyport.remote.metrics;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.sallyport.gateway.mgmt.ManagementApi;
import io.sallyport.remote.RemoteSettings.Listener;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code system services prometheus}: the official Prometheus Java client's HTTP server on each
 * configured address, serving {@code /metrics} with the gateway's metrics and the JVM's.
 */
public final class MetricsService implements AutoCloseable {
    private final List<HTTPServer> servers;

    private MetricsService(List<HTTPServer> servers) {
        this.servers = servers;
    }

    public static MetricsService start(Listener listener, ManagementApi management) throws IOException {
        PrometheusRegistry registry = new PrometheusRegistry();
        JvmMetrics.builder().register(registry);
        registry.register(new GatewayMetrics(management));
        List<HTTPServer> servers = new ArrayList<>();
        try {
            for (String address : listener.addresses()) {
                servers.add(HTTPServer.builder().hostname(address).port(listener.port()).registry(registry).buildAndStart());
            }
        } catch (IOException e) {
            servers.forEach(HTTPServer::close);
            throw e;
        }
        return new MetricsService(servers);
    }

    @Override
    public void close() {
        servers.forEach(HTTPServer::close);
    }
}
