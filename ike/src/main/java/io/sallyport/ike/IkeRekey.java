package io.sallyport.ike;

import io.sallyport.ike.task.Failure;
import io.sallyport.ike.message.NotifyError;
import io.sallyport.crypto.DhGroup;
import io.sallyport.crypto.IkeKeyDerivation;
import io.sallyport.crypto.KeyExchange;
import io.sallyport.ike.message.Bytes;
import io.sallyport.ike.message.IkeMessage;
import io.sallyport.ike.message.Payload;
import io.sallyport.ike.message.Wire;
import io.sallyport.ike.task.Step;
import java.util.List;
import java.util.Optional;

import io.sallyport.ike.IkeSession.State;

/**
 * CREATE_CHILD_SA for the IKE SA itself (RFC 7296 §2.18): the successor SA inherits the
 * children; crossing rekeys are settled by the lowest nonce. {@link Initiator} is the task we
 * start, {@link Responder} answers the peer's.
 */
final class IkeRekey {

    private IkeRekey() {
    }

    /** RekeyIkeLocal: our nonce, D-H key and new SPI until the response; a crossing peer rekey's nonces and SA. */
    static final class Initiator implements IkeTask {
        private final IkeSession s;
        private byte[] nonce;
        private KeyExchange ke;
        private long newIkeSpi;
        private byte[] peerNi;
        private byte[] peerNr;
        private IkeSession peerCreated;

        Initiator(IkeSession s) { this.s = s; }

        @Override
        public String name() { return "RekeyIkeLocal"; }

        @Override
        public int exchangeType() { return Wire.CREATE_CHILD_SA; }

        @Override
        public String describe() { return "CREATE_CHILD_SA (rekey IKE)"; }

        @Override
        public Step<List<Payload>> initiate(long now, List<Action> out) {
            nonce = s.env.nonce();
            newIkeSpi = s.env.newIkeSpi();
            DhGroup group = s.rekeyRetry.group(s.peer.ikeProposals().getFirst().group());
            ke = s.env.newKeyExchange(group);
            s.env.trace(out, TraceFlag.IKE, TraceLevel.INFO, "RekeyIkeLocal: rekeying IKE SA " + s.id());
            return new Step.Send<>(List.of(Proposals.ikeOffer(s.peer.ikeProposals(), Bytes.of64(newIkeSpi)), new Payload.Nonce(nonce),
                    new Payload.Ke(ke.group().number(), ke.publicValue())));
        }

        /** The peer rekeyed this IKE SA while our request was in the air; settled when our response comes. */
        void crossed(byte[] theirNi, byte[] ourNr, IkeSession created) {
            peerNi = theirNi;
            peerNr = ourNr;
            peerCreated = created;
        }

        @Override
        public Step<List<Payload>> process(long now, IkeMessage m, List<Action> out) {
            var sa = m.first(Payload.Sa.class);
            var theirNonce = m.first(Payload.Nonce.class);
            var kePayload = m.first(Payload.Ke.class);
            if (sa.isEmpty() || theirNonce.isEmpty() || kePayload.isEmpty()) {
                var err = m.errorNotify();
                Optional<DhGroup> wanted = err.filter(n -> n.error().orElseThrow() == NotifyError.Standard.INVALID_KE_PAYLOAD && n.data().length == 2)
                        .flatMap(n -> DhGroup.fromNumber(Bytes.u16(n.data(), 0)))
                        .filter(g -> s.peer.ikeProposals().stream().anyMatch(x -> x.group() == g));
                if (wanted.isPresent() && s.rekeyRetry.retryAtOnceWith(wanted.get())) {
                    s.env.trace(out, TraceFlag.IKE, TraceLevel.INFO, "RekeyIkeLocal: peer wants " + wanted.get().keyword() + ", retrying with it");
                    s.tasks.queueFirst(new Initiator(s));
                    return new Step.Done<>();
                }
                return refused(now, m.error().map(e -> "refused with " + e).orElse("malformed response"), out);
            }
            Optional<IkeProposal> chosen = Proposals.acceptedIke(sa.get(), s.peer.ikeProposals());
            Optional<byte[]> shared = kePayload.flatMap(k -> s.env.agree(ke, k.data()));
            if (chosen.isEmpty() || shared.isEmpty() || sa.get().proposals().getFirst().spi().length != 8) {
                return refused(now, "bad response", out);
            }
            IkeSession next = successor(s, now, true, chosen.get(), newIkeSpi, sa.get().proposals().getFirst().spiValue(),
                    nonce, theirNonce.get().data(), shared.get());
            s.env.register(next);
            next.announceAll(s, now, out);
            s.env.trace(out, TraceFlag.IKE, TraceLevel.NOTICE, "RekeyIkeLocal: IKE SA " + s.id() + " replaced by " + next.id());
            s.markRekeyed(now);
            if (peerCreated != null && Collisions.lostCollision(nonce, theirNonce.get().data(), peerNi, peerNr)) {
                // Our new IKE SA holds the lowest nonce: it is redundant and we close it; the peer deletes the old one.
                s.env.trace(out, TraceFlag.IKE, TraceLevel.INFO, "SimulRekeyIke: lost the collision, deleting our redundant " + next.id());
                next.markRekeyed(now);
                next.enqueue(now, new Informational.DeleteIke(next, Failure.of(Failure.Kind.REPLACED, "(redundant after simultaneous rekey)")), out);
                return new Step.Done<>();
            }
            if (peerCreated != null) {
                // We won: the children live on in the SA we created; the peer deletes the one it created.
                next.adoptChildren(peerCreated, c -> true);
                peerCreated.markRekeyed(now);
            }
            s.tasks.queueFirst(new Informational.DeleteIke(s, Failure.of(Failure.Kind.REPLACED, "rekeyed")));
            return new Step.Done<>();
        }

        /** The rekey failed: this SA stays and is rekeyed again after a bounded, doubling wait (before its hard lifetime). */
        private Step<List<Payload>> refused(long now, String why, List<Action> out) {
            long wait = s.rekeyRetry.refused(s.env.options().limits());
            s.softDeadline = now + wait < s.hardDeadline ? now + wait : Long.MAX_VALUE;
            s.env.trace(out, TraceFlag.IKE, TraceLevel.WARNING, "RekeyIkeLocal: " + why + ", keeping " + s.id()
                    + (s.softDeadline == Long.MAX_VALUE ? " until it expires" : ", next try in " + wait / 1_000_000_000L + " s"));
            return new Step.Done<>();
        }
    }

    /** RekeyIkeRemote: the peer's CREATE_CHILD_SA that proposes protocol IKE (the SA and nonce are there). */
    static final class Responder extends IkeResponder {
        Responder(IkeSession s) { super(s, "RekeyIkeRemote", Wire.CREATE_CHILD_SA); }

        @Override
        List<Payload> respond(long now, IkeMessage m, List<Action> out) {
            var sa = m.first(Payload.Sa.class).orElseThrow();
            var kePayload = m.first(Payload.Ke.class);
            var chosen = Proposals.selectIke(sa.proposals(), s.peer.ikeProposals());
            if (chosen.isEmpty() || chosen.get().offered().spi().length != 8) {
                return List.of(Payload.Notify.of(NotifyError.Standard.NO_PROPOSAL_CHOSEN));
            }
            IkeProposal p = chosen.get().ours();
            if (kePayload.isEmpty() || kePayload.get().group() != p.group().number()) {
                return List.of(Payload.Notify.of(Wire.N_INVALID_KE_PAYLOAD, new byte[] {(byte) (p.group().number() >> 8), (byte) p.group().number()}));
            }
            if (!KeyExchange.isValidPeerValue(p.group(), kePayload.get().data())) {
                return List.of(Payload.Notify.of(NotifyError.Standard.INVALID_SYNTAX));
            }
            KeyExchange myKe = s.env.newKeyExchange(p.group());
            Optional<byte[]> shared = s.env.agree(myKe, kePayload.get().data());
            if (shared.isEmpty()) {
                return List.of(Payload.Notify.of(NotifyError.Standard.INVALID_SYNTAX));
            }
            byte[] theirNonce = m.first(Payload.Nonce.class).orElseThrow().data();
            byte[] myNonce = s.env.nonce();
            long newSpiR = s.env.newIkeSpi();
            IkeSession next = successor(s, now, false, p, chosen.get().offered().spiValue(), newSpiR, theirNonce, myNonce, shared.get());
            s.env.register(next);
            if (s.tasks.outstandingTask() instanceof Initiator ours) {
                ours.crossed(theirNonce, myNonce, next);
                s.env.trace(out, TraceFlag.IKE, TraceLevel.INFO, "SimulRekeyIke: peer rekeyed IKE SA " + s.id() + " while we were rekeying it");
            }
            s.env.trace(out, TraceFlag.IKE, TraceLevel.NOTICE, "RekeyIkeRemote: IKE SA " + s.id() + " replaced by " + next.id());
            next.announceAll(s, now, out);
            s.markRekeyed(now);
            return List.of(new Payload.Sa(List.of(Proposals.answer(chosen.get().offered(), Proposals.ikeTransforms(p), Bytes.of64(newSpiR)))),
                    new Payload.Nonce(myNonce), new Payload.Ke(p.group().number(), myKe.publicValue()));
        }
    }

    /** The IKE SA that replaces this one; children move to it (RFC 7296 §2.18). */
    static IkeSession successor(IkeSession s, long now, boolean weInitiated, IkeProposal p, long newSpiI, long newSpiR,
                                 byte[] rNi, byte[] rNr, byte[] shared) {
        var next = new IkeSession(s.env, s.peer, weInitiated, s.local, s.remote, now);
        next.spiI = newSpiI;
        next.spiR = newSpiR;
        next.proposal = p;
        next.ni = rNi;
        next.nr = rNr;
        next.onNatPort = s.onNatPort;
        next.natLocal = s.natLocal;
        next.natRemote = s.natRemote;
        next.peerFragmentation = s.peerFragmentation;
        next.deriveIkeKeys(IkeKeyDerivation.rekeySkeyseed(s.proposal.prf(), s.keys.skD(), shared, rNi, rNr));
        next.state = State.ESTABLISHED;
        long life = next.lifetimeSeconds() * 1_000_000_000L;
        next.hardDeadline = now + life;
        next.softDeadline = now + s.env.options().softLifetime(life, s.env.random());
        next.nextKeepalive = s.nextKeepalive;
        next.adoptChildren(s, c -> c.state != ChildSa.State.DELETING);
        return next;
    }
}
