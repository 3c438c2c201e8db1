package io.sallyport.gateway.runtime;

import java.util.BitSet;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The gateway's tunnels by id, in the order they came, with the tunnel indexes each service set
 * holds, so that a dynamic peer's new tunnel finds the lowest free index without a walk of every
 * tunnel (a burst of 1,000 peers would otherwise cost O(n²)). The control agent's thread only.
 */
final class TunnelTable {

    private final Map<String, Tunnel> byId = new LinkedHashMap<>();
    private final Collection<Tunnel> view = Collections.unmodifiableCollection(byId.values());
    /** Per service set: how many tunnels hold each index (a replaced tunnel and its successor may share one for a moment). */
    private final Map<String, Map<Integer, Integer>> holders = new HashMap<>();
    private final Map<String, BitSet> held = new HashMap<>();

    Tunnel get(String id) {
        return byId.get(id);
    }

    void put(String id, Tunnel t) {
        Tunnel replaced = byId.put(id, t);
        if (replaced != null) {
            release(replaced);
        }
        String set = t.plan.serviceSet();
        int index = t.plan.tunnelIndex();
        if (holders.computeIfAbsent(set, s -> new HashMap<>()).merge(index, 1, Integer::sum) == 1) {
            held.computeIfAbsent(set, s -> new BitSet()).set(index);
        }
    }

    Tunnel remove(String id) {
        Tunnel t = byId.remove(id);
        if (t != null) {
            release(t);
        }
        return t;
    }

    /** Every tunnel, read-only, in the order they came. */
    Collection<Tunnel> values() {
        return view;
    }

    void forEach(BiConsumer<String, Tunnel> action) {
        byId.forEach(action);
    }

    /** The lowest tunnel index of {@code serviceSet}, at least {@code from}, that no tunnel holds. */
    int lowestFreeIndex(String serviceSet, int from) {
        BitSet b = held.get(serviceSet);
        return b == null ? from : b.nextClearBit(from);
    }

    private void release(Tunnel t) {
        String set = t.plan.serviceSet();
        int index = t.plan.tunnelIndex();
        Map<Integer, Integer> counts = holders.get(set);
        if (counts.merge(index, -1, Integer::sum) == 0) {
            counts.remove(index);
            held.get(set).clear(index);
            if (counts.isEmpty()) {
                holders.remove(set);
                held.remove(set);
            }
        }
    }
}
