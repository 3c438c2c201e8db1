package io.sallyport.ike.v1;

import io.sallyport.crypto.DhGroup;
import io.sallyport.crypto.KeyExchange;
import io.sallyport.ike.Action;
import io.sallyport.ike.Datagram;
import io.sallyport.ike.DownCause;
import io.sallyport.ike.DropReason;
import io.sallyport.ike.DynamicPeers;
import io.sallyport.ike.IkeSaCounters;
import io.sallyport.ike.IkeSaId;
import io.sallyport.ike.KmdOptions;
import io.sallyport.ike.PeerConfig;
import io.sallyport.ike.TraceFlag;
import io.sallyport.ike.TraceLevel;
import io.sallyport.ike.message.Bytes;
import io.sallyport.ike.message.TrafficSelector;
import io.sallyport.ike.task.Failure;
import io.sallyport.ike.task.Retransmission;
import io.sallyport.ike.message.Bytes;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.IntPredicate;
import java.util.function.IntSupplier;

/**
 * The IKEv1 half of the key manager: ISAKMP SAs by our own cookie, the IKEv1 peers, and
 * dispatch of datagrams, ticks and commands to them. {@code Kmd} owns one and hands it whatever
 * is IKEv1 (ISAKMP major version 1, peers whose exchange is main or aggressive mode), so both
 * versions share one {@code Action}/{@code Command} contract. Pure and single-threaded like Kmd.
 *
 * <p>Before authentication nothing is unbounded: a responder SA exists only for a configured
 * peer's address or a dynamic-endpoint template's local address, half-open SAs are capped per
 * source address and in total, each computes DH once (retransmissions are answered from the last
 * message), and they expire after {@link KmdOptions#halfOpenTimeoutNanos()}.
 *
 * <p>Dynamic endpoints ({@link DynamicPeers}): a template (remote address unspecified) answers
 * main mode from any address no configured peer has, as an instance {@code TEMPLATE@ADDRESS} that
 * lives only in the ISAKMP SA it makes. The key is the template's, chosen before the peer's
 * (encrypted) identity is known. Aggressive mode is refused (Junos answers dynamic peers in main
 * mode only). Each quick mode's proxy IDs must fit one allowed proxy pair (one template sharing the
 * SA's phase-1 settings); its IPsec SA belongs to that pair's instance. A quick mode that fits
 * none is refused with INVALID-ID-INFORMATION (NO-PROPOSAL-CHOSEN when its proposals fit none) and
 * the ISAKMP SA stays for a later one that fits (reference §1.7: phase 2 fails, not phase 1); an
 * ISAKMP SA of a dynamic peer that holds no IPsec SA ends after {@link #CHILDLESS_NANOS}, and a
 * newer one of the same identity replaces it at once. Sallyport never initiates towards a
 * dynamic peer: the peer re-authenticates.
 */
public final class V1Engine {

    /**
     * Half-open responder SAs allowed from one source address (IKEv1 has no COOKIE exchange, so
     * this is below IKEv2's {@link KmdOptions.Limits#maxHalfOpenPerSource()}, which still applies).
     */
    static final int HALF_OPEN_PER_SOURCE = 8;

    /**
     * How long a dynamic peer's ISAKMP SA may hold no IPsec SA (from its establishment, or from
     * the removal of its last one) before it is deleted: a peer that brings up several pairs, or
     * retries after a refusal, does so within seconds of phase 1, while an authenticated peer that
     * never gets an IPsec SA should not hold kmd state (nor a line in show) beyond a minute. With
     * the per-identity rule ({@link #phase1Established}) that is one such SA per identity at a time.
     */
    static final long CHILDLESS_NANOS = 60_000_000_000L;

    /**
     * How long the initiator of a quick-mode rekey keeps sending on the old SA after its HASH(3)
     * (and after each HASH(3) it sends again for a retransmitted message 2), and how long after
     * that it deletes the old pair. A responder installs on HASH(3) (RFC 2409 §5.5; strongSwan,
     * Junos): it has the new SA by then unless HASH(3) was lost, and then it retransmits message 2
     * (ours after 0.5 s, strongSwan's after 4 s), which restarts the wait. The old SA's hard
     * lifetime bounds both.
     */
    static final long OUTBOUND_SWITCH_NANOS = 2_000_000_000L;

    /** How often the data plane is asked for the bytes of an IPsec SA with a kilobyte lifetime. */
    static final long TRAFFIC_QUERY_NANOS = 1_000_000_000L;

    /** What show commands see of one ISAKMP SA. */
    public record SaView(String peer, IkeSaId id, String state, boolean initiator, InetSocketAddress local,
                         InetSocketAddress remote, List<Integer> childSpisIn, String exchangeType, IkeSaCounters counters) {
    }

    private final KmdOptions options;
    private final SecureRandom random;
    private final IntPredicate spiTakenElsewhere;
    private final Consumer<DropReason> counter;
    private final IntSupplier halfOpenElsewhere;
    private final Retransmission retransmission;
    private final Map<String, PeerConfig> peers = new LinkedHashMap<>();
    private final Map<Long, IsakmpSa> sas = new HashMap<>();
    /** New ISAKMP SAs that re-authenticate an old one, which goes once the new SA has an IPsec SA. */
    private final Map<IsakmpSa, IsakmpSa> replacing = new HashMap<>();
    private final Map<String, Long> reconnectAt = new HashMap<>();
    /** Key pairs made and secrets agreed (modular exponentiations, EC scalar multiplications). */
    private long dhOperations;

    /**
     * @param spiTakenElsewhere inbound ESP SPIs the IKEv2 side already uses
     * @param counter           where drops are counted (Kmd's counters)
     * @param halfOpenElsewhere half-open IKEv2 SAs: both versions share {@link KmdOptions.Limits#maxHalfOpen()}
     */
    public V1Engine(KmdOptions options, SecureRandom random, IntPredicate spiTakenElsewhere, Consumer<DropReason> counter,
                    IntSupplier halfOpenElsewhere) {
        this.options = options;
        this.random = random;
        this.spiTakenElsewhere = spiTakenElsewhere;
        this.counter = counter;
        this.halfOpenElsewhere = halfOpenElsewhere;
        this.retransmission = new Retransmission(options.retransmitBaseNanos(), options.retransmitTries());
    }

    /** Whether a datagram (without non-ESP marker) is ISAKMP version 1. */
    public static boolean isIkev1(byte[] payload) {
        return IsakmpHeader.majorVersion(payload) == 1;
    }

    /**
     * Whether an ISAKMP datagram opens a new phase 1 at the responder (no responder cookie):
     * main mode or aggressive mode message 1. Kmd admits these through the same per-source and
     * global rate limits as IKE_SA_INIT before they reach this engine.
     */
    public static boolean opensPhaseOne(byte[] payload) {
        IsakmpHeader h = IsakmpHeader.parse(payload);
        return h != null && h.ckyR() == 0;
    }

    /** DH work done so far (key pairs made plus secrets agreed). */
    public long dhOperations() { return dhOperations; }

    // ---------------------------------------------------------------- commands

    public boolean hasPeer(String name) { return peers.containsKey(name); }

    /** The configured IKEv1 peer {@code name}, or a dynamic instance's template; empty for others. */
    public Optional<PeerConfig> configured(String name) {
        PeerConfig p = peers.get(name);
        return p != null ? Optional.of(p) : DynamicPeers.templateName(name).map(peers::get);
    }

    /** Whether commands for {@code name} are this engine's: an IKEv1 peer, or an instance of an IKEv1 template. */
    public boolean knows(String name) { return peers.containsKey(name) || templateOf(name).isPresent(); }

    public void addPeer(long now, PeerConfig p, List<Action> out) {
        peers.put(p.name(), p);
        trace(out, TraceFlag.DATABASE, TraceLevel.INFO, "peer " + p.name() + " added (IKEv1 " + p.exchange().display() + " mode)");
        if (p.establishImmediately()) {
            initiate(now, p.name(), out);
        }
    }

    public void removePeer(long now, String name, List<Action> out) {
        for (IsakmpSa sa : sessionsOf(name)) {
            if (carriesOtherTerms(sa, name)) {
                // Terms sharing the ISAKMP SA keep it: only this term's IPsec SAs go.
                sa.pendingTerms.remove(name);
                sa.announced.remove(name);
                for (V1Child c : List.copyOf(sa.children)) {
                    if (c.term.name().equals(name)) {
                        sa.deleteChild(now, c, "peer removed", out);
                    }
                }
            } else {
                sa.delete(Failure.of(Failure.Kind.DELETED, "peer removed"), out);
            }
        }
        if (peers.containsKey(name) && DynamicPeers.isTemplate(peers.get(name))) {
            // The dynamic peers it accepted go with it.
            for (IsakmpSa sa : List.copyOf(sas.values())) {
                if (DynamicPeers.templateName(sa.peer.name()).equals(Optional.of(name))) {
                    sa.delete(Failure.of(Failure.Kind.DELETED, "peer removed"), out);
                }
            }
        }
        peers.remove(name);
        reconnectAt.remove(name);
    }

    /**
     * Brings up the term's IPsec SA: a quick mode under an ISAKMP SA that is up or coming up
     * towards the same gateway with the same phase-1 settings (the term's own, or another term's:
     * Junos makes one ISAKMP SA and one quick mode per term), else phase 1 first.
     */
    public void initiate(long now, String name, List<Action> out) {
        PeerConfig p = peers.get(name);
        if (p == null) {
            return;
        }
        List<IsakmpSa> carriers = sas.values().stream().filter(s -> (s.state == IsakmpSa.State.ESTABLISHED
                || s.state == IsakmpSa.State.CONNECTING && s.initiator) && !s.duplicate && carries(s, p)).toList();
        if (carriers.stream().anyMatch(s -> s.pendingTerms.containsKey(name) || s.children.stream().anyMatch(c -> c.term.name().equals(name)))
                || carriers.stream().anyMatch(s -> s.state == IsakmpSa.State.CONNECTING && s.peer.name().equals(name))) {
            trace(out, TraceFlag.IKE, TraceLevel.VERBOSE, "IPsec SA of " + name + " already up or coming up");
            return;
        }
        Optional<IsakmpSa> carrier = carriers.stream().filter(s -> s.state == IsakmpSa.State.ESTABLISHED)
                .max(java.util.Comparator.comparingLong(s -> s.establishedAt))
                .or(() -> carriers.stream().findFirst());
        if (carrier.isPresent()) {
            carrier.get().bringUp(p, now, out);
            return;
        }
        startPhase1(now, p, out);
    }

    /** Whether {@code sa} may carry the IPsec SAs of term {@code p}: its own peer, or a term with the same phase-1 settings. */
    private boolean carries(IsakmpSa sa, PeerConfig p) {
        return sa.peer.name().equals(p.name()) || !isDynamic(sa) && !DynamicPeers.isTemplate(p) && sameIsakmpSa(sa.peer, p);
    }

    /** Whether {@code sa} holds IPsec SAs (or brings one up) of a term other than {@code name}. */
    private static boolean carriesOtherTerms(IsakmpSa sa, String name) {
        return sa.children.stream().anyMatch(c -> !c.term.name().equals(name))
                || sa.pendingTerms.keySet().stream().anyMatch(t -> !t.equals(name));
    }

    private IsakmpSa startPhase1(long now, PeerConfig p, List<Action> out) {
        Optional<PhaseOneAuth> auth = PhaseOneAuth.of(p.authenticator());
        if (auth.isEmpty()) {
            trace(out, TraceFlag.IKE, TraceLevel.ERROR, "peer " + p.name() + ": IKEv1 authenticates with pre-shared keys, RSA or ECDSA (P-256/384/521) signatures only");
            return null;
        }
        IsakmpSa sa = new IsakmpSa(this, p, true, newCookie(), 0, new InetSocketAddress(p.localAddress(), 500),
                new InetSocketAddress(p.remoteAddress(), 500), now);
        sa.initialContact = sas.values().stream().noneMatch(o -> o.remote.getAddress().equals(p.remoteAddress()));
        sas.put(sa.ckyI, sa);
        sa.tasks.startPhase1(now, p.exchange() == PeerConfig.Exchange.AGGRESSIVE ? AggressiveMode.initiator(sa, auth.get())
                : MainMode.initiator(sa, auth.get()), out);
        return sa;
    }

    public void deleteIkeSa(long now, String name, List<Action> out) {
        for (IsakmpSa sa : sessionsOf(name)) {
            sa.delete(Failure.of(Failure.Kind.DELETED, "by operator"), out);
        }
    }

    /** Re-authenticates the peer's ISAKMP SA now (IKEv1 has no phase-1 rekey). */
    public void rekeyIke(long now, String name, List<Action> out) {
        sessionsOf(name).stream().filter(s -> s.state == IsakmpSa.State.ESTABLISHED).findFirst()
                .ifPresent(s -> reauthenticate(s, now, out));
    }

    public boolean deleteChild(long now, int spiIn, List<Action> out) {
        for (IsakmpSa sa : List.copyOf(sas.values())) {
            Optional<V1Child> c = sa.child(spiIn);
            if (c.isPresent()) {
                sa.deleteChild(now, c.get(), "deleted by operator", out);
                return true;
            }
        }
        return false;
    }

    public boolean rekeyChild(long now, int spiIn, List<Action> out) {
        for (IsakmpSa sa : List.copyOf(sas.values())) {
            Optional<V1Child> c = sa.child(spiIn);
            if (c.isPresent() && sa.state == IsakmpSa.State.ESTABLISHED && c.get().state == V1Child.State.INSTALLED) {
                sa.rekeyChild(now, c.get(), out);
                return true;
            }
        }
        return false;
    }

    /**
     * The data plane's byte count of an IPsec SA pair with a kilobyte lifetime (RFC 2407 §4.5):
     * either direction at the soft limit starts a rekey (make before break, as at the soft
     * lifetime in seconds), at the hard limit the pair is deleted at both ends. False when no
     * IPsec SA has the SPI.
     */
    public boolean childTraffic(long now, int spiIn, long inboundBytes, long outboundBytes, List<Action> out) {
        for (IsakmpSa sa : List.copyOf(sas.values())) {
            Optional<V1Child> c = sa.child(spiIn);
            if (c.isPresent()) {
                guarded(sa, out, () -> sa.traffic(now, c.get(), Math.max(inboundBytes, outboundBytes), out));
                return true;
            }
        }
        return false;
    }

    /**
     * The data plane authenticated ESP of the IPsec SA with inbound SPI {@code spiIn} from
     * {@code to}, not where its peer was ({@link IsakmpSa#followPeerOnEsp}). False when no IPsec SA
     * has the SPI.
     */
    public boolean followPeer(int spiIn, InetSocketAddress to, List<Action> out) {
        for (IsakmpSa sa : sas.values()) {
            if (sa.child(spiIn).isPresent()) {
                guarded(sa, out, () -> sa.followPeerOnEsp(to, out));
                return true;
            }
        }
        return false;
    }

    /**
     * ESP for an SPI we do not know came from {@code from} (the gateway rate-limits these to one a
     * second per tunnel): tells the peer with a protected INVALID-SPI notify (RFC 2408 §3.14.1, the
     * SPI in the notify's SPI field) over its newest established ISAKMP SA. False when there is
     * none: the peer is told nothing unauthenticated.
     */
    public boolean reportInvalidSpi(InetAddress from, int spi, List<Action> out) {
        Optional<IsakmpSa> sa = sas.values().stream()
                .filter(s -> s.state == IsakmpSa.State.ESTABLISHED && s.remote.getAddress().equals(from))
                .max(java.util.Comparator.comparingLong(s -> s.establishedAt));
        sa.ifPresent(s -> guarded(s, out, () -> {
            trace(out, TraceFlag.IKE, TraceLevel.INFO, String.format("telling %s about unknown SPI %08x", s.peer.name(), spi));
            s.sendInformational(List.of(new V1Payload.Notify(Isakmp.DOI_IPSEC, Isakmp.PROTO_ESP, Bytes.of32(spi),
                    Isakmp.N_INVALID_SPI, new byte[0])), out);
        }));
        return sa.isPresent();
    }

    public boolean hasChildSpi(int spi) {
        return sas.values().stream().anyMatch(s -> s.child(spi).isPresent());
    }

    // ---------------------------------------------------------------- input and timers

    public void handle(long now, Datagram d, List<Action> out) {
        IsakmpHeader h = IsakmpHeader.parse(d.payload());
        if (h == null || h.ckyI() == 0) {
            counter.accept(DropReason.MALFORMED_HEADER);
            return;
        }
        if (h.ckyR() == 0) {
            firstMessage(now, d, h, out);
            return;
        }
        IsakmpSa sa = sas.get(h.ckyR());
        if (sa == null || sa.initiator || sa.ckyI != h.ckyI()) {
            sa = sas.get(h.ckyI());
            if (sa != null && (!sa.initiator || (sa.ckyR != 0 && sa.ckyR != h.ckyR()))) {
                sa = null;
            }
        }
        if (sa == null) {
            counter.accept(DropReason.UNKNOWN_SPI);
            trace(out, TraceFlag.IKE, TraceLevel.VERBOSE, "no ISAKMP SA for cookies " + new IkeSaId(h.ckyI(), h.ckyR()) + " from " + d.remote());
            return;
        }
        IsakmpSa s = sa;
        boolean wasEstablished = s.state == IsakmpSa.State.ESTABLISHED;
        guarded(s, out, () -> s.onDatagram(now, d, h, out));
        if (!wasEstablished && s.state == IsakmpSa.State.ESTABLISHED) {
            settleTwins(s, out);
        }
        scheduleReconnects(now);
    }

    private void firstMessage(long now, Datagram d, IsakmpHeader h, List<Action> out) {
        if (h.messageId() != 0 || h.encrypted()) {
            counter.accept(DropReason.MALFORMED_HEADER);
            return;
        }
        // One walk: a retransmitted message 1 of a half-open SA, and the half-open counts for the caps.
        IsakmpSa retransmitted = null;
        long fromSource = 0;
        long total = 0;
        for (IsakmpSa s : sas.values()) {
            if (s.initiator) {
                continue;
            }
            boolean sameSource = s.remote.getAddress().equals(d.remote().getAddress());
            if (sameSource && s.ckyI == h.ckyI() && retransmitted == null) {
                retransmitted = s;
            }
            if (s.state == IsakmpSa.State.CONNECTING) {
                total++;
                fromSource += sameSource ? 1 : 0;
            }
        }
        if (retransmitted != null) {
            IsakmpSa halfOpen = retransmitted;
            guarded(halfOpen, out, () -> halfOpen.onDatagram(now, d, h, out));
            return;
        }
        Optional<PeerConfig> p = peers.values().stream()
                .filter(c -> c.remoteAddress().equals(d.remote().getAddress()) && c.localAddress().equals(d.local().getAddress()))
                .findFirst();
        if (p.isEmpty()) {
            Optional<PeerConfig> template = peers.values().stream().filter(c -> DynamicPeers.isTemplate(c)
                    && c.localAddress().equals(d.local().getAddress())
                    && c.remoteAddress().getClass() == d.remote().getAddress().getClass()).findFirst();
            if (template.isPresent() && h.exchange() != Isakmp.EXCH_MAIN) {
                refuseDynamicExchange(template.get(), d, h, out);
                return;
            }
            // The instance exists only in the SA it makes: an unknown source costs what a configured one does.
            p = template.map(t -> DynamicPeers.instance(t, d.remote()));
        }
        if (p.isEmpty()) {
            counter.accept(DropReason.NO_PEER);
            trace(out, TraceFlag.POLICY_MANAGER, TraceLevel.WARNING, "ISAKMP message from " + d.remote() + ": no IKEv1 peer configured");
            return;
        }
        int expected = p.get().exchange() == PeerConfig.Exchange.AGGRESSIVE ? Isakmp.EXCH_AGGRESSIVE : Isakmp.EXCH_MAIN;
        if (h.exchange() != expected) {
            counter.accept(DropReason.UNEXPECTED_EXCHANGE);
            trace(out, TraceFlag.IKE, TraceLevel.WARNING, "exchange type " + h.exchange() + " from " + d.remote()
                    + " refused: peer " + p.get().name() + " is configured for " + p.get().exchange().display() + " mode");
            return;
        }
        // Main mode does no DH before message 3, which must echo the cookie we sent to the source
        // (RFC 2408 §2.5.3): only the state is at stake, bounded by maxHalfOpen. Aggressive mode
        // answers message 1 with DH, so it keeps the low bound that IKEv2 answers with COOKIEs.
        long totalCap = expected == Isakmp.EXCH_AGGRESSIVE ? options.cookieThreshold() : options.limits().maxHalfOpen();
        if (fromSource >= Math.min(HALF_OPEN_PER_SOURCE, options.limits().maxHalfOpenPerSource())
                || total >= totalCap || total + halfOpenElsewhere.getAsInt() >= options.limits().maxHalfOpen()) {
            counter.accept(DropReason.HALF_OPEN_LIMIT);
            return;
        }
        Optional<PhaseOneAuth> auth = PhaseOneAuth.of(p.get().authenticator());
        if (auth.isEmpty()) {
            counter.accept(DropReason.NO_PEER);
            return;
        }
        IsakmpSa sa = new IsakmpSa(this, p.get(), false, h.ckyI(), newCookie(), d.local(), d.remote(), now);
        sas.put(sa.ckyR, sa);
        sa.tasks.expect(expected == Isakmp.EXCH_AGGRESSIVE ? AggressiveMode.responder(sa, auth.get())
                : MainMode.responder(sa, auth.get()));
        guarded(sa, out, () -> sa.onDatagram(now, d, h, out));
        if (sa.state == IsakmpSa.State.CONNECTING && !sa.tasks.started(0)) {
            sas.remove(sa.ckyR, sa); // the first message was not acceptable: keep no state for it
        }
    }

    /**
     * Aggressive mode (or any other exchange) from a dynamic peer: Junos answers dynamic peers in
     * main mode only (aggressive mode would hand anyone who asks a hash of the profile's key to
     * attack offline). No state is kept; the peer hears NO-PROPOSAL-CHOSEN, and the refusal is
     * reported like a failed SA of the instance so the service set shows why.
     */
    private void refuseDynamicExchange(PeerConfig template, Datagram d, IsakmpHeader h, List<Action> out) {
        counter.accept(DropReason.UNEXPECTED_EXCHANGE);
        String why = (h.exchange() == Isakmp.EXCH_AGGRESSIVE ? "aggressive mode" : "exchange type " + h.exchange())
                + " is not supported for dynamic endpoints (main mode only)";
        PeerConfig instance = DynamicPeers.instance(template, d.remote());
        trace(out, TraceFlag.POLICY_MANAGER, TraceLevel.ERROR, "dynamic peer refused: " + why + " (" + instance.name() + ")");
        // A responder cookie of its own, as if an SA had been made: the initiator matches the answer to its SA by it.
        long ckyR = newCookie();
        V1Payload.Notify n = new V1Payload.Notify(Isakmp.DOI_IPSEC, Isakmp.PROTO_ISAKMP,
                Bytes.concat(Bytes.of64(h.ckyI()), Bytes.of64(ckyR)), Isakmp.N_NO_PROPOSAL_CHOSEN, new byte[0]);
        byte[] notify = V1Codec.plain(new IsakmpHeader(h.ckyI(), ckyR, 0, Isakmp.EXCH_INFORMATIONAL, 0, random.nextInt(), 0), List.of(n));
        out.add(new Action.Send(new Datagram(d.local(), d.remote(), notify, d.nonEspMarker())));
        out.add(new Action.IkeSaDown(instance.name(), new IkeSaId(h.ckyI(), 0), DownCause.POLICY_MISMATCH,
                Failure.of(Failure.Kind.NO_PROPOSAL_CHOSEN, why).words()));
    }

    public void tick(long now, List<Action> out) {
        for (IsakmpSa sa : List.copyOf(sas.values())) {
            if (sa.nextDeadline() <= now) {
                guarded(sa, out, () -> sa.tick(now, out));
            }
        }
        scheduleReconnects(now);
        for (var e : List.copyOf(reconnectAt.entrySet())) {
            if (e.getValue() <= now && peers.containsKey(e.getKey())) {
                reconnectAt.remove(e.getKey());
                trace(out, TraceFlag.TIMER, TraceLevel.INFO, "establish-tunnels immediately: initiating " + e.getKey() + " again");
                initiate(now, e.getKey(), out);
            }
        }
    }

    public long nextDeadline() {
        long d = sas.values().stream().mapToLong(IsakmpSa::nextDeadline).min().orElse(Long.MAX_VALUE);
        return Math.min(d, reconnectAt.values().stream().mapToLong(Long::longValue).min().orElse(Long.MAX_VALUE));
    }

    /** Called after commands: peers that establish immediately come back after their SA went away. */
    public void scheduleReconnects(long now) {
        for (PeerConfig p : peers.values()) {
            if (!p.establishImmediately() || hasTunnelOrNegotiation(p.name())) {
                reconnectAt.remove(p.name());
            } else {
                reconnectAt.putIfAbsent(p.name(), now + options.reconnectNanos());
            }
        }
        reconnectAt.keySet().retainAll(peers.keySet());
    }

    /** An IPsec SA is up or on its way (phase 1 connecting, a quick mode queued or running). */
    private boolean hasTunnelOrNegotiation(String peer) {
        return sessionsOf(peer).stream().anyMatch(s -> s.state == IsakmpSa.State.CONNECTING || s.pendingTerms.containsKey(peer)
                || s.children.stream().anyMatch(c -> c.term.name().equals(peer))
                || s.peer.name().equals(peer) && s.tasks.busy());
    }

    /** The ISAKMP SAs for show; an expired one whose IPsec SAs stay is none (Junos shows it no more). */
    public List<SaView> sas() {
        return sas.values().stream().filter(s -> s.state != IsakmpSa.State.EXPIRED).map(s -> new SaView(s.peer.name(), s.id(), s.state.name(), s.initiator, s.local, s.remote,
                s.children.stream().map(c -> c.spiIn).toList(), s.peer.exchange().display(), s.counters.snapshot())).toList();
    }

    public int liveSaCount() { return sas.size(); }

    /** The ISAKMP SAs themselves, for tests in this package that speak under an SA's own keys. */
    java.util.Collection<IsakmpSa> isakmpSas() { return sas.values(); }

    // ---------------------------------------------------------------- for the SAs

    KmdOptions options() { return options; }

    SecureRandom random() { return random; }

    Retransmission retransmission() { return retransmission; }

    void count(DropReason r) { counter.accept(r); }

    void trace(List<Action> out, TraceFlag f, TraceLevel l, String text) { out.add(new Action.Trace(f, l, text)); }

    KeyExchange newKeyExchange(DhGroup group) {
        dhOperations++;
        return KeyExchange.generate(group, random);
    }

    /** g^xy from the peer's public value; empty when that value is invalid. */
    Optional<byte[]> agree(KeyExchange ours, byte[] peerPublic) {
        dhOperations++;
        return ours.sharedSecret(peerPublic);
    }

    byte[] nonce() {
        byte[] n = new byte[32];
        random.nextBytes(n);
        return n;
    }

    /** A soft byte lifetime for a hard one, with the jitter of {@link #softLife}. */
    long softBytes(long hardBytes) {
        return options.softLifetime(hardBytes, random);
    }

    /** Soft lifetime: the hard one advanced by a random 10-20 % (with the default jitter) so both ends do not rekey at once. */
    long softLife(long lifeNanos) {
        return options.softLifetime(lifeNanos, random);
    }

    int newChildSpi() {
        int spi;
        do {
            spi = random.nextInt();
        } while (Integer.compareUnsigned(spi, 256) < 0 || hasChildSpi(spi) || spiTakenElsewhere.test(spi));
        return spi;
    }

    private long newCookie() {
        long c;
        do {
            c = random.nextLong();
        } while (c == 0 || sas.containsKey(c));
        return c;
    }

    void unregister(IsakmpSa sa) {
        sas.remove(sa.localCookie(), sa);
        replacing.remove(sa);
        replacing.values().removeIf(old -> old == sa);
    }

    /** Phase 1 is up: the initiator starts its quick mode; older SAs of the peer stop re-authenticating. */
    void phase1Established(IsakmpSa sa, long now, List<Action> out) {
        for (IsakmpSa other : sessionsOf(sa.peer.name())) {
            if (other != sa && other.state == IsakmpSa.State.ESTABLISHED) {
                other.softDeadline = Long.MAX_VALUE;
            }
        }
        if (isDynamic(sa)) {
            // One ISAKMP SA without IPsec SAs per dynamic identity: the newer one serves its next quick mode.
            for (IsakmpSa other : List.copyOf(sas.values())) {
                if (other != sa && other.state == IsakmpSa.State.ESTABLISHED && other.children.isEmpty() && !other.tasks.busy()
                        && samePeer(sa, other)) {
                    trace(out, TraceFlag.IKE, TraceLevel.NOTICE, "ISAKMP SA " + other.id() + " of " + other.peer.name()
                            + " holds no IPsec SA and " + sa.id() + " of the same identity came up: deleting it");
                    other.delete(Failure.of(Failure.Kind.REPLACED, "a newer ISAKMP SA of the same identity"), out);
                }
            }
        }
        adoptKeptBy(sa, now, out);
        IsakmpSa replaced = replacing.get(sa);
        if (replaced != null) {
            // A re-authentication brings up again every term the old SA carried, not only its own.
            replaced.children.stream().map(c -> c.term).filter(t -> !t.name().equals(sa.peer.name()))
                    .forEach(t -> sa.pendingTerms.putIfAbsent(t.name(), peers.getOrDefault(t.name(), t)));
        }
        if (sa.initiator && sa.children.stream().noneMatch(c -> c.term.name().equals(sa.peer.name()))) {
            sa.pendingTerms.putIfAbsent(sa.peer.name(), sa.peer);
        }
        sa.startPendingQuickModes();
    }

    /**
     * {@code sa} came up: the IPsec SAs that expired ISAKMP SAs of the same peer at the same
     * address left behind become its own (rekeyed and deleted under its keys), unless the peer
     * said INITIAL-CONTACT (it forgot them; {@link #initialContact} drops them).
     */
    private void adoptKeptBy(IsakmpSa sa, long now, List<Action> out) {
        if (sa.peerInitialContact || sa.duplicate) {
            return;
        }
        for (IsakmpSa kept : List.copyOf(sas.values())) {
            if (kept.state == IsakmpSa.State.EXPIRED && samePeer(sa, kept) && kept.remote.getAddress().equals(sa.remote.getAddress())) {
                adopt(sa, kept, now, out);
            }
        }
    }

    /** {@code expired} just ended with IPsec SAs: an ISAKMP SA of the peer that is up already adopts them now. */
    void adoptKept(IsakmpSa expired, long now, List<Action> out) {
        liveSaOf(expired).ifPresent(live -> adopt(live, expired, now, out));
    }

    private void adopt(IsakmpSa into, IsakmpSa expired, long now, List<Action> out) {
        trace(out, TraceFlag.IKE, TraceLevel.NOTICE, "ISAKMP SA " + into.id() + " of " + into.peer.name() + " takes over "
                + expired.children + " of the expired ISAKMP SA " + expired.id());
        for (V1Child c : expired.children) {
            c.rekeyNotBefore = 0;   // a rekey that waited for a phase 1 is due at once
            c.adopted = true;
            into.children.add(c);
            into.announce(c.term.name(), now, out);
        }
        into.childlessSince = Long.MAX_VALUE;
        expired.children.clear();
        expired.emptied();
    }

    /** The newest established ISAKMP SA of the peer that {@code sa} (expired) was with, at the same address. */
    Optional<IsakmpSa> liveSaOf(IsakmpSa sa) {
        return sas.values().stream().filter(o -> o != sa && o.state == IsakmpSa.State.ESTABLISHED && !o.duplicate
                        && samePeer(o, sa) && o.remote.getAddress().equals(sa.remote.getAddress()))
                .max(java.util.Comparator.comparingLong(o -> o.establishedAt));
    }

    /**
     * An IPsec SA of the expired {@code sa} is due for its rekey: a new phase 1 comes first (its
     * adoption then rekeys the SA), unless one is already coming up. A dynamic peer's cannot be
     * started by us (we do not know where it will be): false, its IPsec SAs wait for the peer or
     * their own end.
     */
    boolean phase1ForRekey(IsakmpSa sa, long now, List<Action> out) {
        PeerConfig p = peers.get(sa.peer.name());
        if (p == null || isDynamic(sa)) {
            trace(out, TraceFlag.IKE, TraceLevel.VERBOSE, "IPsec SAs " + sa.children + " of " + sa.peer.name()
                    + " have no ISAKMP SA to rekey them: left to the peer until they expire");
            return false;
        }
        if (sessionsOf(p.name()).stream().noneMatch(s -> s.state == IsakmpSa.State.CONNECTING || s.state == IsakmpSa.State.ESTABLISHED)) {
            trace(out, TraceFlag.IKE, TraceLevel.INFO, "IPsec SAs " + sa.children + " of " + p.name() + " are due for rekey: new phase 1 first");
            startPhase1(now, p, out);
        }
        return true;
    }

    /**
     * A quick mode installed an IPsec SA, or one we started failed: an ISAKMP SA this one
     * re-authenticated can go once no term it carried still waits for its quick mode here.
     */
    void childInstalled(IsakmpSa sa, List<Action> out) {
        if (!sa.pendingTerms.isEmpty() || sa.children.isEmpty()) {
            return;
        }
        IsakmpSa old = replacing.remove(sa);
        if (old != null && !old.isClosed()) {
            trace(out, TraceFlag.IKE, TraceLevel.NOTICE, "ISAKMP SA " + old.id() + " re-authenticated as " + sa.id() + ": deleting it");
            old.delete(Failure.of(Failure.Kind.REPLACED, "re-authenticated"), out);
        }
    }

    /** Whether {@code sa} re-authenticates the ISAKMP SA holding {@code child}. */
    boolean reauthenticationOf(IsakmpSa sa, V1Child child) {
        IsakmpSa old = replacing.get(sa);
        return old != null && old.children.contains(child);
    }

    /** An installed IPsec SA of the peer (under any of its ISAKMP SAs) for exactly these selectors. */
    Optional<V1Child> childWithSelectors(String peer, io.sallyport.ike.message.TrafficSelector local,
                                         io.sallyport.ike.message.TrafficSelector remote) {
        return sessionsOf(peer).stream().flatMap(s -> s.children.stream())
                .filter(c -> c.state != V1Child.State.REKEYED && c.state != V1Child.State.PENDING
                        && c.localSelectors.equals(List.of(local))
                        && c.remoteSelectors.equals(List.of(remote)))
                .findFirst();
    }

    /**
     * {@code old} leaves the data plane: an SA that replaces it and still waits to take its
     * outbound traffic (under any ISAKMP SA: a re-authentication's) takes it now.
     */
    void handOverFrom(V1Child old, List<Action> out) {
        for (IsakmpSa s : List.copyOf(sas.values())) {
            for (V1Child c : s.children) {
                if (c.replaces == old && !c.outboundActive) {
                    s.handOver(c, out);
                }
            }
        }
    }

    /** Deletes an IPsec SA a rekey replaced, through whichever ISAKMP SA holds it. */
    void deleteReplaced(long now, V1Child old, List<Action> out) {
        sas.values().stream().filter(s -> s.children.contains(old)).findFirst()
                .ifPresent(s -> s.deleteChild(now, old, "rekeyed", out));
    }

    /** Make before break: a new main mode and quick mode; the old SA goes when they are done. */
    void reauthenticate(IsakmpSa old, long now, List<Action> out) {
        if (replacing.containsValue(old)) {
            return;
        }
        if (isDynamic(old)) {
            // Only a dynamic peer initiates (its address may be a NAT's): it re-authenticates before our hard lifetime.
            trace(out, TraceFlag.IKE, TraceLevel.VERBOSE, "ISAKMP SA " + old.id() + " of dynamic peer " + old.peer.name()
                    + ": left to the peer to re-authenticate");
            return;
        }
        IsakmpSa fresh = startPhase1(now, old.peer, out);
        if (fresh != null) {
            replacing.put(fresh, old);
        }
    }

    /**
     * Both ends initiated at once, so two ISAKMP SAs with the peer were negotiated side by side
     * (RFC 2409 says nothing of it; strongSwan keeps both). Both ends keep the same one: the one
     * with the lower cookies (CKY-I, then CKY-R, unsigned), which both know. An SA's twins are the
     * peer's other established SAs that came up after it began: an SA that a re-authentication
     * replaces (ours or the peer's) was up before its successor began, so it is none.
     */
    private java.util.stream.Stream<IsakmpSa> twins(IsakmpSa sa) {
        return sas.values().stream().filter(o -> o != sa && o.state == IsakmpSa.State.ESTABLISHED && !o.duplicate
                && o.peer.name().equals(sa.peer.name()) && o.remote.getAddress().equals(sa.remote.getAddress())
                && o.establishedAt >= sa.createdAt);
    }

    private static int rank(IsakmpSa a, IsakmpSa b) {
        int c = Long.compareUnsigned(a.ckyI, b.ckyI);
        return c != 0 ? c : Long.compareUnsigned(a.ckyR, b.ckyR);
    }

    /** The twin that stays instead of {@code sa}, if one does. */
    Optional<IsakmpSa> outranking(IsakmpSa sa) {
        return twins(sa).filter(o -> rank(o, sa) < 0).findFirst();
    }

    /** {@code sa} just came up: it goes if it is a duplicate, else the twins it outranks go (with their IPsec SAs). */
    private void settleTwins(IsakmpSa sa, List<Action> out) {
        List<IsakmpSa> losers = sa.duplicate ? List.of(sa) : twins(sa).filter(o -> rank(sa, o) < 0).toList();
        for (IsakmpSa loser : losers) {
            IsakmpSa keeper = loser == sa ? outranking(sa).orElseThrow() : sa;
            if (loser != sa) {
                trace(out, TraceFlag.IKE, TraceLevel.NOTICE, "ISAKMP SA " + loser.id() + " with " + loser.peer.name()
                        + " duplicates " + keeper.id() + " (both ends initiated): deleting it");
            }
            loser.delete(Failure.of(Failure.Kind.REPLACED, "duplicate of ISAKMP SA " + keeper.id() + " (both ends initiated)"), out);
        }
    }

    /**
     * INITIAL-CONTACT (RFC 2407 §4.6.3.3): the peer forgot the SAs it had with us before this one.
     * SAs that came up while this one was negotiated (both ends initiating at once) are not
     * among them; IPsec SAs this one took over from an expired ISAKMP SA are: the notify may come
     * in an informational exchange of its own after phase 1 (under its keys, so authenticated),
     * when the takeover is done, and they are dropped there too (no Delete: the peer has them no
     * more), and nothing more is taken over.
     */
    void initialContact(IsakmpSa sa, long now, List<Action> out) {
        sa.peerInitialContact = true;
        for (IsakmpSa other : List.copyOf(sas.values())) {
            if (other != sa && other.establishedAt < sa.createdAt && samePeer(sa, other)) {
                trace(out, TraceFlag.IKE, TraceLevel.NOTICE, "INITIAL-CONTACT from " + sa.peer.name() + ": dropping ISAKMP SA " + other.id());
                other.close(out, Failure.of(Failure.Kind.REPLACED, "peer sent INITIAL-CONTACT"));
            }
        }
        for (V1Child c : List.copyOf(sa.children)) {
            if (c.adopted) {
                trace(out, TraceFlag.IKE, TraceLevel.NOTICE, "INITIAL-CONTACT from " + sa.peer.name() + ": dropping " + c
                        + ", taken over from an expired ISAKMP SA");
                sa.removeChild(now, c, "peer sent INITIAL-CONTACT", out);
            }
        }
    }

    /**
     * Whether {@code other} is an earlier SA of the peer that authenticated {@code sa}: the same
     * configured peer at the same address; for a dynamic peer, an instance of the same template
     * that the same identity authenticated, from whatever address (a new lease, a NAT rebinding).
     */
    private boolean samePeer(IsakmpSa sa, IsakmpSa other) {
        if (isDynamic(sa)) {
            return sa.peerIdentity != null && sa.peerIdentity.equals(other.peerIdentity)
                    && DynamicPeers.templateName(other.peer.name()).equals(DynamicPeers.templateName(sa.peer.name()));
        }
        return other.remote.getAddress().equals(sa.remote.getAddress()) && other.peer.name().equals(sa.peer.name());
    }

    /** The SAs of {@code name}: those it started, and those carrying an IPsec SA of it (a dynamic peer's further pairs). */
    private List<IsakmpSa> sessionsOf(String name) {
        return sas.values().stream().filter(s -> s.peer.name().equals(name) || s.announced.contains(name)
                || s.pendingTerms.containsKey(name)).toList();
    }

    /** The configured template of a dynamic peer's instance name; empty for configured peers and other names. */
    private Optional<PeerConfig> templateOf(String name) {
        if (peers.containsKey(name)) {
            return Optional.empty();
        }
        return DynamicPeers.templateName(name).map(peers::get).filter(DynamicPeers::isTemplate);
    }

    /** Whether {@code sa} is a dynamic peer's (its peer an instance of a template). */
    boolean isDynamic(IsakmpSa sa) { return templateOf(sa.peer.name()).isPresent(); }

    /**
     * The terms whose IPsec SAs {@code sa} may carry: its peer; for a dynamic peer, the instances at
     * its address of every template with the same phase-1 settings (one per allowed proxy pair).
     */
    private List<PeerConfig> termsOf(IsakmpSa sa) {
        Optional<PeerConfig> template = templateOf(sa.peer.name());
        if (template.isEmpty()) {
            // A configured peer's SA carries each term towards the gateway with the same phase-1 settings.
            List<PeerConfig> terms = new ArrayList<>(List.of(sa.peer));
            peers.values().stream().filter(t -> !t.name().equals(sa.peer.name()) && !DynamicPeers.isTemplate(t)
                    && sameIsakmpSa(t, sa.peer)).forEach(terms::add);
            return terms;
        }
        String where = DynamicPeers.where(sa.peer.name()).orElseThrow();
        List<PeerConfig> terms = new ArrayList<>(List.of(sa.peer));
        peers.values().stream().filter(t -> t != template.get() && DynamicPeers.isTemplate(t) && sameIsakmpSa(t, template.get()))
                .forEach(t -> terms.add(DynamicPeers.instance(t, where, sa.peer.remoteAddress())));
        return terms;
    }

    /** Templates that answer with the same phase-1 settings: one profile's allowed proxy pairs. */
    private static boolean sameIsakmpSa(PeerConfig a, PeerConfig b) {
        return a.localAddress().equals(b.localAddress()) && a.remoteAddress().equals(b.remoteAddress())
                && Objects.equals(a.localId(), b.localId()) && Objects.equals(a.remoteId(), b.remoteId())
                && a.authenticator().equals(b.authenticator()) && a.ikeProposals().equals(b.ikeProposals())
                && a.exchange() == b.exchange() && a.dpd().equals(b.dpd()) && a.natTraversal() == b.natTraversal();
    }

    /**
     * The term whose selectors contain the proposed proxy IDs (both within one pair, never halves
     * of two), as {@code ChildCreate.termFor} picks one for IKEv2; empty when none does.
     */
    Optional<PeerConfig> termFor(IsakmpSa sa, TrafficSelector local, TrafficSelector remote) {
        return termsOf(sa).stream().filter(t -> covered(t.localSelectors(), local) && covered(t.remoteSelectors(), remote)).findFirst();
    }

    private static boolean covered(List<TrafficSelector> configured, TrafficSelector proposed) {
        return configured.isEmpty() || configured.stream().anyMatch(c -> c.contains(proposed));
    }

    /** What the proxy IDs of {@code sa} may be, for a refusal's words. */
    String configuredProxyIds(IsakmpSa sa) {
        return ", configured " + termsOf(sa).stream().map(t -> t.remoteSelectors() + " <-> " + t.localSelectors()).toList();
    }

    /**
     * A quick mode failed and the ISAKMP SA stays (RFC 2409 ends no phase 1 for a phase-2
     * failure). One we started, refused by the peer: the gateway is told why, for the tunnel's
     * show line, and kmd tries again as after any failed quick mode (a rekey at the next chance,
     * a new SA of {@code establish-tunnels immediately} after {@link KmdOptions#reconnectNanos()},
     * one for traffic at the next acquire). One a dynamic peer started, refused by us (its proxy
     * IDs fit no allowed proxy pair, its proposals no IPsec proposal): the peer heard why; a peer
     * without an IPsec SA has no tunnel yet: the gateway is told why, for show, and
     * {@link #CHILDLESS_NANOS} bounds how long its ISAKMP SA waits.
     */
    void quickModeFailed(IsakmpSa sa, QuickMode q, Failure failure, List<Action> out) {
        if (sa.state != IsakmpSa.State.ESTABLISHED || failure.kind() == Failure.Kind.NO_RESPONSE) {
            return;
        }
        if (!q.responder()) {
            // Our quick mode refused by the peer (or answered with what we did not offer): the tunnel says why.
            out.add(new Action.ChildRefused(q.term().name(), sa.id(), Action.RefusedBy.PEER, failure.words()));
            return;
        }
        if (!isDynamic(sa) || !sa.children.isEmpty()) {
            return;
        }
        trace(out, TraceFlag.POLICY_MANAGER, TraceLevel.ERROR, "dynamic peer refused: " + failure.words() + " (" + sa.peer.name() + ")");
        out.add(new Action.ChildRefused(sa.peer.name(), sa.id(), Action.RefusedBy.US, failure.words()));
    }

    /** A dynamic peer's ISAKMP SA held no IPsec SA for {@link #CHILDLESS_NANOS}: it goes. */
    void childlessTooLong(IsakmpSa sa, List<Action> out) {
        String why = "no IPsec SA for " + CHILDLESS_NANOS / 1_000_000_000L + " s";
        trace(out, TraceFlag.IKE, TraceLevel.NOTICE, "ISAKMP SA " + sa.id() + " of dynamic peer " + sa.peer.name() + ": " + why);
        sa.delete(Failure.of(Failure.Kind.DELETED, why), out);
    }

    /** Per-SA containment: a bug in one SA's handling closes that SA only. */
    private void guarded(IsakmpSa sa, List<Action> out, Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            counter.accept(DropReason.INTERNAL_ERROR);
            trace(out, TraceFlag.GENERAL, TraceLevel.ERROR, "internal error in ISAKMP SA " + sa.id() + ": " + e);
            sa.close(out, Failure.of(Failure.Kind.INTERNAL_ERROR));
        }
    }
}
