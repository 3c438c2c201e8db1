package io.sallyport.ike;

import io.sallyport.crypto.DhGroup;
import io.sallyport.crypto.IkeKeyDerivation;
import io.sallyport.crypto.IkeSaKeys;
import io.sallyport.crypto.KeyExchange;
import io.sallyport.crypto.Prf;
import io.sallyport.ike.message.Bytes;
import io.sallyport.ike.message.DecodeResult;
import io.sallyport.ike.message.FragmentBuffer;
import io.sallyport.ike.message.IkeHeader;
import io.sallyport.ike.message.IkeMessage;
import io.sallyport.ike.message.MessageCodec;
import io.sallyport.ike.message.Payload;
import io.sallyport.ike.message.SkCipher;
import io.sallyport.ike.message.TrafficSelector;
import io.sallyport.ike.message.Wire;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * One IKE SA and its task manager: message IDs, the single outstanding request (window 1) with
 * retransmission, the cached last response and the queue of local work. The exchanges live in
 * one class per concern ({@link IkeInit}, {@link NatDetection}, {@link IkeAuth},
 * {@link ChildCreate}, {@link ChildRekey}, {@link IkeRekey}, {@link Informational}); they
 * never touch message IDs. Procedures are named after the Android IKE grammar in traces
 * ({@code CreateIkeLocal}, {@code RekeyChildRemote}, ...).
 */
final class IkeSession {

    /** IKE SA lifecycle; exchange progress lives in {@link Work} and {@link Pending}. */
    enum State { CONNECTING, ESTABLISHED, REKEYED, CLOSED }

    /** Local work waiting for the request window. */
    sealed interface Work {
        record Init() implements Work { }
        record Auth() implements Work { }
        /** A further term's child over this IKE SA (RFC 7296 §1.3.1). */
        record CreateChild(PeerConfig term) implements Work { }
        record RekeyChild(ChildSa old) implements Work { }
        record RekeyIke() implements Work { }
        record DeleteChild(ChildSa child) implements Work { }
        record DeleteIke(DownCause cause, String reason) implements Work { }
        record Dpd() implements Work { }
        record InvalidSpi(int spi) implements Work { }
    }

    /** The outstanding request and what its exchange needs when the response arrives. */
    static final class Pending {
        final Work work;
        final int messageId;
        List<byte[]> packets;
        int retries;
        long deadline;
        KeyExchange ke;
        byte[] nonce;
        int newChildSpi;
        long newIkeSpi;
        /** Nonces of a crossing peer rekey of the same child (RFC 7296 §2.8.1), with the SA it created. */
        byte[] peerNi;
        byte[] peerNr;
        ChildSa peerCreated;
        /** The IKE SA a crossing peer IKE rekey created (RFC 7296 §2.8.1). */
        IkeSession peerCreatedIke;
        /** An unprotected error notify that answered this request: believed only if no protected answer comes (§2.21). */
        int unprotectedError = -1;

        Pending(Work work, int messageId) {
            this.work = work;
            this.messageId = messageId;
        }
    }

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
    byte[] initRequest;
    byte[] initResponse;
    byte[] cookie;
    int invalidKeRetries;
    /** IKE rekeys the peer refused in a row, and the group its INVALID_KE_PAYLOAD asked for (if ours). */
    int ikeRekeyRefusals;
    DhGroup ikeRekeyGroup;
    boolean ikeRekeyGroupSwitched;
    byte[] skD;
    byte[] skPi;
    byte[] skPr;
    SkCipher outCipher;
    SkCipher inCipher;
    /** Requests and responses are reassembled apart: a peer's request may arrive amid its response to ours. */
    final FragmentBuffer requestFragments;
    final FragmentBuffer responseFragments;
    boolean peerFragmentation;
    /** RFC 7427 hash algorithms the peer announced in IKE_SA_INIT (empty: none, use AUTH method 1). */
    List<Integer> peerSignatureHashes = List.of();

    int nextRequestId;
    int expectedRequestId;
    Pending pending;
    final Deque<Work> queue = new ArrayDeque<>();
    int lastResponseId = -1;
    List<byte[]> lastResponse = List.of();
    /**
     * The request answered by {@link #lastResponse} as it came, or its fragment 1 (only that one
     * triggers a resend, RFC 7383 §2.6.1); and the same of the request being reassembled.
     */
    byte[] lastRequest;
    byte[] requestFirstPacket;

    final List<ChildSa> children = new ArrayList<>();
    /** The terms told {@link Action.IkeSaUp} for this SA (each has or had a child here); each is told when it goes. */
    final java.util.Set<String> announced = new java.util.LinkedHashSet<>();
    long softDeadline = Long.MAX_VALUE;
    long hardDeadline = Long.MAX_VALUE;
    long lastInbound;
    long nextKeepalive = Long.MAX_VALUE;
    int dpdFailures;

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

    void deriveIkeKeys(byte[] skeyseed) {
        IkeSaKeys k = IkeKeyDerivation.ikeSaKeys(proposal.prf(), proposal.encryption(),
                proposal.encryption().isAead() ? null : proposal.integrity(), skeyseed, ni, nr, spiI, spiR);
        skD = k.skD();
        skPi = k.skPi();
        skPr = k.skPr();
        var integ = proposal.encryption().isAead() ? null : proposal.integrity();
        SkCipher iToR = SkCipher.create(proposal.encryption(), integ, k.skEi(), k.skAi(), env.random());
        SkCipher rToI = SkCipher.create(proposal.encryption(), integ, k.skEr(), k.skAr(), env.random());
        outCipher = initiator ? iToR : rToI;
        inCipher = initiator ? rToI : iToR;
    }

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
        softDeadline = now + (long) (life * (1 - env.options().lifetimeJitter() * (1 + env.random().nextDouble())));
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
                loser.enqueue(now, new Work.DeleteIke(DownCause.REPLACED, "duplicate IKE SA (both ends initiated)"), out);
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

    void removeChild(ChildSa c, String reason, List<Action> out) {
        if (children.remove(c)) {
            out.add(new Action.DeleteChildSa(c.term.name(), c.spiIn, c.spiOut, reason));
            env.trace(out, TraceFlag.IKE, TraceLevel.NOTICE, "DeleteChild: " + c + " with " + c.term.name() + " removed (" + reason + ")");
        }
    }

    // ---------------------------------------------------------------- task manager

    void enqueue(long now, Work w, List<Action> out) {
        queue.add(w);
        startNext(now, out);
    }

    /** Sends the next queued request when the window (size 1) is free. */
    void startNext(long now, List<Action> out) {
        while (pending == null && !queue.isEmpty() && state != State.CLOSED) {
            Work w = queue.poll();
            if (w instanceof Work.Init) {
                Pending p = new Pending(w, 0);
                IkeHeader h = new IkeHeader(spiI, 0, 0, Wire.IKE_SA_INIT, Wire.FLAG_INITIATOR, 0, 0);
                initRequest = MessageCodec.encode(h, IkeInit.initRequestPayloads(this));
                p.packets = List.of(initRequest);
                nextRequestId = 1;
                arm(now, p, out);
                continue;
            }
            if (state != State.ESTABLISHED && !(w instanceof Work.Auth) && !(w instanceof Work.DeleteIke && state == State.REKEYED)) {
                continue;
            }
            Pending p = new Pending(w, nextRequestId);
            List<Payload> payloads;
            int exchange;
            switch (w) {
                case Work.Auth a -> {
                    exchange = Wire.IKE_AUTH;
                    payloads = IkeAuth.authRequestPayloads(this, p);
                }
                case Work.RekeyChild rc -> {
                    if (!children.contains(rc.old()) || rc.old().state != ChildSa.State.INSTALLED) {
                        continue;
                    }
                    rc.old().state = ChildSa.State.REKEYING;
                    exchange = Wire.CREATE_CHILD_SA;
                    payloads = ChildRekey.rekeyChildRequestPayloads(this, p, rc.old());
                    env.trace(out, TraceFlag.IKE, TraceLevel.INFO, "RekeyChildLocal: rekeying " + rc.old());
                }
                case Work.CreateChild cc -> {
                    exchange = Wire.CREATE_CHILD_SA;
                    payloads = ChildRekey.createChildRequestPayloads(this, p, cc.term());
                    env.trace(out, TraceFlag.IKE, TraceLevel.INFO, "CreateChildLocal: child SA for " + cc.term().name());
                }
                case Work.RekeyIke ri -> {
                    exchange = Wire.CREATE_CHILD_SA;
                    payloads = IkeRekey.rekeyIkeRequestPayloads(this, p);
                    env.trace(out, TraceFlag.IKE, TraceLevel.INFO, "RekeyIkeLocal: rekeying IKE SA " + id());
                }
                case Work.DeleteChild dc -> {
                    if (!children.contains(dc.child()) && dc.child().state != ChildSa.State.EXPIRED) {
                        continue;
                    }
                    dc.child().state = ChildSa.State.DELETING;
                    exchange = Wire.INFORMATIONAL;
                    payloads = List.of(new Payload.Delete(Wire.PROTO_ESP, 4, List.of(Bytes.of32(dc.child().spiIn))));
                }
                case Work.DeleteIke di -> {
                    exchange = Wire.INFORMATIONAL;
                    payloads = List.of(new Payload.Delete(Wire.PROTO_IKE, 0, List.of()));
                    env.trace(out, TraceFlag.IKE, TraceLevel.NOTICE, "DeleteIkeLocal: deleting IKE SA " + id() + " (" + di.reason() + ")");
                }
                case Work.Dpd d -> {
                    exchange = Wire.INFORMATIONAL;
                    payloads = List.of();
                    env.trace(out, TraceFlag.TIMER, TraceLevel.VERBOSE, "Dpd: liveness check of " + peer.name());
                }
                case Work.InvalidSpi is -> {
                    exchange = Wire.INFORMATIONAL;
                    payloads = List.of(new Payload.Notify(Wire.PROTO_ESP, new byte[0], Wire.N_INVALID_SPI, Bytes.of32(is.spi())));
                    env.trace(out, TraceFlag.IKE, TraceLevel.INFO, String.format("telling %s about unknown SPI %08x", peer.name(), is.spi()));
                }
                case Work.Init i -> throw new IllegalStateException("handled above");
            }
            IkeHeader h = new IkeHeader(spiI, spiR, 0, exchange, initiator ? Wire.FLAG_INITIATOR : 0, nextRequestId, 0);
            p.packets = encrypt(h, payloads);
            nextRequestId++;
            arm(now, p, out);
        }
    }

    List<byte[]> encrypt(IkeHeader h, List<Payload> payloads) {
        if (peerFragmentation) {
            return MessageCodec.encodeFragmented(h, payloads, outCipher, env.options().maxDatagram());
        }
        return List.of(MessageCodec.encodeEncrypted(h, payloads, outCipher));
    }

    void arm(long now, Pending p, List<Action> out) {
        pending = p;
        p.deadline = now + env.options().retransmitBaseNanos();
        send(out, p.packets);
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
        startNext(now, out);
    }

    private void onRequest(long now, Datagram d, IkeHeader h, List<Action> out) {
        if (h.fromInitiator() == initiator) {
            env.count(DropReason.UNEXPECTED_EXCHANGE);
            return;
        }
        if (h.messageId() == lastResponseId) {
            if (MessageCodec.fragmentNumber(d.payload()) > 1) {
                env.count(DropReason.DUPLICATE_FRAGMENT);
                return;
            }
            // Only an exact copy of the answered request is a retransmission (strongSwan compares too).
            if (Arrays.equals(lastRequest, d.payload())) {
                env.count(DropReason.RETRANSMITTED_REQUEST);
                send(out, lastResponse);
            } else {
                env.count(DropReason.OUT_OF_WINDOW);
            }
            return;
        }
        if (h.messageId() != expectedRequestId) {
            env.count(DropReason.OUT_OF_WINDOW);
            return;
        }
        if (inCipher == null && peerKe != null && !IkeInit.deriveResponderKeys(this)) {
            env.count(DropReason.INVALID_KE);
            close(out, DownCause.INVALID, "invalid KE value from peer");
            return;
        }
        DecodeResult r = MessageCodec.decode(d.payload(), inCipher, requestFragments);
        if (!(r instanceof DecodeResult.UnprotectedError) && MessageCodec.fragmentNumber(d.payload()) <= 1) {
            requestFirstPacket = d.payload();
        }
        switch (r) {
            case DecodeResult.Partial part -> { }
            case DecodeResult.UnprotectedError e -> {
                env.count(dropReason(e));
                env.trace(out, TraceFlag.IKE, TraceLevel.WARNING, "dropped request from " + d.remote() + ": " + e.reason());
            }
            case DecodeResult.ProtectedError e -> {
                env.count(DropReason.MALFORMED_PAYLOAD);
                respond(now, h, List.of(Payload.Notify.of(e.notifyType())), out);
            }
            case DecodeResult.Ok ok when !ok.message().encrypted() -> {
                requestFirstPacket = null;
                env.count(DropReason.UNPROTECTED);
                env.trace(out, TraceFlag.IKE, TraceLevel.WARNING, "dropped unprotected " + Wire.exchangeName(h.exchangeType())
                        + " request from " + d.remote());
            }
            case DecodeResult.Ok ok -> {
                lastInbound = now;
                dpdFailures = 0;
                followPeer(d);
                IkeMessage m = ok.message();
                List<Payload> resp = switch (h.exchangeType()) {
                    case Wire.IKE_AUTH -> !initiator && state == State.CONNECTING ? IkeAuth.processAuthRequest(this, now, m, out) : null;
                    case Wire.CREATE_CHILD_SA -> state == State.ESTABLISHED ? ChildRekey.processCreateChildRequest(this, now, m, out)
                            : List.of(Payload.Notify.of(Wire.N_TEMPORARY_FAILURE));
                    case Wire.INFORMATIONAL -> state != State.CONNECTING ? Informational.processInformationalRequest(this, now, m, out) : null;
                    default -> null;
                };
                if (resp == null) {
                    requestFirstPacket = null;
                    env.count(DropReason.UNEXPECTED_EXCHANGE);
                    return;
                }
                respond(now, h, resp, out);
            }
        }
    }

    /** After an authenticated message, answer and send to where the peer now is (NAT mapping changes). */
    private void followPeer(Datagram d) {
        if (state != State.CONNECTING || !initiator) {
            remote = d.remote();
            local = d.local();
            onNatPort = d.nonEspMarker();
        }
    }

    private void respond(long now, IkeHeader req, List<Payload> payloads, List<Action> out) {
        IkeHeader h = new IkeHeader(spiI, spiR, 0, req.exchangeType(),
                Wire.FLAG_RESPONSE | (initiator ? Wire.FLAG_INITIATOR : 0), req.messageId(), 0);
        lastResponse = encrypt(h, payloads);
        lastResponseId = req.messageId();
        lastRequest = requestFirstPacket;
        requestFirstPacket = null;
        expectedRequestId = req.messageId() + 1;
        send(out, lastResponse);
    }

    private void onResponse(long now, Datagram d, IkeHeader h, List<Action> out) {
        if (pending == null || h.messageId() != pending.messageId || h.fromInitiator() == initiator) {
            env.count(DropReason.UNEXPECTED_RESPONSE);
            return;
        }
        if (pending.work instanceof Work.Init) {
            DecodeResult r = MessageCodec.decodePlain(d.payload());
            if (!(r instanceof DecodeResult.Ok ok) || ok.message().header().exchangeType() != Wire.IKE_SA_INIT) {
                env.count(DropReason.MALFORMED_PAYLOAD);
                return;
            }
            if (!IkeInit.cookieWellFormed(ok.message())) {
                // RFC 7296 §3.10.1: 1 to 64 octets. Anyone can send this unprotected answer: keep waiting.
                env.count(DropReason.MALFORMED_PAYLOAD);
                env.trace(out, TraceFlag.IKE, TraceLevel.WARNING, "CreateIkeLocal: ignored a COOKIE of "
                        + ok.message().notify(Wire.N_COOKIE).orElseThrow().data().length + " octets from " + d.remote());
                return;
            }
            lastInbound = now;
            pending = null;
            IkeInit.processInitResponse(this, now, ok.message(), d.payload(), out);
            return;
        }
        DecodeResult r = MessageCodec.decode(d.payload(), inCipher, responseFragments);
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
                        .ifPresent(n -> pending.unprotectedError = n.notifyType());
                env.trace(out, TraceFlag.IKE, TraceLevel.WARNING, "ignored unprotected " + Wire.exchangeName(h.exchangeType())
                        + " response from " + d.remote() + ", waiting for a protected one");
                return;
            }
            case DecodeResult.Ok ok -> m = ok.message();
        }
        lastInbound = now;
        dpdFailures = 0;
        Pending p = pending;
        pending = null;
        switch (p.work) {
            case Work.Auth a -> IkeAuth.processAuthResponse(this, now, m, p, out);
            case Work.CreateChild cc -> ChildRekey.processCreateChildResponse(this, now, m, p, cc.term(), out);
            case Work.RekeyChild rc -> ChildRekey.processRekeyChildResponse(this, now, m, p, rc.old(), out);
            case Work.RekeyIke ri -> IkeRekey.processRekeyIkeResponse(this, now, m, p, out);
            case Work.DeleteChild dc -> removeChild(dc.child(), "deleted locally", out);
            case Work.DeleteIke di -> close(out, di.cause(), di.reason());
            case Work.Dpd dpd -> { }
            case Work.InvalidSpi is -> { }
            case Work.Init i -> { }
        }
    }

    // ---------------------------------------------------------------- timers

    void tick(long now, List<Action> out) {
        if (state == State.CLOSED) {
            return;
        }
        if (pending != null && now >= pending.deadline) {
            int tries = pending.work instanceof Work.Dpd ? peer.dpd().threshold() : env.options().retransmitTries();
            if (pending.retries >= tries) {
                Work w = pending.work;
                int pendingUnprotectedError = pending.unprotectedError;
                pending = null;
                if (w instanceof Work.DeleteIke di) {
                    close(out, di.cause(), di.reason() + " (peer did not confirm)");
                } else if (w instanceof Work.Dpd) {
                    close(out, DownCause.DEAD_PEER, "no response (dead peer detected)");
                } else if (pendingUnprotectedError >= 0) {
                    fail(out, DownCause.REFUSED, "peer refused " + describe(w) + " with " + Wire.notifyName(pendingUnprotectedError)
                            + " (unprotected; no protected answer came)");
                } else {
                    close(out, DownCause.NO_RESPONSE, "no response from " + remote.getAddress().getHostAddress() + " to " + describe(w));
                }
                return;
            }
            pending.retries++;
            pending.deadline = now + (env.options().retransmitBaseNanos() << pending.retries);
            env.trace(out, TraceFlag.TIMER, TraceLevel.VERBOSE, "retransmit " + pending.retries + " of message "
                    + pending.messageId + " to " + peer.name());
            send(out, pending.packets);
        }
        if (state == State.CONNECTING && !initiator && now - createdAt >= env.options().halfOpenTimeoutNanos()) {
            close(out, DownCause.EXPIRED, "half-open IKE SA timed out");
            return;
        }
        if (state == State.REKEYED && pending == null && queue.isEmpty() && now - rekeyedAt >= env.options().halfOpenTimeoutNanos()) {
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
                queue.add(new Work.RekeyIke());
            }
            for (ChildSa c : List.copyOf(children)) {
                if (now >= c.hardDeadline) {
                    // Out of the data plane at once; the peer is told with a Delete (unless one is on its way).
                    boolean told = c.state == ChildSa.State.DELETING
                            || queue.stream().anyMatch(w -> w instanceof Work.DeleteChild dc && dc.child() == c);
                    c.state = ChildSa.State.EXPIRED;
                    removeChild(c, "lifetime expired", out);
                    if (!told) {
                        queue.add(new Work.DeleteChild(c));
                    }
                } else if (now >= c.softDeadline && now >= c.rekeyRetryAt && c.state == ChildSa.State.INSTALLED
                        && queue.stream().noneMatch(w -> w instanceof Work.RekeyChild rc && rc.old() == c)) {
                    env.trace(out, TraceFlag.TIMER, TraceLevel.INFO, c + " soft lifetime reached");
                    queue.add(new Work.RekeyChild(c));
                }
            }
            var dpd = peer.dpd();
            if (dpd.enabled() && pending == null && queue.isEmpty() && now - lastInbound >= dpd.intervalSeconds() * 1_000_000_000L) {
                queue.add(new Work.Dpd());
            }
            if (now >= nextKeepalive) {
                nextKeepalive = now + peer.natKeepaliveNanos(env.options());
                out.add(new Action.Send(new Datagram(local, remote, new byte[] {(byte) 0xff}, false)));
            }
        }
        startNext(now, out);
    }

    long nextDeadline() {
        if (state == State.CLOSED) {
            return Long.MAX_VALUE;
        }
        long d = Long.MAX_VALUE;
        if (pending != null) {
            d = pending.deadline;
        }
        if (state == State.CONNECTING && !initiator) {
            d = Math.min(d, createdAt + env.options().halfOpenTimeoutNanos());
        }
        if (state == State.REKEYED && pending == null) {
            d = Math.min(d, rekeyedAt + env.options().halfOpenTimeoutNanos());
        }
        if (state == State.ESTABLISHED) {
            d = Math.min(d, Math.min(softDeadline, hardDeadline));
            d = Math.min(d, nextKeepalive);
            for (ChildSa c : children) {
                d = Math.min(d, c.state == ChildSa.State.INSTALLED
                        ? Math.min(Math.max(c.softDeadline, c.rekeyRetryAt), c.hardDeadline) : c.hardDeadline);
            }
            if (peer.dpd().enabled() && pending == null) {
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
            removeChild(c, reason, out);
        }
        state = State.CLOSED;
        pending = null;
        queue.clear();
        requestFragments.clear();
        responseFragments.clear();
        for (String name : announced.isEmpty() ? List.of(peer.name()) : announced) {
            out.add(new Action.IkeSaDown(name, id(), cause, reason));
        }
        env.unregister(this);
    }

    boolean isClosed() { return state == State.CLOSED; }

    /** The wait before the next try after {@code refusals} refused rekeys in a row: doubling, bounded. */
    long rekeyBackoff(int refusals) {
        var l = env.options().limits();
        long base = l.rekeyRetryBaseNanos();
        // Never shifted into the sign bit, however many refusals.
        int shift = Math.min(Math.max(refusals - 1, 0), Long.numberOfLeadingZeros(base) - 1);
        return Math.min(l.rekeyRetryMaxNanos(), base << shift);
    }

    private static DropReason dropReason(DecodeResult.UnprotectedError e) {
        return switch (e.cause()) {
            case INTEGRITY -> DropReason.INTEGRITY_FAILED;
            case FRAGMENT_LIMIT -> DropReason.FRAGMENT_LIMIT;
            case MALFORMED -> DropReason.MALFORMED_PAYLOAD;
        };
    }

    boolean busy() { return pending != null || !queue.isEmpty(); }

    /** Whether a delete of this IKE SA is under way or queued: no new child goes over it. */
    boolean deleting() {
        return pending != null && pending.work instanceof Work.DeleteIke || queue.stream().anyMatch(w -> w instanceof Work.DeleteIke);
    }

    Optional<ChildSa> child(int spiIn) {
        return children.stream().filter(c -> c.spiIn == spiIn).findFirst();
    }

    static String describe(IkeProposal p) {
        return p.encryption().keyword() + (p.encryption().isAead() ? "" : "/" + p.integrity().ikeKeyword()) + "/"
                + p.prf().displayName() + "/" + p.group().keyword();
    }

    static String describe(Work w) {
        return switch (w) {
            case Work.Init i -> "IKE_SA_INIT";
            case Work.Auth a -> "IKE_AUTH";
            case Work.CreateChild c -> "CREATE_CHILD_SA (new child)";
            case Work.RekeyChild r -> "CREATE_CHILD_SA (rekey child)";
            case Work.RekeyIke r -> "CREATE_CHILD_SA (rekey IKE)";
            case Work.DeleteChild dc -> "INFORMATIONAL (delete child)";
            case Work.DeleteIke di -> "INFORMATIONAL (delete IKE)";
            case Work.Dpd d -> "INFORMATIONAL (liveness)";
            case Work.InvalidSpi is -> "INFORMATIONAL (INVALID_SPI)";
        };
    }

    static String identityText(Payload.Id id) {
        Identity.Type t = Identity.Type.fromWire(id.idType());
        return t == null ? "type " + id.idType() : new Identity(t, id.data()).toString();
    }
}
