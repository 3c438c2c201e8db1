package io.sallyport.ike;

import io.sallyport.ike.task.Failure;
import io.sallyport.ike.message.NotifyError;
import io.sallyport.crypto.DhGroup;
import io.sallyport.crypto.IkeKeyDerivation;
import io.sallyport.crypto.KeyExchange;
import io.sallyport.ike.message.Bytes;
import io.sallyport.ike.message.IkeHeader;
import io.sallyport.ike.message.IkeMessage;
import io.sallyport.ike.message.MessageCodec;
import io.sallyport.ike.message.Payload;
import io.sallyport.ike.message.Wire;
import io.sallyport.ike.task.Step;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.sallyport.ike.IkeSession.State;

/**
 * IKE_SA_INIT (CreateIkeLocal/CreateIkeRemote, first half): proposals, KE, nonces, COOKIE and
 * INVALID_KE_PAYLOAD retries, NAT detection payloads, IKE SA key derivation.
 */
final class IkeInit {

    private IkeInit() {
    }

    static IkeSession initiate(Kmd.Env env, PeerConfig peer, long now, List<Action> out) {
        var s = new IkeSession(env, peer, true, new InetSocketAddress(peer.localAddress(), 500),
                new InetSocketAddress(peer.remoteAddress(), 500), now);
        s.spiI = env.newIkeSpi();
        s.proposal = peer.ikeProposals().getFirst();
        s.ke = env.newKeyExchange(s.proposal.group());
        s.ni = env.nonce();
        s.tasks.queue(new Initiator(s));
        s.tasks.queue(new IkeAuth.Initiator(s));
        env.register(s);
        env.trace(out, TraceFlag.IKE, TraceLevel.INFO, "CreateIkeLocal: initiating IKE SA with " + peer.name()
                + " (" + peer.remoteAddress().getHostAddress() + ")");
        s.tasks.startNext(now, out);
        return s;
    }

    /**
     * CreateIkeLocal, first half: the IKE_SA_INIT request, again with a COOKIE or another D-H
     * group when the responder asks for one (each a new IKE_SA_INIT, message ID 0).
     */
    static final class Initiator implements IkeTask {
        private final IkeSession s;
        private byte[] cookie;
        private int invalidKeRetries;

        Initiator(IkeSession s) { this.s = s; }

        @Override
        public String name() { return "CreateIkeLocal"; }

        @Override
        public int exchangeType() { return Wire.IKE_SA_INIT; }

        @Override
        public String describe() { return "IKE_SA_INIT"; }

        @Override
        public boolean runsIn(State state) { return true; }

        @Override
        public Step<List<Payload>> initiate(long now, List<Action> out) {
            return new Step.Send<>(requestPayloads());
        }

        private List<Payload> requestPayloads() {
            List<Payload> p = new ArrayList<>();
            if (cookie != null) {
                p.add(Payload.Notify.of(Wire.N_COOKIE, cookie));
            }
            p.add(Proposals.ikeOffer(s.peer.ikeProposals(), new byte[0]));
            p.add(new Payload.Ke(s.ke.group().number(), s.ke.publicValue()));
            p.add(new Payload.Nonce(s.ni));
            if (s.peer.natTraversal()) {
                p.add(Payload.Notify.of(Wire.N_NAT_DETECTION_SOURCE_IP, NatDetection.hash(s.spiI, 0, s.local)));
                p.add(Payload.Notify.of(Wire.N_NAT_DETECTION_DESTINATION_IP, NatDetection.hash(s.spiI, 0, s.remote)));
            }
            p.add(Payload.Notify.of(Wire.N_IKEV2_FRAGMENTATION_SUPPORTED));
            CertificatePayloads.addToInit(s, p, false);
            return p;
        }

        @Override
        public Step<List<Payload>> process(long now, IkeMessage m, List<Action> out) {
            if (m.header().exchangeType() != Wire.IKE_SA_INIT) {
                return new Step.Drop<>(DropReason.MALFORMED_PAYLOAD);
            }
            var cookieN = m.notify(Wire.N_COOKIE);
            if (cookieN.isPresent() && (cookieN.get().data().length < 1 || cookieN.get().data().length > 64)) {
                // RFC 7296 §3.10.1: 1 to 64 octets. Anyone can send this unprotected answer: keep waiting.
                s.env.trace(out, TraceFlag.IKE, TraceLevel.WARNING, "CreateIkeLocal: ignored a COOKIE of "
                        + cookieN.get().data().length + " octets from " + s.remote);
                return new Step.Drop<>(DropReason.MALFORMED_PAYLOAD);
            }
            s.lastInbound = now;
            Optional<Payload.Notify> err = m.errorNotify();
            if (cookieN.isPresent() && cookie == null) {
                cookie = cookieN.get().data();
                s.env.trace(out, TraceFlag.IKE, TraceLevel.INFO, "CreateIkeLocal: responder asked for a COOKIE, retrying");
                return new Step.Send<>(requestPayloads());
            }
            if (m.error().orElse(null) == NotifyError.Standard.INVALID_KE_PAYLOAD && invalidKeRetries++ < 2) {
                int wanted = Bytes.u16(err.get().data(), 0);
                Optional<DhGroup> g = DhGroup.fromNumber(wanted)
                        .filter(x -> s.peer.ikeProposals().stream().anyMatch(p -> p.group() == x));
                if (g.isPresent()) {
                    s.env.trace(out, TraceFlag.IKE, TraceLevel.INFO, "CreateIkeLocal: INVALID_KE_PAYLOAD, retrying with " + g.get().keyword());
                    s.ke = s.env.newKeyExchange(g.get());
                    return new Step.Send<>(requestPayloads());
                }
            }
            if (m.error().isPresent()) {
                NotifyError e = m.error().get();
                boolean mismatch = e == NotifyError.Standard.NO_PROPOSAL_CHOSEN || e == NotifyError.Standard.INVALID_KE_PAYLOAD;
                return new Step.Failed<>(mismatch ? Failure.of(Failure.Kind.NO_PROPOSAL_CHOSEN, "(peer sent " + e + ")")
                        : Failure.of(Failure.Kind.PEER_ERROR, "(IKE_SA_INIT refused with " + e + ")"), null);
            }
            var sa = m.first(Payload.Sa.class);
            var kePayload = m.first(Payload.Ke.class);
            var nonce = m.first(Payload.Nonce.class);
            if (sa.isEmpty() || kePayload.isEmpty() || nonce.isEmpty() || m.header().spiR() == 0) {
                return new Step.Failed<>(Failure.of(Failure.Kind.MALFORMED, "(IKE_SA_INIT response)"), null);
            }
            Optional<IkeProposal> chosen = Proposals.acceptedIke(sa.get(), s.peer.ikeProposals());
            if (chosen.isEmpty() || chosen.get().group() != s.ke.group() || kePayload.get().group() != s.ke.group().number()) {
                return new Step.Failed<>(Failure.of(Failure.Kind.NO_PROPOSAL_CHOSEN, "(responder chose a proposal we did not offer)"), null);
            }
            Optional<byte[]> shared = s.env.agree(s.ke, kePayload.get().data());
            if (shared.isEmpty()) {
                return new Step.Failed<>(Failure.of(Failure.Kind.INVALID_KEY, "(IKE_SA_INIT response)"), null);
            }
            s.proposal = chosen.get();
            s.spiR = m.header().spiR();
            s.nr = nonce.get().data();
            s.peerFragmentation = m.notify(Wire.N_IKEV2_FRAGMENTATION_SUPPORTED).isPresent();
            CertificatePayloads.learnFromInit(s, m);
            s.deriveIkeKeys(IkeKeyDerivation.skeyseed(s.proposal.prf(), s.ni, s.nr, shared.get()));
            NatDetection.detectNat(s, m, out);
            s.env.trace(out, TraceFlag.IKE, TraceLevel.INFO, "CreateIkeLocal: IKE_SA_INIT done, " + IkeSession.describe(s.proposal)
                    + (s.natLocal || s.natRemote ? ", NAT detected" : ""));
            return new Step.Done<>();
        }
    }

    /** Responder side of IKE_SA_INIT. Returns the new half-open SA, or null when answered statelessly. */
    static IkeSession respond(Kmd.Env env, PeerConfig peer, Datagram d, IkeMessage m, long now, List<Action> out) {
        IkeHeader h = m.header();
        var sa = m.first(Payload.Sa.class);
        var kePayload = m.first(Payload.Ke.class);
        var nonce = m.first(Payload.Nonce.class);
        if (sa.isEmpty() || kePayload.isEmpty() || nonce.isEmpty()) {
            env.refusedInit(now);
            IkeInit.stateless(env, d, h, Payload.Notify.of(NotifyError.Standard.INVALID_SYNTAX), out);
            return null;
        }
        var chosen = Proposals.selectIke(sa.get().proposals(), peer.ikeProposals());
        if (chosen.isEmpty()) {
            env.refusedInit(now);
            env.trace(out, TraceFlag.POLICY_MANAGER, TraceLevel.ERROR, "CreateIkeRemote: proposal mismatch with "
                    + peer.name() + ": no configured IKE proposal matches, sending NO_PROPOSAL_CHOSEN");
            IkeInit.stateless(env, d, h, Payload.Notify.of(NotifyError.Standard.NO_PROPOSAL_CHOSEN), out);
            return null;
        }
        IkeProposal p = chosen.get().ours();
        if (kePayload.get().group() != p.group().number()) {
            env.refusedInit(now);
            env.trace(out, TraceFlag.IKE, TraceLevel.INFO, "CreateIkeRemote: KE group " + kePayload.get().group()
                    + " not the chosen " + p.group().keyword() + ", sending INVALID_KE_PAYLOAD");
            IkeInit.stateless(env, d, h, Payload.Notify.of(Wire.N_INVALID_KE_PAYLOAD,
                    new byte[] {(byte) (p.group().number() >> 8), (byte) p.group().number()}), out);
            return null;
        }
        // Checked before any DH work of ours (RFC 6989 §2.1): a bad value is refused for the price of a comparison.
        if (!KeyExchange.isValidPeerValue(p.group(), kePayload.get().data())) {
            env.refusedInit(now);
            env.count(DropReason.INVALID_KE);
            env.trace(out, TraceFlag.IKE, TraceLevel.WARNING, "CreateIkeRemote: invalid " + p.group().keyword()
                    + " KE value from " + d.remote() + ", sending INVALID_SYNTAX");
            IkeInit.stateless(env, d, h, Payload.Notify.of(NotifyError.Standard.INVALID_SYNTAX), out);
            return null;
        }
        if (env.cookieRequired(now)) {
            byte[] expected = env.cookies().make(nonce.get().data(), d.remote(), h.spiI(), now);
            var offered = m.notify(Wire.N_COOKIE);
            if (offered.isEmpty() || !env.cookies().accepts(offered.get().data(), nonce.get().data(), d.remote(), h.spiI(), now)) {
                env.trace(out, TraceFlag.IKE, TraceLevel.NOTICE, "CreateIkeRemote: too many half-open SAs or refused requests, demanding a COOKIE");
                IkeInit.stateless(env, d, h, Payload.Notify.of(Wire.N_COOKIE, expected), out);
                return null;
            }
        }
        if (!env.halfOpenAllowed(d.remote().getAddress())) {
            env.count(DropReason.HALF_OPEN_LIMIT);
            env.trace(out, TraceFlag.IKE, TraceLevel.WARNING, "CreateIkeRemote: too many half-open IKE SAs, dropping IKE_SA_INIT from " + d.remote());
            return null;
        }
        var s = new IkeSession(env, peer, false, d.local(), d.remote(), now);
        s.onNatPort = d.nonEspMarker();
        s.spiI = h.spiI();
        s.spiR = env.newIkeSpi();
        s.proposal = p;
        s.ke = env.responderKeyExchange(p.group(), now);
        s.peerKe = kePayload.get().data();
        s.ni = nonce.get().data();
        s.nr = env.nonce();
        s.initRequest = d.payload();
        s.peerFragmentation = m.notify(Wire.N_IKEV2_FRAGMENTATION_SUPPORTED).isPresent();
        CertificatePayloads.learnFromInit(s, m);
        boolean natd = peer.natTraversal() && m.notify(Wire.N_NAT_DETECTION_SOURCE_IP).isPresent();
        if (natd) {
            NatDetection.detectNat(s, m, out);
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
        CertificatePayloads.addToInit(s, resp, true);
        IkeHeader rh = new IkeHeader(s.spiI, s.spiR, 0, Wire.IKE_SA_INIT, Wire.FLAG_RESPONSE, 0, 0);
        s.initResponse = MessageCodec.encode(rh, resp);
        s.statistics.received(Wire.IKE_SA_INIT, m.payloads());
        s.tasks.answeredWith(0, d.payload(), List.of(s.initResponse));
        s.send(out, List.of(s.initResponse));
        env.register(s);
        env.trace(out, TraceFlag.IKE, TraceLevel.INFO, "CreateIkeRemote: IKE_SA_INIT from " + d.remote() + " for "
                + peer.name() + ", " + IkeSession.describe(p) + (s.natLocal || s.natRemote ? ", NAT detected" : ""));
        return s;
    }

    /**
     * The responder's IKE SA keys, derived when the first message after IKE_SA_INIT arrives: the
     * initiator has shown it receives at its address, so the DH work is no longer free to
     * provoke. Returns false when the peer's value fails the subgroup check.
     */
    static boolean deriveResponderKeys(IkeSession s) {
        Optional<byte[]> shared = s.env.agree(s.ke, s.peerKe);
        s.peerKe = null;
        if (shared.isEmpty()) {
            return false;
        }
        s.deriveIkeKeys(IkeKeyDerivation.skeyseed(s.proposal.prf(), s.ni, s.nr, shared.get()));
        return true;
    }

    static void stateless(Kmd.Env env, Datagram d, IkeHeader h, Payload.Notify n, List<Action> out) {
        IkeHeader rh = new IkeHeader(h.spiI(), 0, 0, Wire.IKE_SA_INIT, Wire.FLAG_RESPONSE, 0, 0);
        out.add(new Action.Send(new Datagram(d.local(), d.remote(), MessageCodec.encode(rh, List.of(n)), d.nonEspMarker())));
    }
}
