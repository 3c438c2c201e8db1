package io.sallyport.gateway.runtime;

import io.sallyport.gateway.plan.GatewayPlan;
import io.sallyport.gateway.plan.ServiceSetPlan;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the control agent publishes after each change, for {@code show} on other threads: an
 * immutable tree (plans, tunnel states, why sets are down) plus the data workers' published
 * counters. Replaced whole, never changed.
 *
 * @param problems  why each service set is down or suspended, by name (absent when up)
 * @param suspended why each gw-interface service set is suspended by its local gateway, by name
 * @param setWorkers the counters of each running set's device workers, by set name
 * @param dataPlane  every running worker's counters
 * @param sendPorts  the counters of each outbound worker's send-only sockets, by a name
 * @param deviceProblems why a device of a set that the host deleted is not back yet, by set name
 * @param devicesRecreated how often the host deleted a device of a set and the gateway recreated it, by set name
 * @param dynamicRefusals the latest dynamic peers each set refused or lost before their tunnel came up, oldest first
 */
record GatewaySnapshot(GatewayPlan plan, List<ServiceSetPlan> serviceSets, Map<String, String> problems,
                       Map<String, String> suspended, Map<String, TunnelState> tunnels,
                       Map<String, List<WorkerCounters>> setWorkers, DataPlaneCounters dataPlane,
                       Map<String, List<io.sallyport.net.PortCounters>> sendPorts,
                       Map<String, String> deviceProblems, Map<String, Integer> devicesRecreated,
                       Map<String, List<DynamicPeerRefusal>> dynamicRefusals) {

    static final GatewaySnapshot EMPTY = new GatewaySnapshot(
            new GatewayPlan(List.of(), List.of(), false, false, Optional.empty(), false), List.of(), Map.of(), Map.of(),
            Map.of(), Map.of(), DataPlaneCounters.NONE, Map.of(), Map.of(), Map.of(), Map.of());

    GatewaySnapshot {
        serviceSets = List.copyOf(serviceSets);
        problems = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(problems));
        suspended = Map.copyOf(suspended);
        tunnels = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(tunnels));
        setWorkers = Map.copyOf(setWorkers);
        sendPorts = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(sendPorts));
        deviceProblems = Map.copyOf(deviceProblems);
        devicesRecreated = Map.copyOf(devicesRecreated);
        dynamicRefusals = Map.copyOf(dynamicRefusals);
    }

    /** Packets routed into a set's devices that no tunnel's selectors held, as its workers last published. */
    long unmatchedPackets(String serviceSet) {
        return setWorkers.getOrDefault(serviceSet, List.of()).stream()
                .mapToLong(w -> w.published().get(WorkerCounters.Stat.UNMATCHED)).sum();
    }
}
