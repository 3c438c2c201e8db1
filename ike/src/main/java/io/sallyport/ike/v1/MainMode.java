package io.sallyport.ike.v1;

import io.sallyport.crypto.KeyExchange;
import io.sallyport.ike.Action;
import io.sallyport.ike.DropReason;
import io.sallyport.ike.Identity;
import io.sallyport.ike.TraceFlag;
import io.sallyport.ike.TraceLevel;
import io.sallyport.ike.message.Bytes;
import io.sallyport.ike.task.Failure;
import io.sallyport.ike.task.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Main mode with identity protection (RFC 2409 §5): SA, then KE and nonces (with NAT-D, RFC 3947
 * §3.2), then encrypted identities and HASH_I/HASH_R. The responder found the peer, and so the
 * pre-shared key, by the initiator's address before any of this. One object per exchange, for
 * either role; its state is private.
 */
final class MainMode implements V1TaskManager.V1Task {

    private enum Expect { SA, KE, AUTH, DONE }

    private final IsakmpSa sa;
    private final PhaseOneAuth auth;
    private Expect expect;
    private byte[] saiB;
    private KeyExchange ke;
    private byte[] ni;
    private byte[] nr;
    private byte[] gxi;
    private byte[] gxr;

    private MainMode(IsakmpSa sa, PhaseOneAuth auth, Expect expect) {
        this.sa = sa;
        this.auth = auth;
        this.expect = expect;
    }

    static MainMode initiator(IsakmpSa sa, PhaseOneAuth auth) { return new MainMode(sa, auth, Expect.SA); }

    static MainMode responder(IsakmpSa sa, PhaseOneAuth auth) { return new MainMode(sa, auth, Expect.SA); }

    @Override
    public int messageId() { return 0; }

    @Override
    public String name() { return sa.initiator ? "MainModeLocal" : "MainModeRemote"; }

    @Override
    public Step<byte[]> initiate(long now, List<Action> out) {
        V1Payload.Sa offer = V1Proposals.ikeOffer(sa.peer.ikeProposals(), auth.method());
        saiB = V1Codec.body(offer);
        List<V1Payload> p = new ArrayList<>();
        p.add(offer);
        p.addAll(VendorIds.ours(sa.peer.natTraversal()));
        sa.engine.trace(out, TraceFlag.IKE, TraceLevel.INFO, name() + ": main mode to " + sa.remote);
        return new Step.Send<>(sa.plain(Isakmp.EXCH_MAIN, 0, p));
    }

    @Override
    public Step<byte[]> process(long now, V1Message m, List<Action> out) {
        if (m.header().exchange() != Isakmp.EXCH_MAIN) {
            return new Step.Drop<>(DropReason.UNEXPECTED_EXCHANGE);
        }
        return sa.initiator ? initiatorStep(now, m, out) : responderStep(now, m, out);
    }

    // ---------------------------------------------------------------- initiator

    private Step<byte[]> initiatorStep(long now, V1Message m, List<Action> out) {
        switch (expect) {
            case SA -> {
                Optional<V1Payload.Sa> answer = m.first(V1Payload.Sa.class);
                if (answer.isEmpty() || m.header().encrypted()) {
                    return new Step.Drop<>(DropReason.MALFORMED_PAYLOAD);
                }
                var chosen = V1Proposals.checkIkeAnswer(answer.get(), sa.peer.ikeProposals(), auth.method());
                if (chosen.isEmpty()) {
                    return new Step.Failed<>(Failure.of(Failure.Kind.NO_PROPOSAL_CHOSEN, "the responder chose a transform we did not offer"), null);
                }
                sa.ckyR = m.header().ckyR();
                sa.adopt(chosen.get());
                sa.natT = sa.peer.natTraversal() ? VendorIds.natT(m) : VendorIds.NatT.NONE;
                sa.peerDpd = VendorIds.dpd(m);
                ke = sa.engine.newKeyExchange(sa.proposal.group());
                gxi = ke.publicValue();
                ni = sa.engine.nonce();
                expect = Expect.KE;
                List<V1Payload> p = new ArrayList<>(List.of(new V1Payload.Ke(gxi), new V1Payload.Nonce(ni)));
                p.addAll(auth.certificateRequests());
                p.addAll(NatDiscovery.payloads(sa));
                return new Step.Send<>(sa.plain(Isakmp.EXCH_MAIN, 0, p));
            }
            case KE -> {
                Optional<V1Payload.Ke> k = m.first(V1Payload.Ke.class);
                Optional<V1Payload.Nonce> n = m.first(V1Payload.Nonce.class);
                if (k.isEmpty() || n.isEmpty() || m.header().encrypted()) {
                    return new Step.Drop<>(DropReason.MALFORMED_PAYLOAD);
                }
                Optional<byte[]> gxy = sa.engine.agree(ke, k.get().data());
                if (gxy.isEmpty()) {
                    return new Step.Failed<>(Failure.of(Failure.Kind.INVALID_KEY, "the responder's KE is not a valid "
                            + sa.proposal.group().keyword() + " value"), null);
                }
                nr = n.get().data();
                gxr = k.get().data();
                sa.deriveKeys(auth, gxy.get(), ni, nr, gxi, gxr);
                NatDiscovery.detect(sa, m, name(), out);
                expect = Expect.AUTH;
                V1Payload.Id idii = idPayload(sa.peer.localId());
                byte[] hashI = sa.prfSkeyid(gxi, gxr, Bytes.of64(sa.ckyI), Bytes.of64(sa.ckyR), saiB, V1Codec.body(idii));
                List<V1Payload> p = new ArrayList<>(List.of(idii));
                p.addAll(auth.prove(hashI));
                if (sa.initialContact) {
                    p.add(new V1Payload.Notify(Isakmp.DOI_IPSEC, Isakmp.PROTO_ISAKMP, sa.cookies(), Isakmp.N_INITIAL_CONTACT, new byte[0]));
                }
                return new Step.Send<>(sa.encrypted(Isakmp.EXCH_MAIN, 0, p));
            }
            case AUTH -> {
                if (!m.header().encrypted()) {
                    return new Step.Drop<>(DropReason.UNEXPECTED_EXCHANGE);
                }
                Optional<V1Payload.Id> id = m.first(V1Payload.Id.class);
                if (id.isEmpty()) {
                    return new Step.Drop<>(DropReason.MALFORMED_PAYLOAD);
                }
                Optional<Step<byte[]>> refused = verifyPeer(m, id.get(), false, out);
                if (refused.isPresent()) {
                    return refused.get();
                }
                expect = Expect.DONE;
                sa.establish(now, out);
                return new Step.Done<>();
            }
            case DONE -> {
                return new Step.Drop<>(DropReason.UNEXPECTED_EXCHANGE);
            }
        }
        throw new IllegalStateException();
    }

    // ---------------------------------------------------------------- responder

    private Step<byte[]> responderStep(long now, V1Message m, List<Action> out) {
        switch (expect) {
            case SA -> {
                Optional<V1Payload.Sa> offer = m.first(V1Payload.Sa.class);
                if (offer.isEmpty() || m.header().encrypted()) {
                    return new Step.Drop<>(DropReason.MALFORMED_PAYLOAD);
                }
                var chosen = V1Proposals.selectIke(offer.get(), sa.peer.ikeProposals(), auth.method());
                if (chosen.isEmpty()) {
                    return new Step.Failed<>(Failure.of(Failure.Kind.NO_PROPOSAL_CHOSEN, "no configured IKE proposal matches the offer of "
                            + sa.remote.getAddress().getHostAddress()), plainNotify(Isakmp.N_NO_PROPOSAL_CHOSEN));
                }
                saiB = m.body(V1Payload.Sa.class).get();
                sa.adopt(chosen.get());
                sa.natT = sa.peer.natTraversal() ? VendorIds.natT(m) : VendorIds.NatT.NONE;
                sa.peerDpd = VendorIds.dpd(m);
                expect = Expect.KE;
                List<V1Payload> p = new ArrayList<>();
                p.add(V1Proposals.ikeAnswer(chosen.get()));
                p.addAll(VendorIds.answer(sa.natT));
                return new Step.Send<>(sa.plain(Isakmp.EXCH_MAIN, 0, p));
            }
            case KE -> {
                Optional<V1Payload.Ke> k = m.first(V1Payload.Ke.class);
                Optional<V1Payload.Nonce> n = m.first(V1Payload.Nonce.class);
                if (k.isEmpty() || n.isEmpty() || m.header().encrypted()) {
                    return new Step.Drop<>(DropReason.MALFORMED_PAYLOAD);
                }
                Optional<byte[]> gxy = Optional.empty();
                if (KeyExchange.isValidPeerValue(sa.proposal.group(), k.get().data())) {
                    ke = sa.engine.newKeyExchange(sa.proposal.group());
                    gxy = sa.engine.agree(ke, k.get().data());
                }
                if (gxy.isEmpty()) {
                    return new Step.Failed<>(Failure.of(Failure.Kind.INVALID_KEY, "the initiator's KE is not a valid "
                            + sa.proposal.group().keyword() + " value"), plainNotify(Isakmp.N_INVALID_KEY_INFORMATION));
                }
                ni = n.get().data();
                nr = sa.engine.nonce();
                gxi = k.get().data();
                gxr = ke.publicValue();
                sa.deriveKeys(auth, gxy.get(), ni, nr, gxi, gxr);
                NatDiscovery.detect(sa, m, name(), out);
                expect = Expect.AUTH;
                List<V1Payload> p = new ArrayList<>(List.of(new V1Payload.Ke(gxr), new V1Payload.Nonce(nr)));
                p.addAll(auth.certificateRequests());
                p.addAll(NatDiscovery.payloads(sa));
                return new Step.Send<>(sa.plain(Isakmp.EXCH_MAIN, 0, p));
            }
            case AUTH -> {
                if (!m.header().encrypted()) {
                    return new Step.Drop<>(DropReason.UNEXPECTED_EXCHANGE);
                }
                Optional<V1Payload.Id> id = m.first(V1Payload.Id.class);
                if (id.isEmpty()) {
                    // A wrong pre-shared key decrypts to garbage: this is where it shows.
                    return new Step.Drop<>(DropReason.INTEGRITY_FAILED);
                }
                Optional<Step<byte[]>> refused = verifyPeer(m, id.get(), true, out);
                if (refused.isPresent()) {
                    return refused.get();
                }
                boolean initialContact = m.all(V1Payload.Notify.class).stream().anyMatch(x -> x.notifyType() == Isakmp.N_INITIAL_CONTACT);
                V1Payload.Id idir = idPayload(sa.peer.localId());
                byte[] hashR = sa.prfSkeyid(gxr, gxi, Bytes.of64(sa.ckyR), Bytes.of64(sa.ckyI), saiB, V1Codec.body(idir));
                List<V1Payload> p = new ArrayList<>(List.of(idir));
                p.addAll(auth.prove(hashR));
                byte[] msg6 = sa.encrypted(Isakmp.EXCH_MAIN, 0, p);
                expect = Expect.DONE;
                sa.peerInitialContact = initialContact;
                sa.establish(now, out);
                if (initialContact) {
                    sa.engine.initialContact(sa, now, out);
                }
                return new Step.SendLast<>(msg6);
            }
            case DONE -> {
                return new Step.Drop<>(DropReason.UNEXPECTED_EXCHANGE);
            }
        }
        throw new IllegalStateException();
    }

    // ---------------------------------------------------------------- shared

    private byte[] plainNotify(int type) { return plainNotify(sa, type); }

    /** An unprotected error notify during phase 1 (no keys yet). */
    static byte[] plainNotify(IsakmpSa sa, int type) {
        V1Payload.Notify n = new V1Payload.Notify(Isakmp.DOI_IPSEC, Isakmp.PROTO_ISAKMP, sa.cookies(), type, new byte[0]);
        return sa.plain(Isakmp.EXCH_INFORMATIONAL, sa.engine.random().nextInt(), List.of(n));
    }

    static V1Payload.Id idPayload(Identity id) {
        return new V1Payload.Id(id.type().wire(), 0, 0, id.data());
    }

    /** Whether the peer's phase-1 identity is the configured remote ID (any when none is configured). */
    static boolean acceptable(IsakmpSa sa, V1Payload.Id id) {
        return sa.peer.remoteId() == null || sa.peer.remoteId().matches(id.idType(), id.data());
    }

    /**
     * RFC 2409 §5: the peer's HASH_I (it initiated) or HASH_R over its ID payload's body, proven
     * by a HASH payload or a signature, then its identity against the configuration. Empty when
     * both hold; else the step that ends here.
     */
    private Optional<Step<byte[]>> verifyPeer(V1Message m, V1Payload.Id id, boolean peerInitiated, List<Action> out) {
        byte[] idBody = m.body(V1Payload.Id.class).get();
        byte[] expected = peerInitiated
                ? sa.prfSkeyid(gxi, gxr, Bytes.of64(sa.ckyI), Bytes.of64(sa.ckyR), saiB, idBody)
                : sa.prfSkeyid(gxr, gxi, Bytes.of64(sa.ckyR), Bytes.of64(sa.ckyI), saiB, idBody);
        Optional<PhaseOneAuth.Refusal> refusal = auth.verify(m, id, expected);
        if (refusal.isPresent()) {
            return Optional.of(refuse(sa, refusal.get(), out));
        }
        if (!acceptable(id)) {
            return Optional.of(new Step.Failed<>(Failure.of(Failure.Kind.INVALID_ID, "peer authenticated as " + text(id)
                    + ", expected " + sa.peer.remoteId()), null));
        }
        sa.peerIdentity = identity(id);
        return Optional.empty();
    }

    private boolean acceptable(V1Payload.Id id) { return acceptable(sa, id); }

    /**
     * A peer whose proof was refused: a silent refusal (a wrong pre-shared key) is dropped like
     * garbage; a refused certificate or signature ends phase 1 with the reason, and the peer
     * hears AUTHENTICATION-FAILED and a Delete of the ISAKMP SA under the phase-1 keys.
     */
    static Step<byte[]> refuse(IsakmpSa sa, PhaseOneAuth.Refusal r, List<Action> out) {
        if (r.silent()) {
            return new Step.Drop<>(DropReason.INTEGRITY_FAILED);
        }
        sa.sendInformational(List.of(new V1Payload.Notify(Isakmp.DOI_IPSEC, Isakmp.PROTO_ISAKMP, sa.cookies(),
                Isakmp.N_AUTHENTICATION_FAILED, new byte[0])), out);
        // A Delete of its own: strongSwan only logs an IKEv1 error notify (and skips the rest of that
        // message), keeping an SA it already holds as established.
        sa.sendInformational(List.of(new V1Payload.Delete(Isakmp.DOI_IPSEC, Isakmp.PROTO_ISAKMP, 16, List.of(sa.cookies()))), out);
        return new Step.Failed<>(Failure.of(Failure.Kind.AUTHENTICATION_FAILED, r.words()), null);
    }

    /** The identity an ID payload names; null for an ID type Sallyport does not know. */
    static Identity identity(V1Payload.Id id) {
        Identity.Type t = Identity.Type.fromWire(id.idType());
        return t == null ? null : new Identity(t, id.data());
    }

    static String text(V1Payload.Id id) {
        Identity.Type t = Identity.Type.fromWire(id.idType());
        return t == null ? "ID type " + id.idType() : new Identity(t, id.data()).toString();
    }
}
