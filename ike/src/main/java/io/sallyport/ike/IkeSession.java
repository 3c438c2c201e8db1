package io.sallyport.ike;

import io.sallyport.crypto.IkeKeyDerivation;
import io.sallyport.crypto.IkeSaKeys;
import io.sallyport.crypto.KeyExchange;
import io.sallyport.ike.message.DecodeResult;
import io.sallyport.ike.message.FragmentBuffer;
import io.sallyport.ike.message.IkeHeader;
import io.sallyport.ike.message.IkeMessage;
import io.sallyport.ike.message.MessageCodec;
import io.sallyport.ike.message.Payload;
import io.sallyport.ike.message.SkCipher;
import io.sallyport.ike.message.Wire;
import io.sallyport.ike.task.Step;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

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

    final List<ChildSa> children = new ArrayList<>();
    /** The terms told {@link Action.IkeSaUp} for this SA (each has or had a child here); each is told when it goes. */
    final java.util.Set<String> announced = new java.util.LinkedHashSet<>();
    long softDeadline = Long.MAX_VALUE;
    long hardDeadline = Long.MAX_VALUE;
    long lastInbound;
    long nextKeepalive = Long.MAX_VALUE;

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

    /** How an SA ends that an exchange closes once its response is sent (e.g. AUTHENTICATION_FAILED). */
    record Ending(DownCause cause, String reason) {
    }

    /** Set by an exchange that must end the SA once its response is sent. */
    Ending closeAfterResponse;

    void establish(long now, List<Action> out) {
        state = State.ESTABLISHED;
        env.authenticated(this);
        // AUTH is done: the signed first messages are no longer needed.
        initRequest = null;
        initResponse = null;
        long life = proposal.lifetimeSeconds() * 1_000_000_000L;
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
                loser.enqueue(now, new Informational.DeleteIke(loser, DownCause.REPLACED, "duplicate IKE SA (both ends initiated)"), out);
            }
            return;
        }
    }

    /** Tells the term {@code name} that this established SA carries it, once. */
    void announce(String name, long now, List<Action> out) {
        if (announced.add(name)) {
            out.add(new Action.IkeSaUp(name, id(), initiator, local, remote, proposal.encryption(),
                    proposal.encryption().isAead() ? null : proposal.integrity(), proposal.prf(), proposal.group(),
                    natLocal || natRemote, new Lifetime((softDeadline - now) / 1_000_000_000L, proposal.lifetimeSeconds()),
                    createdAt));
        }
    }

    /** The SA that replaces {@code old} by rekey carries the same terms: each is told. */
    void announceAll(IkeSession old, long now, List<Action> out) {
        for (String name : old.announced.isEmpty() ? List.of(old.peer.name()) : old.announced) {
            announce(name, now, out);
        }
    }

    /** Takes {@code c} out of the data plane now; outbound traffic moves to its replacement first, if one waits. */
    void removeChild(ChildSa c, String reason, List<Action> out) {
        if (children.remove(c)) {
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
        if (children.remove(c)) {
            handOver(c, out);
            env.retire(new Action.DeleteChildSa(c.term.name(), c.spiIn, c.spiOut, reason), now + linger);
            env.trace(out, TraceFlag.IKE, TraceLevel.NOTICE, "DeleteChild: " + c + " with " + c.term.name() + " deleted (" + reason
                    + "), its inbound SA kept " + linger / 1_000_000L + " ms for late packets");
        }
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
        for (byte[] b : packets) {
            out.add(new Action.Send(new Datagram(local, remote, b, onNatPort)));
        }
    }

    /** One datagram for this SA (the Kmd found it by SPI). */
    void onDatagram(long now, Datagram d, IkeHeader h, List<Action> out) {
        if (state == State.CLOSED) {
            return;
        }
        if (h.isResponse()) {
            onResponse(now, d, h, out);
        } else {
            onRequest(now, d, h, out);
        }
        if (closeAfterResponse != null && state != State.CLOSED) {
            close(out, closeAfterResponse.cause(), closeAfterResponse.reason());
        }
        tasks.startNext(now, out);
    }

    private void onRequest(long now, Datagram d, IkeHeader h, List<Action> out) {
        if (!tasks.admit(h, d.payload(), out)) {
            return;
        }
        if (keys == null && peerKe != null && !IkeInit.deriveResponderKeys(this)) {
            env.count(DropReason.INVALID_KE);
            close(out, DownCause.INVALID, "invalid KE value from peer");
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
                tasks.respond(h, List.of(Payload.Notify.of(e.notifyType())), out);
            }
            case DecodeResult.Ok ok when !ok.message().encrypted() -> {
                tasks.requestDropped();
                env.count(DropReason.UNPROTECTED);
                env.trace(out, TraceFlag.IKE, TraceLevel.WARNING, "dropped unprotected " + Wire.exchangeName(h.exchangeType())
                        + " request from " + d.remote());
            }
            case DecodeResult.Ok ok -> {
                lastInbound = now;
                followPeer(d);
                IkeMessage m = ok.message();
                if (responderFor(h.exchangeType(), m).process(now, m, out) instanceof Step.SendLast<List<Payload>> resp) {
                    tasks.respond(h, resp.message(), out);
                } else {
                    tasks.requestDropped();
                    env.count(DropReason.UNEXPECTED_EXCHANGE);
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
        DROP(-1), TEMPORARY_FAILURE(Wire.N_TEMPORARY_FAILURE), INVALID_SYNTAX(Wire.N_INVALID_SYNTAX);

        private final int notifyType;

        Refusal(int notifyType) { this.notifyType = notifyType; }

        @Override
        public int exchangeType() { return -1; }

        @Override
        public String describe() { return name(); }

        @Override
        public Step<List<Payload>> initiate(long now, List<Action> out) { return new Step.Done<>(); }

        @Override
        public Step<List<Payload>> process(long now, IkeMessage m, List<Action> out) {
            return notifyType < 0 ? new Step.Drop<>(DropReason.UNEXPECTED_EXCHANGE) : new Step.SendLast<>(List.of(Payload.Notify.of(notifyType)));
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

    /** After an authenticated message, answer and send to where the peer now is (NAT mapping changes). */
    private void followPeer(Datagram d) {
        if (state != State.CONNECTING || !initiator) {
            remote = d.remote();
            local = d.local();
            onNatPort = d.nonEspMarker();
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
                m = new IkeMessage(e.header(), List.of(Payload.Notify.of(e.notifyType())), true);
            }
            case DecodeResult.Ok ok when !ok.message().encrypted() -> {
                // RFC 7296 §2.21: keep waiting for a protected answer; remember an error notify for the end.
                env.count(DropReason.UNPROTECTED);
                ok.message().all(Payload.Notify.class).stream().filter(Payload.Notify::isError).findFirst()
                        .ifPresent(n -> tasks.unprotectedError(n.notifyType()));
                env.trace(out, TraceFlag.IKE, TraceLevel.WARNING, "ignored unprotected " + Wire.exchangeName(h.exchangeType())
                        + " response from " + d.remote() + ", waiting for a protected one");
                return;
            }
            case DecodeResult.Ok ok -> m = ok.message();
        }
        lastInbound = now;
        tasks.answered(now, m, out);
    }

    // ---------------------------------------------------------------- timers

    void tick(long now, List<Action> out) {
        if (state == State.CLOSED) {
            return;
        }
        tasks.tick(now, out);
        if (state == State.CLOSED) {
            return;
        }
        if (state == State.CONNECTING && !initiator && now - createdAt >= env.options().halfOpenTimeoutNanos()) {
            close(out, DownCause.EXPIRED, "half-open IKE SA timed out");
            return;
        }
        if (state == State.REKEYED && tasks.idle() && now - rekeyedAt >= env.options().halfOpenTimeoutNanos()) {
            close(out, DownCause.REPLACED, "replaced by rekey (peer never deleted it)");
            return;
        }
        if (state == State.ESTABLISHED) {
            if (now >= hardDeadline) {
                close(out, DownCause.EXPIRED, "IKE SA lifetime expired");
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
            d = Math.min(d, nextKeepalive);
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

    /** Fails a connecting SA with a reason in words. */
    void fail(List<Action> out, DownCause cause, String reason) {
        env.trace(out, TraceFlag.IKE, TraceLevel.ERROR, "IKE SA with " + peer.name() + " failed: " + reason);
        close(out, cause, reason);
    }

    void close(List<Action> out, DownCause cause, String reason) {
        if (state == State.CLOSED) {
            return;
        }
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
        return children.stream().filter(c -> c.spiIn == spiIn).findFirst();
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
