package io.sallyport.ike;

import io.sallyport.crypto.IkeKeyDerivation;
import io.sallyport.ike.message.Bytes;
import io.sallyport.ike.message.IkeMessage;
import io.sallyport.ike.message.NotifyError;
import io.sallyport.ike.message.Payload;
import io.sallyport.ike.message.TrafficSelector;
import io.sallyport.ike.message.Wire;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;


/**
 * Child SA creation shared by IKE_AUTH and CREATE_CHILD_SA: proposal choice, traffic selector
 * narrowing (RFC 7296 §2.9), KEYMAT and the InstallChildSa action.
 */
final class ChildCreate {

    private ChildCreate() {
    }

    /**
     * The term a peer's new child SA is for: the first of the terms sharing this IKE SA whose
     * selectors both narrow the offered ones (RFC 7296 §2.9); empty when none does.
     */
    static Optional<PeerConfig> termFor(IkeSession s, IkeMessage m) {
        var tsi = m.ts(Wire.TSI);
        var tsr = m.ts(Wire.TSR);
        if (tsi.isEmpty() || tsr.isEmpty()) {
            return Optional.empty();
        }
        return s.env.termsOf(s.peer).stream()
                .filter(t -> !narrow(tsi.get().selectors(), t.remoteSelectors()).isEmpty()
                        && !narrow(tsr.get().selectors(), t.localSelectors()).isEmpty())
                .findFirst();
    }

    /**
     * What the responder answers for a child SA: the chosen SA, TSi, TSr and the child installed;
     * or only an error notify and no child.
     */
    record Answer(List<Payload> payloads, ChildSa created) {
        static Answer refused(NotifyError error) { return new Answer(List.of(Payload.Notify.of(error)), null); }
    }

    /**
     * Responder side of a child SA for {@code term} (null: no term's selectors fit); {@code inAuth}
     * in IKE_AUTH, where the proposal carries no D-H group.
     */
    static Answer respondChild(IkeSession s, PeerConfig term, long now, IkeMessage m, byte[] cNi, byte[] cNr, byte[] sharedOrNull,
                               boolean inAuth, ChildSa replaces, List<Action> out) {
        var sa = m.first(Payload.Sa.class);
        var tsi = m.ts(Wire.TSI);
        var tsr = m.ts(Wire.TSR);
        if (sa.isEmpty() || tsi.isEmpty() || tsr.isEmpty()) {
            return Answer.refused(NotifyError.Standard.INVALID_SYNTAX);
        }
        List<TrafficSelector> remoteTs = term == null ? List.of() : ChildCreate.narrow(tsi.get().selectors(), term.remoteSelectors());
        List<TrafficSelector> localTs = term == null ? List.of() : ChildCreate.narrow(tsr.get().selectors(), term.localSelectors());
        if (remoteTs.isEmpty() || localTs.isEmpty()) {
            s.env.trace(out, TraceFlag.POLICY_MANAGER, TraceLevel.ERROR, "CreateChildRemote: TS unacceptable: offered "
                    + tsi.get().selectors() + " <-> " + tsr.get().selectors() + ", configured "
                    + s.env.termsOf(s.peer).stream().map(t -> t.remoteSelectors() + " <-> " + t.localSelectors()).toList());
            return Answer.refused(NotifyError.Standard.TS_UNACCEPTABLE);
        }
        var chosen = Proposals.selectChild(sa.get().proposals(), term.childProposals(), inAuth);
        if (chosen.isEmpty()) {
            s.env.trace(out, TraceFlag.POLICY_MANAGER, TraceLevel.ERROR, (inAuth ? "CreateChildRemote" : "RekeyChildRemote")
                    + ": proposal mismatch with " + term.name() + ": no configured IPsec proposal matches");
            return Answer.refused(NotifyError.Standard.NO_PROPOSAL_CHOSEN);
        }
        ChildProposal cp = chosen.get().ours();
        int spiIn = s.env.newChildSpi();
        int spiOut = (int) chosen.get().offered().spiValue();
        List<Payload> resp = new ArrayList<>();
        resp.add(new Payload.Sa(List.of(Proposals.answer(chosen.get().offered(), Proposals.childTransforms(cp, !inAuth), Bytes.of32(spiIn)))));
        // The responder of a rekey keeps sending on the old SA: the initiator installs the new
        // one only when our response reaches it (RFC 7296 §2.8; it deletes the old SA then).
        ChildSa created = ChildCreate.install(s, term, now, cp, spiIn, spiOut, localTs, remoteTs, cNi, cNr, sharedOrNull, false,
                replaces, replaces == null, out);
        resp.add(new Payload.Ts(Wire.TSI, remoteTs));
        resp.add(new Payload.Ts(Wire.TSR, localTs));
        return new Answer(resp, created);
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

    /**
     * Initiator side: check the responder's choice for {@code term} and install; empty when the
     * answer does not fit our offer. The responder has its inbound SA already, so outbound traffic
     * may move to the new SA at once ({@code outboundNow}), unless it is the redundant SA of a
     * rekey collision we lost.
     */
    static Optional<ChildSa> acceptChild(IkeSession s, PeerConfig term, long now, IkeMessage m, int spiIn, byte[] cNi, byte[] cNr, byte[] sharedOrNull,
                                ChildSa replaces, boolean outboundNow, List<Action> out) {
        var sa = m.first(Payload.Sa.class);
        var tsi = m.ts(Wire.TSI);
        var tsr = m.ts(Wire.TSR);
        if (sa.isEmpty() || tsi.isEmpty() || tsr.isEmpty()) {
            return Optional.empty();
        }
        Optional<ChildProposal> cp = Proposals.acceptedChild(sa.get(), term.childProposals(), sharedOrNull != null);
        if (cp.isEmpty()) {
            return Optional.empty();
        }
        List<TrafficSelector> localTs = tsi.get().selectors();
        List<TrafficSelector> remoteTs = tsr.get().selectors();
        boolean inside = localTs.stream().allMatch(t -> term.localSelectors().stream().anyMatch(c -> c.contains(t)))
                && remoteTs.stream().allMatch(t -> term.remoteSelectors().stream().anyMatch(c -> c.contains(t)));
        if (!inside) {
            s.env.trace(out, TraceFlag.POLICY_MANAGER, TraceLevel.ERROR, "CreateChildLocal: responder widened the selectors");
            return Optional.empty();
        }
        int spiOut = (int) sa.get().proposals().getFirst().spiValue();
        return Optional.of(ChildCreate.install(s, term, now, cp.get(), spiIn, spiOut, localTs, remoteTs, cNi, cNr, sharedOrNull,
                true, replaces, outboundNow, out));
    }

    static ChildSa install(IkeSession s, PeerConfig term, long now, ChildProposal cp, int spiIn, int spiOut, List<TrafficSelector> localTs,
                            List<TrafficSelector> remoteTs, byte[] cNi, byte[] cNr, byte[] sharedOrNull,
                            boolean exchangeInitiator, ChildSa replaces, boolean outboundNow, List<Action> out) {
        var integ = cp.encryption().isAead() ? null : cp.integrity();
        int encLen = cp.encryption().keyMaterialSize();
        int intLen = integ == null ? 0 : integ.keySize();
        byte[] km = IkeKeyDerivation.childKeyMaterial(s.proposal.prf(), s.keys.skD(), sharedOrNull, cNi, cNr, 2 * (encLen + intLen));
        byte[] encIR = Arrays.copyOfRange(km, 0, encLen);
        byte[] intIR = Arrays.copyOfRange(km, encLen, encLen + intLen);
        byte[] encRI = Arrays.copyOfRange(km, encLen + intLen, 2 * encLen + intLen);
        byte[] intRI = Arrays.copyOfRange(km, 2 * encLen + intLen, 2 * (encLen + intLen));
        long lifeSeconds = s.env.options().childLifetimeSeconds(cp.lifetimeSeconds());
        long life = lifeSeconds * 1_000_000_000L;
        long soft = now + s.env.options().softLifetime(life, s.env.random());
        var child = new ChildSa(term, spiIn, spiOut, cp, List.copyOf(localTs), List.copyOf(remoteTs), cNi, cNr, soft, now + life);
        child.outboundActive = outboundNow;
        if (replaces != null) {
            replaces.replacement = child;
        }
        s.addChild(child);
        s.announce(term.name(), now, out);
        boolean encap = s.natLocal || s.natRemote;
        out.add(new Action.InstallChildSa(term.name(), s.id(), spiIn, spiOut, cp.encryption(), integ,
                exchangeInitiator ? encRI : encIR, exchangeInitiator ? intRI : intIR,
                exchangeInitiator ? encIR : encRI, exchangeInitiator ? intIR : intRI,
                child.localSelectors, child.remoteSelectors, s.local, s.remote, encap,
                new Lifetime((soft - now) / 1_000_000_000L, lifeSeconds), replaces != null,
                replaces == null ? 0 : replaces.spiIn, outboundNow, s.natRemote && !s.natLocal));
        s.env.trace(out, TraceFlag.IKE, TraceLevel.NOTICE, (replaces == null ? "CreateChild" : "RekeyChild")
                + (exchangeInitiator ? "Local" : "Remote") + ": " + child + " installed with " + term.name() + ", "
                + cp.encryption().keyword() + (integ == null ? "" : "/" + integ.ipsecKeyword()) + ", "
                + localTs + " <-> " + remoteTs + (encap ? ", UDP-encapsulated" : "")
                + (outboundNow ? "" : ", outbound waits for the delete of " + replaces));
        return child;
    }
}
