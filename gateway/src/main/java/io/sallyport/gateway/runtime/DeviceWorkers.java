package io.sallyport.gateway.runtime;

import io.sallyport.net.HostNetworkException;
import io.sallyport.net.IpPrefix;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The workers of one inside device, one per read queue, and which of them holds each tunnel: the
 * control agent's thread only.
 *
 * <p>A new tunnel goes to the worker holding the fewest (the highest queue on a tie: queue 0 also
 * reads what no prefix names, so it gets tunnels last), dynamic peers' tunnels alike, and stays there while it lives, so its SAs (sequence numbers) and counters
 * never change threads. Every worker gets every tunnel, in the same order (one command each), so
 * each selects exactly as one worker would and hands a packet whose tunnel another holds to that
 * one ({@link OutboundAgent}). The host's table ({@link DeviceQueues}) gets each tunnel's remote
 * selector prefix with its worker's queue; where several tunnels share a prefix, the first in
 * order names the queue. The table steers by destination alone: local selectors, overlapping
 * remote prefixes (a longer prefix of a later tunnel) and prefixes the host refused cost a
 * hand-over between workers, never a wrong tunnel. Interface-style sets need nothing else: the
 * policy rules only choose the device; inside it the selectors decide, as here.
 */
final class DeviceWorkers {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceWorkers.class);
    /**
     * Room between two workers of a device for handed-over packets: some 180 packets of 1,400
     * bytes; made only for pairs that hand over at all (M workers could need M(M - 1)).
     */
    static final int PEER_RING_BYTES = 256 << 10;

    private final List<OutboundAgent> workers;
    private final DeviceQueues queues;
    private final int[] load;
    /** Tunnel id → its worker's queue. */
    private final Map<String, Integer> owners = new HashMap<>();
    /** Remote prefix → the tunnels with it, in order, with their worker's queue: the first names the table's entry. */
    private final Map<IpPrefix, LinkedHashMap<String, Integer>> byPrefix = new HashMap<>();
    /** Tunnel id → the prefixes of {@link #byPrefix} that name it, so a retirement looks at those only. */
    private final Map<String, Set<IpPrefix>> prefixesOf = new HashMap<>();
    private boolean refusalLogged;

    /** @param workers one per read queue of {@code queues}, in queue order, not started yet */
    DeviceWorkers(List<OutboundAgent> workers, DeviceQueues queues) {
        if (workers.size() != queues.queues().size()) {
            throw new IllegalArgumentException(workers.size() + " workers for " + queues.queues().size() + " read queues");
        }
        this.workers = List.copyOf(workers);
        this.queues = queues;
        this.load = new int[workers.size()];
        if (workers.size() > 1) {
            OutboundAgent.link(this.workers);
        }
    }

    /** The worker of queue 0: the device's first queue, where inbound workers' inlets and deletion reports go. */
    OutboundAgent primary() {
        return workers.getFirst();
    }

    List<OutboundAgent> all() {
        return workers;
    }

    /** The worker holding tunnel {@code id} (its SAs go there), or the primary for a tunnel it does not know. */
    OutboundAgent of(String id) {
        Integer q = owners.get(id);
        return workers.get(q == null ? 0 : q);
    }

    /**
     * A tunnel joins the device, last in order: to the least loaded worker (or the one it had,
     * when it comes back after a gw-interface outage), then to every worker, then into the table.
     */
    void add(OutboundTunnel t) {
        // Placed before (it left while a gw-interface was down): the same worker, whose thread wrote its SA slots.
        int q = owners.containsKey(t.id) ? owners.get(t.id) : t.placed ? t.owner : leastLoaded();
        t.owner = q;
        t.placed = true;
        if (owners.put(t.id, q) == null) {
            load[q]++;
        }
        workers.forEach(w -> w.addTunnel(t));
        prefixesOf.computeIfAbsent(t.id, id -> new java.util.HashSet<>()).add(t.remote.prefix());
        LinkedHashMap<String, Integer> holders = byPrefix.computeIfAbsent(t.remote.prefix(), p -> new LinkedHashMap<>());
        holders.remove(t.id);
        holders.put(t.id, q);
        if (holders.size() == 1) {
            steer(t.remote.prefix(), q);
        }
    }

    /** Tunnels leave the device: one command per worker for them all; their counters go with {@code keys}. */
    void retire(Set<String> ids, long... keys) {
        Set<IpPrefix> touched = new java.util.LinkedHashSet<>();
        for (String id : ids) {
            Integer q = owners.remove(id);
            if (q != null) {
                load[q]--;
            }
            Set<IpPrefix> prefixes = prefixesOf.remove(id);
            if (prefixes != null) {
                touched.addAll(prefixes);
            }
        }
        workers.forEach(w -> w.retireTunnels(ids, keys));
        for (IpPrefix prefix : touched) {
            LinkedHashMap<String, Integer> holders = byPrefix.get(prefix);
            Integer first = holders.firstEntry().getValue();
            String firstId = holders.firstEntry().getKey();
            holders.keySet().removeAll(ids);
            if (holders.isEmpty()) {
                byPrefix.remove(prefix);
                unsteer(prefix);
            } else if (ids.contains(firstId) && !holders.firstEntry().getValue().equals(first)) {
                steer(prefix, holders.firstEntry().getValue());
            }
        }
    }

    /** Tunnels per worker, by queue (for tests and the log). */
    int[] load() {
        return load.clone();
    }

    private int leastLoaded() {
        int best = load.length - 1;
        for (int q = best - 1; q >= 0; q--) {
            if (load[q] < load[best]) {
                best = q;
            }
        }
        return best;
    }

    private void steer(IpPrefix prefix, int queue) {
        if (workers.size() == 1) {
            return;
        }
        try {
            queues.steer(prefix, queue);
        } catch (HostNetworkException e) {
            refused(prefix, e);
        }
    }

    private void unsteer(IpPrefix prefix) {
        if (workers.size() == 1) {
            return;
        }
        try {
            queues.unsteer(prefix);
        } catch (HostNetworkException e) {
            refused(prefix, e);
        }
    }

    /** Not fatal: the device's workers hand such packets over; logged once per device. */
    private void refused(IpPrefix prefix, HostNetworkException e) {
        if (!refusalLogged) {
            refusalLogged = true;
            LOG.warn("{}: the host's steering table refused {} ({}): its packets reach the tunnel's worker by way of another"
                    + " (counted as handed over); further refusals on this device are not logged", primary().tun().name(),
                    prefix, e.getMessage());
        }
    }
}
