package io.sallyport.ike.v1;

import io.sallyport.crypto.DhGroup;
import io.sallyport.crypto.EncryptionAlgorithm;
import io.sallyport.ike.ChildProposal;
import io.sallyport.ike.IkeProposal;
import io.sallyport.ike.message.Bytes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * IKEv1 proposal policy (RFC 2409 §5, RFC 2407 §4.5): phase-1 and phase-2 SA payloads from the
 * engine's version-neutral {@link IkeProposal}/{@link ChildProposal}, responder selection in
 * configured order, and checking the responder's choice. Lifetimes: a responder takes the
 * shorter of the offered and its own (phase 2 tells the peer with RESPONDER-LIFETIME).
 */
final class V1Proposals {

    private V1Proposals() {
    }

    /** Our proposal that matched, and the lifetime in seconds both sides now use. */
    record ChosenIke(IkeProposal proposal, V1Payload.SaTransform transform, int proposalNumber, long lifetimeSeconds) {
    }

    /** Our ESP proposal that matched, the peer's SPI and transform, and the lifetime in seconds. */
    record ChosenChild(ChildProposal proposal, int peerSpi, V1Payload.SaProposal offered, V1Payload.SaTransform transform,
                       long lifetimeSeconds, boolean shortened) {
    }

    // ---------------------------------------------------------------- phase 1

    static V1Payload.Sa ikeOffer(List<IkeProposal> ours, int authMethod) {
        List<V1Payload.SaTransform> t = new ArrayList<>();
        for (int i = 0; i < ours.size(); i++) {
            t.add(ikeTransform(i + 1, ours.get(i), authMethod, ours.get(i).lifetimeSeconds()));
        }
        return sa(new V1Payload.SaProposal(1, Isakmp.PROTO_ISAKMP, new byte[0], t));
    }

    static V1Payload.Sa ikeAnswer(ChosenIke c) {
        return sa(new V1Payload.SaProposal(c.proposalNumber(), Isakmp.PROTO_ISAKMP, new byte[0], List.of(c.transform())));
    }

    private static V1Payload.SaTransform ikeTransform(int number, IkeProposal p, int authMethod, long life) {
        List<V1Payload.Attribute> a = new ArrayList<>();
        a.add(new V1Payload.Attribute(Isakmp.A_ENCRYPTION, p.encryption().ikev1IkeId()));
        if (p.encryption().hasKeyLengthAttribute()) {
            a.add(new V1Payload.Attribute(Isakmp.A_KEY_LENGTH, p.encryption().keyBits()));
        }
        a.add(new V1Payload.Attribute(Isakmp.A_HASH, p.integrity().ikev1HashId()));
        a.add(new V1Payload.Attribute(Isakmp.A_AUTH_METHOD, authMethod));
        a.add(new V1Payload.Attribute(Isakmp.A_GROUP, p.group().number()));
        a.add(new V1Payload.Attribute(Isakmp.A_LIFE_TYPE, Isakmp.LIFE_SECONDS));
        a.add(new V1Payload.Attribute(Isakmp.A_LIFE_DURATION, life));
        return new V1Payload.SaTransform(number, Isakmp.KEY_IKE, List.copyOf(a));
    }

    /** Responder: the first configured proposal that an offered transform matches. */
    static Optional<ChosenIke> selectIke(V1Payload.Sa offered, List<IkeProposal> ours, int authMethod) {
        if (offered.doi() != Isakmp.DOI_IPSEC) {
            return Optional.empty();
        }
        for (IkeProposal p : ours) {
            for (V1Payload.SaProposal op : offered.proposals()) {
                if (op.protocol() != Isakmp.PROTO_ISAKMP) {
                    continue;
                }
                for (V1Payload.SaTransform t : op.transforms()) {
                    if (t.transformId() == Isakmp.KEY_IKE && matchesIke(t, p, authMethod)) {
                        long life = Math.min(seconds(t, Isakmp.A_LIFE_TYPE, Isakmp.A_LIFE_DURATION).orElse(p.lifetimeSeconds()),
                                p.lifetimeSeconds());
                        return Optional.of(new ChosenIke(p, t, op.number(), life));
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** Initiator: the responder must answer with one transform, matching one of ours. */
    static Optional<ChosenIke> checkIkeAnswer(V1Payload.Sa answer, List<IkeProposal> ours, int authMethod) {
        if (answer.proposals().size() != 1 || answer.proposals().getFirst().transforms().size() != 1) {
            return Optional.empty();
        }
        V1Payload.SaProposal op = answer.proposals().getFirst();
        V1Payload.SaTransform t = op.transforms().getFirst();
        return ours.stream().filter(p -> op.protocol() == Isakmp.PROTO_ISAKMP && matchesIke(t, p, authMethod)).findFirst()
                .map(p -> new ChosenIke(p, t, op.number(),
                        Math.min(p.lifetimeSeconds(), seconds(t, Isakmp.A_LIFE_TYPE, Isakmp.A_LIFE_DURATION).orElse(p.lifetimeSeconds()))));
    }

    private static boolean matchesIke(V1Payload.SaTransform t, IkeProposal p, int authMethod) {
        return t.attribute(Isakmp.A_ENCRYPTION).orElse(-1) == p.encryption().ikev1IkeId()
                && keyLengthMatches(t.attribute(Isakmp.A_KEY_LENGTH), p.encryption())
                && t.attribute(Isakmp.A_HASH).orElse(-1) == p.integrity().ikev1HashId()
                && t.attribute(Isakmp.A_AUTH_METHOD).orElse(-1) == authMethod
                && t.attribute(Isakmp.A_GROUP).orElse(-1) == p.group().number();
    }

    // ---------------------------------------------------------------- phase 2

    static V1Payload.Sa childOffer(List<ChildProposal> ours, int spi, int encapsulation) {
        List<V1Payload.SaTransform> t = new ArrayList<>();
        for (int i = 0; i < ours.size(); i++) {
            ChildProposal p = ours.get(i);
            t.add(childTransform(i + 1, p, p.lifetimeSeconds(), encapsulation));
        }
        return sa(new V1Payload.SaProposal(1, Isakmp.PROTO_ESP, Bytes.of32(spi), t));
    }

    static V1Payload.Sa childAnswer(ChosenChild c, int ourSpi) {
        return sa(new V1Payload.SaProposal(c.offered().number(), Isakmp.PROTO_ESP, Bytes.of32(ourSpi), List.of(c.transform())));
    }

    private static V1Payload.SaTransform childTransform(int number, ChildProposal p, long life, int encapsulation) {
        List<V1Payload.Attribute> a = new ArrayList<>();
        a.add(new V1Payload.Attribute(Isakmp.Q_LIFE_TYPE, Isakmp.LIFE_SECONDS));
        a.add(new V1Payload.Attribute(Isakmp.Q_LIFE_DURATION, life));
        if (p.pfsGroup() != null) {
            a.add(new V1Payload.Attribute(Isakmp.Q_GROUP, p.pfsGroup().number()));
        }
        a.add(new V1Payload.Attribute(Isakmp.Q_ENCAPSULATION, encapsulation));
        if (p.integrity() != null && !p.encryption().isAead()) {
            a.add(new V1Payload.Attribute(Isakmp.Q_AUTH_ALGORITHM, p.integrity().ikev1EspAuthId()));
        }
        if (p.encryption().hasKeyLengthAttribute()) {
            a.add(new V1Payload.Attribute(Isakmp.Q_KEY_LENGTH, p.encryption().keyBits()));
        }
        return new V1Payload.SaTransform(number, p.encryption().ikev1EspId(), List.copyOf(a));
    }

    /** Responder: the first configured ESP proposal an offered transform matches. */
    static Optional<ChosenChild> selectChild(V1Payload.Sa offered, List<ChildProposal> ours, boolean natT) {
        if (offered.doi() != Isakmp.DOI_IPSEC) {
            return Optional.empty();
        }
        for (ChildProposal p : ours) {
            for (V1Payload.SaProposal op : offered.proposals()) {
                if (op.protocol() != Isakmp.PROTO_ESP || op.spi().length != 4) {
                    continue;
                }
                for (V1Payload.SaTransform t : op.transforms()) {
                    if (matchesChild(t, p, natT)) {
                        long offeredLife = seconds(t, Isakmp.Q_LIFE_TYPE, Isakmp.Q_LIFE_DURATION).orElse(28800);
                        long life = Math.min(offeredLife, p.lifetimeSeconds());
                        return Optional.of(new ChosenChild(p, (int) Bytes.u32(op.spi(), 0), op, t, life, life < offeredLife));
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** Initiator: the answer names one transform of ours; the peer's SPI comes with it. */
    static Optional<ChosenChild> checkChildAnswer(V1Payload.Sa answer, List<ChildProposal> ours, boolean natT) {
        if (answer.proposals().size() != 1 || answer.proposals().getFirst().transforms().size() != 1) {
            return Optional.empty();
        }
        V1Payload.SaProposal op = answer.proposals().getFirst();
        V1Payload.SaTransform t = op.transforms().getFirst();
        if (op.protocol() != Isakmp.PROTO_ESP || op.spi().length != 4) {
            return Optional.empty();
        }
        return ours.stream().filter(p -> matchesChild(t, p, natT)).findFirst()
                .map(p -> {
                    long life = Math.min(p.lifetimeSeconds(), seconds(t, Isakmp.Q_LIFE_TYPE, Isakmp.Q_LIFE_DURATION).orElse(p.lifetimeSeconds()));
                    return new ChosenChild(p, (int) Bytes.u32(op.spi(), 0), op, t, life, false);
                });
    }

    /** The PFS group every transform of an offer names (one KE payload serves them all), or null. */
    static DhGroup pfsGroup(V1Payload.Sa sa) {
        for (V1Payload.SaProposal p : sa.proposals()) {
            for (V1Payload.SaTransform t : p.transforms()) {
                OptionalLong g = t.attribute(Isakmp.Q_GROUP);
                if (g.isPresent()) {
                    return DhGroup.fromNumber((int) g.getAsLong()).orElse(null);
                }
            }
        }
        return null;
    }

    private static boolean matchesChild(V1Payload.SaTransform t, ChildProposal p, boolean natT) {
        long encap = t.attribute(Isakmp.Q_ENCAPSULATION).orElse(Isakmp.ENCAP_TUNNEL);
        boolean encapOk = natT ? encap == Isakmp.ENCAP_UDP_TUNNEL || encap == Isakmp.ENCAP_UDP_TUNNEL_DRAFT
                : encap == Isakmp.ENCAP_TUNNEL;
        long group = t.attribute(Isakmp.Q_GROUP).orElse(0);
        long auth = t.attribute(Isakmp.Q_AUTH_ALGORITHM).orElse(0);
        long wantAuth = p.integrity() == null || p.encryption().isAead() ? 0 : p.integrity().ikev1EspAuthId();
        return t.transformId() == p.encryption().ikev1EspId()
                && keyLengthMatches(t.attribute(Isakmp.Q_KEY_LENGTH), p.encryption())
                && auth == wantAuth
                && group == (p.pfsGroup() == null ? 0 : p.pfsGroup().number())
                && encapOk;
    }

    private static boolean keyLengthMatches(OptionalLong keyLength, EncryptionAlgorithm e) {
        return e.hasKeyLengthAttribute() ? keyLength.orElse(-1) == e.keyBits() : keyLength.isEmpty();
    }

    /**
     * A kilobyte lifetime (RFC 2407 §4.5 SA Life Type 2) among IPsec SA attributes, as a
     * proposal's transform or a RESPONDER-LIFETIME notify carries it.
     */
    static OptionalLong kilobytes(V1Payload.SaTransform t) {
        List<V1Payload.Attribute> a = t.attributes();
        for (int i = 0; i + 1 < a.size(); i++) {
            if (a.get(i).type() == Isakmp.Q_LIFE_TYPE && a.get(i).value() == Isakmp.LIFE_KILOBYTES
                    && a.get(i + 1).type() == Isakmp.Q_LIFE_DURATION) {
                return OptionalLong.of(a.get(i + 1).value());
            }
        }
        return OptionalLong.empty();
    }

    /** The duration of a seconds lifetime; kilobyte lifetimes are carried but do not bound seconds. */
    private static OptionalLong seconds(V1Payload.SaTransform t, int typeAttr, int durationAttr) {
        List<V1Payload.Attribute> a = t.attributes();
        for (int i = 0; i + 1 < a.size(); i++) {
            if (a.get(i).type() == typeAttr && a.get(i).value() == Isakmp.LIFE_SECONDS && a.get(i + 1).type() == durationAttr) {
                return OptionalLong.of(a.get(i + 1).value());
            }
        }
        return OptionalLong.empty();
    }

    private static V1Payload.Sa sa(V1Payload.SaProposal p) {
        return new V1Payload.Sa(Isakmp.DOI_IPSEC, Isakmp.SIT_IDENTITY_ONLY, List.of(p));
    }
}
