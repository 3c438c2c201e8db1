package io.sallyport.gateway.runtime;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A device worker's tunnels in selection order, and which one a packet leaving the device
 * belongs to: the first whose remote selector holds the packet's destination and whose local
 * selector holds its source.
 *
 * <p>A shared unit of dynamic peers holds one tunnel per peer, so a walk of the list per packet
 * grows with the peers. IPv4 remote selectors are indexed instead: one open-addressing table
 * keyed by (prefix length, destination masked to it) gives, per length present, the tunnels with
 * that remote prefix in list order; a packet costs one probe per distinct length. IPv6 selectors
 * are walked (no dynamic IPv6 peers yet). The index is rebuilt on the first packet after a change
 * (changes are control-plane commands); lookups allocate nothing. Owned by the device's worker.
 */
final class OutboundSelectors {

    private final ArrayList<OutboundTunnel> tunnels = new ArrayList<>();
    private final Map<String, OutboundTunnel> byId = new HashMap<>();
    private boolean stale = true;

    /** Distinct IPv4 remote prefix lengths. */
    private int[] lengths = new int[0];
    /** Open addressing: key (length << 32 | masked network), value the positions of its tunnels, ascending. */
    private long[] keys = new long[0];
    private int[][] positions = new int[0][];
    private int mask;
    /** Positions of tunnels with IPv6 remote selectors, ascending. */
    private int[] ipv6 = new int[0];

    void add(OutboundTunnel t) {
        tunnels.add(t);
        byId.put(t.id, t);
        stale = true;
    }

    void removeAll(Set<String> ids) {
        if (tunnels.removeIf(t -> ids.contains(t.id))) {
            ids.forEach(byId::remove);
            stale = true;
        }
    }

    /** The tunnel with this id, or null. */
    OutboundTunnel find(String id) {
        return byId.get(id);
    }

    int size() {
        return tunnels.size();
    }

    /**
     * The tunnel for the IP packet at {@code buf[off]}, or null: the first in order whose selectors
     * hold its destination and source.
     */
    OutboundTunnel select(byte[] buf, int off, boolean v4) {
        if (stale) {
            rebuild();
        }
        int src = off + PrefixMatch.sourceOffset(v4);
        int dst = off + PrefixMatch.destinationOffset(v4);
        if (!v4) {
            for (int p : ipv6) {
                OutboundTunnel t = tunnels.get(p);
                if (t.remote.matches(buf, dst, false) && t.local.matches(buf, src, false)) {
                    return t;
                }
            }
            return null;
        }
        int address = (buf[dst] & 0xFF) << 24 | (buf[dst + 1] & 0xFF) << 16 | (buf[dst + 2] & 0xFF) << 8 | buf[dst + 3] & 0xFF;
        int best = Integer.MAX_VALUE;
        for (int length : lengths) {
            int[] candidates = lookup(key(length, address));
            if (candidates == null) {
                continue;
            }
            for (int p : candidates) {
                if (p >= best) {
                    break;
                }
                if (tunnels.get(p).local.matches(buf, src, true)) {
                    best = p;
                    break;
                }
            }
        }
        return best == Integer.MAX_VALUE ? null : tunnels.get(best);
    }

    private static long key(int length, int address) {
        int masked = length == 0 ? 0 : address & (-1 << (32 - length));
        return (long) length << 32 | (masked & 0xFFFF_FFFFL);
    }

    private int[] lookup(long key) {
        for (int i = slot(key); ; i = (i + 1) & mask) {
            int[] found = positions[i];
            if (found == null || keys[i] == key) {
                return found;
            }
        }
    }

    private int slot(long key) {
        long h = key * 0x9E37_79B9_7F4A_7C15L;
        return (int) (h >>> 40) & mask;
    }

    private void rebuild() {
        Map<Long, List<Integer>> groups = new HashMap<>();
        List<Integer> v6 = new ArrayList<>();
        java.util.TreeSet<Integer> distinct = new java.util.TreeSet<>();
        for (int p = 0; p < tunnels.size(); p++) {
            PrefixMatch remote = tunnels.get(p).remote;
            if (!remote.isIpv4()) {
                v6.add(p);
                continue;
            }
            distinct.add(remote.length());
            groups.computeIfAbsent(key(remote.length(), remote.ipv4Network()), k -> new ArrayList<>()).add(p);
        }
        int capacity = Integer.highestOneBit(Math.max(4, groups.size() * 2 - 1)) << 1;
        keys = new long[capacity];
        positions = new int[capacity][];
        mask = capacity - 1;
        groups.forEach((k, ps) -> {
            int i = slot(k);
            while (positions[i] != null) {
                i = (i + 1) & mask;
            }
            keys[i] = k;
            positions[i] = ps.stream().mapToInt(Integer::intValue).toArray();
        });
        lengths = distinct.stream().mapToInt(Integer::intValue).toArray();
        ipv6 = v6.stream().mapToInt(Integer::intValue).toArray();
        stale = false;
    }
}
