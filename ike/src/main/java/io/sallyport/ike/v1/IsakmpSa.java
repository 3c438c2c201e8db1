package io.sallyport.ike.v1;

import io.sallyport.crypto.Ikev1KeyDerivation;
import io.sallyport.crypto.Ikev1SaKeys;
import io.sallyport.crypto.Prf;
import io.sallyport.ike.Action;
import io.sallyport.ike.DownCause;
import io.sallyport.ike.Datagram;
import io.sallyport.ike.DropReason;
import io.sallyport.ike.IkeProposal;
import io.sallyport.ike.IkeSaId;
import io.sallyport.ike.Identity;
import io.sallyport.ike.Lifetime;
import io.sallyport.ike.PeerConfig;
import io.sallyport.ike.TraceFlag;
import io.sallyport.ike.TraceLevel;
import io.sallyport.ike.message.Bytes;
import io.sallyport.ike.task.Failure;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * One ISAKMP (phase-1) SA: cookies, endpoints, keys, the IV chains, its ESP SAs and its task
 * manager. The exchanges ({@link MainMode}, {@link QuickMode}, {@link Informational}) read and
 * set its state through package-private members; message IDs, retransmission and the task queue
 * belong to {@link V1TaskManager} alone.
 */
final class IsakmpSa implements V1TaskManager.Owner {

    /**
     * Lifecycle; exchange progress lives in the tasks. {@code EXPIRED}: phase 1 ended (its
     * lifetime, or the peer deleted it) while IPsec SAs it made were up; those are independent of
     * it (RFC 2409 §5.5: phase 2 only uses phase 1 to negotiate), so they stay until their own
     * lifetime ends or a new ISAKMP SA of the peer adopts them ({@link V1Engine#adoptKept}). An
     * expired SA has no keys, sends and takes no ISAKMP message, and is not shown.
     */
    enum State { CONNECTING, ESTABLISHED, EXPIRED, CLOSED }

    final V1Engine engine;
    final PeerConfig peer;
    final boolean initiator;
    final long createdAt;
    final long ckyI;
    long ckyR;
    InetSocketAddress local;
    InetSocketAddress remote;
    boolean onNatPort;
    boolean natLocal;
    boolean natRemote;
    VendorIds.NatT natT = VendorIds.NatT.NONE;
    boolean peerDpd;
    State state = State.CONNECTING;
    long establishedAt = Long.MAX_VALUE;

    IkeProposal proposal;
    long lifetimeSeconds;
    Ikev1SaKeys keys;
    V1Crypter crypter;
    IvManager ivs;

    final List<V1Child> children = new ArrayList<>();
    final V1TaskManager tasks;
    long softDeadline = Long.MAX_VALUE;
    long hardDeadline = Long.MAX_VALUE;
    long lastInbound;
    long nextKeepalive = Long.MAX_VALUE;
    long nextDpd = Long.MAX_VALUE;
    /**
     * Since when this SA holds no IPsec SA (its establishment, or the removal of its last one):
     * a dynamic peer's SA ends {@link V1Engine#CHILDLESS_NANOS} after it.
     */
    long childlessSince = Long.MAX_VALUE;
    int dpdSequence;
    int dpdUnanswered;
    /** Whether INITIAL-CONTACT goes with our phase-1 authentication. */
    boolean initialContact;
    /** Whether the peer's phase-1 authentication came with INITIAL-CONTACT (it forgot its SAs: none are adopted). */
    boolean peerInitialContact;
    /** The identity the peer authenticated with in phase 1 (null before, or for an ID type we do not know). */
    Identity peerIdentity;
    /**
     * Why a phase-1 message of the peer under our keys was not accepted (a wrong pre-shared key
     * decrypts to garbage), said when the half-open SA times out; null when none was refused.
     */
    String phase1Refusal;
    /**
     * Terms whose first IPsec SA this SA brings up (its quick mode waits for phase 1, is queued or
     * runs), by name: the peer's own when we initiated, further terms towards the same gateway with
     * the same phase-1 settings, and those a re-authenticated SA carried.
     */
    final java.util.Map<String, PeerConfig> pendingTerms = new java.util.LinkedHashMap<>();
    /** The terms told this SA is up ({@code IkeSaUp}): the peer, and each further term an IPsec SA of it came for. */
    final java.util.Set<String> announced = new java.util.LinkedHashSet<>();
    /**
     * Established at the same time as another ISAKMP SA with the peer that outranks it (both ends
     * initiated): never announced, deleted once the exchange that established it is done.
     */
    boolean duplicate;
    final V1Counters counters = new V1Counters();
    /** Work due once the message being handled has been answered (see {@link #install}). */
    private final List<java.util.function.Consumer<List<Action>>> afterMessage = new ArrayList<>();

    IsakmpSa(V1Engine engine, PeerConfig peer, boolean initiator, long ckyI, long ckyR,
             InetSocketAddress local, InetSocketAddress remote, long now) {
        this.engine = engine;
        this.peer = peer;
        this.initiator = initiator;
        this.ckyI = ckyI;
        this.ckyR = ckyR;
        this.local = local;
        this.remote = remote;
        this.createdAt = now;
        this.lastInbound = now;
        this.tasks = new V1TaskManager(this, engine.retransmission(), engine.options().halfOpenTimeoutNanos());
        this.dpdSequence = engine.random().nextInt() & 0x7fffffff;
    }

    IkeSaId id() { return new IkeSaId(ckyI, ckyR); }

    long localCookie() { return initiator ? ckyI : ckyR; }

    // ---------------------------------------------------------------- keys and message protection

    /** Derives SKEYID_* and the phase-1 cipher once g^xy is known (RFC 2409 §5). */
    void deriveKeys(PhaseOneAuth auth, byte[] gxy, byte[] niB, byte[] nrB, byte[] gxi, byte[] gxr) {
        byte[] skeyid = auth.skeyid(proposal.prf(), niB, nrB, gxy);
        keys = Ikev1KeyDerivation.saKeys(proposal.prf(), skeyid, gxy, ckyI, ckyR);
        byte[] encKey = Ikev1KeyDerivation.encryptionKey(proposal.prf(), keys.skeyidE(), proposal.encryption().keyBits() / 8);
        crypter = new V1Crypter(proposal.encryption(), encKey);
        ivs = new IvManager(proposal.prf(), crypter.blockSize(), gxi, gxr);
    }

    IsakmpHeader header(int exchange, int messageId) {
        return new IsakmpHeader(ckyI, ckyR, 0, exchange, 0, messageId, 0);
    }

    byte[] plain(int exchange, int messageId, List<V1Payload> payloads) {
        return V1Codec.plain(header(exchange, messageId), payloads);
    }

    /** Encrypts a message and continues the exchange's IV chain with it. */
    byte[] encrypted(int exchange, int messageId, List<V1Payload> payloads) {
        return seal(exchange, messageId, payloads.getFirst().type(), V1Codec.chain(payloads));
    }

    /**
     * An encrypted message that starts with HASH = prf(SKEYID_a, prefix | payloads after it), as
     * quick mode and informational exchanges do (RFC 2409 §5.5, §5.7).
     */
    byte[] encryptedWithHash(int exchange, int messageId, byte[] prefix, List<V1Payload> rest) {
        byte[] restChain = V1Codec.chain(rest);
        byte[] hash = prfA(prefix, restChain);
        int next = rest.isEmpty() ? Isakmp.P_NONE : rest.getFirst().type();
        byte[] hashPayload = new Bytes().u8(next).u8(0).u16(hash.length + 4).bytes(hash).toArray();
        return seal(exchange, messageId, Isakmp.P_HASH, Bytes.concat(hashPayload, restChain));
    }

    private byte[] seal(int exchange, int messageId, int first, byte[] chain) {
        byte[] ct = crypter.encrypt(ivs.iv(messageId), chain);
        ivs.advance(messageId, crypter.lastBlock(ct));
        return V1Codec.withHeader(header(exchange, messageId), first, Isakmp.FLAG_ENCRYPTION, ct);
    }

    byte[] prfA(byte[]... parts) { return new Prf(proposal.prf()).prf(keys.skeyidA(), parts); }

    byte[] prfSkeyid(byte[]... parts) { return new Prf(proposal.prf()).prf(keys.skeyid(), parts); }

    /** A quick-mode or informational hash check: the leading HASH equals prf(SKEYID_a, prefix | rest). */
    boolean hashValid(V1Message m, byte[] prefix) {
        return m.startsWithHash() && java.security.MessageDigest.isEqual(
                ((V1Payload.Hash) m.payloads().getFirst()).data(), prfA(prefix, m.afterHash()));
    }

    // ---------------------------------------------------------------- input

    /** One datagram of this SA (the engine found it by cookies). */
    void onDatagram(long now, Datagram d, IsakmpHeader h, List<Action> out) {
        if (state == State.CLOSED) {
            return;
        }
        if (state == State.EXPIRED) {
            engine.count(DropReason.UNKNOWN_SPI);   // its keys are gone with phase 1
            return;
        }
        if (tasks.answerRetransmission(h.messageId(), d.payload(), out)) {
            answeredAgain(now, h.messageId());
            return;
        }
        V1Message m;
        byte[] ivBefore = null;
        if (h.encrypted()) {
            if (crypter == null) {
                engine.count(DropReason.UNEXPECTED_EXCHANGE);
                return;
            }
            ivBefore = ivs.iv(h.messageId());
            byte[] ct = Arrays.copyOfRange(d.payload(), Isakmp.HEADER_SIZE, d.payload().length);
            byte[] pt = crypter.decrypt(ivBefore, ct);
            m = pt == null ? null : V1Codec.decode(h, pt, true);
            if (m == null) {
                engine.count(DropReason.MALFORMED_PAYLOAD);
                if (h.messageId() == 0) {
                    engine.trace(out, TraceFlag.IKE, TraceLevel.WARNING, "phase-1 message from " + d.remote()
                            + " does not decrypt (pre-shared key mismatch?)");
                    phase1Refusal = "phase-1 message from " + d.remote().getAddress().getHostAddress()
                            + " does not decrypt (pre-shared key mismatch?)";
                }
                return;
            }
            ivs.advance(h.messageId(), crypter.lastBlock(ct));
        } else {
            if (crypter != null && state != State.CONNECTING) {
                engine.count(DropReason.UNEXPECTED_EXCHANGE);
                return;
            }
            m = V1Codec.decode(h, Arrays.copyOfRange(d.payload(), Isakmp.HEADER_SIZE, d.payload().length), false);
            if (m == null) {
                engine.count(DropReason.MALFORMED_PAYLOAD);
                return;
            }
            if (h.exchange() == Isakmp.EXCH_INFORMATIONAL) {
                peerErrorDuringPhase1(m, out);
                return;
            }
        }
        counters.received(h.exchange());
        V1TaskManager.V1Task remoteTask = tasks.inFlight(h.messageId()) ? null : remoteTask(h, m, now);
        Endpoint before = new Endpoint(local, remote, onNatPort);
        if (h.encrypted()) {
            follow(d);
        }
        if (tasks.deliver(now, h.messageId(), d.payload(), m, remoteTask, out)) {
            if (h.encrypted()) {
                lastInbound = now;
                dpdUnanswered = 0;
                followedToNewMapping(before, out);
            }
        } else {
            before.restore(this);
            if (ivBefore != null) {
                ivs.advance(h.messageId(), ivBefore);
            }
            if (h.encrypted() && h.messageId() == 0 && state == State.CONNECTING) {
                phase1Refusal = "phase-1 authentication from " + d.remote().getAddress().getHostAddress()
                        + " does not verify (pre-shared key mismatch?)";
            }
        }
        runAfterMessage(out);
        tasks.startNext(now, out);
    }

    /**
     * An unprotected error notify while phase 1 is under way (there are no keys yet to protect
     * it): phase 1 ends with the peer's reason, as strongSwan and Junos do.
     */
    private void peerErrorDuringPhase1(V1Message m, List<Action> out) {
        Optional<V1Payload.Notify> n = m.first(V1Payload.Notify.class).filter(x -> x.notifyType() <= Isakmp.N_ERROR_MAX);
        if (n.isEmpty() || state != State.CONNECTING) {
            engine.count(DropReason.UNEXPECTED_EXCHANGE);
            return;
        }
        Failure f = switch (n.get().notifyType()) {
            case Isakmp.N_NO_PROPOSAL_CHOSEN -> Failure.of(Failure.Kind.NO_PROPOSAL_CHOSEN, "peer sent NO-PROPOSAL-CHOSEN");
            case Isakmp.N_INVALID_KEY_INFORMATION -> Failure.of(Failure.Kind.INVALID_KEY, "peer sent INVALID-KEY-INFORMATION");
            default -> Failure.of(Failure.Kind.PEER_ERROR, "notify " + n.get().notifyType());
        };
        engine.trace(out, TraceFlag.IKE, TraceLevel.ERROR, "phase 1 with " + peer.name() + " failed: " + f.words());
        close(out, f);
    }

    private record Endpoint(InetSocketAddress local, InetSocketAddress remote, boolean onNatPort) {
        void restore(IsakmpSa sa) {
            sa.local = local;
            sa.remote = remote;
            sa.onNatPort = onNatPort;
        }
    }

    /**
     * An authenticated message of an established NAT-T SA came from a new address or port of a
     * peer behind a NAT while we are not behind one: its NAT mapping changed (RFC 3947 §4 lets
     * the SA follow), so each IPsec SA's ESP in UDP goes there too, as IKEv2's do
     * ({@code Action.ChildSaMoved}).
     */
    private void followedToNewMapping(Endpoint before, List<Action> out) {
        if (state != State.ESTABLISHED || before.remote().equals(remote) || !natRemote || natLocal) {
            return;
        }
        engine.trace(out, TraceFlag.IKE, TraceLevel.INFO, "ISAKMP SA " + id() + ": peer moved to " + remote);
        for (V1Child c : children) {
            out.add(new Action.ChildSaMoved(c.term.name(), c.spiIn, c.spiOut, remote));
        }
    }

    /**
     * The data plane authenticated ESP of one of this SA's IPsec SAs (ICV and replay check passed)
     * from {@code to}, another port or address of the peer: its NAT mapping changed. RFC 3947 §4
     * and RFC 3948 §2.3 let a NAT-T peer's endpoint learnt from authenticated packets be used, and
     * ESP is authenticated as well as an IKE message, so when the peer is behind a NAT and we are
     * not, the SA and each IPsec SA's ESP in UDP go there, as IKEv2's do (RFC 7296 §2.23).
     * strongSwan does the same for both versions (the kernel's XFRM mapping event moves the IKE
     * SA, IKEv1 or IKEv2, when the peer is behind a NAT: {@code update_sa_job}, {@code
     * ike_sa.update_hosts}); Junos documents no difference between the versions' NAT-T. A kept
     * SA of an expired ISAKMP SA follows too: its IPsec SAs and keepalives go on without keys.
     */
    void followPeerOnEsp(InetSocketAddress to, List<Action> out) {
        if ((state != State.ESTABLISHED && state != State.EXPIRED) || !natRemote || natLocal || to.equals(remote)) {
            engine.trace(out, TraceFlag.IKE, TraceLevel.VERBOSE, "ISAKMP SA " + id() + ": ESP from " + to + " moves nothing"
                    + (natLocal ? " (we are behind a NAT)" : !natRemote ? " (the peer is not behind a NAT)" : ""));
            return;
        }
        remote = to;
        onNatPort = true;
        engine.trace(out, TraceFlag.IKE, TraceLevel.INFO, "ISAKMP SA " + id() + ": peer moved to " + to + " (authenticated ESP)");
        for (V1Child c : children) {
            out.add(new Action.ChildSaMoved(c.term.name(), c.spiIn, c.spiOut, to));
        }
    }

    /** Encrypted messages come from where the peer now is (NAT mappings change, RFC 3947 §4). */
    private void follow(Datagram d) {
        remote = d.remote();
        local = d.local();
        onNatPort = d.nonEspMarker();
    }

    /** A task for an exchange the peer starts, or null when none may start now. */
    private V1TaskManager.V1Task remoteTask(IsakmpHeader h, V1Message m, long now) {
        if (!h.encrypted() || !tasks.hasRoom()) {
            return null;
        }
        return switch (h.exchange()) {
            case Isakmp.EXCH_QUICK -> state == State.ESTABLISHED ? QuickMode.responder(this, h.messageId()) : null;
            case Isakmp.EXCH_INFORMATIONAL -> new Informational(this, h.messageId());
            default -> null;
        };
    }

    // ---------------------------------------------------------------- task manager owner

    @Override
    public void send(byte[] packet, List<Action> out) {
        counters.sent(packet);
        out.add(new Action.Send(new Datagram(local, remote, packet, onNatPort)));
    }

    @Override
    public void count(DropReason reason) { engine.count(reason); }

    @Override
    public int newMessageId() {
        int mid;
        do {
            mid = engine.random().nextInt();
        } while (!tasks.isFree(mid));
        return mid;
    }

    @Override
    public void failed(V1TaskManager.V1Task task, Failure failure, long now, List<Action> out) {
        counters.failed(switch (task) {
            case QuickMode q -> Isakmp.EXCH_QUICK;
            case AggressiveMode a -> Isakmp.EXCH_AGGRESSIVE;
            case MainMode m -> Isakmp.EXCH_MAIN;
            default -> Isakmp.EXCH_INFORMATIONAL;
        });
        if (task.messageId() == 0) {
            engine.trace(out, TraceFlag.IKE, TraceLevel.ERROR, task.name() + ": phase 1 with " + peer.name() + " failed: " + failure.words());
            close(out, failure);
        } else {
            engine.trace(out, TraceFlag.IKE, TraceLevel.ERROR, task.name() + " with " + peer.name() + " failed: " + failure.words());
            if (task instanceof QuickMode q) {
                q.abandon(now);
                if (!q.responder() && pendingTerms.remove(q.term().name()) != null) {
                    engine.childInstalled(this, out);   // a re-authentication waits for no term that failed
                }
                // Our answer's inbound SA without HASH(3): the peer never completed it.
                q.pending().ifPresent(c -> deleteChild(now, c, "quick mode not completed (no HASH(3))", out));
                engine.quickModeFailed(this, q, failure, out);
            }
        }
    }

    /** A one-way informational message (RFC 2409 §5.7): sent at once with a new message ID, never retransmitted. */
    void sendInformational(List<V1Payload> payloads, List<Action> out) {
        if (crypter == null || state == State.CLOSED) {
            return;
        }
        counters.sending(payloads);
        int mid = newMessageId();
        byte[] packet = encryptedWithHash(Isakmp.EXCH_INFORMATIONAL, mid, Bytes.of32(mid), payloads);
        ivs.forget(mid);
        send(packet, out);
    }

    byte[] cookies() { return Bytes.concat(Bytes.of64(ckyI), Bytes.of64(ckyR)); }

    // ---------------------------------------------------------------- lifecycle

    /** Takes the phase-1 transform the exchange chose; its lifetime under the test hook {@code KmdOptions.ikeLifetimeCapSeconds}. */
    void adopt(V1Proposals.ChosenIke chosen) {
        proposal = chosen.proposal();
        lifetimeSeconds = engine.options().ikeLifetimeSeconds(chosen.lifetimeSeconds());
    }

    void establish(long now, List<Action> out) {
        state = State.ESTABLISHED;
        establishedAt = now;
        childlessSince = now;
        long life = lifetimeSeconds * 1_000_000_000L;
        hardDeadline = now + life;
        softDeadline = now + engine.softLife(life);
        Optional<IsakmpSa> keeper = engine.outranking(this);
        if (keeper.isPresent()) {
            duplicate = true;
            engine.trace(out, TraceFlag.IKE, TraceLevel.NOTICE, "ISAKMP SA " + id() + " with " + peer.name()
                    + " duplicates " + keeper.get().id() + " (both ends initiated): deleting it");
            return;
        }
        if (natLocal) {
            nextKeepalive = now + peer.natKeepaliveNanos(engine.options());
        }
        scheduleDpd(now);
        announce(peer.name(), now, out);
        engine.trace(out, TraceFlag.IKE, TraceLevel.NOTICE, "ISAKMP SA " + id() + " with " + peer.name() + " established ("
                + peer.exchange().display() + " mode, " + (initiator ? "initiator" : "responder") + ", " + local + " <-> " + remote + ")");
        engine.phase1Established(this, now, out);
    }

    /** Tells the term {@code name} that this established SA carries it, once. */
    void announce(String name, long now, List<Action> out) {
        if (announced.add(name)) {
            long soft = softDeadline == Long.MAX_VALUE ? lifetimeSeconds : Math.max(0, (softDeadline - now) / 1_000_000_000L);
            out.add(new Action.IkeSaUp(name, id(), initiator, local, remote, proposal.encryption(), proposal.integrity(),
                    proposal.prf(), proposal.group(), natLocal || natRemote, new Lifetime(soft, lifetimeSeconds), createdAt));
        }
    }

    private void scheduleDpd(long now) {
        nextDpd = peer.dpd().enabled() && peerDpd ? now + peer.dpd().intervalSeconds() * 1_000_000_000L : Long.MAX_VALUE;
    }

    /**
     * Quick mode finished at its initiator: both directions go to the data plane, the outbound one
     * in use at once unless it waits ({@link #awaitSwitch}). A rekey we started deletes the SA it
     * replaces once the new one carries the traffic (make before break); when the peer rekeyed,
     * the old SA stays until the peer deletes it or it expires (strongSwan keeps IKEv1 SAs it
     * rekeyed until then), but is not rekeyed again.
     */
    void install(long now, V1Child c, Action.InstallChildSa action, V1Child replaces, boolean ourRekey, List<Action> out) {
        pendingTerms.remove(c.term.name());
        announce(c.term.name(), now, out);
        children.add(c);
        childlessSince = Long.MAX_VALUE;
        out.add(action);
        engine.trace(out, TraceFlag.IKE, TraceLevel.NOTICE, "QuickMode: " + c + " with " + c.term.name() + " installed"
                + (replaces == null ? "" : " (replaces " + replaces + ")")
                + (action.outboundNow() ? "" : ", outbound traffic stays on " + replaces + " until the peer can have the new SA"));
        if (replaces != null) {
            replaces.state = V1Child.State.REKEYED;
        }
        c.replaces = replaces;
        c.deletesReplaced = ourRekey;
        if (action.outboundNow()) {
            // What the new SA replaces goes once the message that completed it has gone out: the peer
            // must see our HASH(3) (and install) before our Delete of the old SA.
            afterMessage.add(o -> retire(now, c, o));
        }
    }

    /**
     * The responder's answer (message 2) is on its way: the new inbound SA goes to the data plane
     * now, so that the initiator's packets on it find it even before its HASH(3) does; the
     * outbound SA waits for HASH(3) ({@link #commitInbound}).
     */
    void installInbound(long now, V1Child c, Action.InstallChildSa action, List<Action> out) {
        c.state = V1Child.State.PENDING;
        announce(c.term.name(), now, out);
        children.add(c);
        childlessSince = Long.MAX_VALUE;
        out.add(action);
        engine.trace(out, TraceFlag.IKE, TraceLevel.INFO, "QuickMode: " + c + " with " + c.term.name()
                + " inbound installed with our answer; outbound on HASH(3)");
    }

    /** HASH(3) came: the SA {@link #installInbound} installed takes the outbound traffic and counts as installed. */
    void commitInbound(long now, V1Child c, V1Child replaces, List<Action> out) {
        c.state = V1Child.State.INSTALLED;
        sendOn(c, out);
        engine.trace(out, TraceFlag.IKE, TraceLevel.NOTICE, "QuickMode: " + c + " with " + c.term.name() + " installed"
                + (replaces == null ? "" : " (replaces " + replaces + ")"));
        if (replaces != null) {
            replaces.state = V1Child.State.REKEYED;
        }
        afterMessage.add(o -> engine.childInstalled(this, o));
    }

    /**
     * Our rekey's new SA is installed but its outbound half waits: a responder that installs on
     * HASH(3) (RFC 2409 §5.5) has it {@link V1Engine#OUTBOUND_SWITCH_NANOS} after we sent it, or has
     * retransmitted message 2 for it ({@link #answeredAgain}). Never past the old SA's end.
     */
    void awaitSwitch(long now, V1Child c, int quickModeId, V1Child replaces) {
        c.quickModeId = quickModeId;
        c.switchAt = Math.min(now + V1Engine.OUTBOUND_SWITCH_NANOS, replaces.hardDeadline);
    }

    /** The peer retransmitted a message we had answered: a quick mode's message 2 means it lacks HASH(3) still. */
    private void answeredAgain(long now, int messageId) {
        for (V1Child c : children) {
            if (c.quickModeId == messageId && c.switchAt != Long.MAX_VALUE && c.replaces != null) {
                c.switchAt = Math.min(now + V1Engine.OUTBOUND_SWITCH_NANOS, c.replaces.hardDeadline);
            }
        }
    }

    /** {@code c}'s outbound half takes the traffic; the SA it replaces goes {@link V1Engine#OUTBOUND_SWITCH_NANOS} later. */
    private void switchOutbound(long now, V1Child c, List<Action> out) {
        sendOn(c, out);
        engine.trace(out, TraceFlag.IKE, TraceLevel.INFO, "QuickMode: outbound traffic of " + c.term.name() + " moves from "
                + c.replaces + " to " + c);
        // The packets we sent on the old SA, and the peer's sent before it had HASH(3), arrive first.
        c.retireAt = c.replaces == null ? now : Math.min(now + V1Engine.OUTBOUND_SWITCH_NANOS, c.replaces.hardDeadline);
    }

    /** {@code c}'s outbound half takes the term's traffic now, waiting for nothing more. */
    private static void sendOn(V1Child c, List<Action> out) {
        c.switchAt = Long.MAX_VALUE;
        c.outboundActive = true;
        out.add(new Action.SwitchOutbound(c.term.name(), c.spiIn, c.spiOut));
    }

    /**
     * The SA {@code c} replaced goes (our rekey), or the ISAKMP SA this one re-authenticated:
     * {@code c} carries the traffic now.
     */
    private void retire(long now, V1Child c, List<Action> out) {
        c.retireAt = Long.MAX_VALUE;
        V1Child old = c.replaces;
        c.replaces = null;
        engine.childInstalled(this, out);
        if (old != null && c.deletesReplaced) {
            engine.deleteReplaced(now, old, out);
        }
    }

    /**
     * {@code old} leaves the data plane while {@code c}, which replaces it, waits to take its
     * outbound traffic: it takes it now, before {@code old}'s outbound half goes.
     */
    void handOver(V1Child c, List<Action> out) {
        sendOn(c, out);
        c.replaces = null;
        c.retireAt = 0;   // what else waited for the switch happens at the next tick
        engine.trace(out, TraceFlag.IKE, TraceLevel.INFO, "QuickMode: outbound traffic of " + c.term.name() + " moves to " + c
                + " (the SA it replaces is gone)");
    }

    private void runAfterMessage(List<Action> out) {
        List<java.util.function.Consumer<List<Action>>> due = List.copyOf(afterMessage);
        afterMessage.clear();
        due.forEach(r -> r.accept(out));
    }

    /** Brings up a term's first IPsec SA over this SA: a quick mode now, or once phase 1 is up. */
    void bringUp(PeerConfig term, long now, List<Action> out) {
        if (pendingTerms.putIfAbsent(term.name(), term) == null && state == State.ESTABLISHED) {
            tasks.enqueue(mid -> QuickMode.forTerm(this, mid, term));
            tasks.startNext(now, out);
        }
    }

    /** Phase 1 is up: the quick modes of the terms that waited for it are queued. */
    void startPendingQuickModes() {
        for (PeerConfig term : pendingTerms.values()) {
            tasks.enqueue(mid -> QuickMode.forTerm(this, mid, term));
        }
    }

    /** A new quick mode for an IPsec SA's selectors; the old pair is deleted once the new one is in (make before break). */
    void rekeyChild(long now, V1Child c, List<Action> out) {
        c.state = V1Child.State.REKEYING;
        tasks.enqueue(mid -> QuickMode.initiator(this, mid, c));
        tasks.startNext(now, out);
    }

    /** A new quick mode for an IPsec SA the peer reported unknown (INVALID-SPI): its traffic moves at once. */
    void replaceLostChild(long now, V1Child c, List<Action> out) {
        c.state = V1Child.State.REKEYING;
        tasks.enqueue(mid -> QuickMode.replacingLost(this, mid, c));
        tasks.startNext(now, out);
    }

    /** Deletes one ESP SA pair and tells the peer (RFC 2408 §3.15, IPsec DOI SPI). */
    void deleteChild(long now, V1Child c, String reason, List<Action> out) {
        if (children.contains(c)) {
            sendChildDelete(c, out);
            removeChild(now, c, reason, out);
        }
    }

    /** Tells the peer an IPsec SA goes: under this SA's keys, or, once phase 1 expired, under a newer ISAKMP SA of the peer if one is up. */
    private void sendChildDelete(V1Child c, List<Action> out) {
        List<V1Payload> delete = List.of(new V1Payload.Delete(Isakmp.DOI_IPSEC, Isakmp.PROTO_ESP, 4, List.of(Bytes.of32(c.spiIn))));
        if (state == State.EXPIRED) {
            engine.liveSaOf(this).ifPresent(s -> s.sendInformational(delete, out));
        } else {
            sendInformational(delete, out);
        }
    }

    /** Removes one ESP SA pair (the peer deleted it, or we did); the SA may be left holding none from {@code now}. */
    void removeChild(long now, V1Child c, String reason, List<Action> out) {
        if (discard(c, reason, out) && children.isEmpty()) {
            childlessSince = now;
        }
    }

    private boolean discard(V1Child c, String reason, List<Action> out) {
        if (children.remove(c)) {
            engine.handOverFrom(c, out);
            out.add(new Action.DeleteChildSa(c.term.name(), c.spiIn, c.spiOut, reason));
            engine.trace(out, TraceFlag.IKE, TraceLevel.NOTICE, "DeleteChild: " + c + " with " + c.term.name() + " removed (" + reason + ")");
            return true;
        }
        return false;
    }

    /** Deletes this ISAKMP SA, telling the peer, and with it its ESP SAs (Junos clears both). */
    void delete(Failure why, List<Action> out) {
        if (state == State.EXPIRED) {
            for (V1Child c : List.copyOf(children)) {
                sendChildDelete(c, out);
            }
        }
        if (state == State.ESTABLISHED) {
            for (V1Child c : List.copyOf(children)) {
                sendChildDelete(c, out);
                discard(c, why.words(), out);
            }
            sendInformational(List.of(new V1Payload.Delete(Isakmp.DOI_IPSEC, Isakmp.PROTO_ISAKMP, 16, List.of(cookies()))), out);
        }
        close(out, why);
    }

    void close(List<Action> out, Failure why) {
        if (state == State.CLOSED) {
            return;
        }
        boolean announcedDown = state == State.EXPIRED;
        for (V1Child c : List.copyOf(children)) {
            discard(c, why.words(), out);
        }
        state = State.CLOSED;
        tasks.clear();
        if (!announcedDown) {
            announceDown(why, out);
        }
        engine.unregister(this);
    }

    private void announceDown(Failure why, List<Action> out) {
        for (String name : announced.isEmpty() ? List.of(peer.name()) : announced) {
            out.add(new Action.IkeSaDown(name, id(), DownCause.of(why.kind()), why.words()));
        }
    }

    /**
     * Phase 1 ends ({@code why}: its lifetime, or the peer's Delete of it) and its IPsec SAs stay
     * (RFC 2409: they are independent of it; Junos keeps them too): the SA becomes
     * {@link State#EXPIRED}, its keys and exchanges go, the terms hear {@code IkeSaDown}, and the
     * IPsec SAs run to their own lifetime unless a newer ISAKMP SA of the peer adopts them. Without
     * IPsec SAs it simply closes.
     */
    void expire(long now, Failure why, List<Action> out) {
        for (V1Child c : List.copyOf(children)) {
            if (c.state == V1Child.State.PENDING) {
                discard(c, "quick mode not completed (phase 1 ended)", out);   // its HASH(3) can no longer come
            } else if (c.state == V1Child.State.REKEYING) {
                c.state = V1Child.State.INSTALLED;   // its quick mode went with phase 1; a new phase 1 rekeys it
            }
        }
        if (children.isEmpty() || duplicate) {
            close(out, why);
            return;
        }
        tasks.clear();
        state = State.EXPIRED;
        crypter = null;
        keys = null;
        ivs = null;
        softDeadline = Long.MAX_VALUE;
        hardDeadline = Long.MAX_VALUE;
        nextDpd = Long.MAX_VALUE;
        childlessSince = Long.MAX_VALUE;
        engine.trace(out, TraceFlag.IKE, TraceLevel.NOTICE, "ISAKMP SA " + id() + " with " + peer.name() + " ended ("
                + why.words() + "); its IPsec SAs " + children + " stay until their own lifetime");
        announceDown(why, out);
        engine.adoptKept(this, now, out);
    }

    /** The IPsec SAs of this expired SA moved to a newer ISAKMP SA: nothing is left of it. */
    void emptied() {
        state = State.CLOSED;
        engine.unregister(this);
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
        if (state == State.CONNECTING && !initiator && now - createdAt >= engine.options().halfOpenTimeoutNanos()) {
            close(out, phase1Refusal == null ? Failure.of(Failure.Kind.TIMED_OUT)
                    : Failure.of(Failure.Kind.AUTHENTICATION_FAILED, phase1Refusal));
            return;
        }
        if (state == State.ESTABLISHED) {
            if (now >= hardDeadline) {
                Failure expired = Failure.of(Failure.Kind.LIFETIME_EXPIRED, "ISAKMP SA");
                if (children.isEmpty() || duplicate) {
                    delete(expired, out);
                    return;
                }
                // The peer hears of the ISAKMP SA only: its IPsec SAs are not deleted with it.
                engine.trace(out, TraceFlag.TIMER, TraceLevel.INFO, "ISAKMP SA " + id() + " lifetime expired");
                sendInformational(List.of(new V1Payload.Delete(Isakmp.DOI_IPSEC, Isakmp.PROTO_ISAKMP, 16, List.of(cookies()))), out);
                expire(now, expired, out);
                return;
            }
            if (now >= softDeadline) {
                softDeadline = Long.MAX_VALUE;
                engine.trace(out, TraceFlag.TIMER, TraceLevel.INFO, "ISAKMP SA " + id() + " soft lifetime reached: re-authenticating");
                engine.reauthenticate(this, now, out);
            }
        }
        if (state == State.ESTABLISHED || state == State.EXPIRED) {
            for (V1Child c : List.copyOf(children)) {
                if (now >= c.switchAt) {
                    switchOutbound(now, c, out);
                }
                if (now >= c.retireAt) {
                    retire(now, c, out);
                    if (state == State.CLOSED) {
                        return;
                    }
                }
            }
            for (V1Child c : children) {
                if (now >= c.nextTrafficQuery && c.state != V1Child.State.PENDING) {
                    c.nextTrafficQuery = now + V1Engine.TRAFFIC_QUERY_NANOS;
                    out.add(new Action.TrafficQuery(c.term.name(), c.spiIn));
                }
            }
            for (V1Child c : List.copyOf(children)) {
                if (now >= c.hardDeadline) {
                    deleteChild(now, c, "lifetime expired", out);
                } else if (now >= rekeyDue(c) && c.state == V1Child.State.INSTALLED && state == State.EXPIRED) {
                    engine.trace(out, TraceFlag.TIMER, TraceLevel.INFO, c + " soft lifetime reached without an ISAKMP SA");
                    // A new phase 1 first, then the quick mode under it; asked again while none comes up.
                    c.rekeyNotBefore = engine.phase1ForRekey(this, now, out) ? now + engine.options().reconnectNanos() : Long.MAX_VALUE;
                } else if (now >= rekeyDue(c) && c.state == V1Child.State.INSTALLED) {
                    c.state = V1Child.State.REKEYING;
                    engine.trace(out, TraceFlag.TIMER, TraceLevel.INFO, c + " soft lifetime reached");
                    tasks.enqueue(mid -> QuickMode.initiator(this, mid, c));
                }
            }
            if (state == State.EXPIRED && children.isEmpty()) {
                emptied();
                return;
            }
        }
        if (state == State.ESTABLISHED) {
            if (now >= nextDpd) {
                dpd(now, out);
                if (state == State.CLOSED) {
                    return;
                }
            }
            if (now >= childlessDeadline() && !tasks.busy()) {
                engine.childlessTooLong(this, out);
                return;
            }
        }
        if (now >= nextKeepalive) {
            // Also once phase 1 expired: the IPsec SAs' ESP in UDP needs the NAT mapping as much.
            nextKeepalive = now + peer.natKeepaliveNanos(engine.options());
            out.add(new Action.Send(new Datagram(local, remote, new byte[] {(byte) 0xff}, false)));
        }
        if (state == State.ESTABLISHED) {
            tasks.startNext(now, out);
        }
    }

    /** Dead-peer detection (RFC 3706 §5): R-U-THERE when the peer was quiet for the interval. */
    private void dpd(long now, List<Action> out) {
        long interval = peer.dpd().intervalSeconds() * 1_000_000_000L;
        if (now - lastInbound < interval) {
            nextDpd = lastInbound + interval;
            return;
        }
        if (dpdUnanswered >= peer.dpd().threshold()) {
            delete(Failure.of(Failure.Kind.DEAD_PEER), out);
            return;
        }
        dpdUnanswered++;
        dpdSequence++;
        counters.dpdAsked(now);
        engine.trace(out, TraceFlag.TIMER, TraceLevel.VERBOSE, "Dpd: R-U-THERE " + dpdSequence + " to " + peer.name());
        sendInformational(List.of(new V1Payload.Notify(Isakmp.DOI_IPSEC, Isakmp.PROTO_ISAKMP, cookies(),
                Isakmp.N_DPD_R_U_THERE, Bytes.of32(dpdSequence))), out);
        nextDpd = now + interval;
    }

    long nextDeadline() {
        if (state == State.CLOSED) {
            return Long.MAX_VALUE;
        }
        long d = tasks.nextDeadline();
        if (state == State.CONNECTING && !initiator) {
            d = Math.min(d, createdAt + engine.options().halfOpenTimeoutNanos());
        }
        if (state == State.ESTABLISHED || state == State.EXPIRED) {
            d = Math.min(d, Math.min(Math.min(softDeadline, hardDeadline), Math.min(nextKeepalive, nextDpd)));
            for (V1Child c : children) {
                d = Math.min(d, c.state == V1Child.State.INSTALLED ? Math.min(rekeyDue(c), c.hardDeadline) : c.hardDeadline);
                d = Math.min(d, Math.min(c.switchAt, c.retireAt));
                if (c.state != V1Child.State.PENDING) {
                    d = Math.min(d, c.nextTrafficQuery);
                }
            }
            if (!tasks.busy() && state == State.ESTABLISHED) {
                d = Math.min(d, childlessDeadline());   // a quick mode under way decides first
            }
        }
        return d;
    }

    /** {@code c} carried {@code bytes} (the busier direction): its kilobyte lifetime decides. */
    void traffic(long now, V1Child c, long bytes, List<Action> out) {
        if ((state != State.ESTABLISHED && state != State.EXPIRED) || !children.contains(c)) {
            return;
        }
        if (state == State.EXPIRED && bytes < c.hardBytes) {
            if (bytes >= c.softBytes && now >= c.rekeyNotBefore) {
                c.rekeyNotBefore = engine.phase1ForRekey(this, now, out) ? now + engine.options().reconnectNanos() : Long.MAX_VALUE;
            }
            return;
        }
        if (bytes >= c.hardBytes) {
            engine.trace(out, TraceFlag.TIMER, TraceLevel.INFO, c + " kilobyte lifetime reached (" + bytes + " bytes)");
            deleteChild(now, c, "kilobyte lifetime expired", out);
        } else if (bytes >= c.softBytes && c.state == V1Child.State.INSTALLED && now >= c.rekeyNotBefore) {
            engine.trace(out, TraceFlag.TIMER, TraceLevel.INFO, c + " soft kilobyte lifetime reached (" + bytes + " bytes)");
            rekeyChild(now, c, out);
        }
    }

    /** When {@code c} is rekeyed: at its soft lifetime, or after a refused rekey's back-off. */
    private static long rekeyDue(V1Child c) {
        return Math.max(c.softDeadline, c.rekeyNotBefore);
    }

    /**
     * The peer answered the quick mode we run with an error notify (INVALID-ID-INFORMATION,
     * NO-PROPOSAL-CHOSEN): that quick mode fails, this SA stays (as strongSwan cancels its quick
     * mode). Without one under way the notify is only traced.
     */
    void quickModeRefused(long now, Failure failure, List<Action> out) {
        if (!tasks.failActive(now, QuickMode.class, failure, out)) {
            engine.trace(out, TraceFlag.IKE, TraceLevel.WARNING, peer.name() + ": " + failure.detail()
                    + ", with no quick mode of ours under way");
        }
    }

    /** When a dynamic peer's SA that holds no IPsec SA ends; never for other SAs. */
    private long childlessDeadline() {
        return children.isEmpty() && childlessSince != Long.MAX_VALUE && engine.isDynamic(this)
                ? childlessSince + V1Engine.CHILDLESS_NANOS : Long.MAX_VALUE;
    }

    Optional<V1Child> child(int spiIn) {
        return children.stream().filter(c -> c.spiIn == spiIn).findFirst();
    }

    boolean isClosed() { return state == State.CLOSED; }
}
