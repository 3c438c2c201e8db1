package io.sallyport.ike;

import io.sallyport.ike.task.Failure;
import io.sallyport.ike.message.NotifyError;
import io.sallyport.crypto.Prf;
import io.sallyport.ike.message.Bytes;
import io.sallyport.ike.message.IkeMessage;
import io.sallyport.ike.message.Payload;
import io.sallyport.ike.message.Wire;
import io.sallyport.ike.task.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.sallyport.ike.IkeSession.State;

/**
 * IKE_AUTH: identities, AUTH through the {@link Authenticator}, the first child SA.
 */
final class IkeAuth {

    private IkeAuth() {
    }

    /** CreateIkeLocal, second half: our identity and AUTH, the first child SA; the responder's AUTH checked. */
    static final class Initiator implements IkeTask {
        private final IkeSession s;
        private int newChildSpi;

        Initiator(IkeSession s) { this.s = s; }

        @Override
        public String name() { return "CreateIkeLocal"; }

        @Override
        public int exchangeType() { return Wire.IKE_AUTH; }

        @Override
        public String describe() { return "IKE_AUTH"; }

        @Override
        public boolean runsIn(State state) { return true; }

        @Override
        public Step<List<Payload>> initiate(long now, List<Action> out) {
            List<Payload> pl = new ArrayList<>();
            Payload.Id idi = IkeAuth.idPayload(Wire.IDI, s.peer.localId());
            pl.add(idi);
            CertificatePayloads.addToAuth(s, pl, true);
            if (!s.env.hasOtherSaWith(s.remote, s)) {
                // Only when this is our sole SA with the peer: otherwise the peer would forget SAs we still use.
                pl.add(Payload.Notify.of(Wire.N_INITIAL_CONTACT));
            }
            byte[] octets = Bytes.concat(s.initRequest, s.nr, new Prf(s.proposal.prf()).prf(s.keys.skPi(), idi.body()));
            pl.add(auth(s, octets));
            newChildSpi = s.env.newChildSpi();
            pl.add(Proposals.childOffer(s.peer.childProposals(), newChildSpi, true));
            pl.add(new Payload.Ts(Wire.TSI, s.peer.localSelectors()));
            pl.add(new Payload.Ts(Wire.TSR, s.peer.remoteSelectors()));
            return new Step.Send<>(pl);
        }

        @Override
        public Step<List<Payload>> process(long now, IkeMessage m, List<Action> out) {
            Optional<NotifyError> err = m.error();
            if (err.isPresent() && err.get() == NotifyError.Standard.AUTHENTICATION_FAILED) {
                return new Step.Failed<>(Failure.of(Failure.Kind.AUTHENTICATION_FAILED, "(peer sent " + err.get() + ")"), null);
            }
            var idr = m.id(Wire.IDR);
            var auth = m.first(Payload.Auth.class);
            if (idr.isEmpty() || auth.isEmpty()) {
                return new Step.Failed<>(err.map(e -> Failure.of(Failure.Kind.PEER_ERROR, "(IKE_AUTH refused with " + e + ")"))
                        .orElse(Failure.of(Failure.Kind.MALFORMED, "(IKE_AUTH response)")), null);
            }
            boolean idOk = s.peer.remoteId() == null || s.peer.remoteId().matches(idr.get().idType(), idr.get().data());
            byte[] octets = Bytes.concat(s.initResponse, s.ni, new Prf(s.proposal.prf()).prf(s.keys.skPr(), idr.get().body()));
            Optional<String> refused = idOk ? check(s, m, idr.get(), auth.get(), octets) : Optional.of("responder identity "
                    + IkeSession.identityText(idr.get()) + " is not the configured " + s.peer.remoteId());
            if (refused.isPresent()) {
                // RFC 7296 §2.21.2: the responder already holds an established SA; tell it, once, then forget ours.
                return new Step.Failed<>(Failure.of(Failure.Kind.AUTHENTICATION_FAILED, refused.get()),
                        List.of(Payload.Notify.of(NotifyError.Standard.AUTHENTICATION_FAILED)));
            }
            s.establish(now, out);
            if (err.isPresent()) {
                Failure why = switch (err.get()) {
                    case NotifyError.Standard.TS_UNACCEPTABLE -> Failure.of(Failure.Kind.TS_UNACCEPTABLE);
                    case NotifyError.Standard.NO_PROPOSAL_CHOSEN -> Failure.of(Failure.Kind.NO_PROPOSAL_CHOSEN, "(child SA)");
                    default -> Failure.of(Failure.Kind.PEER_ERROR, "(child SA refused with " + err.get() + ")");
                };
                // RFC 7296 §1.2, §2.21: the child failed, not the IKE SA, which stays (strongSwan keeps it too,
                // close_ike_on_child_failure off); the child is asked for again as the term's establish mode says.
                s.env.trace(out, TraceFlag.POLICY_MANAGER, TraceLevel.ERROR, "CreateChildLocal: " + why.words() + ", IKE SA kept");
                s.childRefused(now, s.peer, why.words(), out);
                return new Step.Done<>();
            }
            if (ChildCreate.acceptChild(s, s.peer, now, m, newChildSpi, s.ni, s.nr, null, null, true, out).isEmpty()) {
                s.tasks.queueFirst(new Informational.DeleteIke(s, Failure.of(Failure.Kind.NO_PROPOSAL_CHOSEN, "(child SA response)")));
            }
            return new Step.Done<>();
        }
    }

    private static Payload.Auth auth(IkeSession s, byte[] octets) {
        Authenticator.AuthData a = s.peer.authenticator().sign(s.proposal.prf(), octets, s.peerSignatureHashes);
        return new Payload.Auth(a.method(), a.data());
    }

    /** Empty when the peer's AUTH verifies for the ID and certificates it sent, else why not. */
    private static Optional<String> check(IkeSession s, IkeMessage m, Payload.Id id, Payload.Auth auth, byte[] octets) {
        return s.peer.authenticator().check(s.proposal.prf(), octets, new Authenticator.AuthData(auth.method(), auth.data()),
                CertificatePayloads.proof(m, id));
    }

    static Payload.Id idPayload(int type, Identity id) {
        return new Payload.Id(type, id.type().wire(), id.data());
    }

    /** CreateIkeRemote, second half: authenticate the initiator and build the first child. */
    static final class Responder extends IkeResponder {
        Responder(IkeSession s) { super(s, "CreateIkeRemote", Wire.IKE_AUTH); }

        @Override
        List<Payload> respond(long now, IkeMessage m, List<Action> out) {
            return processAuthRequest(this, s, now, m, out);
        }
    }

    private static List<Payload> processAuthRequest(Responder r, IkeSession s, long now, IkeMessage m, List<Action> out) {
        var idi = m.id(Wire.IDI);
        var auth = m.first(Payload.Auth.class);
        if (idi.isEmpty() || auth.isEmpty()) {
            return List.of(Payload.Notify.of(NotifyError.Standard.INVALID_SYNTAX));
        }
        boolean idOk = s.peer.remoteId() == null || s.peer.remoteId().matches(idi.get().idType(), idi.get().data());
        byte[] octets = Bytes.concat(s.initRequest, s.nr, new Prf(s.proposal.prf()).prf(s.keys.skPi(), idi.get().body()));
        Optional<String> refused = idOk ? check(s, m, idi.get(), auth.get(), octets) : Optional.of("peer identity "
                + IkeSession.identityText(idi.get()) + " is not the configured " + s.peer.remoteId());
        if (refused.isPresent()) {
            String why = refused.get();
            s.env.trace(out, TraceFlag.IKE, TraceLevel.ERROR, "CreateIkeRemote: authentication failed for " + s.peer.name() + ": " + why);
            r.endAfterResponse(Failure.of(Failure.Kind.AUTHENTICATION_FAILED, why));
            return List.of(Payload.Notify.of(NotifyError.Standard.AUTHENTICATION_FAILED));
        }
        List<Payload> resp = new ArrayList<>();
        Payload.Id idr = IkeAuth.idPayload(Wire.IDR, s.peer.localId());
        resp.add(idr);
        CertificatePayloads.addToAuth(s, resp, false);
        byte[] ours = Bytes.concat(s.initResponse, s.ni, new Prf(s.proposal.prf()).prf(s.keys.skPr(), idr.body()));
        resp.add(auth(s, ours));
        s.env.authenticatedAs(s, new Identity(Identity.Type.fromWire(idi.get().idType()), idi.get().data()));
        if (m.notify(Wire.N_INITIAL_CONTACT).isPresent()) {
            // RFC 7296 §2.4: the peer has no other SA with us; whatever we still hold is stale.
            for (IkeSession other : s.env.staleOnInitialContact(s)) {
                if (other != s && other.state == State.ESTABLISHED) {
                    other.end(out, Failure.of(Failure.Kind.DELETED_BY_PEER, "(stale: peer sent INITIAL_CONTACT)"));
                }
            }
        }
        s.establish(now, out);
        resp.addAll(ChildCreate.respondChild(s, ChildCreate.termFor(s, m).orElse(null), now, m, s.ni, s.nr, null, true, null, out).payloads());
        return resp;
    }
}
