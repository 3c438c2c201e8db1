package io.sallyport.ike;

import io.sallyport.crypto.DhGroup;
import io.sallyport.crypto.KeyExchange;
import io.sallyport.ike.message.DecodeResult;
import io.sallyport.ike.message.IkeHeader;
import io.sallyport.ike.message.MessageCodec;
import io.sallyport.ike.message.ReassemblyBudget;
import io.sallyport.ike.message.Wire;
import io.sallyport.ike.task.Failure;
import io.sallyport.ike.v1.V1Engine;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * The key manager: a pure IKEv2 engine, which hands everything IKEv1 (ISAKMP major version 1,
 * peers in main or aggressive mode) to its {@link V1Engine}. Datagrams, timer ticks and commands go in with the current
 * time; {@link Action}s come out. It owns no socket, thread or clock. Bad input is counted by
 * {@link DropReason} and dropped; an unexpected fault is contained to the IKE SA it happened in.
 *
 * <p>Not thread-safe: one kmd event loop owns it.
 */
public final class Kmd {

    private final KmdOptions options;
    private final SecureRandom random;
    private final Map<String, PeerConfig> peers = new LinkedHashMap<>();
    private final SaTable sas = new SaTable();
    /** Dynamic peers' IKE SAs being deleted because no child SA was acceptable, with why (until they are gone). */
    private final Map<IkeSaId, String> refusals = new HashMap<>();
    /** The identity each dynamic peer (an instance name) authenticated with, while it has IKE SAs. */
    private final Map<String, Identity> dynamicIdentities = new HashMap<>();
    /**
     * How long a dynamic peer's IKE SA whose IKE_AUTH brought no child SA waits for a
     * CREATE_CHILD_SA that fits before it is deleted (as IKEv1's {@code V1Engine.CHILDLESS_NANOS}).
     */
    static final long CHILDLESS_NANOS = 60_000_000_000L;
    /**
     * Such IKE SAs kept at once per template (the access profile's first allowed proxy pair, which
     * names its instances): beyond it a new one is deleted at once, as before; with one per
     * identity ({@link #refuseChildless}) and {@link #CHILDLESS_NANOS} this bounds what
     * authenticated peers without a child hold.
     */
    static final int CHILDLESS_PER_TEMPLATE = 100;
    /** The dynamic peers' IKE SAs kept without a child, by template (pruned of those that got one or ended when looked at). */
    private final Map<String, java.util.Set<IkeSession>> childless = new HashMap<>();
    /** {@link #dynamicIdentities} the other way: the instance names each identity authenticated as. */
    private final Map<Identity, java.util.Set<String>> instancesByIdentity = new HashMap<>();
    /** Peers by remote address, for IKE_SA_INIT requests; dynamic-endpoint templates under the unspecified address. */
    private final Map<java.net.InetAddress, List<PeerConfig>> peersByRemote = new HashMap<>();
    /** Peers by their configured local and remote address: the candidates of {@link #termsSharing}. */
    private final Map<List<java.net.InetAddress>, List<PeerConfig>> peersByEndpoints = new HashMap<>();
    /** Peers whose last IKE SA went away or whose configuration changed: their reconnect is (re)considered. */
    private final java.util.Set<String> reconnectCheck = new java.util.LinkedHashSet<>();
    private final long[] drops = new long[DropReason.values().length];
    private final CookieJar cookies;
    private final InitAdmission admission;
    private final EphemeralKeys ephemeral;
    private final ReassemblyBudget reassembly;
    private final Env env = new Env();
    /** Peers with {@code establishImmediately} and no IKE SA: when to initiate them again. */
    private final Map<String, Long> reconnectAt = new HashMap<>();
    /** Modular exponentiations and EC scalar multiplications done: key pairs made and secrets agreed. */
    private long dhOperations;
    private final V1Engine v1;
    /** Child SAs in UDP waiting out their term's {@code natt-install-interval}. */
    private final InstallDelay installDelay = new InstallDelay();

    /** Uses {@code entropy} once; tests pass a seeded generator to fix SPIs and nonces. */
    public Kmd(KmdOptions options, Supplier<SecureRandom> entropy) {
        this.options = Objects.requireNonNull(options);
        this.random = entropy.get();
        this.cookies = new CookieJar(random, options.limits().cookieSecretNanos());
        this.admission = new InitAdmission(options.limits());
        this.ephemeral = new EphemeralKeys(options.limits().ephemeralReuseNanos());
        this.reassembly = new ReassemblyBudget(options.limits().maxReassemblyTotal());
        this.v1 = new V1Engine(options, random, env::spiInUse, this::count, sas::halfOpen);
    }

    public Kmd(Supplier<SecureRandom> entropy) {
        this(KmdOptions.defaults(), entropy);
    }

    // ---------------------------------------------------------------- inputs

    /** One received datagram (the adapter strips the non-ESP marker and says so). */
    public List<Action> handle(long nowNanos, Datagram in) {
        return installDelay.apply(nowNanos, received(nowNanos, in), this::nattInstallNanos);
    }

    private List<Action> received(long nowNanos, Datagram in) {
        List<Action> out = new ArrayList<>();
        if (Datagram.isKeepalive(in.payload())) {
            count(DropReason.KEEPALIVE);
            return out;
        }
        if (V1Engine.isIkev1(in.payload())) {
            if (!V1Engine.opensPhaseOne(in.payload()) || admitFirstMessage(nowNanos, in)) {
                v1.handle(nowNanos, in, out);
            }
            return out;
        }
        IkeHeader h = IkeHeader.parse(in.payload());
        if (h == null) {
            count(DropReason.MALFORMED_HEADER);
            return out;
        }
        if (h.exchangeType() == Wire.IKE_SA_INIT && !h.isResponse() && h.spiR() == 0 && h.messageId() == 0) {
            if (!admitFirstMessage(nowNanos, in)) {
                return out;
            }
            IkeSession existing = sas.responder(h.spiI(), in.remote().getAddress());
            if (existing != null) {
                guarded(existing, out, () -> existing.onDatagram(nowNanos, in, h, out));
            } else {
                newResponder(nowNanos, in, out);
            }
            scheduleReconnects(nowNanos);
            return out;
        }
        long ours = h.fromInitiator() ? h.spiR() : h.spiI();
        IkeSession s = sas.get(ours);
        if (s == null || (h.fromInitiator() && s.spiI != h.spiI())) {
            count(DropReason.UNKNOWN_SPI);
            trace(out, TraceFlag.IKE, TraceLevel.VERBOSE, "no IKE SA for SPI " + Long.toHexString(ours) + " from " + in.remote());
            return out;
        }
        int mark = out.size();
        boolean connecting = s.state == IkeSession.State.CONNECTING;
        guarded(s, out, () -> s.onDatagram(nowNanos, in, h, out));
        if (connecting) {
            refuseChildless(s, nowNanos, mark, out);
        }
        scheduleReconnects(nowNanos);
        return withRefusalReasons(out);
    }

    /**
     * The pre-auth gate of a message that may create a responder SA (IKE_SA_INIT, IKEv1 main or
     * aggressive mode message 1): per-source and global rate, size. Nothing is decoded before.
     */
    private boolean admitFirstMessage(long nowNanos, Datagram in) {
        if (!admission.admit(in.remote().getAddress(), nowNanos)) {
            count(DropReason.RATE_LIMITED);
            return false;
        }
        if (in.payload().length > options.limits().maxInitRequestBytes()) {
            // It would be kept until AUTH (it is signed): larger than any honest first message.
            count(DropReason.OVERSIZED_INIT);
            return false;
        }
        return true;
    }

    /** Timers: retransmissions, lifetimes, DPD, keepalives, half-open cleanup, held installs. */
    public List<Action> tick(long nowNanos) {
        return installDelay.apply(nowNanos, timers(nowNanos), this::nattInstallNanos);
    }

    private List<Action> timers(long nowNanos) {
        List<Action> out = new ArrayList<>();
        v1.tick(nowNanos, out);
        SaDeadlines.Due due = sas.due(nowNanos);
        out.addAll(due.retired());
        for (IkeSession s : due.sas()) {
            if (s.nextDeadline() <= nowNanos) {
                guarded(s, out, () -> s.tick(nowNanos, out));
            }
        }
        scheduleReconnects(nowNanos);
        for (var e : List.copyOf(reconnectAt.entrySet())) {
            PeerConfig p = peers.get(e.getKey());
            if (e.getValue() <= nowNanos && p != null) {
                reconnectAt.remove(e.getKey());
                trace(out, TraceFlag.TIMER, TraceLevel.INFO, "establish-tunnels immediately: initiating " + p.name() + " again");
                initiate(nowNanos, p, out);
            }
        }
        return withRefusalReasons(out);
    }

    /** The earliest time {@link #tick} has work, if any; the adapter sleeps until then. */
    public OptionalLong nextDeadline() {
        long d = sas.nextDeadline();
        d = Math.min(d, reconnectAt.values().stream().mapToLong(Long::longValue).min().orElse(Long.MAX_VALUE));
        d = Math.min(d, v1.nextDeadline());
        d = Math.min(d, installDelay.nextDeadline());
        return d == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(d);
    }

    public List<Action> command(long nowNanos, Command c) {
        return installDelay.apply(nowNanos, commanded(nowNanos, c), this::nattInstallNanos);
    }

    /** A term's {@code natt-install-interval} (a dynamic peer's is its template's), 0 for none. */
    private long nattInstallNanos(String peer) {
        PeerConfig p = peers.get(peer);
        return p != null ? p.nattInstallIntervalNanos() : templateOf(peer).or(() -> v1.configured(peer))
                .map(PeerConfig::nattInstallIntervalNanos).orElse(0L);
    }

    private List<Action> commanded(long nowNanos, Command c) {
        List<Action> out = new ArrayList<>();
        if (ikev1(nowNanos, c, out)) {
            v1.scheduleReconnects(nowNanos);
            return out;
        }
        switch (c) {
            case Command.AddPeer a -> {
                peers.put(a.peer().name(), a.peer());
                indexPeers();
                reconnectCheck.add(a.peer().name());
                trace(out, TraceFlag.DATABASE, TraceLevel.INFO, "peer " + a.peer().name() + " added");
                if (a.peer().establishImmediately()) {
                    initiate(nowNanos, a.peer(), out);
                }
            }
            case Command.RemovePeer r -> {
                PeerConfig gone = peers.get(r.peer());
                boolean shared = gone != null && termsSharing(gone).size() > 1;
                for (IkeSession s : sessionsOf(r.peer())) {
                    if (shared) {
                        // Other terms keep the IKE SA: only this term's children go.
                        s.forget(r.peer());
                        for (ChildSa child : List.copyOf(s.children)) {
                            if (child.term.name().equals(r.peer())) {
                                guarded(s, out, () -> s.enqueue(nowNanos, new Informational.DeleteChild(s, child), out));
                            }
                        }
                    } else {
                        guarded(s, out, () -> s.enqueue(nowNanos, new Informational.DeleteIke(s, Failure.of(Failure.Kind.DELETED, "peer removed")), out));
                    }
                }
                if (gone != null && DynamicPeers.isTemplate(gone)) {
                    // The dynamic peers it accepted go with it.
                    for (IkeSession s : sas.values()) {
                        if (s.peer.name().startsWith(gone.name() + "@") && !s.isClosed()) {
                            guarded(s, out, () -> s.enqueue(nowNanos, new Informational.DeleteIke(s, Failure.of(Failure.Kind.DELETED, "peer removed")), out));
                        }
                    }
                }
                peers.remove(r.peer());
                indexPeers();
                reconnectCheck.add(r.peer());
            }
            case Command.Initiate i -> peer(i.peer(), out).ifPresent(p -> initiate(nowNanos, p, out));
            case Command.Acquire a -> peer(a.peer(), out).ifPresent(p -> {
                trace(out, TraceFlag.POLICY_MANAGER, TraceLevel.INFO, "acquire for " + p.name());
                initiate(nowNanos, p, out);
            });
            case Command.DeleteIkeSa d -> {
                for (IkeSession s : sessionsOf(d.peer())) {
                    guarded(s, out, () -> s.enqueue(nowNanos, new Informational.DeleteIke(s, Failure.of(Failure.Kind.DELETED, "by operator")), out));
                }
            }
            case Command.DeleteChildSa d -> withChild(d.spiIn(), out, (s, child) ->
                    s.enqueue(nowNanos, new Informational.DeleteChild(s, child), out));
            case Command.RekeyChildSa r -> withChild(r.spiIn(), out, (s, child) ->
                    s.enqueue(nowNanos, new ChildRekey.Rekey(s, child), out));
            case Command.ReportInvalidSpi r -> sas.at(r.from()).stream()
                    .filter(s -> s.state == IkeSession.State.ESTABLISHED && s.remote.getAddress().equals(r.from()))
                    .findFirst()
                    .ifPresentOrElse(s -> guarded(s, out, () -> s.enqueue(nowNanos, new Informational.InvalidSpi(s, r.spi()), out)),
                            () -> trace(out, TraceFlag.IKE, TraceLevel.VERBOSE, "ESP with unknown SPI from " + r.from() + ", no IKE SA to report it"));
            case Command.ChildTraffic t -> {
                // IKEv2 child SAs have no kilobyte lifetime (RFC 7296 negotiates none): nothing to enforce.
            }
            case Command.FollowPeer f -> {
                IkeSession s = sas.ofChild(f.spiIn());
                if (s != null && s.state == IkeSession.State.ESTABLISHED) {
                    guarded(s, out, () -> s.followPeerOnEsp(f.remote(), out));
                }
            }
            case Command.RekeyIkeSa r -> {
                for (IkeSession s : sessionsOf(r.peer())) {
                    if (s.state == IkeSession.State.ESTABLISHED) {
                        guarded(s, out, () -> s.enqueue(nowNanos, new IkeRekey.Initiator(s), out));
                    }
                }
            }
        }
        scheduleReconnects(nowNanos);
        return out;
    }

    /** Commands for IKEv1 peers and SAs go to the IKEv1 engine; returns whether it took this one. */
    private boolean ikev1(long now, Command c, List<Action> out) {
        return switch (c) {
            case Command.AddPeer a -> {
                String name = a.peer().name();
                if (!a.peer().exchange().isIkev1()) {
                    if (v1.hasPeer(name)) {
                        v1.removePeer(now, name, out);
                    }
                    yield false;
                }
                if (peers.containsKey(name)) {
                    out.addAll(commanded(now, new Command.RemovePeer(name)));
                }
                v1.addPeer(now, a.peer(), out);
                yield true;
            }
            case Command.RemovePeer r -> v1.hasPeer(r.peer()) && run(() -> v1.removePeer(now, r.peer(), out));
            case Command.Initiate i -> v1.hasPeer(i.peer()) && run(() -> v1.initiate(now, i.peer(), out));
            case Command.Acquire a -> v1.hasPeer(a.peer()) && run(() -> v1.initiate(now, a.peer(), out));
            case Command.DeleteIkeSa d -> v1.knows(d.peer()) && run(() -> v1.deleteIkeSa(now, d.peer(), out));
            case Command.RekeyIkeSa r -> v1.knows(r.peer()) && run(() -> v1.rekeyIke(now, r.peer(), out));
            case Command.DeleteChildSa d -> v1.deleteChild(now, d.spiIn(), out);
            case Command.RekeyChildSa r -> v1.rekeyChild(now, r.spiIn(), out);
            case Command.ChildTraffic t -> v1.childTraffic(now, t.spiIn(), t.inboundBytes(), t.outboundBytes(), out);
            case Command.ReportInvalidSpi r -> v1.reportInvalidSpi(r.from(), r.spi(), out);
            case Command.FollowPeer f -> v1.followPeer(f.spiIn(), f.remote(), out);
        };
    }

    private static boolean run(Runnable r) {
        r.run();
        return true;
    }

    // ---------------------------------------------------------------- state queries (show commands, tests)

    /** Counts drops its adapter made on kmd's behalf (a full input queue), with kmd's own. */
    public void countDropped(DropReason r, long n) { drops[r.ordinal()] += n; }

    /** Drop counters by reason. */
    public Map<DropReason, Long> drops() {
        Map<DropReason, Long> m = new LinkedHashMap<>();
        for (DropReason r : DropReason.values()) {
            m.put(r, drops[r.ordinal()]);
        }
        return m;
    }

    /**
     * Diffie-Hellman operations done so far (a key pair generated or a shared secret computed):
     * the costly work kmd does; tests bound it without timing anything.
     */
    public long dhOperations() { return dhOperations + v1.dhOperations(); }

    /** A snapshot of one IKE SA for show output. */
    public record IkeSaView(String peer, IkeSaId id, String state, boolean initiator, InetSocketAddress local,
                            InetSocketAddress remote, List<Integer> childSpisIn, String exchangeType, IkeSaCounters counters) {
    }

    public List<IkeSaView> ikeSas() {
        // Named after a term it carries now (the one that started it may have been removed since).
        List<IkeSaView> out = new ArrayList<>(sas.values().stream().map(s -> new IkeSaView(
                s.announced.isEmpty() ? s.peer.name() : s.announced.iterator().next(), s.id(), s.state.name(),
                s.initiator, s.local, s.remote, s.children.stream().map(c -> c.spiIn).toList(), "IKEv2", s.statistics.snapshot())).toList());
        for (V1Engine.SaView v : v1.sas()) {
            out.add(new IkeSaView(v.peer(), v.id(), v.state(), v.initiator(), v.local(), v.remote(), v.childSpisIn(), v.exchangeType(),
                    v.counters()));
        }
        return out;
    }

    /** Bytes of IKE fragments held for reassembly, in all SAs (bounded by {@link KmdOptions.Limits#maxReassemblyTotal()}). */
    public long reassemblyBytes() { return reassembly.used(); }

    /** The IKE SAs themselves, for tests in this package that speak under an SA's own keys. */
    Collection<IkeSession> sessions() { return sas.values(); }

    /** Timers pending in all SAs (zero when nothing is left behind). */
    public int liveSaCount() { return sas.size() + v1.liveSaCount(); }

    // ---------------------------------------------------------------- internals

    /**
     * Brings up {@code p}: a new IKE SA, or, when another term towards the same gateway already
     * has one (up, or coming up as its initiator), a further child SA over it, as Junos does.
     */
    private void initiate(long now, PeerConfig p, List<Action> out) {
        List<IkeSession> active = sessionsOf(p.name()).stream().filter(s -> s.state != IkeSession.State.REKEYED).toList();
        Optional<IkeSession> carrier = active.stream().filter(s -> !s.deleting() && (s.state == IkeSession.State.ESTABLISHED
                || s.state == IkeSession.State.CONNECTING && s.initiator)).findFirst();
        if (carrier.isPresent() && !carries(carrier.get(), p)) {
            IkeSession s = carrier.get();
            trace(out, TraceFlag.IKE, TraceLevel.INFO, "child SA for " + p.name() + " over IKE SA " + s.id() + " of " + s.peer.name());
            guarded(s, out, () -> s.enqueue(now, new ChildRekey.Create(s, p), out));
            return;
        }
        if (!active.isEmpty()) {
            trace(out, TraceFlag.IKE, TraceLevel.VERBOSE, "IKE SA with " + p.name() + " already up or coming up");
            return;
        }
        try {
            IkeInit.initiate(env, p, now, out);
        } catch (RuntimeException e) {
            count(DropReason.INTERNAL_ERROR);
            trace(out, TraceFlag.GENERAL, TraceLevel.ERROR, "initiating " + p.name() + " failed: " + e);
        }
    }

    /**
     * Whether {@code s} has, or is about to create, a child SA for {@code term} as configured now
     * (a child of an earlier configuration of the term is on its way out).
     */
    private static boolean carries(IkeSession s, PeerConfig term) {
        return s.children.stream().anyMatch(c -> c.term.equals(term))
                || s.state == IkeSession.State.CONNECTING && s.peer.equals(term)
                || s.tasks.any(t -> t instanceof ChildRekey.Create cc && cc.term().equals(term));
    }

    /**
     * Whether two peers' SAs can be children of one IKE SA: IKEv2 terms towards the same gateway
     * from the same address with the same IKE proposals, identities, authenticator and IKE options.
     */
    static boolean sameIkeSa(PeerConfig a, PeerConfig b) {
        return a.equals(b) || a.exchange() == PeerConfig.Exchange.IKEV2 && b.exchange() == PeerConfig.Exchange.IKEV2
                && a.localAddress().equals(b.localAddress()) && a.remoteAddress().equals(b.remoteAddress())
                && Objects.equals(a.localId(), b.localId()) && Objects.equals(a.remoteId(), b.remoteId())
                && a.authenticator().equals(b.authenticator()) && a.ikeProposals().equals(b.ikeProposals())
                && a.dpd().equals(b.dpd()) && a.natTraversal() == b.natTraversal()
                && a.natKeepaliveSeconds() == b.natKeepaliveSeconds();
    }

    /** The configured terms that share an IKE SA with {@code p} ({@code p} among them when configured). */
    private List<PeerConfig> termsSharing(PeerConfig p) {
        return peersByEndpoints.getOrDefault(endpoints(p), List.of()).stream().filter(x -> sameIkeSa(x, p)).toList();
    }

    /** Peers that {@link #sameIkeSa} may join have these in common. */
    private static List<java.net.InetAddress> endpoints(PeerConfig p) {
        return List.of(p.localAddress(), p.remoteAddress());
    }

    /**
     * Peers that establish immediately are brought back after their IKE SA went away. Only peers
     * whose last SA went or whose configuration changed are looked at, not every peer per datagram.
     */
    private void scheduleReconnects(long now) {
        for (String name : reconnectCheck) {
            PeerConfig p = peers.get(name);
            if (p == null || !p.establishImmediately() || !sessionsOf(name).isEmpty()) {
                reconnectAt.remove(name);
            } else {
                reconnectAt.putIfAbsent(name, now + options.reconnectNanos());
            }
        }
        reconnectCheck.clear();
    }

    private void indexPeers() {
        peersByRemote.clear();
        peersByEndpoints.clear();
        for (PeerConfig p : peers.values()) {
            peersByRemote.computeIfAbsent(p.remoteAddress(), a -> new ArrayList<>()).add(p);
            peersByEndpoints.computeIfAbsent(endpoints(p), a -> new ArrayList<>()).add(p);
        }
    }

    /** The configured template of a dynamic peer's instance name; empty for configured peers and other names. */
    private Optional<PeerConfig> templateOf(String peer) {
        if (peers.containsKey(peer)) {
            return Optional.empty();
        }
        return DynamicPeers.templateName(peer).map(peers::get).filter(DynamicPeers::isTemplate);
    }

    /**
     * A dynamic peer whose IKE_AUTH (the datagram that just established its SA) brought no child
     * SA (its selectors fit no allowed proxy pair, or its proposals no IPsec proposal) keeps its
     * IKE SA for a later CREATE_CHILD_SA that fits (RFC 7296 §1.2; reference §1.7: only phase 2
     * fails; strongSwan keeps it too): the gateway hears why ({@code ChildRefused}), and the SA
     * goes {@link #CHILDLESS_NANOS} later if no child came. Bounded: an older such SA of the same
     * template and identity goes at once, and past {@link #CHILDLESS_PER_TEMPLATE} of them the new
     * one is deleted at once with the refusal as its reason.
     */
    private void refuseChildless(IkeSession s, long now, int mark, List<Action> out) {
        if (s.initiator || s.state != IkeSession.State.ESTABLISHED || !s.children.isEmpty() || s.busy()
                || templateOf(s.peer.name()).isEmpty()) {
            return;
        }
        String reason = "no child SA negotiated";
        for (Action a : out.subList(mark, out.size())) {
            if (a instanceof Action.Trace t && t.level() == TraceLevel.ERROR && t.flag() == TraceFlag.POLICY_MANAGER) {
                reason = t.text().replaceFirst("^\\w+: ", "");
            }
        }
        String why = "dynamic peer refused: " + reason;
        trace(out, TraceFlag.POLICY_MANAGER, TraceLevel.ERROR, why + " (" + s.peer.name() + ")");
        java.util.Set<IkeSession> held = childless.computeIfAbsent(templateOf(s.peer.name()).get().name(),
                k -> new java.util.LinkedHashSet<>());
        held.removeIf(o -> o.state != IkeSession.State.ESTABLISHED || !o.children.isEmpty());
        Identity id = dynamicIdentities.get(s.peer.name());
        for (IkeSession older : List.copyOf(held)) {
            if (id != null && id.equals(dynamicIdentities.get(older.peer.name()))) {
                held.remove(older);
                guarded(older, out, () -> older.enqueue(now, new Informational.DeleteIke(older,
                        Failure.of(Failure.Kind.REPLACED, "a newer IKE SA of the same identity holds no child SA either")), out));
            }
        }
        if (held.size() >= CHILDLESS_PER_TEMPLATE) {
            String full = why + " (" + held.size() + " IKE SAs of the access profile already wait without a child SA)";
            refusals.put(s.id(), full);
            guarded(s, out, () -> s.enqueue(now, new Informational.DeleteIke(s, Failure.of(Failure.Kind.REFUSED_BY_POLICY, full)), out));
            return;
        }
        held.add(s);
        s.awaitChild(now + CHILDLESS_NANOS);
        out.add(new Action.ChildRefused(s.peer.name(), s.id(), Action.RefusedBy.US, reason));
    }

    /**
     * The IKE SA of a refused dynamic peer goes down for the refusal, also when the peer's own
     * delete (it may give up on the IKE SA as well) crosses ours.
     */
    private List<Action> withRefusalReasons(List<Action> out) {
        if (refusals.isEmpty()) {
            return out;
        }
        out.replaceAll(a -> a instanceof Action.IkeSaDown d && refusals.containsKey(d.ikeSa())
                ? new Action.IkeSaDown(d.peer(), d.ikeSa(), DownCause.POLICY_MISMATCH, refusals.get(d.ikeSa())) : a);
        refusals.keySet().removeIf(id -> sas.get(id.spiR()) == null);
        return out;
    }

    private void newResponder(long now, Datagram in, List<Action> out) {
        DecodeResult r = MessageCodec.decodePlain(in.payload());
        if (!(r instanceof DecodeResult.Ok ok)) {
            count(DropReason.MALFORMED_PAYLOAD);
            return;
        }
        Optional<PeerConfig> p = peersByRemote.getOrDefault(in.remote().getAddress(), List.of()).stream()
                .filter(c -> c.localAddress().equals(in.local().getAddress()))
                .findFirst()
                // A dynamic endpoint answers any address; its instance exists only in the SA it makes,
                // so an unknown source costs what a configured one does (admission and half-open caps).
                .or(() -> peersByRemote.getOrDefault(DynamicPeers.unspecified(in.remote().getAddress()), List.of()).stream()
                        .filter(c -> c.localAddress().equals(in.local().getAddress()))
                        .findFirst().map(t -> DynamicPeers.instance(t, in.remote())));
        if (p.isEmpty()) {
            count(DropReason.NO_PEER);
            trace(out, TraceFlag.POLICY_MANAGER, TraceLevel.WARNING, "IKE_SA_INIT from " + in.remote() + ": no peer configured");
            return;
        }
        try {
            IkeInit.respond(env, p.get(), in, ok.message(), now, out);
        } catch (RuntimeException e) {
            count(DropReason.INTERNAL_ERROR);
            trace(out, TraceFlag.GENERAL, TraceLevel.ERROR, "IKE_SA_INIT from " + in.remote() + " failed: " + e);
        }
    }

    /** Per-SA containment: a bug in one SA's handling closes that SA only (style anchor §1). */
    private void guarded(IkeSession s, List<Action> out, Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            count(DropReason.INTERNAL_ERROR);
            trace(out, TraceFlag.GENERAL, TraceLevel.ERROR, "internal error in IKE SA " + s.id() + ": " + e);
            s.end(out, Failure.of(Failure.Kind.INTERNAL_ERROR));
        }
    }

    private interface ChildOp {
        void run(IkeSession s, ChildSa c);
    }

    private void withChild(int spiIn, List<Action> out, ChildOp op) {
        IkeSession s = sas.ofChild(spiIn);
        Optional<ChildSa> c = s == null ? Optional.empty() : s.child(spiIn);
        if (c.isPresent() && s.state == IkeSession.State.ESTABLISHED) {
            guarded(s, out, () -> op.run(s, c.get()));
            return;
        }
        trace(out, TraceFlag.DATABASE, TraceLevel.WARNING, String.format("no child SA with inbound SPI %08x", spiIn));
    }

    /**
     * The IKE SAs of {@code peer}: its own and those it shares with other terms (also one that a
     * removed term started), in the order they were made. Found through the table's indexes.
     */
    private Collection<IkeSession> sessionsOf(String peer) {
        PeerConfig p = peers.get(peer);
        if (p == null && templateOf(peer).isPresent()) {
            // A dynamic peer's IKE SA is named after the instance it started with; its other terms are children.
            return sas.carrying(peer);
        }
        if (p == null) {
            return sas.ofPeer(peer);
        }
        return sas.sharingCandidates(p).stream().filter(s -> s.peer.name().equals(peer) || sameIkeSa(s.peer, p)).toList();
    }

    private Optional<PeerConfig> peer(String name, List<Action> out) {
        PeerConfig p = peers.get(name);
        if (p == null) {
            trace(out, TraceFlag.DATABASE, TraceLevel.WARNING, "no peer named " + name);
        }
        return Optional.ofNullable(p);
    }

    private void count(DropReason r) { drops[r.ordinal()]++; }

    private static void trace(List<Action> out, TraceFlag f, TraceLevel l, String text) {
        out.add(new Action.Trace(f, l, text));
    }

    /** What an IKE SA may use from the engine: entropy, options, the SA table, counters. */
    final class Env {
        KmdOptions options() { return options; }

        /** Whether {@code term} is configured so now (not removed, nor changed since). */
        boolean configured(PeerConfig term) { return term.equals(peers.get(term.name())); }

        /**
         * Whether we hold another IKE SA with this remote address, under any peer name: several
         * terms towards one gateway each negotiate an SA, and INITIAL_CONTACT from one of them
         * would make the peer drop the others (RFC 7296 §2.4).
         */
        boolean hasOtherSaWith(InetSocketAddress remote, IkeSession self) {
            return sas.at(remote.getAddress()).stream().anyMatch(o -> o != self && !o.isClosed()
                    && o.remote.getAddress().equals(remote.getAddress()));
        }

        SecureRandom random() { return random; }

        long newIkeSpi() {
            long spi;
            do {
                spi = random.nextLong();
            } while (spi == 0 || sas.containsKey(spi));
            return spi;
        }

        int newChildSpi() {
            // SPIs 1..255 are reserved (RFC 4303 §2.1).
            int spi;
            do {
                spi = random.nextInt();
            } while (Integer.compareUnsigned(spi, 256) < 0 || spiInUse(spi));
            return spi;
        }

        private boolean spiInUse(int spi) {
            return sas.childSpiInUse(spi) || sas.retiring(spi) || v1.hasChildSpi(spi);
        }

        /** {@code delete} goes to the data plane at {@code due} (a rekeyed child's inbound SA lingers until then). */
        void retire(Action.DeleteChildSa delete, long due) { sas.retire(delete, due); }

        KeyExchange newKeyExchange(DhGroup group) {
            dhOperations++;
            return KeyExchange.generate(group, random);
        }

        /** g^ir from the peer's public value; empty when that value is invalid. */
        Optional<byte[]> agree(KeyExchange ours, byte[] peerPublic) {
            dhOperations++;
            return ours.sharedSecret(peerPublic);
        }

        byte[] nonce() {
            byte[] n = new byte[32];
            random.nextBytes(n);
            return n;
        }

        int halfOpenCount() { return sas.halfOpen(); }

        /** Whether one more half-open SA from {@code source} stays within the caps. */
        boolean halfOpenAllowed(java.net.InetAddress source) {
            return sas.halfOpen() < options.limits().maxHalfOpen() && sas.halfOpenFrom(source) < options.limits().maxHalfOpenPerSource();
        }

        /** {@code s} authenticated its peer: it is no longer half-open. */
        void authenticated(IkeSession s) { sas.authenticated(s); }

        CookieJar cookies() { return cookies; }

        ReassemblyBudget reassemblyBudget() { return reassembly; }

        /** An IKE_SA_INIT request refused without an SA: it counts towards the COOKIE demand. */
        void refusedInit(long now) { admission.refused(now); }

        /** Whether new IKE_SA_INITs must carry a COOKIE: half-open SAs and recent refusals reach the threshold. */
        boolean cookieRequired(long now) {
            return halfOpenCount() + admission.recentlyRefused(now) >= options.cookieThreshold();
        }

        /** Our responder key pair for {@code group}, shared by new IKE_SA_INITs for a while ({@link EphemeralKeys}). */
        KeyExchange responderKeyExchange(DhGroup group, long now) {
            return ephemeral.get(group, now, this::newKeyExchange);
        }

        void register(IkeSession s) { sas.add(s); }

        /** The table, for the SA to report what its indexes key on (children, terms, address, deadline). */
        SaTable sas() { return sas; }

        Collection<IkeSession> sessionsOf(String peer) { return Kmd.this.sessionsOf(peer); }

        /**
         * The terms whose children {@code s}'s IKE SA may carry: the configured ones sharing it with
         * its peer, that peer first (also when a commit has replaced it meanwhile).
         */
        List<PeerConfig> termsOf(PeerConfig peer) {
            List<PeerConfig> terms = new ArrayList<>(List.of(peer));
            Optional<PeerConfig> template = templateOf(peer.name());
            // A dynamic peer: the instances, at its address, of every template sharing its template's IKE SA.
            List<PeerConfig> sharing = template.map(t -> termsSharing(t).stream()
                    .map(x -> DynamicPeers.instance(x, DynamicPeers.where(peer.name()).orElseThrow(), peer.remoteAddress()))
                    .toList()).orElseGet(() -> termsSharing(peer));
            for (PeerConfig t : sharing) {
                if (!t.name().equals(peer.name())) {
                    terms.add(t);
                }
            }
            return terms;
        }

        /** A responder authenticated its initiator as {@code id}: a dynamic peer is known by it from now on. */
        void authenticatedAs(IkeSession s, Identity id) {
            if (templateOf(s.peer.name()).isPresent()) {
                forgetIdentity(s.peer.name());
                dynamicIdentities.put(s.peer.name(), id);
                instancesByIdentity.computeIfAbsent(id, i -> new java.util.LinkedHashSet<>()).add(s.peer.name());
            }
        }

        /**
         * The SAs an INITIAL_CONTACT in {@code s}'s IKE_AUTH makes stale (RFC 7296 §2.4): those of its
         * peer; for a dynamic peer, those of every instance of its template the same identity
         * authenticated, whatever address it came from before (a new DHCP lease, a NAT rebinding).
         */
        Collection<IkeSession> staleOnInitialContact(IkeSession s) {
            Optional<PeerConfig> template = templateOf(s.peer.name());
            Identity id = dynamicIdentities.get(s.peer.name());
            if (template.isEmpty() || id == null) {
                return sessionsOf(s.peer.name());
            }
            String prefix = template.get().name() + "@";
            return sas.ofPeers(instancesByIdentity.getOrDefault(id, java.util.Set.of()).stream()
                    .filter(name -> name.startsWith(prefix)).toList());
        }

        private void forgetIdentity(String instance) {
            Identity old = dynamicIdentities.remove(instance);
            java.util.Set<String> names = old == null ? null : instancesByIdentity.get(old);
            if (names != null && names.remove(instance) && names.isEmpty()) {
                instancesByIdentity.remove(old);
            }
        }

        void unregister(IkeSession s) {
            sas.remove(s);
            if (sas.ofPeer(s.peer.name()).isEmpty()) {
                forgetIdentity(s.peer.name());
            }
            // Every term it carried or was to carry may need bringing back (scheduleReconnects looks
            // whether another SA carries it).
            reconnectCheck.add(s.peer.name());
            reconnectCheck.addAll(s.announced);
            termsSharing(s.peer).forEach(t -> reconnectCheck.add(t.name()));
        }

        void count(DropReason r) { Kmd.this.count(r); }

        void trace(List<Action> out, TraceFlag f, TraceLevel l, String text) { Kmd.trace(out, f, l, text); }
    }
}
