package io.sallyport.ike.v1;

import io.sallyport.crypto.KeyExchange;
import io.sallyport.ike.Action;
import io.sallyport.ike.DropReason;
import io.sallyport.ike.IkeProposal;
import io.sallyport.ike.TraceFlag;
import io.sallyport.ike.TraceLevel;
import io.sallyport.ike.message.Bytes;
import io.sallyport.ike.task.Failure;
import io.sallyport.ike.task.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Aggressive mode (RFC 2409 §5.4): SA, KE, Ni and IDii at once; then SA, KE, Nr, IDir and HASH_R
 * (with NAT-D); then HASH_I (with NAT-D, RFC 3947 §3.2), which we send encrypted and accept either
 * way. With signatures CERT and SIG_R/SIG_I take the HASH payloads' place, and CERT_REQ goes
 * with the first two messages. Identities travel in clear, and every offered proposal must use the one DH group of the
 * KE payload. The responder found the peer, and so the key, by the initiator's address.
 */
final class AggressiveMode implements V1TaskManager.V1Task {

    private enum Expect { FIRST, SECOND, THIRD, DONE }

    private final IsakmpSa sa;
    private final PhaseOneAuth auth;
    private Expect expect;
    private byte[] saiB;
    private KeyExchange ke;
    private byte[] ni;
    private byte[] nr;
    private byte[] gxi;
    private byte[] gxr;
    private byte[] idiiB;
    private V1Payload.Id idii;

    private AggressiveMode(IsakmpSa sa, PhaseOneAuth auth, Expect expect) {
        this.sa = sa;
        this.auth = auth;
        this.expect = expect;
    }

    static AggressiveMode initiator(IsakmpSa sa, PhaseOneAuth auth) { return new AggressiveMode(sa, auth, Expect.SECOND); }

    static AggressiveMode responder(IsakmpSa sa, PhaseOneAuth auth) { return new AggressiveMode(sa, auth, Expect.FIRST); }

    @Override
    public int messageId() { return 0; }

    @Override
    public String name() { return sa.initiator ? "AggressiveModeLocal" : "AggressiveModeRemote"; }

    @Override
    public Step<byte[]> initiate(long now, List<Action> out) {
        var group = sa.peer.ikeProposals().getFirst().group();
        List<IkeProposal> sameGroup = sa.peer.ikeProposals().stream().filter(p -> p.group() == group).toList();
        V1Payload.Sa offer = V1Proposals.ikeOffer(sameGroup, auth.method());
        saiB = V1Codec.body(offer);
        ke = sa.engine.newKeyExchange(group);
        gxi = ke.publicValue();
        ni = sa.engine.nonce();
        V1Payload.Id idii = MainMode.idPayload(sa.peer.localId());
        idiiB = V1Codec.body(idii);
        List<V1Payload> p = new ArrayList<>(List.of(offer, new V1Payload.Ke(gxi), new V1Payload.Nonce(ni), idii));
        p.addAll(auth.certificateRequests());
        p.addAll(VendorIds.ours(sa.peer.natTraversal()));
        sa.engine.trace(out, TraceFlag.IKE, TraceLevel.INFO, name() + ": aggressive mode to " + sa.remote);
        return new Step.Send<>(sa.plain(Isakmp.EXCH_AGGRESSIVE, 0, p));
    }

    @Override
    public Step<byte[]> process(long now, V1Message m, List<Action> out) {
        if (m.header().exchange() != Isakmp.EXCH_AGGRESSIVE) {
            return new Step.Drop<>(DropReason.UNEXPECTED_EXCHANGE);
        }
        return switch (expect) {
            case FIRST -> first(m, out);
            case SECOND -> second(now, m, out);
            case THIRD -> third(now, m, out);
            case DONE -> new Step.Drop<>(DropReason.UNEXPECTED_EXCHANGE);
        };
    }

    /** Responder: the initiator's offer, key exchange and identity. */
    private Step<byte[]> first(V1Message m, List<Action> out) {
        Optional<V1Payload.Sa> offer = m.first(V1Payload.Sa.class);
        Optional<V1Payload.Ke> k = m.first(V1Payload.Ke.class);
        Optional<V1Payload.Nonce> n = m.first(V1Payload.Nonce.class);
        Optional<V1Payload.Id> id = m.first(V1Payload.Id.class);
        if (offer.isEmpty() || k.isEmpty() || n.isEmpty() || id.isEmpty() || m.header().encrypted()) {
            return new Step.Drop<>(DropReason.MALFORMED_PAYLOAD);
        }
        var chosen = V1Proposals.selectIke(offer.get(), sa.peer.ikeProposals(), auth.method());
        if (chosen.isEmpty()) {
            return new Step.Failed<>(Failure.of(Failure.Kind.NO_PROPOSAL_CHOSEN, "no configured IKE proposal matches the offer of "
                    + sa.remote.getAddress().getHostAddress()), MainMode.plainNotify(sa, Isakmp.N_NO_PROPOSAL_CHOSEN));
        }
        if (!MainMode.acceptable(sa, id.get())) {
            return new Step.Failed<>(Failure.of(Failure.Kind.INVALID_ID, "peer named itself " + MainMode.text(id.get())
                    + ", expected " + sa.peer.remoteId()), MainMode.plainNotify(sa, Isakmp.N_INVALID_ID_INFORMATION));
        }
        sa.adopt(chosen.get());
        sa.natT = sa.peer.natTraversal() ? VendorIds.natT(m) : VendorIds.NatT.NONE;
        sa.peerDpd = VendorIds.dpd(m);
        // The cheap checks of the peer's value first: a spoofed message 1 with a bad KE costs no DH.
        Optional<byte[]> gxy = Optional.empty();
        if (KeyExchange.isValidPeerValue(sa.proposal.group(), k.get().data())) {
            ke = sa.engine.newKeyExchange(sa.proposal.group());
            gxy = sa.engine.agree(ke, k.get().data());
        }
        if (gxy.isEmpty()) {
            return new Step.Failed<>(Failure.of(Failure.Kind.INVALID_KEY, "the initiator's KE is not a valid "
                    + sa.proposal.group().keyword() + " value"), MainMode.plainNotify(sa, Isakmp.N_INVALID_KEY_INFORMATION));
        }
        saiB = m.body(V1Payload.Sa.class).get();
        idiiB = m.body(V1Payload.Id.class).get();
        idii = id.get();
        ni = n.get().data();
        nr = sa.engine.nonce();
        gxi = k.get().data();
        gxr = ke.publicValue();
        sa.deriveKeys(auth, gxy.get(), ni, nr, gxi, gxr);
        V1Payload.Id idir = MainMode.idPayload(sa.peer.localId());
        byte[] hashR = sa.prfSkeyid(gxr, gxi, Bytes.of64(sa.ckyR), Bytes.of64(sa.ckyI), saiB, V1Codec.body(idir));
        List<V1Payload> p = new ArrayList<>(List.of(V1Proposals.ikeAnswer(chosen.get()), new V1Payload.Ke(gxr),
                new V1Payload.Nonce(nr), idir));
        p.addAll(auth.prove(hashR));
        p.addAll(auth.certificateRequests());
        p.addAll(VendorIds.answer(sa.natT));
        p.addAll(NatDiscovery.payloads(sa));
        expect = Expect.THIRD;
        return new Step.Send<>(sa.plain(Isakmp.EXCH_AGGRESSIVE, 0, p));
    }

    /** Initiator: the responder's answer, authenticated by HASH_R; HASH_I finishes it. */
    private Step<byte[]> second(long now, V1Message m, List<Action> out) {
        Optional<V1Payload.Sa> answer = m.first(V1Payload.Sa.class);
        Optional<V1Payload.Ke> k = m.first(V1Payload.Ke.class);
        Optional<V1Payload.Nonce> n = m.first(V1Payload.Nonce.class);
        Optional<V1Payload.Id> id = m.first(V1Payload.Id.class);
        if (answer.isEmpty() || k.isEmpty() || n.isEmpty() || id.isEmpty() || m.header().encrypted()) {
            return new Step.Drop<>(DropReason.MALFORMED_PAYLOAD);
        }
        var chosen = V1Proposals.checkIkeAnswer(answer.get(), sa.peer.ikeProposals(), auth.method());
        if (chosen.isEmpty() || chosen.get().proposal().group() != ke.group()) {
            return new Step.Failed<>(Failure.of(Failure.Kind.NO_PROPOSAL_CHOSEN, "the responder chose a transform we did not offer"), null);
        }
        Optional<byte[]> gxy = sa.engine.agree(ke, k.get().data());
        if (gxy.isEmpty()) {
            return new Step.Failed<>(Failure.of(Failure.Kind.INVALID_KEY, "the responder's KE is not a valid "
                    + ke.group().keyword() + " value"), null);
        }
        sa.ckyR = m.header().ckyR();
        sa.adopt(chosen.get());
        sa.natT = sa.peer.natTraversal() ? VendorIds.natT(m) : VendorIds.NatT.NONE;
        sa.peerDpd = VendorIds.dpd(m);
        nr = n.get().data();
        gxr = k.get().data();
        sa.deriveKeys(auth, gxy.get(), ni, nr, gxi, gxr);
        byte[] hashR = sa.prfSkeyid(gxr, gxi, Bytes.of64(sa.ckyR), Bytes.of64(sa.ckyI), saiB, m.body(V1Payload.Id.class).get());
        Optional<PhaseOneAuth.Refusal> refusal = auth.verify(m, id.get(), hashR);
        if (refusal.isPresent() && refusal.get().silent()) {
            return new Step.Failed<>(Failure.of(Failure.Kind.AUTHENTICATION_FAILED, "HASH_R of " + sa.remote.getAddress().getHostAddress()
                    + " does not verify (pre-shared key mismatch?)"), null);
        }
        if (refusal.isPresent()) {
            return MainMode.refuse(sa, refusal.get(), out);
        }
        if (!MainMode.acceptable(sa, id.get())) {
            return new Step.Failed<>(Failure.of(Failure.Kind.INVALID_ID, "peer authenticated as " + MainMode.text(id.get())
                    + ", expected " + sa.peer.remoteId()), null);
        }
        NatDiscovery.detect(sa, m, name(), out);
        byte[] hashI = sa.prfSkeyid(gxi, gxr, Bytes.of64(sa.ckyI), Bytes.of64(sa.ckyR), saiB, idiiB);
        List<V1Payload> p = new ArrayList<>(auth.prove(hashI));
        p.addAll(NatDiscovery.payloads(sa));
        if (sa.initialContact) {
            p.add(new V1Payload.Notify(Isakmp.DOI_IPSEC, Isakmp.PROTO_ISAKMP, sa.cookies(), Isakmp.N_INITIAL_CONTACT, new byte[0]));
        }
        byte[] msg3 = sa.encrypted(Isakmp.EXCH_AGGRESSIVE, 0, p);
        expect = Expect.DONE;
        sa.establish(now, out);
        return new Step.SendLast<>(msg3);
    }

    /** Responder: HASH_I authenticates the initiator. */
    private Step<byte[]> third(long now, V1Message m, List<Action> out) {
        byte[] hashI = sa.prfSkeyid(gxi, gxr, Bytes.of64(sa.ckyI), Bytes.of64(sa.ckyR), saiB, idiiB);
        Optional<PhaseOneAuth.Refusal> refusal = auth.verify(m, idii, hashI);
        if (refusal.isPresent()) {
            return MainMode.refuse(sa, refusal.get(), out);
        }
        sa.peerIdentity = MainMode.identity(idii);
        NatDiscovery.detect(sa, m, name(), out);
        expect = Expect.DONE;
        sa.peerInitialContact = m.all(V1Payload.Notify.class).stream().anyMatch(x -> x.notifyType() == Isakmp.N_INITIAL_CONTACT);
        sa.establish(now, out);
        if (sa.peerInitialContact) {
            sa.engine.initialContact(sa, now, out);
        }
        return new Step.Done<>();
    }
}
