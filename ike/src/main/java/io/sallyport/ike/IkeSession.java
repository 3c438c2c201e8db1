package io.sallyport.ike;

import io.sallyport.crypto.IkeKeyDerivation;
import io.sallyport.crypto.IkeSaKeys;
import io.sallyport.crypto.KeyExchange;
import io.sallyport.ike.message.DecodeResult;
import io.sallyport.ike.message.FragmentBuffer;
import io.sallyport.ike.message.IkeHeader;
import io.sallyport.ike.message.IkeMessage;
import io.sallyport.ike.message.MessageCodec;
import io.sallyport.ike.message.NotifyError;
import io.sallyport.ike.message.Payload;
import io.sallyport.ike.message.SkCipher;
import io.sallyport.ike.message.Wire;
import io.sallyport.ike.task.Failure;
import io.sallyport.ike.task.Step;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * One IKE SA: its keys, lifecycle, child SAs and timers; its {@link IkeTaskManager} owns message
 * IDs, the request window, retransmission and the task queue. The exchanges are {@link IkeTask}s
 * in one class per concern ({@link IkeInit}, {@link IkeAuth}, {@link ChildRekey},
 * {@link IkeRekey}, {@link Informational}; {@link NatDetection} and {@link ChildCreate} are
 * shared by them); they never touch message IDs. Procedures are named after the Android IKE
 * grammar in traces ({@code CreateIkeLocal}, {@code RekeyChildRemote}, ...).
 */
final class IkeSession {

    /** IKE SA lifecycle; exchange progress lives in the tasks of {@link #tasks}. */
    enum State { CONNECTING, ESTABLISHED, REKEYED, CLOSED }

    final Kmd.Env env;
    final PeerConfig peer;
    final boolean initiator;
    long spiI;
    long spiR;
    InetSocketAddress local;
    InetSocketAddress remote;
    /** The remote address the SA was created with (half-open SAs are counted per source). */
    final java.net.InetAddress origin;
    boolean onNatPort;
    boolean natLocal;
    boolean natRemote;
    State state = State.CONNECTING;
    final long createdAt;

    IkeProposal proposal;
    KeyExchange ke;
    /** A responder keeps the initiator's KE value until its IKE_AUTH arrives ({@link IkeInit#deriveResponderKeys}). */
    byte[] peerKe;
    byte[] ni;
    byte[] nr;
    /** The IKE_SA_INIT messages each side signs in IKE_AUTH (RFC 7296 §2.15); kept until AUTH is done. */
    byte[] initRequest;
    byte[] initResponse;
    /** IKE rekeys the peer refused in a row, and the group its INVALID_KE_PAYLOAD asked for (if ours). */
    final RekeyRetry rekeyRetry = new RekeyRetry();
    /** The IKE SA's keys (RFC 7296 §2.14), null until derived: the responder derives them when IKE_AUTH arrives. */
    Keys keys;
    /** Requests and responses are reassembled apart: a peer's request may arrive amid its response to ours. */
    final FragmentBuffer requestFragments;
    final FragmentBuffer responseFragments;
    boolean peerFragmentation;
    /** RFC 7427 hash algorithms the peer announced in IKE_SA_INIT (empty: none, use AUTH method 1). */
    List<Integer> peerSignatureHashes = List.of();

    final IkeTaskManager tasks = new IkeTaskManager(this);
    /** What this SA said and heard, for {@code show services ipsec-vpn ike statistics}. */
    final IkeStatistics statistics = new IkeStatistics();

    private final List<ChildSa> childList = new ArrayList<>();
    /** Read-only: they change through {@link #addChild}, {@link #removeChild} and {@link #adoptChildren}, which keep the table's index. */
    final List<ChildSa> children = Collections.unmodifiableList(childList);
    private final Set<String> announcedTerms = new LinkedHashSet<>();
    /**
     * The terms told {@link Action.IkeSaUp} for this SA (each has or had a child here); each is told
     * when it goes. Read-only: {@link #announce} and {@link #forget} change it.
     */
    final Set<String> announced = Collections.unmodifiableSet(announcedTerms);
    long softDeadline = Long.MAX_VALUE;
    long hardDeadline = Long.MAX_VALUE;
    long lastInbound;
    long nextKeepalive = Long.MAX_VALUE;
    /** When a dynamic peer's IKE SA that IKE_AUTH left without a child SA is deleted ({@link #awaitChild}); none: {@code Long.MAX_VALUE}. */
    long childlessUntil = Long.MAX_VALUE;
    /**
     * Terms of ours whose child SA the peer refused under this SA (in IKE_AUTH or a
     * CREATE_CHILD_SA), with {@code establish-tunnels immediately}: when each is asked for again.
     */
    private final Map<PeerConfig, Long> childRetries = new HashMap<>();

    /** {@link SaTable}'s bookkeeping: when the SA was added, whether it is in, its entry in {@link SaDeadlines}. */
    long tableSeq;
    boolean inTable;
    long queuedDeadline = SaDeadlines.NONE;
    boolean deadlineChanged;

    IkeSession(Kmd.Env env, PeerConfig peer, boolean initiator, InetSocketAddress local, InetSocketAddress remote, long now) {
        this.env = env;
        this.peer = peer;
        this.initiator = initiator;
        this.local = local;
        this.remote = remote;
        this.origin = remote.getAddress();
        this.createdAt = now;
        this.lastInbound = now;
        int perSa = env.options().limits().maxReassemblyPerSa();
        this.requestFragments = new FragmentBuffer(perSa, env.reassemblyBudget());
        this.responseFragments = new FragmentBuffer(perSa, env.reassemblyBudget());
    }

    IkeSaId id() { return new IkeSaId(spiI, spiR); }

    /** When this SA was superseded by a rekey; it waits a bounded time for the peer's delete. */
    long rekeyedAt;

    void markRekeyed(long now) {
        state = State.REKEYED;
        rekeyedAt = now;
        env.sas().deadlineChanged(this);
    }

    /** The SPI that identifies this SA locally (ours). */
    long localSpi() { return initiator ? spiI : spiR; }

    /** SK_d for child keys, SK_pi/SK_pr for AUTH, and the ciphers of the two directions as this end sees them. */
    record Keys(byte[] skD, byte[] skPi, byte[] skPr, SkCipher out, SkCipher in) {
    }

    void deriveIkeKeys(byte[] skeyseed) {
        IkeSaKeys k = IkeKeyDerivation.ikeSaKeys(proposal.prf(), proposal.encryption(),
                proposal.encryption().isAead() ? null : proposal.integrity(), skeyseed, ni, nr, spiI, spiR);
        var integ = proposal.encryption().isAead() ? null : proposal.integrity();
        SkCipher iToR = SkCipher.create(proposal.encryption(), integ, k.skEi(), k.skAi(), env.random());
        SkCipher rToI = SkCipher.create(proposal.encryption(), integ, k.skEr(), k.skAr(), env.random());
        keys = new Keys(k.skD(), k.skPi(), k.skPr(), initiator ? iToR : rToI, initiator ? rToI : iToR);
    }

    /** Decrypts what the peer sends; null before the keys exist. */
    SkCipher inCipher() { return keys == null ? null : keys.in(); }

    SkCipher outCipher() { return keys.out(); }

    // ---------------------------------------------------------------- SA state shared by the exchanges

    void establish(long now, List<Action> out) {
        state = State.ESTABLISHED;
        env.authenticated(this);
        // AUTH is done: the signed first messages are no longer needed.
        initRequest = null;
        initResponse = null;
        long life = lifetimeSeconds() * 1_000_000_000L;
        hardDeadline = now + life;
        softDeadline = now + env.options().softLifetime(life, env.random());
        if (natLocal) {
            nextKeepalive = now + peer.natKeepaliveNanos(env.options());
        }
        announce(peer.name(), now, out);
        env.trace(out, TraceFlag.IKE, TraceLevel.NOTICE, "IKE SA " + id() + " with " + peer.name() + " established ("
                + (initiator ? "initiator" : "responder") + ", " + local + " <-> " + remote + ")");
        resolveDuplicates(now, out);
    }

    /**
     * Both ends initiated at once (each has {@code establish-tunnels immediately}), so two IKE SAs
     * for one peer came up. Both ends keep the same one without talking about it: the SA holding
     * the lowest of the four nonces goes, closed by the end that initiated it, the rule RFC 7296
     * §2.8.1 gives for crossed rekeys. The other end does nothing and receives the delete.
     */
    private void resolveDuplicates(long now, List<Action> out) {
        for (IkeSession other : env.sessionsOf(peer.name())) {
            // An SA of an earlier configuration of this peer (a commit replaced it) is on its way out.
            if (other == this || other.state != State.ESTABLISHED || other.ni == null || other.nr == null
                    || !Kmd.sameIkeSa(other.peer, peer)) {
                continue;
            }
            IkeSession loser = Collisions.lostCollision(ni, nr, other.ni, other.nr) ? this : other;
            env.trace(out, TraceFlag.IKE, TraceLevel.NOTICE, "duplicate IKE SAs with " + peer.name() + " (both ends initiated): "
                    + loser.id() + " goes" + (loser.initiator ? ", deleted by us" : ", the peer deletes it"));
            if (loser.initiator) {
                loser.enqueue(now, new Informational.DeleteIke(loser, Failure.of(Failure.Kind.REPLACED, "(duplicate IKE SA: both ends initiated)")), out);
            }
            return;
        }
    }

    /** The negotiated proposal's lifetime, under the test hook {@code KmdOptions.ikeLifetimeCapSeconds}. */
    long lifetimeSeconds() {
        return env.options().ikeLifetimeSeconds(proposal.lifetimeSeconds());
    }

    /** Tells the term {@code name} that this established SA carries it, once. */
    void announce(String name, long now, List<Action> out) {
        if (announcedTerms.add(name)) {
            env.sas().announced(this, name);
            out.add(new Action.IkeSaUp(name, id(), initiator, local, remote, proposal.encryption(),
                    proposal.encryption().isAead() ? null : proposal.integrity(), proposal.prf(), proposal.group(),
                    natLocal || natRemote, new Lifetime((softDeadline - now) / 1_000_000_000L, lifetimeSeconds()),
                    createdAt));
        }
    }

    /** The SA that replaces {@code old} by rekey carries the same terms: each is told. */
    void announceAll(IkeSession old, long now, List<Action> out) {
        for (String name : old.announced.isEmpty() ? List.of(old.peer.name()) : old.announced) {
            announce(name, now, out);
        }
    }

    /** Forgets that {@code term} was told about this SA: a removed term whose children are going. */
    void forget(String term) {
        if (announcedTerms.remove(term)) {
            env.sas().forgotten(this, term);
        }
    }

    /**
     * A dynamic peer's IKE SA whose IKE_AUTH brought no child SA: deleted at {@code until} unless
     * a child comes first ({@code Kmd.refuseChildless}).
     */
    void awaitChild(long until) {
        childlessUntil = until;
        env.sas().deadlineChanged(this);
    }

    /**
     * The peer refused our child SA for {@code term} and this SA stays (RFC 7296 §1.2, §2.21: a
     * child that fails does not fail its IKE SA): the gateway hears why, and a term established
     * immediately asks again {@code reconnectNanos} later; one established on traffic asks at its
     * next acquire.
     */
    void childRefused(long now, PeerConfig term, String why, List<Action> out) {
        out.add(new Action.ChildRefused(term.name(), id(), Action.RefusedBy.PEER, why));
        if (term.establishImmediately()) {
            childRetries.put(term, now + env.options().reconnectNanos());
            env.sas().deadlineChanged(this);
        }
    }

    void addChild(ChildSa c) {
        childlessUntil = Long.MAX_VALUE;
        childList.add(c);
        env.sas().childAdded(this, c);
        env.sas().deadlineChanged(this);
    }

    /** The children of {@code from} that {@code keep} accepts move here (an IKE rekey); {@code from} is left with none. */
    void adoptChildren(IkeSession from, Predicate<ChildSa> keep) {
        for (ChildSa c : from.childList) {
            if (keep.test(c)) {
                addChild(c);
            }
        }
        for (ChildSa c : from.childList) {
            env.sas().childRemoved(from, c);
        }
        from.childList.clear();
        env.sas().deadlineChanged(from);
    }

    /** Takes {@code c} out of the data plane now; outbound traffic moves to its replacement first, if one waits. */
    void removeChild(ChildSa c, String reason, List<Action> out) {
        if (detach(c)) {
            handOver(c, out);
            out.add(new Action.DeleteChildSa(c.term.name(), c.spiIn, c.spiOut, reason));
            env.trace(out, TraceFlag.IKE, TraceLevel.NOTICE, "DeleteChild: " + c + " with " + c.term.name() + " removed (" + reason + ")");
        }
    }

    /**
     * {@code c}'s delete exchange is done. A child a rekey replaced keeps its inbound SA a little
     * longer ({@link KmdOptions#rekeyedInboundLingerNanos}): the peer's packets sent on it before
     * it switched may still be on their way, or queued in our data plane behind this exchange.
     * Any other child goes now.
     */
    void retireChild(ChildSa c, String reason, long now, List<Action> out) {
        long linger = env.options().rekeyedInboundLingerNanos();
        if (c.replacement == null || linger <= 0) {
            removeChild(c, reason, out);
            return;
        }
        if (detach(c)) {
            handOver(c, out);
            env.retire(new Action.DeleteChildSa(c.term.name(), c.spiIn, c.spiOut, reason), now + linger);
            env.trace(out, TraceFlag.IKE, TraceLevel.NOTICE, "DeleteChild: " + c + " with " + c.term.name() + " deleted (" + reason
                    + "), its inbound SA kept " + linger / 1_000_000L + " ms for late packets");
        }
    }

    private boolean detach(ChildSa c) {
        if (!childList.remove(c)) {
            return false;
        }
        env.sas().childRemoved(this, c);
        env.sas().deadlineChanged(this);
        return true;
    }

    /** {@code old} goes: the SA that replaced it takes the outbound traffic if it was waiting for that. */
    private void handOver(ChildSa old, List<Action> out) {
        ChildSa next = old.replacement;
        if (next != null && !next.outboundActive && children.contains(next)) {
            next.outboundActive = true;
            out.add(new Action.SwitchOutbound(next.term.name(), next.spiIn, next.spiOut));
            env.trace(out, TraceFlag.IKE, TraceLevel.INFO, "RekeyChild: outbound traffic of " + next.term.name() + " moves from "
                    + old + " to " + next);
        }
    }

    // ---------------------------------------------------------------- messages

    void enqueue(long now, IkeTask t, List<Action> out) {
        env.sas().deadlineChanged(this);
        tasks.queue(t);
        tasks.startNext(now, out);
    }

    /** One message of this SA as datagrams: IKE_SA_INIT in clear (kept to be signed), the rest under SK. */
    List<byte[]> encode(IkeHeader h, List<Payload> payloads) {
        if (h.exchangeType() == Wire.IKE_SA_INIT) {
            initRequest = MessageCodec.encode(h, payloads);
            return List.of(initRequest);
        }
        return encrypt(h, payloads);
    }

    List<byte[]> encrypt(IkeHeader h, List<Payload> payloads) {
        if (peerFragmentation) {
            return MessageCodec.encodeFragmented(h, payloads, outCipher(), env.options().maxDatagram());
        }
        return List.of(MessageCodec.encodeEncrypted(h, payloads, outCipher()));
    }

    void send(List<Action> out, List<byte[]> packets) {
        statistics.sent(packets);
        for (byte[] b : packets) {
            out.add(new Action.Send(new Datagram(local, remote, b, onNatPort)));
        }
    }

    /** One datagram for this SA (the Kmd found it by SPI). */
    void onDatagram(long now, Datagram d, IkeHeader h, List<Action> out) {
        if (state == State.CLOSED) {
            return;
        }
        env.sas().deadlineChanged(this);
        if (h.isResponse()) {
            onResponse(now, d, h, out);
        } else {
            onRequest(now, d, h, out);
        }
        tasks.startNext(now, out);
    }

    private void onRequest(long now, Datagram d, IkeHeader h, List<Action> out) {
        if (!tasks.admit(h, d.payload(), out)) {
            return;
        }
        if (keys == null && peerKe != null && !IkeInit.deriveResponderKeys(this)) {
            env.count(DropReason.INVALID_KE);
            end(out, Failure.of(Failure.Kind.INVALID_KEY, "(IKE_SA_INIT request)"));
            return;
        }
        DecodeResult r = MessageCodec.decode(d.payload(), inCipher(), requestFragments);
        if (!(r instanceof DecodeResult.UnprotectedError)) {
            tasks.requestReceived(d.payload());
        }
        switch (r) {
            case DecodeResult.Partial part -> { }
            case DecodeResult.UnprotectedError e -> {
                env.count(dropReason(e));
                env.trace(out, TraceFlag.IKE, TraceLevel.WARNING, "dropped request from " + d.remote() + ": " + e.reason());
            }
            case DecodeResult.ProtectedError e -> {
                env.count(DropReason.MALFORMED_PAYLOAD);
                tasks.respond(h, List.of(Payload.Notify.of(NotifyError.of(e.notifyType()))), out);
            }
            case DecodeResult.Ok ok when !ok.message().encrypted() -> {
                tasks.requestDropped();
                env.count(DropReason.UNPROTECTED);
                env.trace(out, TraceFlag.IKE, TraceLevel.WARNING, "dropped unprotected " + Wire.exchangeName(h.exchangeType())
                        + " request from " + d.remote());
            }
            case DecodeResult.Ok ok -> {
                lastInbound = now;
                followPeer(d, out);
                IkeMessage m = ok.message();
                statistics.received(h.exchangeType(), m.payloads());
                switch (responderFor(h.exchangeType(), m).process(now, m, out)) {
                    case Step.SendLast<List<Payload>> resp -> {
                        if (h.exchangeType() == Wire.INFORMATIONAL && m.payloads().isEmpty()) {
                            statistics.dpdRequestAnswered(); // RFC 7296 §2.4: an empty INFORMATIONAL is a liveness check
                        }
                        tasks.respond(h, resp.message(), out);
                    }
                    case Step.Failed<List<Payload>> f -> {
                        // The response goes first; then the SA ends (AUTHENTICATION_FAILED, a Delete of the IKE SA).
                        tasks.respond(h, f.notice(), out);
                        end(out, f.failure());
                    }
                    default -> {
                        tasks.requestDropped();
                        env.count(DropReason.UNEXPECTED_EXCHANGE);
                    }
                }
            }
        }
    }

    /** The task that answers the peer's request of this exchange type in the SA's present state. */
    private IkeTask responderFor(int exchangeType, IkeMessage m) {
        return switch (exchangeType) {
            case Wire.IKE_AUTH -> !initiator && state == State.CONNECTING ? new IkeAuth.Responder(this) : Refusal.DROP;
            case Wire.CREATE_CHILD_SA -> state != State.ESTABLISHED ? Refusal.TEMPORARY_FAILURE : createChildResponder(m);
            case Wire.INFORMATIONAL -> state != State.CONNECTING ? new Informational.Responder(this) : Refusal.DROP;
            default -> Refusal.DROP;
        };
    }

    /** Requests answered without a task of their own: dropped, or refused with one notify. */
    private enum Refusal implements IkeTask {
        DROP(null), TEMPORARY_FAILURE(NotifyError.Standard.TEMPORARY_FAILURE), INVALID_SYNTAX(NotifyError.Standard.INVALID_SYNTAX);

        private final NotifyError error;

        Refusal(NotifyError error) { this.error = error; }

        @Override
        public int exchangeType() { return -1; }

        @Override
        public String describe() { return name(); }

        @Override
        public Step<List<Payload>> initiate(long now, List<Action> out) { return new Step.Done<>(); }

        @Override
        public Step<List<Payload>> process(long now, IkeMessage m, List<Action> out) {
            return error == null ? new Step.Drop<>(DropReason.UNEXPECTED_EXCHANGE) : new Step.SendLast<>(List.of(Payload.Notify.of(error)));
        }
    }

    /**
     * A peer's CREATE_CHILD_SA rekeys this IKE SA when its SA payload proposes protocol IKE and no
     * REKEY_SA names a child (RFC 7296 §1.3.2); otherwise it creates or rekeys a child SA.
     */
    private IkeTask createChildResponder(IkeMessage m) {
        var sa = m.first(Payload.Sa.class);
        if (m.first(Payload.Nonce.class).isEmpty() || sa.isEmpty()) {
            return Refusal.INVALID_SYNTAX;
        }
        boolean ikeRekey = m.notify(Wire.N_REKEY_SA).isEmpty() && sa.get().proposals().stream().anyMatch(p -> p.protocolId() == Wire.PROTO_IKE);
        return ikeRekey ? new IkeRekey.Responder(this) : new ChildRekey.Responder(this);
    }

    /**
     * After an authenticated message, answer and send to where the peer now is (NAT mapping
     * changes, RFC 7296 §2.23), and so does the ESP of the SA's children.
     */
    private void followPeer(Datagram d, List<Action> out) {
        if (state == State.CONNECTING && initiator) {
            return;
        }
        boolean moved = !d.remote().equals(remote);
        moveTo(d.remote());
        local = d.local();
        onNatPort = d.nonEspMarker();
        if (moved && state != State.CONNECTING) {
            env.trace(out, TraceFlag.IKE, TraceLevel.INFO, "IKE SA " + id() + ": peer moved to " + d.remote());
            for (ChildSa c : childList) {
                out.add(new Action.ChildSaMoved(c.term.name(), c.spiIn, c.spiOut, d.remote()));
            }
        }
    }

    /**
     * The data plane authenticated ESP of one of this SA's children from {@code to} (RFC 7296
     * §2.23): when the peer is behind a NAT and we are not, the SA and every child follow it
     * there, as after an authenticated IKE message. A host behind a NAT does not update.
     */
    void followPeerOnEsp(InetSocketAddress to, List<Action> out) {
        if (!natRemote || natLocal || to.equals(remote)) {
            env.trace(out, TraceFlag.IKE, TraceLevel.VERBOSE, "IKE SA " + id() + ": ESP from " + to + " moves nothing"
                    + (natLocal ? " (we are behind a NAT)" : !natRemote ? " (the peer is not behind a NAT)" : ""));
            return;
        }
        moveTo(to);
        onNatPort = true;
        env.trace(out, TraceFlag.IKE, TraceLevel.INFO, "IKE SA " + id() + ": peer moved to " + to + " (authenticated ESP)");
        for (ChildSa c : childList) {
            out.add(new Action.ChildSaMoved(c.term.name(), c.spiIn, c.spiOut, to));
        }
    }

    private void onResponse(long now, Datagram d, IkeHeader h, List<Action> out) {
        IkeTask task = tasks.awaiting(h);
        if (task == null) {
            return;
        }
        if (task.exchangeType() == Wire.IKE_SA_INIT) {
            if (!(MessageCodec.decodePlain(d.payload()) instanceof DecodeResult.Ok ok)) {
                env.count(DropReason.MALFORMED_PAYLOAD);
                return;
            }
            // Signed by our AUTH (RFC 7296 §2.15) when it is the answer that completes IKE_SA_INIT.
            byte[] previous = initResponse;
            initResponse = d.payload();
            statistics.received(Wire.IKE_SA_INIT, ok.message().payloads());
            if (!tasks.answered(now, ok.message(), out)) {
                initResponse = previous;
            }
            return;
        }
        DecodeResult r = MessageCodec.decode(d.payload(), inCipher(), responseFragments);
        IkeMessage m;
        switch (r) {
            case DecodeResult.Partial part -> {
                return;
            }
            case DecodeResult.UnprotectedError e -> {
                env.count(dropReason(e));
                return;
            }
            case DecodeResult.ProtectedError e -> {
                env.count(DropReason.MALFORMED_PAYLOAD);
                m = new IkeMessage(e.header(), List.of(Payload.Notify.of(NotifyError.of(e.notifyType()))), true);
            }
            case DecodeResult.Ok ok when !ok.message().encrypted() -> {
                // RFC 7296 §2.21: keep waiting for a protected answer; remember an error notify for the end.
                env.count(DropReason.UNPROTECTED);
                ok.message().error().ifPresent(tasks::unprotectedError);
                env.trace(out, TraceFlag.IKE, TraceLevel.WARNING, "ignored unprotected " + Wire.exchangeName(h.exchangeType())
                        + " response from " + d.remote() + ", waiting for a protected one");
                return;
            }
            case DecodeResult.Ok ok -> m = ok.message();
        }
        lastInbound = now;
        if (m.encrypted()) {
            followPeer(d, out);
        }
        statistics.received(h.exchangeType(), m.payloads());
        tasks.answered(now, m, out);
    }

    // ---------------------------------------------------------------- timers

    void tick(long now, List<Action> out) {
        if (state == State.CLOSED) {
            return;
        }
        env.sas().deadlineChanged(this);
        tasks.tick(now, out);
        if (state == State.CLOSED) {
            return;
        }
        if (state == State.CONNECTING && !initiator && now - createdAt >= env.options().halfOpenTimeoutNanos()) {
            end(out, Failure.of(Failure.Kind.TIMED_OUT));
            return;
        }
        if (state == State.REKEYED && tasks.idle() && now - rekeyedAt >= env.options().halfOpenTimeoutNanos()) {
            end(out, Failure.of(Failure.Kind.REPLACED, "rekeyed (peer never deleted it)"));
            return;
        }
        if (state == State.ESTABLISHED) {
            if (now >= hardDeadline) {
                end(out, Failure.of(Failure.Kind.LIFETIME_EXPIRED, "IKE SA"));
                return;
            }
            if (now >= softDeadline) {
                softDeadline = Long.MAX_VALUE;
                env.trace(out, TraceFlag.TIMER, TraceLevel.INFO, "IKE SA " + id() + " soft lifetime reached");
                tasks.queue(new IkeRekey.Initiator(this));
            }
            for (ChildSa c : List.copyOf(children)) {
                if (now >= c.hardDeadline) {
                    // Out of the data plane at once; the peer is told with a Delete (unless one is on its way).
                    boolean told = c.state == ChildSa.State.DELETING
                            || tasks.any(t -> t instanceof Informational.DeleteChild dc && dc.deletes(c));
                    c.state = ChildSa.State.EXPIRED;
                    removeChild(c, "lifetime expired", out);
                    if (!told) {
                        tasks.queue(new Informational.DeleteChild(this, c));
                    }
                } else if (now >= c.rekeyDue && c.state == ChildSa.State.INSTALLED
                        && !tasks.any(t -> t instanceof ChildRekey.Rekey rc && rc.rekeys(c))) {
                    env.trace(out, TraceFlag.TIMER, TraceLevel.INFO, c + (now >= c.softDeadline ? " soft lifetime reached"
                            : " rekey tried again after its back-off"));
                    tasks.queue(new ChildRekey.Rekey(this, c));
                }
            }
            for (var retry : List.copyOf(childRetries.entrySet())) {
                PeerConfig term = retry.getKey();
                if (now >= retry.getValue()) {
                    childRetries.remove(term);
                    if (env.configured(term) && children.stream().noneMatch(c -> c.term.equals(term))
                            && !tasks.any(t -> t instanceof ChildRekey.Create cc && cc.term().equals(term))) {
                        env.trace(out, TraceFlag.TIMER, TraceLevel.INFO, "IKE SA " + id() + ": child SA for " + term.name()
                                + " asked for again");
                        tasks.queue(new ChildRekey.Create(this, term));
                    }
                }
            }
            if (now >= childlessUntil) {
                childlessUntil = Long.MAX_VALUE;
                if (children.isEmpty()) {
                    String why = "no child SA for " + (Kmd.CHILDLESS_NANOS / 1_000_000_000L) + " s after IKE_AUTH";
                    env.trace(out, TraceFlag.IKE, TraceLevel.NOTICE, "IKE SA " + id() + " of dynamic peer " + peer.name() + ": " + why);
                    tasks.queue(new Informational.DeleteIke(this, Failure.of(Failure.Kind.DELETED, why)));
                }
            }
            var dpd = peer.dpd();
            if (dpd.enabled() && tasks.idle() && now - lastInbound >= dpd.intervalSeconds() * 1_000_000_000L) {
                tasks.queue(new Informational.Dpd(this));
            }
            if (now >= nextKeepalive) {
                nextKeepalive = now + peer.natKeepaliveNanos(env.options());
                out.add(new Action.Send(new Datagram(local, remote, new byte[] {(byte) 0xff}, false)));
            }
        }
        tasks.startNext(now, out);
    }

    long nextDeadline() {
        if (state == State.CLOSED) {
            return Long.MAX_VALUE;
        }
        long d = tasks.nextDeadline();
        if (state == State.CONNECTING && !initiator) {
            d = Math.min(d, createdAt + env.options().halfOpenTimeoutNanos());
        }
        if (state == State.REKEYED && !tasks.awaitingResponse()) {
            d = Math.min(d, rekeyedAt + env.options().halfOpenTimeoutNanos());
        }
        if (state == State.ESTABLISHED) {
            d = Math.min(d, Math.min(softDeadline, hardDeadline));
            d = Math.min(d, Math.min(nextKeepalive, childlessUntil));
            for (long retry : childRetries.values()) {
                d = Math.min(d, retry);
            }
            for (ChildSa c : children) {
                d = Math.min(d, c.state == ChildSa.State.INSTALLED
                        ? Math.min(c.rekeyDue, c.hardDeadline) : c.hardDeadline);
            }
            if (peer.dpd().enabled() && !tasks.awaitingResponse()) {
                d = Math.min(d, lastInbound + peer.dpd().intervalSeconds() * 1_000_000_000L);
            }
        }
        return d;
    }

    // ---------------------------------------------------------------- endings

    /**
     * Ends the SA for a typed reason (the down cause follows from its kind, the words from the
     * failure); a fault is traced as the SA's failure, an orderly end (delete, replacement,
     * expiry) is not.
     */
    void end(List<Action> out, Failure why) {
        if (state == State.CLOSED) {
            return;
        }
        if (why.kind().fault()) {
            env.trace(out, TraceFlag.IKE, TraceLevel.ERROR, "IKE SA with " + peer.name() + " failed: " + why.words());
        }
        DownCause cause = DownCause.of(why.kind());
        String reason = why.words();
        for (ChildSa c : List.copyOf(children)) {
            c.replacement = null;   // every child goes: no traffic to move
            removeChild(c, reason, out);
        }
        state = State.CLOSED;
        tasks.clear();
        requestFragments.clear();
        responseFragments.clear();
        for (String name : announced.isEmpty() ? List.of(peer.name()) : announced) {
            out.add(new Action.IkeSaDown(name, id(), cause, reason));
        }
        env.unregister(this);
    }

    boolean isClosed() { return state == State.CLOSED; }

    /** The peer is at {@code to} now (NAT-T's move to port 4500, a NAT mapping that changed). */
    void moveTo(InetSocketAddress to) {
        java.net.InetAddress from = remote.getAddress();
        remote = to;
        env.sas().moved(this, from);
    }

    private static DropReason dropReason(DecodeResult.UnprotectedError e) {
        return switch (e.cause()) {
            case INTEGRITY -> DropReason.INTEGRITY_FAILED;
            case FRAGMENT_LIMIT -> DropReason.FRAGMENT_LIMIT;
            case MALFORMED -> DropReason.MALFORMED_PAYLOAD;
        };
    }

    boolean busy() { return !tasks.idle(); }

    /** Whether a delete of this IKE SA is under way or queued: no new child goes over it. */
    boolean deleting() { return tasks.any(t -> t instanceof Informational.DeleteIke); }

    Optional<ChildSa> child(int spiIn) {
        for (ChildSa c : childList) {
            if (c.spiIn == spiIn) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    static String describe(IkeProposal p) {
        return p.encryption().keyword() + (p.encryption().isAead() ? "" : "/" + p.integrity().ikeKeyword()) + "/"
                + p.prf().displayName() + "/" + p.group().keyword();
    }

    static String identityText(Payload.Id id) {
        Identity.Type t = Identity.Type.fromWire(id.idType());
        return t == null ? "type " + id.idType() : new Identity(t, id.data()).toString();
    }
}
