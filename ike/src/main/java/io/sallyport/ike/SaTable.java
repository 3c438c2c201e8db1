package io.sallyport.ike;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * kmd's IKE SAs, indexed so that neither a datagram nor a handshake costs a scan of the table: by
 * our SPI; by peer name, by the terms they announced, and by their peer's configured addresses
 * (the candidates of {@link Kmd#sameIkeSa}); by the address the peer is at now; their child SAs by
 * inbound SPI; responder SAs by the initiator's SPI and source address (IKE_SA_INIT
 * retransmissions); the half-open ones (responder SAs not yet authenticated) by source address
 * for the caps; and by when each next has timer work, beside the retired child SAs whose inbound
 * half lingers in the data plane after a rekey ({@link SaDeadlines}).
 *
 * <p>The indexes follow the SAs through the {@link IkeSession} methods that change what they key
 * on ({@code addChild}, {@code removeChild}, {@code adoptChildren}, {@code announce},
 * {@code forget}, {@code moveTo}), which report here while the SA is in the table. Lookups that
 * return several SAs give them in the order they were added, as a walk of the whole table would.
 */
final class SaTable {

    private record InitiatorKey(long spiI, InetAddress origin) {
    }

    /** A peer's configured addresses: peers whose SAs may be one IKE SA ({@link Kmd#sameIkeSa}) share them. */
    private record Endpoints(InetAddress local, InetAddress remote) {
        static Endpoints of(PeerConfig p) { return new Endpoints(p.localAddress(), p.remoteAddress()); }
    }

    private static final Comparator<IkeSession> ADDED = Comparator.comparingLong(s -> s.tableSeq);

    private final Map<Long, IkeSession> bySpi = new LinkedHashMap<>();
    // Each key holds its SAs in a list, most often of one: a set per key would cost ~200 bytes each.
    private final Map<String, List<IkeSession>> byPeer = new HashMap<>();
    private final Map<String, List<IkeSession>> byAnnounced = new HashMap<>();
    private final Map<Endpoints, List<IkeSession>> byEndpoints = new HashMap<>();
    private final Map<InetAddress, List<IkeSession>> byRemote = new HashMap<>();
    private final Map<Integer, IkeSession> byChildSpi = new HashMap<>();
    private final Map<InitiatorKey, IkeSession> responders = new HashMap<>();
    private final Set<IkeSession> halfOpen = new LinkedHashSet<>();
    private final Map<InetAddress, Integer> halfOpenBySource = new HashMap<>();
    private final SaDeadlines deadlines = new SaDeadlines();
    private long added;

    void add(IkeSession s) {
        bySpi.put(s.localSpi(), s);
        s.tableSeq = added++;
        s.inTable = true;
        index(byPeer, s.peer.name(), s);
        s.announced.forEach(term -> index(byAnnounced, term, s));
        index(byEndpoints, Endpoints.of(s.peer), s);
        index(byRemote, s.remote.getAddress(), s);
        s.children.forEach(c -> byChildSpi.put(c.spiIn, s));
        if (!s.initiator && s.state == IkeSession.State.CONNECTING) {
            responders.put(new InitiatorKey(s.spiI, s.origin), s);
            halfOpen.add(s);
            halfOpenBySource.merge(s.origin, 1, Integer::sum);
        }
        deadlines.changed(s);
    }

    void remove(IkeSession s) {
        if (!bySpi.remove(s.localSpi(), s)) {
            return;
        }
        s.inTable = false;
        responders.remove(new InitiatorKey(s.spiI, s.origin), s);
        authenticated(s);
        unindex(byPeer, s.peer.name(), s);
        s.announced.forEach(term -> unindex(byAnnounced, term, s));
        unindex(byEndpoints, Endpoints.of(s.peer), s);
        unindex(byRemote, s.remote.getAddress(), s);
        s.children.forEach(c -> byChildSpi.remove(c.spiIn, s));
        deadlines.removed(bySpi.size(), bySpi.values());
    }

    /** {@code s} is no longer half-open. */
    void authenticated(IkeSession s) {
        if (halfOpen.remove(s)) {
            halfOpenBySource.computeIfPresent(s.origin, (a, n) -> n == 1 ? null : n - 1);
        }
    }

    // ---------------------------------------------------------------- what the SAs report

    void childAdded(IkeSession s, ChildSa c) {
        if (s.inTable) {
            byChildSpi.put(c.spiIn, s);
        }
    }

    /** Only {@code s}'s entry goes: a child that moved on to another SA (a rekey) stays indexed there. */
    void childRemoved(IkeSession s, ChildSa c) {
        byChildSpi.remove(c.spiIn, s);
    }

    void announced(IkeSession s, String term) {
        if (s.inTable) {
            index(byAnnounced, term, s);
        }
    }

    void forgotten(IkeSession s, String term) {
        if (s.inTable) {
            unindex(byAnnounced, term, s);
        }
    }

    void moved(IkeSession s, InetAddress from) {
        if (s.inTable && !from.equals(s.remote.getAddress())) {
            unindex(byRemote, from, s);
            index(byRemote, s.remote.getAddress(), s);
        }
    }

    /** Something {@link IkeSession#nextDeadline} reads may have changed. */
    void deadlineChanged(IkeSession s) { deadlines.changed(s); }

    // ---------------------------------------------------------------- lookups

    IkeSession get(long localSpi) { return bySpi.get(localSpi); }

    boolean containsKey(long localSpi) { return bySpi.containsKey(localSpi); }

    /** The responder SA an IKE_SA_INIT with this initiator SPI from this address created, or null. */
    IkeSession responder(long spiI, InetAddress origin) { return responders.get(new InitiatorKey(spiI, origin)); }

    /** The SAs made for the peer named {@code peer}. */
    List<IkeSession> ofPeer(String peer) {
        List<IkeSession> s = byPeer.get(peer);
        return s == null ? List.of() : List.copyOf(s);
    }

    /** The SAs made for any of {@code peers}, in the order they were added. */
    List<IkeSession> ofPeers(Collection<String> peers) {
        Set<IkeSession> all = new LinkedHashSet<>();
        for (String p : peers) {
            all.addAll(byPeer.getOrDefault(p, List.of()));
        }
        return sorted(all);
    }

    /** The SAs made for {@code term} or that announced it (a term of a dynamic peer's IKE SA). */
    List<IkeSession> carrying(String term) {
        return union(byPeer.get(term), byAnnounced.get(term));
    }

    /**
     * The SAs made for {@code p}'s name or for a peer with {@code p}'s configured addresses: a
     * superset of those {@link Kmd#sameIkeSa} shares with {@code p}, for the caller to filter.
     */
    List<IkeSession> sharingCandidates(PeerConfig p) {
        return union(byPeer.get(p.name()), byEndpoints.get(Endpoints.of(p)));
    }

    /** The SAs whose peer is at {@code remote} now (it may have moved since the SA was made). */
    List<IkeSession> at(InetAddress remote) {
        return union(byRemote.get(remote), null);
    }

    /** The SA holding the child SA with inbound SPI {@code spiIn}, or null. */
    IkeSession ofChild(int spiIn) { return byChildSpi.get(spiIn); }

    boolean childSpiInUse(int spiIn) { return byChildSpi.containsKey(spiIn); }

    /** Whether a retired child with inbound SPI {@code spiIn} is still in the data plane ({@link #retire}). */
    boolean retiring(int spiIn) { return deadlines.retiring(spiIn); }

    /** The retired children still in the data plane: their inbound SPI and when they leave it. */
    Map<Integer, Long> retiringDeadlines() { return deadlines.retiringDeadlines(); }

    /** Every SA, in the order they were added: a copy, for show and configuration commands only. */
    Collection<IkeSession> values() { return new ArrayList<>(bySpi.values()); }

    int size() { return bySpi.size(); }

    int halfOpen() { return halfOpen.size(); }

    int halfOpenFrom(InetAddress source) { return halfOpenBySource.getOrDefault(source, 0); }

    // ---------------------------------------------------------------- timers

    /**
     * A child a rekey replaced has been deleted at the peer; {@code delete} takes its inbound half
     * out of the data plane at {@code at}, whatever becomes of its IKE SA meanwhile.
     */
    void retire(Action.DeleteChildSa delete, long at) { deadlines.retire(delete, at); }

    /** When the earliest SA or retired child has timer work, {@link Long#MAX_VALUE} when none has. */
    long nextDeadline() { return deadlines.earliest(bySpi.size(), bySpi.values()); }

    /**
     * The timer work due by {@code now}, each once: the retired children's deletes in the order
     * they were retired, the SAs in the order they were added.
     */
    SaDeadlines.Due due(long now) {
        SaDeadlines.Due due = deadlines.takeDue(now);
        due.sas().sort(ADDED);
        return due;
    }

    // ---------------------------------------------------------------- internals

    /** Adds {@code s} under {@code key}; each SA is indexed once per key (the callers see to it). */
    private static <K> void index(Map<K, List<IkeSession>> m, K key, IkeSession s) {
        m.computeIfAbsent(key, k -> new ArrayList<>(1)).add(s);
    }

    private static <K> void unindex(Map<K, List<IkeSession>> m, K key, IkeSession s) {
        List<IkeSession> list = m.get(key);
        if (list != null && list.remove(s) && list.isEmpty()) {
            m.remove(key);
        }
    }

    private static List<IkeSession> union(List<IkeSession> a, List<IkeSession> b) {
        if (b == null || b.isEmpty()) {
            return a == null ? List.of() : sorted(a);
        }
        if (a == null || a.isEmpty()) {
            return sorted(b);
        }
        Set<IkeSession> both = new LinkedHashSet<>(a);
        both.addAll(b);
        return sorted(both);
    }

    private static List<IkeSession> sorted(Collection<IkeSession> c) {
        List<IkeSession> l = new ArrayList<>(c);
        if (l.size() > 1) {
            l.sort(ADDED);
        }
        return l;
    }
}
