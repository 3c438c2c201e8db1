package io.sallyport.ike;

import io.sallyport.crypto.DhGroup;
import io.sallyport.ike.message.Bytes;
import io.sallyport.ike.message.Payload;
import io.sallyport.ike.message.Proposal;
import io.sallyport.ike.message.Transform;
import io.sallyport.ike.message.Wire;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Proposal policy, kept apart from the codec: building SA payloads from configuration, responder
 * selection in configured order, and checking what a responder chose.
 */
final class Proposals {

    private Proposals() {
    }

    /** A configured proposal together with the offered proposal it matched. */
    record Chosen<P>(P ours, Proposal offered) {
    }

    static Payload.Sa ikeOffer(List<IkeProposal> ours, byte[] spi) {
        List<Proposal> out = new ArrayList<>();
        for (int i = 0; i < ours.size(); i++) {
            out.add(new Proposal(i + 1, Wire.PROTO_IKE, spi, ikeTransforms(ours.get(i))));
        }
        return new Payload.Sa(out);
    }

    static List<Transform> ikeTransforms(IkeProposal p) {
        List<Transform> t = new ArrayList<>();
        t.add(encr(p.encryption()));
        t.add(Transform.of(Wire.TRANS_PRF, p.prf().ikev2Id()));
        if (p.integrity() != null && !p.encryption().isAead()) {
            t.add(Transform.of(Wire.TRANS_INTEG, p.integrity().ikev2Id()));
        }
        t.add(Transform.of(Wire.TRANS_DH, p.group().number()));
        return t;
    }

    static Payload.Sa childOffer(List<ChildProposal> ours, int spi, boolean withPfs) {
        List<Proposal> out = new ArrayList<>();
        for (int i = 0; i < ours.size(); i++) {
            out.add(new Proposal(i + 1, Wire.PROTO_ESP, Bytes.of32(spi), childTransforms(ours.get(i), withPfs)));
        }
        return new Payload.Sa(out);
    }

    static List<Transform> childTransforms(ChildProposal p, boolean withPfs) {
        List<Transform> t = new ArrayList<>();
        t.add(encr(p.encryption()));
        if (p.integrity() != null && !p.encryption().isAead()) {
            t.add(Transform.of(Wire.TRANS_INTEG, p.integrity().ikev2Id()));
        }
        if (withPfs && p.pfsGroup() != null) {
            t.add(Transform.of(Wire.TRANS_DH, p.pfsGroup().number()));
        }
        t.add(Transform.of(Wire.TRANS_ESN, 0));
        return t;
    }

    private static Transform encr(io.sallyport.crypto.EncryptionAlgorithm e) {
        return e.hasKeyLengthAttribute() ? Transform.of(Wire.TRANS_ENCR, e.ikev2Id(), e.keyBits())
                : Transform.of(Wire.TRANS_ENCR, e.ikev2Id());
    }

    /** Responder: the first configured proposal that any offered proposal supports (configured order). */
    static Optional<Chosen<IkeProposal>> selectIke(List<Proposal> offered, List<IkeProposal> ours) {
        for (IkeProposal p : ours) {
            for (Proposal o : offered) {
                if (o.protocolId() == Wire.PROTO_IKE && !o.hasUnrecognized() && covers(o, ikeTransforms(p), false)) {
                    return Optional.of(new Chosen<>(p, o));
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Responder for a child SA. In IKE_AUTH no KE is exchanged, so DH transforms are ignored
     * ({@code ignoreDh}); in CREATE_CHILD_SA the PFS group must match.
     */
    static Optional<Chosen<ChildProposal>> selectChild(List<Proposal> offered, List<ChildProposal> ours, boolean ignoreDh) {
        for (ChildProposal p : ours) {
            for (Proposal o : offered) {
                if (o.protocolId() == Wire.PROTO_ESP && o.spi().length == 4 && !o.hasUnrecognized()
                        && covers(o, childTransforms(p, !ignoreDh), ignoreDh)
                        && (ignoreDh || p.pfsGroup() != null || noDh(o))) {
                    return Optional.of(new Chosen<>(p, o));
                }
            }
        }
        return Optional.empty();
    }

    /** Initiator: the one proposal a responder returned must be one of ours, transform for transform. */
    static Optional<IkeProposal> acceptedIke(Payload.Sa sa, List<IkeProposal> ours) {
        if (sa.proposals().size() != 1) {
            return Optional.empty();
        }
        Proposal r = sa.proposals().getFirst();
        return ours.stream().filter(p -> r.protocolId() == Wire.PROTO_IKE && exactly(r, ikeTransforms(p))).findFirst();
    }

    static Optional<ChildProposal> acceptedChild(Payload.Sa sa, List<ChildProposal> ours, boolean withPfs) {
        if (sa.proposals().size() != 1) {
            return Optional.empty();
        }
        Proposal r = sa.proposals().getFirst();
        if (r.protocolId() != Wire.PROTO_ESP || r.spi().length != 4) {
            return Optional.empty();
        }
        for (ChildProposal p : ours) {
            List<Transform> want = childTransforms(p, withPfs);
            // A responder may leave out DH in IKE_AUTH answers; compare without it when we sent none.
            if (exactly(r, want) || (!withPfs && exactly(r, withoutDh(r.transforms()), want))) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** The proposal a responder returns: our choice's transforms under the offered number and our SPI. */
    static Proposal answer(Proposal offered, List<Transform> chosen, byte[] spi) {
        return new Proposal(offered.number(), offered.protocolId(), spi, chosen);
    }

    private static boolean covers(Proposal offered, List<Transform> want, boolean ignoreDh) {
        for (Transform w : want) {
            if (ignoreDh && w.type() == Wire.TRANS_DH) {
                continue;
            }
            boolean found = offered.transforms().stream()
                    .anyMatch(t -> t.type() == w.type() && t.id() == w.id() && t.keyLength() == w.keyLength());
            if (!found) {
                return false;
            }
        }
        // A type we did not ask for (other than DH NONE or ESN when missing) means a mismatch: for
        // example the peer insists on integrity with an AEAD cipher of ours.
        for (Transform t : offered.transforms()) {
            boolean typeWanted = want.stream().anyMatch(w -> w.type() == t.type());
            if (!typeWanted && !(t.type() == Wire.TRANS_DH && (ignoreDh || t.id() == 0))
                    && !(t.type() == Wire.TRANS_INTEG && t.id() == 0)) {
                return false;
            }
        }
        return true;
    }

    private static boolean noDh(Proposal o) {
        return o.ofType(Wire.TRANS_DH).stream().allMatch(t -> t.id() == 0);
    }

    private static boolean exactly(Proposal r, List<Transform> want) {
        return exactly(r, r.transforms(), want);
    }

    private static boolean exactly(Proposal r, List<Transform> have, List<Transform> want) {
        List<Transform> w = want;
        if (have.stream().noneMatch(t -> t.type() == Wire.TRANS_DH)) {
            w = withoutDh(want);
        }
        return have.size() == w.size() && have.containsAll(w);
    }

    private static List<Transform> withoutDh(List<Transform> t) {
        return t.stream().filter(x -> x.type() != Wire.TRANS_DH).toList();
    }
}
