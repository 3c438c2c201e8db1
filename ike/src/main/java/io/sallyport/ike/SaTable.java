package io.sallyport.ike;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * kmd's IKE SAs, indexed so that no datagram costs a scan: by our SPI, by peer name, responder
 * SAs by the initiator's SPI and source address (IKE_SA_INIT retransmissions), and the half-open
 * ones (responder SAs not yet authenticated) by source address for the caps.
 */
final class SaTable {

    private record InitiatorKey(long spiI, InetAddress origin) {
    }

    private final Map<Long, IkeSession> bySpi = new LinkedHashMap<>();
    private final Map<String, Set<IkeSession>> byPeer = new HashMap<>();
    private final Map<InitiatorKey, IkeSession> responders = new HashMap<>();
    private final Set<IkeSession> halfOpen = new LinkedHashSet<>();
    private final Map<InetAddress, Integer> halfOpenBySource = new HashMap<>();

    void add(IkeSession s) {
        bySpi.put(s.localSpi(), s);
        byPeer.computeIfAbsent(s.peer.name(), n -> new LinkedHashSet<>()).add(s);
        if (!s.initiator && s.state == IkeSession.State.CONNECTING) {
            responders.put(new InitiatorKey(s.spiI, s.origin), s);
            halfOpen.add(s);
            halfOpenBySource.merge(s.origin, 1, Integer::sum);
        }
    }

    void remove(IkeSession s) {
        if (!bySpi.remove(s.localSpi(), s)) {
            return;
        }
        responders.remove(new InitiatorKey(s.spiI, s.origin), s);
        authenticated(s);
        Set<IkeSession> ofPeer = byPeer.get(s.peer.name());
        ofPeer.remove(s);
        if (ofPeer.isEmpty()) {
            byPeer.remove(s.peer.name());
        }
    }

    /** {@code s} is no longer half-open. */
    void authenticated(IkeSession s) {
        if (halfOpen.remove(s)) {
            halfOpenBySource.computeIfPresent(s.origin, (a, n) -> n == 1 ? null : n - 1);
        }
    }

    IkeSession get(long localSpi) { return bySpi.get(localSpi); }

    boolean containsKey(long localSpi) { return bySpi.containsKey(localSpi); }

    /** The responder SA an IKE_SA_INIT with this initiator SPI from this address created, or null. */
    IkeSession responder(long spiI, InetAddress origin) { return responders.get(new InitiatorKey(spiI, origin)); }

    List<IkeSession> ofPeer(String peer) {
        Set<IkeSession> s = byPeer.get(peer);
        return s == null ? List.of() : List.copyOf(s);
    }

    Collection<IkeSession> values() { return new ArrayList<>(bySpi.values()); }

    int size() { return bySpi.size(); }

    int halfOpen() { return halfOpen.size(); }

    int halfOpenFrom(InetAddress source) { return halfOpenBySource.getOrDefault(source, 0); }
}
