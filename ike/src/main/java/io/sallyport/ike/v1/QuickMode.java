package io.sallyport.ike.v1;

import io.sallyport.crypto.DhGroup;
import io.sallyport.crypto.Ikev1KeyDerivation;
import io.sallyport.crypto.IntegrityAlgorithm;
import io.sallyport.crypto.KeyExchange;
import io.sallyport.ike.Action;
import io.sallyport.ike.ChildProposal;
import io.sallyport.ike.DropReason;
import io.sallyport.ike.Lifetime;
import io.sallyport.ike.PeerConfig;
import io.sallyport.ike.TraceFlag;
import io.sallyport.ike.TraceLevel;
import io.sallyport.ike.message.Bytes;
import io.sallyport.ike.message.TrafficSelector;
import io.sallyport.ike.task.Failure;
import io.sallyport.ike.task.Step;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Quick mode (RFC 2409 §5.5): HASH(1) SA Ni [KE] [IDci IDcr], then HASH(2) SA Nr [KE] [IDci IDcr]
 * [RESPONDER-LIFETIME], then HASH(3). PFS when the ESP proposal names a group. A rekey is a new
 * quick mode whose SA replaces the old one, make before break: the responder installs the new
 * inbound SA when it answers (every key is known then; a peer that sends on the new SA as soon as
 * it sent HASH(3), as strongSwan does, finds it) and moves its outbound traffic when HASH(3)
 * proves the initiator has the SA; the initiator installs when it has message 2, but moves its
 * outbound traffic only {@link V1Engine#OUTBOUND_SWITCH_NANOS} after its last HASH(3), by when a
 * responder that installs on HASH(3) has it (one that lost HASH(3) retransmits message 2, which
 * answers it again and restarts the wait), then deletes the old pair as long after that.
 */
final class QuickMode implements V1TaskManager.V1Task {

    private enum Expect { FIRST, SECOND, THIRD, DONE }

    private final IsakmpSa sa;
    private final int messageId;
    private final boolean initiator;
    private final V1Child rekeyOf;
    /** The peer reported our outbound SA unknown (INVALID-SPI): the new one takes the traffic at once. */
    private final boolean oldIsLost;
    /** Responder: the IPsec SA whose inbound half was installed with message 2, until HASH(3). */
    private V1Child pending;
    /** Whose IPsec SA this is: the peer, a rekeyed SA's term, or (responder) the term the proxy IDs fit. */
    private PeerConfig term;
    private Expect expect;
    private int spiIn;
    private byte[] ni;
    private byte[] nr;
    private KeyExchange ke;
    private byte[] gxy;
    private TrafficSelector localTs;
    private TrafficSelector remoteTs;
    private V1Proposals.ChosenChild chosen;
    /** The shortest kilobyte lifetime the peer set for the SA; {@code Long.MAX_VALUE} when none. */
    private long kilobytes = Long.MAX_VALUE;

    private QuickMode(IsakmpSa sa, int messageId, boolean initiator, V1Child rekeyOf, boolean oldIsLost, Expect expect) {
        this.sa = sa;
        this.messageId = messageId;
        this.initiator = initiator;
        this.rekeyOf = rekeyOf;
        this.oldIsLost = oldIsLost;
        this.expect = expect;
        this.term = rekeyOf != null ? rekeyOf.term : sa.peer;
    }

    /** A quick mode we start for the first IPsec SA of {@code term}: the SA's peer, or another term sharing it. */
    static QuickMode forTerm(IsakmpSa sa, int messageId, PeerConfig term) {
        QuickMode q = new QuickMode(sa, messageId, true, null, false, Expect.SECOND);
        q.term = term;
        return q;
    }

    /** A quick mode we start, new or replacing {@code rekeyOf}. */
    static QuickMode initiator(IsakmpSa sa, int messageId, V1Child rekeyOf) {
        return new QuickMode(sa, messageId, true, rekeyOf, false, Expect.SECOND);
    }

    /** A quick mode replacing {@code lost}, which the peer reported unknown: no reason to keep sending on it. */
    static QuickMode replacingLost(IsakmpSa sa, int messageId, V1Child lost) {
        return new QuickMode(sa, messageId, true, lost, true, Expect.SECOND);
    }

    static QuickMode responder(IsakmpSa sa, int messageId) {
        return new QuickMode(sa, messageId, false, null, false, Expect.FIRST);
    }

    @Override
    public int messageId() { return messageId; }

    @Override
    public String name() {
        return (rekeyOf == null ? "QuickMode" : "RekeyQuickMode") + (initiator ? "Local" : "Remote");
    }

    /**
     * The exchange failed or was given up: a rekeyed SA may be rekeyed again, after
     * {@link io.sallyport.ike.KmdOptions#reconnectNanos()} (a refusing peer is not asked again at once).
     */
    void abandon(long now) {
        if (rekeyOf != null && rekeyOf.state == V1Child.State.REKEYING) {
            rekeyOf.state = V1Child.State.INSTALLED;
            rekeyOf.rekeyNotBefore = now + sa.engine.options().reconnectNanos();
        }
    }

    /** Whether the peer started this quick mode (so a failure of it is our refusal). */
    boolean responder() { return !initiator; }

    /** Whose IPsec SA this quick mode makes (initiator: the peer or the rekeyed SA's term). */
    PeerConfig term() { return term; }

    /** Responder: the IPsec SA installed inbound with our answer and still waiting for HASH(3), if any. */
    Optional<V1Child> pending() { return Optional.ofNullable(pending); }

    private boolean udpEncapsulated() { return sa.natLocal || sa.natRemote; }

    private int encapsulation() {
        if (!udpEncapsulated()) {
            return Isakmp.ENCAP_TUNNEL;
        }
        return sa.natT == VendorIds.NatT.RFC ? Isakmp.ENCAP_UDP_TUNNEL : Isakmp.ENCAP_UDP_TUNNEL_DRAFT;
    }

    @Override
    public Step<byte[]> initiate(long now, List<Action> out) {
        List<ChildProposal> ours = term.childProposals();
        DhGroup pfs = ours.getFirst().pfsGroup();
        spiIn = sa.engine.newChildSpi();
        ni = sa.engine.nonce();
        List<V1Payload> rest = new ArrayList<>();
        rest.add(V1Proposals.childOffer(ours, spiIn, encapsulation()));
        rest.add(new V1Payload.Nonce(ni));
        if (pfs != null) {
            ke = sa.engine.newKeyExchange(pfs);
            rest.add(new V1Payload.Ke(ke.publicValue()));
        }
        localTs = rekeyOf != null ? rekeyOf.localSelectors.getFirst() : first(term.localSelectors(), true);
        remoteTs = rekeyOf != null ? rekeyOf.remoteSelectors.getFirst() : first(term.remoteSelectors(), false);
        rest.add(ProxyId.of(localTs));
        rest.add(ProxyId.of(remoteTs));
        sa.engine.trace(out, TraceFlag.IKE, TraceLevel.INFO, name() + ": " + localTs + " <-> " + remoteTs + " with " + term.name()
                + (rekeyOf == null ? "" : " (rekey of " + rekeyOf + ")"));
        return new Step.Send<>(sa.encryptedWithHash(Isakmp.EXCH_QUICK, messageId, Bytes.of32(messageId), rest));
    }

    /** The configured selector, or the gateway's own address when none is configured. */
    private TrafficSelector first(List<TrafficSelector> configured, boolean local) {
        if (!configured.isEmpty()) {
            return configured.getFirst();
        }
        byte[] a = (local ? sa.local : sa.remote).getAddress().getAddress();
        return new TrafficSelector(a.length == 4 ? io.sallyport.ike.message.Wire.TS_IPV4_ADDR_RANGE
                : io.sallyport.ike.message.Wire.TS_IPV6_ADDR_RANGE, 0, 0, 65535, a, a);
    }

    @Override
    public Step<byte[]> process(long now, V1Message m, List<Action> out) {
        if (m.header().exchange() != Isakmp.EXCH_QUICK || !m.header().encrypted()) {
            return new Step.Drop<>(DropReason.UNEXPECTED_EXCHANGE);
        }
        return switch (expect) {
            case FIRST -> first(now, m, out);
            case SECOND -> second(now, m, out);
            case THIRD -> third(now, m, out);
            case DONE -> new Step.Drop<>(DropReason.UNEXPECTED_EXCHANGE);
        };
    }

    /** Responder: the initiator's offer. */
    private Step<byte[]> first(long now, V1Message m, List<Action> out) {
        if (!sa.hashValid(m, Bytes.of32(messageId))) {
            return new Step.Drop<>(DropReason.INTEGRITY_FAILED);
        }
        Optional<V1Payload.Sa> offer = m.first(V1Payload.Sa.class);
        Optional<V1Payload.Nonce> n = m.first(V1Payload.Nonce.class);
        if (offer.isEmpty() || n.isEmpty()) {
            return new Step.Drop<>(DropReason.MALFORMED_PAYLOAD);
        }
        ni = n.get().data();
        List<V1Payload.Id> ids = m.all(V1Payload.Id.class);
        if (ids.size() == 2) {
            remoteTs = ProxyId.toSelector(ids.get(0));
            localTs = ProxyId.toSelector(ids.get(1));
            if (remoteTs == null || localTs == null) {
                return fail(Failure.Kind.INVALID_ID, "proxy IDs " + MainMode.text(ids.get(0)) + " <-> " + MainMode.text(ids.get(1)) + " are not addresses",
                        Isakmp.N_INVALID_ID_INFORMATION);
            }
        } else if (ids.isEmpty()) {
            localTs = first(List.of(), true);
            remoteTs = first(List.of(), false);
        } else {
            return new Step.Drop<>(DropReason.MALFORMED_PAYLOAD);
        }
        // Without proxy IDs a configured peer's SA is between the gateways themselves; a dynamic
        // peer's must still fit an allowed proxy pair.
        Optional<PeerConfig> fits = ids.isEmpty() && !sa.engine.isDynamic(sa) ? Optional.of(sa.peer)
                : sa.engine.termFor(sa, localTs, remoteTs);
        if (fits.isEmpty()) {
            return fail(Failure.Kind.INVALID_ID, "proxy IDs " + remoteTs + " <-> " + localTs + " do not match the configuration"
                    + sa.engine.configuredProxyIds(sa), Isakmp.N_INVALID_ID_INFORMATION);
        }
        term = fits.get();
        Optional<V1Proposals.ChosenChild> c = V1Proposals.selectChild(offer.get(), term.childProposals(), udpEncapsulated());
        if (c.isEmpty()) {
            return fail(Failure.Kind.NO_PROPOSAL_CHOSEN, "no configured IPsec proposal matches the offer", Isakmp.N_NO_PROPOSAL_CHOSEN);
        }
        chosen = c.get();
        kilobyteLifetime(V1Proposals.kilobytes(chosen.transform()), out);
        DhGroup pfs = chosen.proposal().pfsGroup();
        Optional<V1Payload.Ke> k = m.first(V1Payload.Ke.class);
        if (pfs != null) {
            if (k.isEmpty()) {
                return fail(Failure.Kind.NO_PROPOSAL_CHOSEN, "PFS " + pfs.keyword() + " configured, no KE offered", Isakmp.N_NO_PROPOSAL_CHOSEN);
            }
            ke = sa.engine.newKeyExchange(pfs);
            Optional<byte[]> s = sa.engine.agree(ke, k.get().data());
            if (s.isEmpty()) {
                return fail(Failure.Kind.INVALID_KEY, "the initiator's KE is not a valid " + pfs.keyword() + " value",
                        Isakmp.N_INVALID_KEY_INFORMATION);
            }
            gxy = s.get();
        }
        spiIn = sa.engine.newChildSpi();
        nr = sa.engine.nonce();
        List<V1Payload> rest = new ArrayList<>();
        rest.add(V1Proposals.childAnswer(chosen, spiIn));
        rest.add(new V1Payload.Nonce(nr));
        if (ke != null) {
            rest.add(new V1Payload.Ke(ke.publicValue()));
        }
        rest.addAll(ids);
        if (chosen.shortened()) {
            byte[] attrs = new Bytes().u16(0x8000 | Isakmp.Q_LIFE_TYPE).u16(Isakmp.LIFE_SECONDS)
                    .u16(Isakmp.Q_LIFE_DURATION).u16(4).u32(chosen.lifetimeSeconds()).toArray();
            rest.add(new V1Payload.Notify(Isakmp.DOI_IPSEC, Isakmp.PROTO_ESP, chosen.offered().spi(), Isakmp.N_RESPONDER_LIFETIME, attrs));
        }
        expect = Expect.THIRD;
        byte[] answer = sa.encryptedWithHash(Isakmp.EXCH_QUICK, messageId, Bytes.concat(Bytes.of32(messageId), ni), rest);
        V1Child superseded = sa.engine.childWithSelectors(term.name(), localTs, remoteTs).orElse(null);
        Installation in = installation(now, chosen.lifetimeSeconds(), superseded, false);
        pending = in.child();
        sa.installInbound(now, pending, in.action(), out);
        return new Step.Send<>(answer);
    }

    /** Initiator: the responder's answer; HASH(3) finishes it. */
    private Step<byte[]> second(long now, V1Message m, List<Action> out) {
        if (!sa.hashValid(m, Bytes.concat(Bytes.of32(messageId), ni))) {
            return new Step.Drop<>(DropReason.INTEGRITY_FAILED);
        }
        Optional<V1Payload.Sa> answer = m.first(V1Payload.Sa.class);
        Optional<V1Payload.Nonce> n = m.first(V1Payload.Nonce.class);
        if (answer.isEmpty() || n.isEmpty()) {
            return new Step.Drop<>(DropReason.MALFORMED_PAYLOAD);
        }
        Optional<V1Proposals.ChosenChild> c = V1Proposals.checkChildAnswer(answer.get(), term.childProposals(), udpEncapsulated());
        if (c.isEmpty()) {
            return fail(Failure.Kind.NO_PROPOSAL_CHOSEN, "the responder chose a transform we did not offer", 0);
        }
        chosen = c.get();
        kilobyteLifetime(V1Proposals.kilobytes(chosen.transform()), out);
        nr = n.get().data();
        if (ke != null) {
            Optional<V1Payload.Ke> k = m.first(V1Payload.Ke.class);
            Optional<byte[]> s = k.flatMap(x -> sa.engine.agree(ke, x.data()));
            if (s.isEmpty()) {
                return fail(Failure.Kind.INVALID_KEY, "the responder sent no valid PFS KE", 0);
            }
            gxy = s.get();
        }
        List<V1Payload.Id> ids = m.all(V1Payload.Id.class);
        if (ids.size() == 2 && (!localTs.equals(ProxyId.toSelector(ids.get(0))) || !remoteTs.equals(ProxyId.toSelector(ids.get(1))))) {
            return fail(Failure.Kind.INVALID_ID, "the responder changed the proxy IDs", 0);
        }
        long life = chosen.lifetimeSeconds();
        for (V1Payload.Notify nt : m.all(V1Payload.Notify.class)) {
            if (nt.notifyType() == Isakmp.N_RESPONDER_LIFETIME) {
                life = Math.min(life, responderLifetime(nt.data(), life));
                V1Payload.SaTransform attrs = V1Codec.attributesOf(nt.data());
                kilobyteLifetime(attrs == null ? java.util.OptionalLong.empty() : V1Proposals.kilobytes(attrs), out);
            }
        }
        byte[] hash3 = sa.encryptedWithHash(Isakmp.EXCH_QUICK, messageId, Bytes.concat(new byte[] {0}, Bytes.of32(messageId), ni, nr), List.of());
        expect = Expect.DONE;
        // IKEv1 has no REKEY_SA: a quick mode for the selectors of an SA we hold is the peer's rekey of it.
        V1Child superseded = rekeyOf != null ? rekeyOf : sa.engine.childWithSelectors(term.name(), localTs, remoteTs).orElse(null);
        // A re-authentication's quick mode moves at once and its old ISAKMP SA goes right after HASH(3),
        // as before make-before-break: the peer's own re-authentication timer for that SA runs too,
        // and an old SA kept seconds longer is one the peer re-authenticates as well (two SAs left).
        boolean outboundNow = superseded == null || oldIsLost || sa.engine.reauthenticationOf(sa, superseded);
        Installation in = installation(now, life, superseded, outboundNow);
        sa.install(now, in.child(), in.action(), superseded, rekeyOf != null, out);
        if (!outboundNow) {
            sa.awaitSwitch(now, in.child(), messageId, superseded);
        }
        return new Step.SendLast<>(hash3);
    }

    /** Responder: HASH(3) proves the initiator saw our answer. */
    private Step<byte[]> third(long now, V1Message m, List<Action> out) {
        if (!sa.hashValid(m, Bytes.concat(new byte[] {0}, Bytes.of32(messageId), ni, nr))) {
            return new Step.Drop<>(DropReason.INTEGRITY_FAILED);
        }
        expect = Expect.DONE;
        V1Child child = pending;
        pending = null;
        if (!sa.children.contains(child)) {
            return new Step.Done<>();   // the peer deleted it before its HASH(3) came
        }
        // The peer's rekey of an SA we hold, looked up again: one may have come up since our answer.
        sa.commitInbound(now, child, sa.engine.childWithSelectors(term.name(), localTs, remoteTs).orElse(null), out);
        return new Step.Done<>();
    }

    /** The IPsec SA a quick mode made and the action that installs it. */
    private record Installation(V1Child child, Action.InstallChildSa action) {
    }

    private Installation installation(long now, long negotiatedSeconds, V1Child superseded, boolean outboundNow) {
        long lifeSeconds = sa.engine.options().childLifetimeSeconds(negotiatedSeconds);
        var enc = chosen.proposal().encryption();
        IntegrityAlgorithm integ = enc.isAead() ? null : chosen.proposal().integrity();
        int encLen = enc.keyMaterialSize();
        int intLen = integ == null ? 0 : integ.keySize();
        var prf = sa.proposal.prf();
        byte[] kIn = Ikev1KeyDerivation.keymat(prf, sa.keys.skeyidD(), gxy, Isakmp.PROTO_ESP, spiIn, ni, nr, encLen + intLen);
        byte[] kOut = Ikev1KeyDerivation.keymat(prf, sa.keys.skeyidD(), gxy, Isakmp.PROTO_ESP, chosen.peerSpi(), ni, nr, encLen + intLen);
        long life = lifeSeconds * 1_000_000_000L;
        long soft = now + sa.engine.softLife(life);
        V1Child child = new V1Child(term, spiIn, chosen.peerSpi(), chosen.proposal(), List.of(localTs), List.of(remoteTs), soft, now + life);
        if (kilobytes != Long.MAX_VALUE) {
            child.limitBytes(kilobytes * 1024, sa.engine.softBytes(kilobytes * 1024), now);
        }
        var action = new Action.InstallChildSa(term.name(), sa.id(), spiIn, chosen.peerSpi(), enc, integ,
                Arrays.copyOf(kIn, encLen), Arrays.copyOfRange(kIn, encLen, encLen + intLen),
                Arrays.copyOf(kOut, encLen), Arrays.copyOfRange(kOut, encLen, encLen + intLen),
                child.localSelectors, child.remoteSelectors, sa.local, sa.remote, udpEncapsulated(),
                new Lifetime((soft - now) / 1_000_000_000L, lifeSeconds), superseded != null, superseded == null ? 0 : superseded.spiIn,
                outboundNow, sa.natRemote && !sa.natLocal);
        child.outboundActive = outboundNow;
        return new Installation(child, action);
    }

    private Step<byte[]> fail(Failure.Kind kind, String detail, int notifyType) {
        byte[] notify = null;
        if (notifyType != 0) {
            int mid = sa.newMessageId();
            notify = sa.encryptedWithHash(Isakmp.EXCH_INFORMATIONAL, mid, Bytes.of32(mid), List.of(new V1Payload.Notify(
                    Isakmp.DOI_IPSEC, Isakmp.PROTO_ESP, new byte[0], notifyType, new byte[0])));
            sa.ivs.forget(mid);
        }
        return new Step.Failed<>(Failure.of(kind, detail), notify);
    }

    /**
     * A kilobyte lifetime from the peer (in its proposal, our answer's echo of it, or its
     * RESPONDER-LIFETIME): the shortest is kept and enforced on the SA ({@link V1Child#hardBytes})
     * with the bytes the data plane counts.
     */
    private void kilobyteLifetime(java.util.OptionalLong kilobytes, List<Action> out) {
        if (kilobytes.isPresent() && kilobytes.getAsLong() > 0) {
            this.kilobytes = Math.min(this.kilobytes, kilobytes.getAsLong());
            sa.engine.trace(out, TraceFlag.IKE, TraceLevel.INFO, name() + ": " + sa.peer.name() + " sets a lifetime of "
                    + kilobytes.getAsLong() + " kilobytes for the IPsec SA");
        }
    }

    /** A RESPONDER-LIFETIME's seconds, from the attributes it carries (RFC 2407 §4.6.3.1). */
    private static long responderLifetime(byte[] attrs, long fallback) {
        V1Payload.SaTransform t = V1Codec.attributesOf(attrs);
        if (t == null) {
            return fallback;
        }
        var a = t.attributes();
        for (int i = 0; i + 1 < a.size(); i++) {
            if (a.get(i).type() == Isakmp.Q_LIFE_TYPE && a.get(i).value() == Isakmp.LIFE_SECONDS
                    && a.get(i + 1).type() == Isakmp.Q_LIFE_DURATION) {
                return a.get(i + 1).value();
            }
        }
        return fallback;
    }
}
