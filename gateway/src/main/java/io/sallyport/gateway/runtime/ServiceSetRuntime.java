package io.sallyport.gateway.runtime;

import io.sallyport.gateway.plan.ServiceSetPlan;
import io.sallyport.gateway.plan.TunnelPlan;
import io.sallyport.net.Route;
import io.sallyport.net.TunPort;
import java.util.List;
import java.util.Map;

/**
 * A running service set: one TUN device per inside unit with its outbound workers (one per read
 * queue), and the routes into them; none when it is down.
 */
record ServiceSetRuntime(ServiceSetPlan plan, Map<String, Device> devices, List<Route> routes, String downReason) {

    /** The TUN device of one inside unit (its first queue) and the workers that read its queues. */
    record Device(TunPort tun, DeviceWorkers workers) {
        /** The worker of the device's first queue: inlets of decrypted packets, deletion and recreation. */
        OutboundAgent outbound() {
            return workers.primary();
        }

        /** The worker holding tunnel {@code id}'s outbound SAs. */
        OutboundAgent of(String id) {
            return workers.of(id);
        }
    }

    ServiceSetRuntime {
        devices = Map.copyOf(devices);
        routes = List.copyOf(routes);
    }

    static ServiceSetRuntime down(ServiceSetPlan plan, String reason) {
        return new ServiceSetRuntime(plan, Map.of(), List.of(), reason);
    }

    boolean up() {
        return downReason == null;
    }

    /** The device carrying a tunnel's traffic: its term's inside unit, else the set's. */
    Device deviceOf(TunnelPlan t) {
        Device d = devices.get(t.insideInterface());
        return d != null ? d : devices.get(plan.insideInterface());
    }
}
