package io.sallyport.ike;

import io.sallyport.crypto.DhGroup;
import io.sallyport.crypto.KeyExchange;
import io.sallyport.ike.message.Bytes;
import io.sallyport.ike.message.IkeMessage;
import io.sallyport.ike.message.NotifyError;
import io.sallyport.ike.message.Payload;
import io.sallyport.ike.message.TrafficSelector;
import io.sallyport.ike.message.Wire;
import io.sallyport.ike.task.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * CREATE_CHILD_SA for child SAs: additional children of further terms towards the same peer
 * (RFC 7296 §1.3.1), rekey (make-before-break) in both roles and the §2.8.1 collision rule for
 * crossing rekeys. {@link Create} and {@link Rekey} are the tasks we start; {@link Responder}
 * answers the peer's.
 */
final class ChildRekey {

    private ChildRekey() {
    }

    /** What a CREATE_CHILD_SA request for a child keeps until its response: our nonce, D-H key and new inbound SPI. */
    private abstract static class ChildRequest implements IkeTask {
        final IkeSession s;
        byte[] nonce;
        KeyExchange ke;
        int newChildSpi;

        ChildRequest(IkeSession s) { this.s = s; }

        @Override
        public int exchangeType() { return Wire.CREATE_CHILD_SA; }

        /** SA, Ni, [KEi], TSi, TSr (RFC 7296 §1.3.1). */
        List<Payload> payloads(PeerConfig term, DhGroup group, List<TrafficSelector> local, List<TrafficSelector> remote) {
            nonce = s.env.nonce();
            newChildSpi = s.env.newChildSpi();
            List<Payload> pl = new ArrayList<>();
            pl.add(Proposals.childOffer(term.childProposals(), newChildSpi, true));
            pl.add(new Payload.Nonce(nonce));
            if (group != null) {
                ke = s.env.newKeyExchange(group);
                pl.add(new Payload.Ke(ke.group().number(), ke.publicValue()));
            }
            pl.add(new Payload.Ts(Wire.TSI, local));
            pl.add(new Payload.Ts(Wire.TSR, remote));
            return pl;
        }

        /** g^ir of a PFS exchange, null without PFS; empty when the response's KE is missing or unusable. */
        Optional<byte[]> shared(IkeMessage m) {
            if (ke == null) {
                return Optional.of(new byte[0]);
            }
            return m.first(Payload.Ke.class).filter(k -> k.group() == ke.group().number()).flatMap(k -> s.env.agree(ke, k.data()));
        }
    }

    /** A further term's first child over an established IKE SA (CreateChildLocal). */
    static final class Create extends ChildRequest {
        private final PeerConfig term;

        Create(IkeSession s, PeerConfig term) {
            super(s);
            this.term = term;
        }

        PeerConfig term() { return term; }

        @Override
        public String name() { return "CreateChildLocal"; }

        @Override
        public String describe() { return "CREATE_CHILD_SA (new child)"; }

        @Override
        public Step<List<Payload>> initiate(long now, List<Action> out) {
            s.env.trace(out, TraceFlag.IKE, TraceLevel.INFO, "CreateChildLocal: child SA for " + term.name());
            return new Step.Send<>(payloads(term, term.childProposals().getFirst().pfsGroup(), term.localSelectors(), term.remoteSelectors()));
        }

        /** The child is installed, or the refusal traced; the IKE SA stays either way. */
        @Override
        public Step<List<Payload>> process(long now, IkeMessage m, List<Action> out) {
            String why = m.error().map(e -> e == NotifyError.Standard.TS_UNACCEPTABLE ? "TS unacceptable" : "refused with " + e)
                    .orElse(null);
            var theirNonce = m.first(Payload.Nonce.class);
            if (why == null && theirNonce.isEmpty()) {
                why = "answered without a nonce";
            }
            Optional<byte[]> shared = why == null ? shared(m) : Optional.empty();
            if (why == null && shared.isEmpty()) {
                why = "answered with an unusable KE payload";
            }
            if (why == null && ChildCreate.acceptChild(s, term, now, m, newChildSpi, nonce, theirNonce.get().data(),
                    ke == null ? null : shared.get(), null, true, out).isEmpty()) {
                why = "answered with a proposal or selectors we did not offer";
            }
            if (why != null) {
                s.env.trace(out, TraceFlag.POLICY_MANAGER, TraceLevel.ERROR, "CreateChildLocal: child SA for " + term.name() + " " + why);
                s.childRefused(now, term, why, out);
            }
            return new Step.Done<>();
        }
    }

    /** Rekeys one child SA, make-before-break (RekeyChildLocal). */
    static final class Rekey extends ChildRequest {
        private final ChildSa old;
        /** Nonces of a crossing peer rekey of the same child (RFC 7296 §2.8.1), with the SA it created. */
        private byte[] peerNi;
        private byte[] peerNr;
        private ChildSa peerCreated;

        Rekey(IkeSession s, ChildSa old) {
            super(s);
            this.old = old;
        }

        boolean rekeys(ChildSa c) { return old == c; }

        @Override
        public String name() { return "RekeyChildLocal"; }

        @Override
        public String describe() { return "CREATE_CHILD_SA (rekey child)"; }

        @Override
        public Step<List<Payload>> initiate(long now, List<Action> out) {
            // The child may have gone, or be on its way out, by the time the window is ours.
            if (!s.children.contains(old) || old.state != ChildSa.State.INSTALLED) {
                return new Step.Done<>();
            }
            old.state = ChildSa.State.REKEYING;
            DhGroup group = old.rekeyRetry.group(old.term.childProposals().getFirst().pfsGroup());
            List<Payload> pl = new ArrayList<>();
            pl.add(new Payload.Notify(Wire.PROTO_ESP, Bytes.of32(old.spiIn), Wire.N_REKEY_SA, new byte[0]));
            pl.addAll(payloads(old.term, group, old.localSelectors, old.remoteSelectors));
            s.env.trace(out, TraceFlag.IKE, TraceLevel.INFO, "RekeyChildLocal: rekeying " + old);
            return new Step.Send<>(pl);
        }

        /** The peer rekeyed the same child while our request was in the air; settled when our response comes. */
        void crossed(byte[] theirNi, byte[] ourNr, ChildSa created) {
            peerNi = theirNi;
            peerNr = ourNr;
            peerCreated = created;
        }

        @Override
        public Step<List<Payload>> process(long now, IkeMessage m, List<Action> out) {
            var err = m.all(Payload.Notify.class).stream().filter(Payload.Notify::isError).findFirst();
            if (err.isPresent()) {
                Optional<DhGroup> wanted = suggestedGroup(old.term, err.get());
                if (wanted.isPresent() && old.rekeyRetry.retryAtOnceWith(wanted.get())) {
                    s.env.trace(out, TraceFlag.IKE, TraceLevel.INFO, "RekeyChildLocal: " + old + " rekey: peer wants "
                            + wanted.get().keyword() + ", retrying with it");
                    old.state = ChildSa.State.INSTALLED;
                    s.tasks.queueFirst(new Rekey(s, old));
                    return new Step.Done<>();
                }
                return refused(now, "refused with " + err.get().error().orElseThrow(), out);
            }
            var theirNonce = m.first(Payload.Nonce.class);
            if (theirNonce.isEmpty()) {
                return refused(now, "answered without a nonce", out);
            }
            Optional<byte[]> shared = shared(m);
            if (shared.isEmpty()) {
                return refused(now, "answered with an unusable KE payload", out);
            }
            boolean lost = peerCreated != null && Collisions.lostCollision(nonce, theirNonce.get().data(), peerNi, peerNr);
            // The responder installed its inbound SA before it answered: our traffic moves to the
            // new SA now, unless that SA is the redundant one of a collision we lost.
            Optional<ChildSa> accepted = ChildCreate.acceptChild(s, old.term, now, m, newChildSpi, nonce, theirNonce.get().data(),
                    ke == null ? null : shared.get(), old, !lost, out);
            if (accepted.isEmpty()) {
                return refused(now, "answered with a proposal or selectors we did not offer", out);
            }
            ChildSa created = accepted.get();
            old.state = ChildSa.State.REKEYED;
            if (lost) {
                // Our new SA holds the lowest nonce: it is the redundant one, we close it; the peer
                // deletes the old one, and then our traffic moves to the SA the peer made.
                old.replacement = peerCreated;
                s.env.trace(out, TraceFlag.IKE, TraceLevel.INFO, "SimulRekeyChild: lost the collision, deleting our redundant " + created);
                s.tasks.queueFirst(new Informational.DeleteChild(s, created));
            } else {
                s.tasks.queueFirst(new Informational.DeleteChild(s, old));
            }
            return new Step.Done<>();
        }

        /** The rekey failed: the old SA stays and is rekeyed again after a bounded, doubling wait. */
        private Step<List<Payload>> refused(long now, String why, List<Action> out) {
            long wait = old.rekeyRetry.refused(s.env.options().limits());
            old.rekeyDue = now + wait;
            if (old.state == ChildSa.State.REKEYING) {
                old.state = ChildSa.State.INSTALLED;
            }
            s.env.trace(out, TraceFlag.IKE, TraceLevel.WARNING, "RekeyChildLocal: " + old + " rekey " + why
                    + ", next try in " + wait / 1_000_000_000L + " s");
            return new Step.Done<>();
        }
    }

    /** The group an INVALID_KE_PAYLOAD names, if it is a PFS group of one of our child proposals. */
    private static Optional<DhGroup> suggestedGroup(PeerConfig term, Payload.Notify n) {
        if (n.error().orElse(null) != NotifyError.Standard.INVALID_KE_PAYLOAD || n.data().length != 2) {
            return Optional.empty();
        }
        return DhGroup.fromNumber(Bytes.u16(n.data(), 0))
                .filter(g -> term.childProposals().stream().anyMatch(c -> c.pfsGroup() == g));
    }

    /** The peer's CREATE_CHILD_SA for a child SA, new or rekeyed (the SA and nonce are there: {@link IkeSession} checked). */
    static final class Responder extends IkeResponder {
        Responder(IkeSession s) { super(s, "CreateChildRemote", Wire.CREATE_CHILD_SA); }

        @Override
        List<Payload> respond(long now, IkeMessage m, List<Action> out) {
            var nonce = m.first(Payload.Nonce.class);
            var sa = m.first(Payload.Sa.class);
            var rekey = m.notify(Wire.N_REKEY_SA);
            int cap = s.env.options().limits().maxChildSasPerIkeSa();
            if (rekey.isEmpty() && s.children.stream().filter(c -> c.state != ChildSa.State.REKEYED).count() >= cap) {
                s.env.trace(out, TraceFlag.IKE, TraceLevel.WARNING, "CreateChildRemote: " + s.peer.name() + " already has " + cap
                        + " child SAs over IKE SA " + s.id() + ", sending NO_ADDITIONAL_SAS");
                return List.of(Payload.Notify.of(NotifyError.Standard.NO_ADDITIONAL_SAS));
            }
            ChildSa old = null;
            if (rekey.isPresent()) {
                long spi = rekey.get().spi().length == 4 ? Bytes.u32(rekey.get().spi(), 0) : -1;
                old = s.children.stream().filter(c -> c.spiOut == (int) spi && c.state != ChildSa.State.DELETING).findFirst().orElse(null);
                if (old == null) {
                    return List.of(new Payload.Notify(Wire.PROTO_ESP, rekey.get().spi(), NotifyError.Standard.CHILD_SA_NOT_FOUND.code(), new byte[0]));
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
                    return List.of(Payload.Notify.of(NotifyError.Standard.INVALID_SYNTAX));
                }
                myKe = s.env.newKeyExchange(g);
                Optional<byte[]> secret = s.env.agree(myKe, kePayload.get().data());
                if (secret.isEmpty()) {
                    return List.of(Payload.Notify.of(NotifyError.Standard.INVALID_SYNTAX));
                }
                shared = secret.get();
            }
            byte[] theirNonce = nonce.get().data();
            ChildCreate.Answer answer = ChildCreate.respondChild(s, term, now, m, theirNonce, myNonce, shared, false, old, out);
            if (answer.created() == null) {
                return answer.payloads();
            }
            if (old != null) {
                ChildSa rekeyed = old;
                if (old.state == ChildSa.State.REKEYING && s.tasks.outstandingTask() instanceof Rekey ours && ours.rekeys(rekeyed)) {
                    ours.crossed(theirNonce, myNonce, answer.created());
                    s.env.trace(out, TraceFlag.IKE, TraceLevel.INFO, "SimulRekeyChild: peer rekeyed " + old + " while we were rekeying it");
                } else {
                    old.state = ChildSa.State.REKEYED;
                }
            }
            List<Payload> childPart = answer.payloads();
            List<Payload> resp = new ArrayList<>();
            resp.add(childPart.getFirst());
            resp.add(new Payload.Nonce(myNonce));
            if (myKe != null) {
                resp.add(new Payload.Ke(myKe.group().number(), myKe.publicValue()));
            }
            resp.addAll(childPart.subList(1, childPart.size()));
            return resp;
        }
    }
}
