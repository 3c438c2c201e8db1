package io.sallyport.gateway.runtime;

import io.sallyport.gateway.plan.ServiceSetPlan;
import io.sallyport.net.Route;
import io.sallyport.net.TunPort;
import java.util.List;

/** A running service set: its TUN device, routes and outbound worker; all null when it is down. */
record ServiceSetRuntime(ServiceSetPlan plan, TunPort tun, OutboundAgent outbound, List<Route> routes,
                         String downReason) {

    static ServiceSetRuntime down(ServiceSetPlan plan, String reason) {
        return new ServiceSetRuntime(plan, null, null, List.of(), reason);
    }

    boolean up() {
        return downReason == null;
    }
}
