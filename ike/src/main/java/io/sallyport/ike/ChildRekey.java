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

import io.sallyport.ike.IkeSession.Pending;
import io.sallyport.ike.IkeSession.State;
import io.sallyport.ike.IkeSession.Work;

/**
 * CREATE_CHILD_SA for child SAs: additional children of further terms towards the same peer
 * (RFC 7296 §1.3.1), rekey (make-before-break) in both roles and the §2.8.1 collision rule for
 * crossing rekeys.
 */
final class ChildRekey {

    private ChildRekey() {
    }

    static List<Payload> rekeyChildRequestPayloads(IkeSession s, Pending p, ChildSa old) {
        DhGroup group = old.rekeyGroup != null ? old.rekeyGroup : old.term.childProposals().getFirst().pfsGroup();
        List<Payload> pl = new ArrayList<>();
        pl.add(new Payload.Notify(Wire.PROTO_ESP, Bytes.of32(old.spiIn), Wire.N_REKEY_SA, new byte[0]));
        pl.addAll(childRequest(s, p, old.term, group, old.localSelectors, old.remoteSelectors));
        return pl;
    }

    /** A further term's first child over an established IKE SA: SA, Ni, [KEi], TSi, TSr (RFC 7296 §1.3.1). */
    static List<Payload> createChildRequestPayloads(IkeSession s, Pending p, PeerConfig term) {
        return childRequest(s, p, term, term.childProposals().getFirst().pfsGroup(), term.localSelectors(), term.remoteSelectors());
    }

    private static List<Payload> childRequest(IkeSession s, Pending p, PeerConfig term, DhGroup group,
                                              List<TrafficSelector> local, List<TrafficSelector> remote) {
        p.nonce = s.env.nonce();
        p.newChildSpi = s.env.newChildSpi();
        List<Payload> pl = new ArrayList<>();
        pl.add(Proposals.childOffer(term.childProposals(), p.newChildSpi, true));
        pl.add(new Payload.Nonce(p.nonce));
        if (group != null) {
            p.ke = p.ke != null && p.ke.group() == group ? p.ke : s.env.newKeyExchange(group);
            pl.add(new Payload.Ke(p.ke.group().number(), p.ke.publicValue()));
        }
        pl.add(new Payload.Ts(Wire.TSI, local));
        pl.add(new Payload.Ts(Wire.TSR, remote));
        return pl;
    }

    /** The answer to {@link #createChildRequestPayloads}: the child is installed, or the refusal traced. */
    static void processCreateChildResponse(IkeSession s, long now, IkeMessage m, Pending p, PeerConfig term, List<Action> out) {
        var err = m.all(Payload.Notify.class).stream().filter(Payload.Notify::isError).findFirst();
        Optional<byte[]> shared = Optional.empty();
        String why = err.map(n -> n.notifyType() == Wire.N_TS_UNACCEPTABLE ? "TS unacceptable" : "refused with " + Wire.notifyName(n.notifyType()))
                .orElse(null);
        var nonce = m.first(Payload.Nonce.class);
        if (why == null && nonce.isEmpty()) {
            why = "answered without a nonce";
        }
        if (why == null && p.ke != null) {
            shared = m.first(Payload.Ke.class).filter(k -> k.group() == p.ke.group().number()).flatMap(k -> s.env.agree(p.ke, k.data()));
            if (shared.isEmpty()) {
                why = "answered with an unusable KE payload";
            }
        }
        if (why == null && ChildCreate.acceptChild(s, term, now, m, p, p.nonce, nonce.get().data(), shared.orElse(null), null, out).isEmpty()) {
            why = "answered with a proposal or selectors we did not offer";
        }
        if (why != null) {
            s.env.trace(out, TraceFlag.POLICY_MANAGER, TraceLevel.ERROR, "CreateChildLocal: child SA for " + term.name() + " " + why);
        }
    }

    /** The group an INVALID_KE_PAYLOAD names, if it is a PFS group of one of our child proposals. */
    private static Optional<DhGroup> suggestedGroup(PeerConfig term, Payload.Notify n) {
        if (n.notifyType() != Wire.N_INVALID_KE_PAYLOAD || n.data().length != 2) {
            return Optional.empty();
        }
        return DhGroup.fromNumber(Bytes.u16(n.data(), 0))
                .filter(g -> term.childProposals().stream().anyMatch(c -> c.pfsGroup() == g));
    }

    /** The rekey failed: the old SA stays and is rekeyed again after a bounded, doubling wait. */
    private static void refused(IkeSession s, long now, ChildSa old, String why, List<Action> out) {
        old.rekeyRefusals++;
        long wait = s.rekeyBackoff(old.rekeyRefusals);
        old.rekeyRetryAt = now + wait;
        if (old.state == ChildSa.State.REKEYING) {
            old.state = ChildSa.State.INSTALLED;
        }
        s.env.trace(out, TraceFlag.IKE, TraceLevel.WARNING, "RekeyChildLocal: " + old + " rekey " + why
                + ", next try in " + wait / 1_000_000_000L + " s");
    }

    /** A peer's CREATE_CHILD_SA for a child SA, new or rekeyed (the SA and nonce are there: {@link IkeSession} checked). */
    static List<Payload> processCreateChildRequest(IkeSession s, long now, IkeMessage m, List<Action> out) {
        var nonce = m.first(Payload.Nonce.class);
        var sa = m.first(Payload.Sa.class);
        var rekey = m.notify(Wire.N_REKEY_SA);
        int cap = s.env.options().limits().maxChildSasPerIkeSa();
        if (rekey.isEmpty() && s.children.stream().filter(c -> c.state != ChildSa.State.REKEYED).count() >= cap) {
            s.env.trace(out, TraceFlag.IKE, TraceLevel.WARNING, "CreateChildRemote: " + s.peer.name() + " already has " + cap
                    + " child SAs over IKE SA " + s.id() + ", sending NO_ADDITIONAL_SAS");
            return List.of(Payload.Notify.of(Wire.N_NO_ADDITIONAL_SAS));
        }
        ChildSa old = null;
        if (rekey.isPresent()) {
            long spi = rekey.get().spi().length == 4 ? Bytes.u32(rekey.get().spi(), 0) : -1;
            old = s.children.stream().filter(c -> c.spiOut == (int) spi && c.state != ChildSa.State.DELETING).findFirst().orElse(null);
            if (old == null) {
                return List.of(new Payload.Notify(Wire.PROTO_ESP, rekey.get().spi(), Wire.N_CHILD_SA_NOT_FOUND, new byte[0]));
            }
        }
        // A rekey keeps its term; a new child is for the term whose selectors fit (else TS_UNACCEPTABLE).
        PeerConfig term = old != null ? old.term : ChildCreate.termFor(s, m).orElse(null);
        byte[] myNonce = s.env.nonce();
        byte[] shared = null;
        KeyExchange myKe = null;
        var kePayload = m.first(Payload.Ke.class);
        var chosen = term == null ? Optional.<Proposals.Chosen<ChildProposal>>empty()
                : Proposals.selectChild(sa.get().proposals(), term.childProposals(), false);
        if (chosen.isPresent() && chosen.get().ours().pfsGroup() != null) {
            DhGroup g = chosen.get().ours().pfsGroup();
            if (kePayload.isEmpty() || kePayload.get().group() != g.number()) {
                return List.of(Payload.Notify.of(Wire.N_INVALID_KE_PAYLOAD, new byte[] {(byte) (g.number() >> 8), (byte) g.number()}));
            }
            if (!KeyExchange.isValidPeerValue(g, kePayload.get().data())) {
                return List.of(Payload.Notify.of(Wire.N_INVALID_SYNTAX));
            }
            myKe = s.env.newKeyExchange(g);
            Optional<byte[]> secret = s.env.agree(myKe, kePayload.get().data());
            if (secret.isEmpty()) {
                return List.of(Payload.Notify.of(Wire.N_INVALID_SYNTAX));
            }
            shared = secret.get();
        }
        byte[] theirNonce = nonce.get().data();
        ChildCreate.Answer answer = ChildCreate.respondChild(s, term, now, m, theirNonce, myNonce, shared, false, old, out);
        if (answer.created() == null) {
            return answer.payloads();
        }
        ChildSa created = answer.created();
        List<Payload> childPart = answer.payloads();
        if (old != null) {
            if (old.state == ChildSa.State.REKEYING && s.pending != null && s.pending.work instanceof Work.RekeyChild rc && rc.old() == old) {
                s.pending.peerNi = theirNonce;
                s.pending.peerNr = myNonce;
                s.pending.peerCreated = created;
                s.env.trace(out, TraceFlag.IKE, TraceLevel.INFO, "SimulRekeyChild: peer rekeyed " + old + " while we were rekeying it");
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

    static void processRekeyChildResponse(IkeSession s, long now, IkeMessage m, Pending p, ChildSa old, List<Action> out) {
        var err = m.all(Payload.Notify.class).stream().filter(Payload.Notify::isError).findFirst();
        if (err.isPresent()) {
            Optional<DhGroup> wanted = suggestedGroup(old.term, err.get()).filter(g -> g != old.rekeyGroup);
            wanted.ifPresent(g -> old.rekeyGroup = g);
            if (wanted.isPresent() && !old.rekeyGroupSwitched) {
                // RFC 7296 §1.3: the responder named a group of ours; try again with it now, once (a peer
                // naming another group each time gets the back-off, not a loop).
                old.rekeyGroupSwitched = true;
                s.env.trace(out, TraceFlag.IKE, TraceLevel.INFO, "RekeyChildLocal: " + old + " rekey: peer wants "
                        + wanted.get().keyword() + ", retrying with it");
                old.state = ChildSa.State.INSTALLED;
                s.queue.addFirst(new Work.RekeyChild(old));
                return;
            }
            refused(s, now, old, "refused with " + Wire.notifyName(err.get().notifyType()), out);
            return;
        }
        var nonce = m.first(Payload.Nonce.class);
        if (nonce.isEmpty()) {
            refused(s, now, old, "answered without a nonce", out);
            return;
        }
        byte[] shared = null;
        if (p.ke != null) {
            var kePayload = m.first(Payload.Ke.class);
            Optional<byte[]> secret = kePayload.filter(k -> k.group() == p.ke.group().number()).flatMap(k -> s.env.agree(p.ke, k.data()));
            if (secret.isEmpty()) {
                refused(s, now, old, "answered with an unusable KE payload", out);
                return;
            }
            shared = secret.get();
        }
        Optional<ChildSa> accepted = ChildCreate.acceptChild(s, old.term, now, m, p, p.nonce, nonce.get().data(), shared, old, out);
        if (accepted.isEmpty()) {
            refused(s, now, old, "answered with a proposal or selectors we did not offer", out);
            return;
        }
        ChildSa created = accepted.get();
        if (p.peerCreated != null && Collisions.lostCollision(p.nonce, nonce.get().data(), p.peerNi, p.peerNr)) {
            // Our new SA holds the lowest nonce: it is the redundant one, we close it; the s.peer deletes the old one.
            s.env.trace(out, TraceFlag.IKE, TraceLevel.INFO, "SimulRekeyChild: lost the collision, deleting our redundant " + created);
            old.state = ChildSa.State.REKEYED;
            s.queue.addFirst(new Work.DeleteChild(created));
        } else {
            old.state = ChildSa.State.REKEYED;
            s.queue.addFirst(new Work.DeleteChild(old));
        }
    }
}
