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
 * retransmission, the cached last response, the queue of local work, and the exchanges
 * themselves. Procedures are named after the Android IKE grammar in traces
 * ({@code CreateIkeLocal}, {@code RekeyChildRemote}, ...).
 */
final class IkeSession {

    /** IKE SA lifecycle; exchange progress lives in {@link Work} and {@link Pending}. */
    enum State { CONNECTING, ESTABLISHED, REKEYED, CLOSED }

    /** Local work waiting for the request window. */
    sealed interface Work {
        record Init() implements Work { }
        record Auth() implements Work { }
        record RekeyChild(ChildSa old) implements Work { }
        record RekeyIke() implements Work { }
        record DeleteChild(ChildSa child) implements Work { }
        record DeleteIke(String reason) implements Work { }
        record Dpd() implements Work { }
        record InvalidSpi(int spi) implements Work { }
    }

    /** The outstanding request and what its exchange needs when the response arrives. */
    private static final class Pending {
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

        Pending(Work work, int messageId) {
            this.work = work;
            this.messageId = messageId;
        }
    }

    private final Kmd.Env env;
    final PeerConfig peer;
    final boolean initiator;
    long spiI;
    long spiR;
    InetSocketAddress local;
    InetSocketAddress remote;
    boolean onNatPort;
    boolean natLocal;
    boolean natRemote;
    State state = State.CONNECTING;
    private final long createdAt;

    private IkeProposal proposal;
    private KeyExchange ke;
    private byte[] ni;
    private byte[] nr;
    private byte[] initRequest;
    private byte[] initResponse;
    private byte[] cookie;
    private int invalidKeRetries;
    private byte[] skD;
    private byte[] skPi;
    private byte[] skPr;
    private SkCipher outCipher;
    private SkCipher inCipher;
    private final FragmentBuffer fragments = new FragmentBuffer();
    private boolean peerFragmentation;

    private int nextRequestId;
    private int expectedRequestId;
    private Pending pending;
    private final Deque<Work> queue = new ArrayDeque<>();
    private int lastResponseId = -1;
    private List<byte[]> lastResponse = List.of();
    /** The datagrams of the request answered by {@link #lastResponse}, and of the one being reassembled. */
    private List<byte[]> lastRequest = List.of();
    private final List<byte[]> requestPackets = new ArrayList<>();

    final List<ChildSa> children = new ArrayList<>();
    private long softDeadline = Long.MAX_VALUE;
    private long hardDeadline = Long.MAX_VALUE;
    private long lastInbound;
    private long nextKeepalive = Long.MAX_VALUE;
    private int dpdFailures;

    private IkeSession(Kmd.Env env, PeerConfig peer, boolean initiator, InetSocketAddress local, InetSocketAddress remote, long now) {
        this.env = env;
        this.peer = peer;
        this.initiator = initiator;
        this.local = local;
        this.remote = remote;
        this.createdAt = now;
        this.lastInbound = now;
    }

    IkeSaId id() { return new IkeSaId(spiI, spiR); }

    /** The SPI that identifies this SA locally (ours). */
    long localSpi() { return initiator ? spiI : spiR; }

    // ---------------------------------------------------------------- CreateIkeLocal: IKE_SA_INIT

    static IkeSession initiate(Kmd.Env env, PeerConfig peer, long now, List<Action> out) {
        var s = new IkeSession(env, peer, true, new InetSocketAddress(peer.localAddress(), 500),
                new InetSocketAddress(peer.remoteAddress(), 500), now);
        s.spiI = env.newIkeSpi();
        s.proposal = peer.ikeProposals().getFirst();
        s.ke = KeyExchange.generate(s.proposal.group(), env.random());
        s.ni = env.nonce();
        s.queue.add(new Work.Init());
        s.queue.add(new Work.Auth());
        env.register(s);
        env.trace(out, TraceFlag.IKE, TraceLevel.INFO, "CreateIkeLocal: initiating IKE SA with " + peer.name()
                + " (" + peer.remoteAddress().getHostAddress() + ")");
        s.startNext(now, out);
        return s;
    }

    private List<Payload> initRequestPayloads() {
        List<Payload> p = new ArrayList<>();
        if (cookie != null) {
            p.add(Payload.Notify.of(Wire.N_COOKIE, cookie));
        }
        p.add(Proposals.ikeOffer(peer.ikeProposals(), new byte[0]));
        p.add(new Payload.Ke(ke.group().number(), ke.publicValue()));
        p.add(new Payload.Nonce(ni));
        if (peer.natTraversal()) {
            p.add(Payload.Notify.of(Wire.N_NAT_DETECTION_SOURCE_IP, NatDetection.hash(spiI, 0, local)));
            p.add(Payload.Notify.of(Wire.N_NAT_DETECTION_DESTINATION_IP, NatDetection.hash(spiI, 0, remote)));
        }
        p.add(Payload.Notify.of(Wire.N_IKEV2_FRAGMENTATION_SUPPORTED));
        return p;
    }

    private void processInitResponse(long now, IkeMessage m, byte[] raw, List<Action> out) {
        Optional<Payload.Notify> err = m.all(Payload.Notify.class).stream().filter(Payload.Notify::isError).findFirst();
        var cookieN = m.notify(Wire.N_COOKIE);
        if (cookieN.isPresent() && cookie == null) {
            cookie = cookieN.get().data();
            env.trace(out, TraceFlag.IKE, TraceLevel.INFO, "CreateIkeLocal: responder asked for a COOKIE, retrying");
            retryInit(now, out);
            return;
        }
        if (err.isPresent() && err.get().notifyType() == Wire.N_INVALID_KE_PAYLOAD && invalidKeRetries++ < 2) {
            int wanted = Bytes.u16(err.get().data(), 0);
            Optional<DhGroup> g = DhGroup.fromNumber(wanted)
                    .filter(x -> peer.ikeProposals().stream().anyMatch(p -> p.group() == x));
            if (g.isPresent()) {
                env.trace(out, TraceFlag.IKE, TraceLevel.INFO, "CreateIkeLocal: INVALID_KE_PAYLOAD, retrying with " + g.get().keyword());
                ke = KeyExchange.generate(g.get(), env.random());
                retryInit(now, out);
                return;
            }
        }
        if (err.isPresent()) {
            int t = err.get().notifyType();
            fail(out, t == Wire.N_NO_PROPOSAL_CHOSEN || t == Wire.N_INVALID_KE_PAYLOAD
                    ? "proposal mismatch (peer sent " + Wire.notifyName(t) + ")"
                    : "peer refused IKE_SA_INIT with " + Wire.notifyName(t));
            return;
        }
        var sa = m.first(Payload.Sa.class);
        var kePayload = m.first(Payload.Ke.class);
        var nonce = m.first(Payload.Nonce.class);
        if (sa.isEmpty() || kePayload.isEmpty() || nonce.isEmpty() || m.header().spiR() == 0) {
            fail(out, "malformed IKE_SA_INIT response");
            return;
        }
        Optional<IkeProposal> chosen = Proposals.acceptedIke(sa.get(), peer.ikeProposals());
        if (chosen.isEmpty() || chosen.get().group() != ke.group() || kePayload.get().group() != ke.group().number()) {
            fail(out, "proposal mismatch (responder chose a proposal we did not offer)");
            return;
        }
        Optional<byte[]> shared = ke.sharedSecret(kePayload.get().data());
        if (shared.isEmpty()) {
            fail(out, "invalid KE payload from peer");
            return;
        }
        proposal = chosen.get();
        spiR = m.header().spiR();
        nr = nonce.get().data();
        initResponse = raw;
        peerFragmentation = m.notify(Wire.N_IKEV2_FRAGMENTATION_SUPPORTED).isPresent();
        deriveIkeKeys(IkeKeyDerivation.skeyseed(proposal.prf(), ni, nr, shared.get()));
        detectNat(m, out);
        env.trace(out, TraceFlag.IKE, TraceLevel.INFO, "CreateIkeLocal: IKE_SA_INIT done, " + describe(proposal)
                + (natLocal || natRemote ? ", NAT detected" : ""));
    }

    private void retryInit(long now, List<Action> out) {
        pending = null;
        queue.addFirst(new Work.Init());
        startNext(now, out);
    }

    // ---------------------------------------------------------------- CreateIkeRemote: IKE_SA_INIT

    /** Responder side of IKE_SA_INIT. Returns the new half-open SA, or null when answered statelessly. */
    static IkeSession respond(Kmd.Env env, PeerConfig peer, Datagram d, IkeMessage m, long now, List<Action> out) {
        IkeHeader h = m.header();
        var sa = m.first(Payload.Sa.class);
        var kePayload = m.first(Payload.Ke.class);
        var nonce = m.first(Payload.Nonce.class);
        if (sa.isEmpty() || kePayload.isEmpty() || nonce.isEmpty()) {
            stateless(env, d, h, Payload.Notify.of(Wire.N_INVALID_SYNTAX), out);
            return null;
        }
        var chosen = Proposals.selectIke(sa.get().proposals(), peer.ikeProposals());
        if (chosen.isEmpty()) {
            env.trace(out, TraceFlag.POLICY_MANAGER, TraceLevel.ERROR, "CreateIkeRemote: proposal mismatch with "
                    + peer.name() + ": no configured IKE proposal matches, sending NO_PROPOSAL_CHOSEN");
            stateless(env, d, h, Payload.Notify.of(Wire.N_NO_PROPOSAL_CHOSEN), out);
            return null;
        }
        IkeProposal p = chosen.get().ours();
        if (kePayload.get().group() != p.group().number()) {
            env.trace(out, TraceFlag.IKE, TraceLevel.INFO, "CreateIkeRemote: KE group " + kePayload.get().group()
                    + " not the chosen " + p.group().keyword() + ", sending INVALID_KE_PAYLOAD");
            stateless(env, d, h, Payload.Notify.of(Wire.N_INVALID_KE_PAYLOAD,
                    new byte[] {(byte) (p.group().number() >> 8), (byte) p.group().number()}), out);
            return null;
        }
        if (env.halfOpenCount() >= env.options().cookieThreshold()) {
            byte[] expected = env.cookie(nonce.get().data(), d.remote(), h.spiI());
            var offered = m.notify(Wire.N_COOKIE);
            if (offered.isEmpty() || !Arrays.equals(offered.get().data(), expected)) {
                env.trace(out, TraceFlag.IKE, TraceLevel.NOTICE, "CreateIkeRemote: too many half-open SAs, demanding a COOKIE");
                stateless(env, d, h, Payload.Notify.of(Wire.N_COOKIE, expected), out);
                return null;
            }
        }
        var s = new IkeSession(env, peer, false, d.local(), d.remote(), now);
        s.onNatPort = d.nonEspMarker();
        s.spiI = h.spiI();
        s.spiR = env.newIkeSpi();
        s.proposal = p;
        s.ke = KeyExchange.generate(p.group(), env.random());
        Optional<byte[]> shared = s.ke.sharedSecret(kePayload.get().data());
        if (shared.isEmpty()) {
            stateless(env, d, h, Payload.Notify.of(Wire.N_INVALID_SYNTAX), out);
            return null;
        }
        s.ni = nonce.get().data();
        s.nr = env.nonce();
        s.initRequest = d.payload();
        s.peerFragmentation = m.notify(Wire.N_IKEV2_FRAGMENTATION_SUPPORTED).isPresent();
        s.deriveIkeKeys(IkeKeyDerivation.skeyseed(p.prf(), s.ni, s.nr, shared.get()));
        boolean natd = peer.natTraversal() && m.notify(Wire.N_NAT_DETECTION_SOURCE_IP).isPresent();
        if (natd) {
            s.detectNat(m, out);
        }
        List<Payload> resp = new ArrayList<>();
        resp.add(new Payload.Sa(List.of(Proposals.answer(chosen.get().offered(), Proposals.ikeTransforms(p), new byte[0]))));
        resp.add(new Payload.Ke(p.group().number(), s.ke.publicValue()));
        resp.add(new Payload.Nonce(s.nr));
        if (natd) {
            resp.add(Payload.Notify.of(Wire.N_NAT_DETECTION_SOURCE_IP, NatDetection.hash(s.spiI, s.spiR, s.local)));
            resp.add(Payload.Notify.of(Wire.N_NAT_DETECTION_DESTINATION_IP, NatDetection.hash(s.spiI, s.spiR, s.remote)));
        }
        if (s.peerFragmentation) {
            resp.add(Payload.Notify.of(Wire.N_IKEV2_FRAGMENTATION_SUPPORTED));
        }
        IkeHeader rh = new IkeHeader(s.spiI, s.spiR, 0, Wire.IKE_SA_INIT, Wire.FLAG_RESPONSE, 0, 0);
        s.initResponse = MessageCodec.encode(rh, resp);
        s.lastResponseId = 0;
        s.lastResponse = List.of(s.initResponse);
        s.lastRequest = List.of(d.payload());
        s.expectedRequestId = 1;
        s.send(out, s.lastResponse);
        env.register(s);
        env.trace(out, TraceFlag.IKE, TraceLevel.INFO, "CreateIkeRemote: IKE_SA_INIT from " + d.remote() + " for "
                + peer.name() + ", " + describe(p) + (s.natLocal || s.natRemote ? ", NAT detected" : ""));
        return s;
    }

    private static void stateless(Kmd.Env env, Datagram d, IkeHeader h, Payload.Notify n, List<Action> out) {
        IkeHeader rh = new IkeHeader(h.spiI(), 0, 0, Wire.IKE_SA_INIT, Wire.FLAG_RESPONSE, 0, 0);
        out.add(new Action.Send(new Datagram(d.local(), d.remote(), MessageCodec.encode(rh, List.of(n)), d.nonEspMarker())));
    }

    private void deriveIkeKeys(byte[] skeyseed) {
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

    /** NAT detection (RFC 7296 §2.23) from the peer's NAT_DETECTION_* notifies in {@code m}. */
    private void detectNat(IkeMessage m, List<Action> out) {
        if (!peer.natTraversal()) {
            return;
        }
        long hi = m.header().spiI();
        long hr = m.header().spiR();
        var sources = m.all(Payload.Notify.class).stream().filter(n -> n.notifyType() == Wire.N_NAT_DETECTION_SOURCE_IP).toList();
        var dest = m.notify(Wire.N_NAT_DETECTION_DESTINATION_IP);
        if (sources.isEmpty() || dest.isEmpty()) {
            return;
        }
        byte[] remoteHash = NatDetection.hash(hi, hr, remote);
        natRemote = sources.stream().noneMatch(n -> Arrays.equals(n.data(), remoteHash));
        natLocal = !Arrays.equals(dest.get().data(), NatDetection.hash(hi, hr, local));
        if (natRemote || natLocal) {
            env.trace(out, TraceFlag.IKE, TraceLevel.INFO, "NatDetection: " + (natLocal ? "local host is behind NAT" : "")
                    + (natLocal && natRemote ? ", " : "") + (natRemote ? "remote host is behind NAT (or faking it)" : ""));
            if (initiator && !onNatPort) {
                // The initiator moves to 4500 for everything after IKE_SA_INIT (RFC 7296 §2.23);
                // the responder follows the address and port the peer's next message comes from.
                local = new InetSocketAddress(local.getAddress(), 4500);
                remote = new InetSocketAddress(remote.getAddress(), 4500);
                onNatPort = true;
            }
        }
    }

    // ---------------------------------------------------------------- IKE_AUTH

    private List<Payload> authRequestPayloads(Pending p) {
        List<Payload> pl = new ArrayList<>();
        Payload.Id idi = idPayload(Wire.IDI, peer.localId());
        pl.add(idi);
        pl.add(Payload.Notify.of(Wire.N_INITIAL_CONTACT));
        byte[] octets = Bytes.concat(initRequest, nr, new Prf(proposal.prf()).prf(skPi, idi.body()));
        pl.add(new Payload.Auth(peer.authenticator().method(), peer.authenticator().authData(proposal.prf(), octets)));
        p.newChildSpi = env.newChildSpi();
        pl.add(Proposals.childOffer(peer.childProposals(), p.newChildSpi, true));
        pl.add(new Payload.Ts(Wire.TSI, peer.localSelectors()));
        pl.add(new Payload.Ts(Wire.TSR, peer.remoteSelectors()));
        return pl;
    }

    private static Payload.Id idPayload(int type, Identity id) {
        return new Payload.Id(type, id.type().wire(), id.data());
    }

    /** CreateIkeRemote, second half: authenticate the initiator and build the first child. */
    private List<Payload> processAuthRequest(long now, IkeMessage m, List<Action> out) {
        var idi = m.id(Wire.IDI);
        var auth = m.first(Payload.Auth.class);
        if (idi.isEmpty() || auth.isEmpty()) {
            return List.of(Payload.Notify.of(Wire.N_INVALID_SYNTAX));
        }
        boolean idOk = peer.remoteId() == null || peer.remoteId().matches(idi.get().idType(), idi.get().data());
        byte[] octets = Bytes.concat(initRequest, nr, new Prf(proposal.prf()).prf(skPi, idi.get().body()));
        if (!idOk || !peer.authenticator().verify(proposal.prf(), octets, auth.get().method(), auth.get().data())) {
            String why = idOk ? "AUTH payload does not verify (pre-shared key mismatch?)" : "peer identity "
                    + identityText(idi.get()) + " is not the configured " + peer.remoteId();
            env.trace(out, TraceFlag.IKE, TraceLevel.ERROR, "CreateIkeRemote: authentication failed for " + peer.name() + ": " + why);
            closeAfterResponse = "authentication failed: " + why;
            return List.of(Payload.Notify.of(Wire.N_AUTHENTICATION_FAILED));
        }
        List<Payload> resp = new ArrayList<>();
        Payload.Id idr = idPayload(Wire.IDR, peer.localId());
        resp.add(idr);
        byte[] ours = Bytes.concat(initResponse, ni, new Prf(proposal.prf()).prf(skPr, idr.body()));
        resp.add(new Payload.Auth(peer.authenticator().method(), peer.authenticator().authData(proposal.prf(), ours)));
        establish(now, out);
        resp.addAll(respondChild(now, m, ni, nr, null, true, null, out));
        return resp;
    }

    private String closeAfterResponse;

    private void processAuthResponse(long now, IkeMessage m, Pending p, List<Action> out) {
        var err = m.all(Payload.Notify.class).stream().filter(Payload.Notify::isError).findFirst();
        if (err.isPresent() && err.get().notifyType() == Wire.N_AUTHENTICATION_FAILED) {
            fail(out, "authentication failed (peer sent AUTHENTICATION_FAILED)");
            return;
        }
        var idr = m.id(Wire.IDR);
        var auth = m.first(Payload.Auth.class);
        if (idr.isEmpty() || auth.isEmpty()) {
            fail(out, err.map(n -> "peer refused IKE_AUTH with " + Wire.notifyName(n.notifyType())).orElse("malformed IKE_AUTH response"));
            return;
        }
        boolean idOk = peer.remoteId() == null || peer.remoteId().matches(idr.get().idType(), idr.get().data());
        byte[] octets = Bytes.concat(initResponse, ni, new Prf(proposal.prf()).prf(skPr, idr.get().body()));
        if (!idOk || !peer.authenticator().verify(proposal.prf(), octets, auth.get().method(), auth.get().data())) {
            fail(out, "authentication failed: " + (idOk ? "responder's AUTH does not verify" : "responder identity "
                    + identityText(idr.get()) + " is not the configured " + peer.remoteId()));
            return;
        }
        establish(now, out);
        if (err.isPresent()) {
            int t = err.get().notifyType();
            String why = t == Wire.N_TS_UNACCEPTABLE ? "TS unacceptable" : t == Wire.N_NO_PROPOSAL_CHOSEN
                    ? "proposal mismatch (child SA)" : "child SA refused with " + Wire.notifyName(t);
            env.trace(out, TraceFlag.POLICY_MANAGER, TraceLevel.ERROR, "CreateChildLocal: " + why);
            queue.addFirst(new Work.DeleteIke(why));
            return;
        }
        if (!acceptChild(now, m, p, ni, nr, null, null, out)) {
            queue.addFirst(new Work.DeleteIke("proposal mismatch (child SA response)"));
        }
    }

    private void establish(long now, List<Action> out) {
        state = State.ESTABLISHED;
        long life = proposal.lifetimeSeconds() * 1_000_000_000L;
        hardDeadline = now + life;
        softDeadline = now + (long) (life * (1 - env.options().lifetimeJitter() * (1 + env.random().nextDouble())));
        if (natLocal) {
            nextKeepalive = now + env.options().keepaliveNanos();
        }
        out.add(new Action.IkeSaUp(peer.name(), id(), initiator, local, remote, proposal.encryption(),
                proposal.encryption().isAead() ? null : proposal.integrity(), proposal.prf(), proposal.group(),
                natLocal || natRemote, new Lifetime((softDeadline - now) / 1_000_000_000L, proposal.lifetimeSeconds())));
        env.trace(out, TraceFlag.IKE, TraceLevel.NOTICE, "IKE SA " + id() + " with " + peer.name() + " established ("
                + (initiator ? "initiator" : "responder") + ", " + local + " <-> " + remote + ")");
    }

    // ---------------------------------------------------------------- child SAs (IKE_AUTH and CREATE_CHILD_SA)

    /**
     * Responder side of a child SA. {@code ignoreDh} in IKE_AUTH. Returns the payloads to answer
     * with: the chosen SA, [KEr], TSi, TSr; or the error notify.
     */
    private List<Payload> respondChild(long now, IkeMessage m, byte[] cNi, byte[] cNr, byte[] sharedOrNull, boolean inAuth,
                                       ChildSa replaces, List<Action> out) {
        var sa = m.first(Payload.Sa.class);
        var tsi = m.ts(Wire.TSI);
        var tsr = m.ts(Wire.TSR);
        if (sa.isEmpty() || tsi.isEmpty() || tsr.isEmpty()) {
            return List.of(Payload.Notify.of(Wire.N_INVALID_SYNTAX));
        }
        var chosen = Proposals.selectChild(sa.get().proposals(), peer.childProposals(), inAuth);
        if (chosen.isEmpty()) {
            env.trace(out, TraceFlag.POLICY_MANAGER, TraceLevel.ERROR, (inAuth ? "CreateChildRemote" : "RekeyChildRemote")
                    + ": proposal mismatch with " + peer.name() + ": no configured IPsec proposal matches");
            return List.of(Payload.Notify.of(Wire.N_NO_PROPOSAL_CHOSEN));
        }
        List<TrafficSelector> remoteTs = narrow(tsi.get().selectors(), peer.remoteSelectors());
        List<TrafficSelector> localTs = narrow(tsr.get().selectors(), peer.localSelectors());
        if (remoteTs.isEmpty() || localTs.isEmpty()) {
            env.trace(out, TraceFlag.POLICY_MANAGER, TraceLevel.ERROR, "CreateChildRemote: TS unacceptable: offered "
                    + tsi.get().selectors() + " <-> " + tsr.get().selectors() + ", configured " + peer.remoteSelectors()
                    + " <-> " + peer.localSelectors());
            return List.of(Payload.Notify.of(Wire.N_TS_UNACCEPTABLE));
        }
        ChildProposal cp = chosen.get().ours();
        int spiIn = env.newChildSpi();
        int spiOut = (int) chosen.get().offered().spiValue();
        List<Payload> resp = new ArrayList<>();
        resp.add(new Payload.Sa(List.of(Proposals.answer(chosen.get().offered(), Proposals.childTransforms(cp, !inAuth), Bytes.of32(spiIn)))));
        install(now, cp, spiIn, spiOut, localTs, remoteTs, cNi, cNr, sharedOrNull, false, replaces, out);
        resp.add(new Payload.Ts(Wire.TSI, remoteTs));
        resp.add(new Payload.Ts(Wire.TSR, localTs));
        return resp;
    }

    /** RFC 7296 §2.9: the responder narrows the offered selectors to its policy. */
    static List<TrafficSelector> narrow(List<TrafficSelector> offered, List<TrafficSelector> configured) {
        List<TrafficSelector> out = new ArrayList<>();
        for (TrafficSelector o : offered) {
            for (TrafficSelector c : configured) {
                TrafficSelector x = c.intersect(o);
                if (x != null && !out.contains(x)) {
                    out.add(x);
                }
            }
        }
        return out;
    }

    /** Initiator side: check the responder's choice and install. */
    private boolean acceptChild(long now, IkeMessage m, Pending p, byte[] cNi, byte[] cNr, byte[] sharedOrNull,
                                ChildSa replaces, List<Action> out) {
        var sa = m.first(Payload.Sa.class);
        var tsi = m.ts(Wire.TSI);
        var tsr = m.ts(Wire.TSR);
        if (sa.isEmpty() || tsi.isEmpty() || tsr.isEmpty()) {
            return false;
        }
        Optional<ChildProposal> cp = Proposals.acceptedChild(sa.get(), peer.childProposals(), sharedOrNull != null);
        if (cp.isEmpty()) {
            return false;
        }
        List<TrafficSelector> localTs = tsi.get().selectors();
        List<TrafficSelector> remoteTs = tsr.get().selectors();
        boolean inside = localTs.stream().allMatch(t -> peer.localSelectors().stream().anyMatch(c -> c.contains(t)))
                && remoteTs.stream().allMatch(t -> peer.remoteSelectors().stream().anyMatch(c -> c.contains(t)));
        if (!inside) {
            env.trace(out, TraceFlag.POLICY_MANAGER, TraceLevel.ERROR, "CreateChildLocal: responder widened the selectors");
            return false;
        }
        int spiOut = (int) sa.get().proposals().getFirst().spiValue();
        install(now, cp.get(), p.newChildSpi, spiOut, localTs, remoteTs, cNi, cNr, sharedOrNull, true, replaces, out);
        return true;
    }

    private ChildSa install(long now, ChildProposal cp, int spiIn, int spiOut, List<TrafficSelector> localTs,
                            List<TrafficSelector> remoteTs, byte[] cNi, byte[] cNr, byte[] sharedOrNull,
                            boolean exchangeInitiator, ChildSa replaces, List<Action> out) {
        var integ = cp.encryption().isAead() ? null : cp.integrity();
        int encLen = cp.encryption().keyMaterialSize();
        int intLen = integ == null ? 0 : integ.keySize();
        byte[] km = IkeKeyDerivation.childKeyMaterial(proposal.prf(), skD, sharedOrNull, cNi, cNr, 2 * (encLen + intLen));
        byte[] encIR = Arrays.copyOfRange(km, 0, encLen);
        byte[] intIR = Arrays.copyOfRange(km, encLen, encLen + intLen);
        byte[] encRI = Arrays.copyOfRange(km, encLen + intLen, 2 * encLen + intLen);
        byte[] intRI = Arrays.copyOfRange(km, 2 * encLen + intLen, 2 * (encLen + intLen));
        long life = cp.lifetimeSeconds() * 1_000_000_000L;
        long soft = now + (long) (life * (1 - env.options().lifetimeJitter() * (1 + env.random().nextDouble())));
        var child = new ChildSa(spiIn, spiOut, cp, List.copyOf(localTs), List.copyOf(remoteTs), cNi, cNr, soft, now + life);
        children.add(child);
        boolean encap = natLocal || natRemote;
        out.add(new Action.InstallChildSa(peer.name(), id(), spiIn, spiOut, cp.encryption(), integ,
                exchangeInitiator ? encRI : encIR, exchangeInitiator ? intRI : intIR,
                exchangeInitiator ? encIR : encRI, exchangeInitiator ? intIR : intRI,
                child.localSelectors, child.remoteSelectors, local, remote, encap,
                new Lifetime((soft - now) / 1_000_000_000L, cp.lifetimeSeconds()), replaces != null,
                replaces == null ? 0 : replaces.spiIn));
        env.trace(out, TraceFlag.IKE, TraceLevel.NOTICE, (replaces == null ? "CreateChild" : "RekeyChild")
                + (exchangeInitiator ? "Local" : "Remote") + ": " + child + " installed with " + peer.name() + ", "
                + cp.encryption().keyword() + (integ == null ? "" : "/" + integ.ipsecKeyword()) + ", "
                + localTs + " <-> " + remoteTs + (encap ? ", UDP-encapsulated" : ""));
        return child;
    }

    // ---------------------------------------------------------------- CREATE_CHILD_SA

    private List<Payload> rekeyChildRequestPayloads(Pending p, ChildSa old) {
        ChildProposal first = peer.childProposals().getFirst();
        p.nonce = env.nonce();
        p.newChildSpi = env.newChildSpi();
        List<Payload> pl = new ArrayList<>();
        pl.add(new Payload.Notify(Wire.PROTO_ESP, Bytes.of32(old.spiIn), Wire.N_REKEY_SA, new byte[0]));
        pl.add(Proposals.childOffer(peer.childProposals(), p.newChildSpi, true));
        pl.add(new Payload.Nonce(p.nonce));
        if (first.pfsGroup() != null) {
            p.ke = p.ke != null && p.ke.group() == first.pfsGroup() ? p.ke : KeyExchange.generate(first.pfsGroup(), env.random());
            pl.add(new Payload.Ke(p.ke.group().number(), p.ke.publicValue()));
        }
        pl.add(new Payload.Ts(Wire.TSI, old.localSelectors));
        pl.add(new Payload.Ts(Wire.TSR, old.remoteSelectors));
        return pl;
    }

    private List<Payload> processCreateChildRequest(long now, IkeMessage m, List<Action> out) {
        var nonce = m.first(Payload.Nonce.class);
        var sa = m.first(Payload.Sa.class);
        if (nonce.isEmpty() || sa.isEmpty()) {
            return List.of(Payload.Notify.of(Wire.N_INVALID_SYNTAX));
        }
        if (m.notify(Wire.N_REKEY_SA).isEmpty() && sa.get().proposals().stream().anyMatch(p -> p.protocolId() == Wire.PROTO_IKE)) {
            return processRekeyIkeRequest(now, m, out);
        }
        var rekey = m.notify(Wire.N_REKEY_SA);
        ChildSa old = null;
        if (rekey.isPresent()) {
            long spi = rekey.get().spi().length == 4 ? Bytes.u32(rekey.get().spi(), 0) : -1;
            old = children.stream().filter(c -> c.spiOut == (int) spi && c.state != ChildSa.State.DELETING).findFirst().orElse(null);
            if (old == null) {
                return List.of(new Payload.Notify(Wire.PROTO_ESP, rekey.get().spi(), Wire.N_CHILD_SA_NOT_FOUND, new byte[0]));
            }
        }
        byte[] myNonce = env.nonce();
        byte[] shared = null;
        KeyExchange myKe = null;
        var kePayload = m.first(Payload.Ke.class);
        var chosen = Proposals.selectChild(sa.get().proposals(), peer.childProposals(), false);
        if (chosen.isPresent() && chosen.get().ours().pfsGroup() != null) {
            DhGroup g = chosen.get().ours().pfsGroup();
            if (kePayload.isEmpty() || kePayload.get().group() != g.number()) {
                return List.of(Payload.Notify.of(Wire.N_INVALID_KE_PAYLOAD, new byte[] {(byte) (g.number() >> 8), (byte) g.number()}));
            }
            myKe = KeyExchange.generate(g, env.random());
            Optional<byte[]> s = myKe.sharedSecret(kePayload.get().data());
            if (s.isEmpty()) {
                return List.of(Payload.Notify.of(Wire.N_INVALID_SYNTAX));
            }
            shared = s.get();
        }
        byte[] theirNonce = nonce.get().data();
        List<Payload> childPart = respondChild(now, m, theirNonce, myNonce, shared, false, old, out);
        if (childPart.getFirst() instanceof Payload.Notify) {
            return childPart;
        }
        ChildSa created = children.getLast();
        if (old != null) {
            if (old.state == ChildSa.State.REKEYING && pending != null && pending.work instanceof Work.RekeyChild rc && rc.old() == old) {
                pending.peerNi = theirNonce;
                pending.peerNr = myNonce;
                pending.peerCreated = created;
                env.trace(out, TraceFlag.IKE, TraceLevel.INFO, "SimulRekeyChild: peer rekeyed " + old + " while we were rekeying it");
            } else {
                old.state = ChildSa.State.REKEYED;
            }
        }
        List<Payload> resp = new ArrayList<>();
        resp.add(childPart.getFirst());
        resp.add(new Payload.Nonce(myNonce));
        if (myKe != null) {
            resp.add(new Payload.Ke(myKe.group().number(), myKe.publicValue()));
        }
        resp.addAll(childPart.subList(1, childPart.size()));
        return resp;
    }

    private void processRekeyChildResponse(long now, IkeMessage m, Pending p, ChildSa old, List<Action> out) {
        var err = m.all(Payload.Notify.class).stream().filter(Payload.Notify::isError).findFirst();
        if (err.isPresent()) {
            if (err.get().notifyType() == Wire.N_INVALID_KE_PAYLOAD && err.get().data().length == 2) {
                Optional<DhGroup> g = DhGroup.fromNumber(Bytes.u16(err.get().data(), 0));
                if (g.isPresent()) {
                    p.ke = KeyExchange.generate(g.get(), env.random());
                }
            }
            env.trace(out, TraceFlag.IKE, TraceLevel.WARNING, "RekeyChildLocal: " + old + " rekey refused with "
                    + Wire.notifyName(err.get().notifyType()));
            if (old.state == ChildSa.State.REKEYING) {
                old.state = ChildSa.State.INSTALLED;
            }
            return;
        }
        var nonce = m.first(Payload.Nonce.class);
        if (nonce.isEmpty()) {
            old.state = ChildSa.State.INSTALLED;
            return;
        }
        byte[] shared = null;
        if (p.ke != null) {
            var kePayload = m.first(Payload.Ke.class);
            Optional<byte[]> s = kePayload.filter(k -> k.group() == p.ke.group().number()).flatMap(k -> p.ke.sharedSecret(k.data()));
            if (s.isEmpty()) {
                old.state = ChildSa.State.INSTALLED;
                return;
            }
            shared = s.get();
        }
        if (!acceptChild(now, m, p, p.nonce, nonce.get().data(), shared, old, out)) {
            old.state = ChildSa.State.INSTALLED;
            return;
        }
        ChildSa created = children.getLast();
        if (p.peerCreated != null && Collisions.lostCollision(p.nonce, nonce.get().data(), p.peerNi, p.peerNr)) {
            // Our new SA holds the lowest nonce: it is the redundant one, we close it; the peer deletes the old one.
            env.trace(out, TraceFlag.IKE, TraceLevel.INFO, "SimulRekeyChild: lost the collision, deleting our redundant " + created);
            old.state = ChildSa.State.REKEYED;
            queue.addFirst(new Work.DeleteChild(created));
        } else {
            old.state = ChildSa.State.REKEYED;
            queue.addFirst(new Work.DeleteChild(old));
        }
    }

    // ---------------------------------------------------------------- IKE SA rekey

    private List<Payload> rekeyIkeRequestPayloads(Pending p) {
        p.nonce = env.nonce();
        p.newIkeSpi = env.newIkeSpi();
        IkeProposal first = peer.ikeProposals().getFirst();
        p.ke = p.ke != null ? p.ke : KeyExchange.generate(first.group(), env.random());
        return List.of(Proposals.ikeOffer(peer.ikeProposals(), Bytes.of64(p.newIkeSpi)), new Payload.Nonce(p.nonce),
                new Payload.Ke(p.ke.group().number(), p.ke.publicValue()));
    }

    private List<Payload> processRekeyIkeRequest(long now, IkeMessage m, List<Action> out) {
        var sa = m.first(Payload.Sa.class).orElseThrow();
        var kePayload = m.first(Payload.Ke.class);
        var chosen = Proposals.selectIke(sa.proposals(), peer.ikeProposals());
        if (chosen.isEmpty() || chosen.get().offered().spi().length != 8) {
            return List.of(Payload.Notify.of(Wire.N_NO_PROPOSAL_CHOSEN));
        }
        IkeProposal p = chosen.get().ours();
        if (kePayload.isEmpty() || kePayload.get().group() != p.group().number()) {
            return List.of(Payload.Notify.of(Wire.N_INVALID_KE_PAYLOAD, new byte[] {(byte) (p.group().number() >> 8), (byte) p.group().number()}));
        }
        KeyExchange myKe = KeyExchange.generate(p.group(), env.random());
        Optional<byte[]> shared = myKe.sharedSecret(kePayload.get().data());
        if (shared.isEmpty()) {
            return List.of(Payload.Notify.of(Wire.N_INVALID_SYNTAX));
        }
        byte[] theirNonce = m.first(Payload.Nonce.class).orElseThrow().data();
        byte[] myNonce = env.nonce();
        long newSpiR = env.newIkeSpi();
        IkeSession next = successor(now, false, p, chosen.get().offered().spiValue(), newSpiR, theirNonce, myNonce, shared.get());
        env.register(next);
        if (pending != null && pending.work instanceof Work.RekeyIke) {
            pending.peerNi = theirNonce;
            pending.peerNr = myNonce;
            pending.peerCreatedIke = next;
            env.trace(out, TraceFlag.IKE, TraceLevel.INFO, "SimulRekeyIke: peer rekeyed IKE SA " + id() + " while we were rekeying it");
        }
        env.trace(out, TraceFlag.IKE, TraceLevel.NOTICE, "RekeyIkeRemote: IKE SA " + id() + " replaced by " + next.id());
        out.add(new Action.IkeSaUp(peer.name(), next.id(), false, next.local, next.remote, p.encryption(),
                p.encryption().isAead() ? null : p.integrity(), p.prf(), p.group(), natLocal || natRemote,
                new Lifetime((next.softDeadline - now) / 1_000_000_000L, p.lifetimeSeconds())));
        state = State.REKEYED;
        return List.of(new Payload.Sa(List.of(Proposals.answer(chosen.get().offered(), Proposals.ikeTransforms(p), Bytes.of64(newSpiR)))),
                new Payload.Nonce(myNonce), new Payload.Ke(p.group().number(), myKe.publicValue()));
    }

    private void processRekeyIkeResponse(long now, IkeMessage m, Pending p, List<Action> out) {
        var sa = m.first(Payload.Sa.class);
        var nonce = m.first(Payload.Nonce.class);
        var kePayload = m.first(Payload.Ke.class);
        if (sa.isEmpty() || nonce.isEmpty() || kePayload.isEmpty()) {
            var err = m.all(Payload.Notify.class).stream().filter(Payload.Notify::isError).findFirst();
            if (err.isPresent() && err.get().notifyType() == Wire.N_INVALID_KE_PAYLOAD && err.get().data().length == 2) {
                DhGroup.fromNumber(Bytes.u16(err.get().data(), 0)).ifPresent(g -> p.ke = KeyExchange.generate(g, env.random()));
            }
            env.trace(out, TraceFlag.IKE, TraceLevel.WARNING, "RekeyIkeLocal: refused, keeping " + id());
            softDeadline = Long.MAX_VALUE;
            return;
        }
        Optional<IkeProposal> chosen = Proposals.acceptedIke(sa.get(), peer.ikeProposals());
        Optional<byte[]> shared = kePayload.flatMap(k -> p.ke.sharedSecret(k.data()));
        if (chosen.isEmpty() || shared.isEmpty() || sa.get().proposals().getFirst().spi().length != 8) {
            env.trace(out, TraceFlag.IKE, TraceLevel.WARNING, "RekeyIkeLocal: bad response, keeping " + id());
            softDeadline = Long.MAX_VALUE;
            return;
        }
        IkeSession next = successor(now, true, chosen.get(), p.newIkeSpi, sa.get().proposals().getFirst().spiValue(),
                p.nonce, nonce.get().data(), shared.get());
        env.register(next);
        out.add(new Action.IkeSaUp(peer.name(), next.id(), true, next.local, next.remote, chosen.get().encryption(),
                chosen.get().encryption().isAead() ? null : chosen.get().integrity(), chosen.get().prf(), chosen.get().group(),
                natLocal || natRemote, new Lifetime((next.softDeadline - now) / 1_000_000_000L, chosen.get().lifetimeSeconds())));
        env.trace(out, TraceFlag.IKE, TraceLevel.NOTICE, "RekeyIkeLocal: IKE SA " + id() + " replaced by " + next.id());
        state = State.REKEYED;
        if (p.peerCreatedIke != null && Collisions.lostCollision(p.nonce, nonce.get().data(), p.peerNi, p.peerNr)) {
            // Our new IKE SA holds the lowest nonce: it is redundant and we close it; the peer deletes the old one.
            env.trace(out, TraceFlag.IKE, TraceLevel.INFO, "SimulRekeyIke: lost the collision, deleting our redundant " + next.id());
            next.state = State.REKEYED;
            next.enqueue(now, new Work.DeleteIke("redundant after simultaneous rekey"), out);
            return;
        }
        if (p.peerCreatedIke != null) {
            // We won: the children live on in the SA we created; the peer deletes the one it created.
            next.children.addAll(p.peerCreatedIke.children);
            p.peerCreatedIke.children.clear();
            p.peerCreatedIke.state = State.REKEYED;
        }
        queue.addFirst(new Work.DeleteIke("replaced by rekey"));
    }

    /** The IKE SA that replaces this one; children move to it (RFC 7296 §2.18). */
    private IkeSession successor(long now, boolean weInitiated, IkeProposal p, long newSpiI, long newSpiR,
                                 byte[] rNi, byte[] rNr, byte[] shared) {
        var next = new IkeSession(env, peer, weInitiated, local, remote, now);
        next.spiI = newSpiI;
        next.spiR = newSpiR;
        next.proposal = p;
        next.ni = rNi;
        next.nr = rNr;
        next.onNatPort = onNatPort;
        next.natLocal = natLocal;
        next.natRemote = natRemote;
        next.peerFragmentation = peerFragmentation;
        next.deriveIkeKeys(IkeKeyDerivation.rekeySkeyseed(proposal.prf(), skD, shared, rNi, rNr));
        next.state = State.ESTABLISHED;
        long life = p.lifetimeSeconds() * 1_000_000_000L;
        next.hardDeadline = now + life;
        next.softDeadline = now + (long) (life * (1 - env.options().lifetimeJitter() * (1 + env.random().nextDouble())));
        next.nextKeepalive = nextKeepalive;
        next.children.addAll(children.stream().filter(c -> c.state != ChildSa.State.DELETING).toList());
        children.clear();
        return next;
    }

    // ---------------------------------------------------------------- INFORMATIONAL

    private List<Payload> processInformationalRequest(long now, IkeMessage m, List<Action> out) {
        List<Payload> resp = new ArrayList<>();
        for (Payload.Notify n : m.all(Payload.Notify.class)) {
            if (n.notifyType() == Wire.N_INVALID_SPI && n.data().length == 4) {
                // The peer does not know an SPI we send with: that child SA is dead on its side.
                int spi = (int) Bytes.u32(n.data(), 0);
                env.trace(out, TraceFlag.IKE, TraceLevel.WARNING, String.format("peer reported INVALID_SPI %08x", spi));
                children.stream().filter(c -> c.spiOut == spi).findFirst().ifPresent(c -> queue.add(new Work.DeleteChild(c)));
            }
        }
        for (Payload.Delete d : m.all(Payload.Delete.class)) {
            if (d.protocolId() == Wire.PROTO_IKE) {
                env.trace(out, TraceFlag.IKE, TraceLevel.NOTICE, "DeleteIkeRemote: peer deleted IKE SA " + id());
                closeAfterResponse = state == State.REKEYED ? "replaced by rekey" : "deleted by peer";
                return List.of();
            }
            if (d.protocolId() != Wire.PROTO_ESP) {
                continue;
            }
            List<byte[]> ours = new ArrayList<>();
            for (byte[] spi : d.spis()) {
                if (spi.length != 4) {
                    continue;
                }
                int s = (int) Bytes.u32(spi, 0);
                children.stream().filter(c -> c.spiOut == s).findFirst().ifPresent(c -> {
                    ours.add(Bytes.of32(c.spiIn));
                    removeChild(c, "deleted by peer", out);
                });
            }
            if (!ours.isEmpty()) {
                resp.add(new Payload.Delete(Wire.PROTO_ESP, 4, ours));
            }
        }
        return resp;
    }

    private void removeChild(ChildSa c, String reason, List<Action> out) {
        if (children.remove(c)) {
            out.add(new Action.DeleteChildSa(peer.name(), c.spiIn, c.spiOut, reason));
            env.trace(out, TraceFlag.IKE, TraceLevel.NOTICE, "DeleteChild: " + c + " with " + peer.name() + " removed (" + reason + ")");
        }
    }

    // ---------------------------------------------------------------- task manager

    void enqueue(long now, Work w, List<Action> out) {
        queue.add(w);
        startNext(now, out);
    }

    /** Sends the next queued request when the window (size 1) is free. */
    private void startNext(long now, List<Action> out) {
        while (pending == null && !queue.isEmpty() && state != State.CLOSED) {
            Work w = queue.poll();
            if (w instanceof Work.Init) {
                Pending p = new Pending(w, 0);
                IkeHeader h = new IkeHeader(spiI, 0, 0, Wire.IKE_SA_INIT, Wire.FLAG_INITIATOR, 0, 0);
                initRequest = MessageCodec.encode(h, initRequestPayloads());
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
                    payloads = authRequestPayloads(p);
                }
                case Work.RekeyChild rc -> {
                    if (!children.contains(rc.old()) || rc.old().state != ChildSa.State.INSTALLED) {
                        continue;
                    }
                    rc.old().state = ChildSa.State.REKEYING;
                    exchange = Wire.CREATE_CHILD_SA;
                    payloads = rekeyChildRequestPayloads(p, rc.old());
                    env.trace(out, TraceFlag.IKE, TraceLevel.INFO, "RekeyChildLocal: rekeying " + rc.old());
                }
                case Work.RekeyIke ri -> {
                    exchange = Wire.CREATE_CHILD_SA;
                    payloads = rekeyIkeRequestPayloads(p);
                    env.trace(out, TraceFlag.IKE, TraceLevel.INFO, "RekeyIkeLocal: rekeying IKE SA " + id());
                }
                case Work.DeleteChild dc -> {
                    if (!children.contains(dc.child())) {
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

    private List<byte[]> encrypt(IkeHeader h, List<Payload> payloads) {
        if (peerFragmentation) {
            return MessageCodec.encodeFragmented(h, payloads, outCipher, env.options().maxDatagram());
        }
        return List.of(MessageCodec.encodeEncrypted(h, payloads, outCipher));
    }

    private void arm(long now, Pending p, List<Action> out) {
        pending = p;
        p.deadline = now + env.options().retransmitBaseNanos();
        send(out, p.packets);
    }

    private void send(List<Action> out, List<byte[]> packets) {
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
            close(out, closeAfterResponse);
        }
        startNext(now, out);
    }

    private void onRequest(long now, Datagram d, IkeHeader h, List<Action> out) {
        if (h.fromInitiator() == initiator) {
            env.count(DropReason.UNEXPECTED_EXCHANGE);
            return;
        }
        if (h.messageId() == lastResponseId) {
            // Only an exact copy of the answered request is a retransmission (strongSwan compares too).
            if (lastRequest.stream().anyMatch(r -> Arrays.equals(r, d.payload()))) {
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
        DecodeResult r = MessageCodec.decode(d.payload(), inCipher, fragments);
        if (!(r instanceof DecodeResult.UnprotectedError)) {
            requestPackets.add(d.payload());
        }
        switch (r) {
            case DecodeResult.Partial part -> { }
            case DecodeResult.UnprotectedError e -> {
                env.count(e.reason().startsWith("integrity") ? DropReason.INTEGRITY_FAILED : DropReason.MALFORMED_PAYLOAD);
                env.trace(out, TraceFlag.IKE, TraceLevel.WARNING, "dropped request from " + d.remote() + ": " + e.reason());
            }
            case DecodeResult.ProtectedError e -> {
                env.count(DropReason.MALFORMED_PAYLOAD);
                respond(now, h, List.of(Payload.Notify.of(e.notifyType())), out);
            }
            case DecodeResult.Ok ok -> {
                lastInbound = now;
                dpdFailures = 0;
                followPeer(d);
                IkeMessage m = ok.message();
                List<Payload> resp = switch (h.exchangeType()) {
                    case Wire.IKE_AUTH -> !initiator && state == State.CONNECTING ? processAuthRequest(now, m, out) : null;
                    case Wire.CREATE_CHILD_SA -> state == State.ESTABLISHED ? processCreateChildRequest(now, m, out)
                            : List.of(Payload.Notify.of(Wire.N_TEMPORARY_FAILURE));
                    case Wire.INFORMATIONAL -> state != State.CONNECTING ? processInformationalRequest(now, m, out) : null;
                    default -> null;
                };
                if (resp == null) {
                    requestPackets.clear();
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
        lastRequest = List.copyOf(requestPackets);
        requestPackets.clear();
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
            lastInbound = now;
            pending = null;
            processInitResponse(now, ok.message(), d.payload(), out);
            return;
        }
        DecodeResult r = MessageCodec.decode(d.payload(), inCipher, fragments);
        IkeMessage m;
        switch (r) {
            case DecodeResult.Partial part -> {
                return;
            }
            case DecodeResult.UnprotectedError e -> {
                env.count(e.reason().startsWith("integrity") ? DropReason.INTEGRITY_FAILED : DropReason.MALFORMED_PAYLOAD);
                return;
            }
            case DecodeResult.ProtectedError e -> {
                env.count(DropReason.MALFORMED_PAYLOAD);
                m = new IkeMessage(e.header(), List.of(Payload.Notify.of(e.notifyType())), true);
            }
            case DecodeResult.Ok ok -> m = ok.message();
        }
        lastInbound = now;
        dpdFailures = 0;
        Pending p = pending;
        pending = null;
        switch (p.work) {
            case Work.Auth a -> processAuthResponse(now, m, p, out);
            case Work.RekeyChild rc -> processRekeyChildResponse(now, m, p, rc.old(), out);
            case Work.RekeyIke ri -> processRekeyIkeResponse(now, m, p, out);
            case Work.DeleteChild dc -> removeChild(dc.child(), "deleted locally", out);
            case Work.DeleteIke di -> close(out, di.reason());
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
                pending = null;
                if (w instanceof Work.DeleteIke di) {
                    close(out, di.reason() + " (peer did not confirm)");
                } else if (w instanceof Work.Dpd) {
                    close(out, "no response (dead peer detected)");
                } else {
                    close(out, "no response from " + remote.getAddress().getHostAddress() + " to " + describe(w));
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
            close(out, "half-open IKE SA timed out");
            return;
        }
        if (state == State.ESTABLISHED) {
            if (now >= hardDeadline) {
                close(out, "IKE SA lifetime expired");
                return;
            }
            if (now >= softDeadline) {
                softDeadline = Long.MAX_VALUE;
                env.trace(out, TraceFlag.TIMER, TraceLevel.INFO, "IKE SA " + id() + " soft lifetime reached");
                queue.add(new Work.RekeyIke());
            }
            for (ChildSa c : List.copyOf(children)) {
                if (now >= c.hardDeadline) {
                    removeChild(c, "lifetime expired", out);
                    queue.add(new Work.DeleteChild(c));
                } else if (now >= c.softDeadline && c.state == ChildSa.State.INSTALLED
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
                nextKeepalive = now + env.options().keepaliveNanos();
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
        if (state == State.ESTABLISHED) {
            d = Math.min(d, Math.min(softDeadline, hardDeadline));
            d = Math.min(d, nextKeepalive);
            for (ChildSa c : children) {
                d = Math.min(d, c.state == ChildSa.State.INSTALLED ? Math.min(c.softDeadline, c.hardDeadline) : c.hardDeadline);
            }
            if (peer.dpd().enabled() && pending == null) {
                d = Math.min(d, lastInbound + peer.dpd().intervalSeconds() * 1_000_000_000L);
            }
        }
        return d;
    }

    // ---------------------------------------------------------------- endings

    /** Fails a connecting SA with a reason in words. */
    private void fail(List<Action> out, String reason) {
        env.trace(out, TraceFlag.IKE, TraceLevel.ERROR, "IKE SA with " + peer.name() + " failed: " + reason);
        close(out, reason);
    }

    void close(List<Action> out, String reason) {
        if (state == State.CLOSED) {
            return;
        }
        for (ChildSa c : List.copyOf(children)) {
            removeChild(c, reason, out);
        }
        state = State.CLOSED;
        pending = null;
        queue.clear();
        out.add(new Action.IkeSaDown(peer.name(), id(), reason));
        env.unregister(this);
    }

    boolean isClosed() { return state == State.CLOSED; }

    boolean busy() { return pending != null || !queue.isEmpty(); }

    Optional<ChildSa> child(int spiIn) {
        return children.stream().filter(c -> c.spiIn == spiIn).findFirst();
    }

    private static String describe(IkeProposal p) {
        return p.encryption().keyword() + (p.encryption().isAead() ? "" : "/" + p.integrity().ikeKeyword()) + "/"
                + p.prf().displayName() + "/" + p.group().keyword();
    }

    private static String describe(Work w) {
        return switch (w) {
            case Work.Init i -> "IKE_SA_INIT";
            case Work.Auth a -> "IKE_AUTH";
            case Work.RekeyChild r -> "CREATE_CHILD_SA (rekey child)";
            case Work.RekeyIke r -> "CREATE_CHILD_SA (rekey IKE)";
            case Work.DeleteChild dc -> "INFORMATIONAL (delete child)";
            case Work.DeleteIke di -> "INFORMATIONAL (delete IKE)";
            case Work.Dpd d -> "INFORMATIONAL (liveness)";
            case Work.InvalidSpi is -> "INFORMATIONAL (INVALID_SPI)";
        };
    }

    private static String identityText(Payload.Id id) {
        Identity.Type t = Identity.Type.fromWire(id.idType());
        return t == null ? "type " + id.idType() : new Identity(t, id.data()).toString();
    }
}
