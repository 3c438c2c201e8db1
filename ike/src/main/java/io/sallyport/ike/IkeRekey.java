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
 * CREATE_CHILD_SA for the IKE SA itself (RFC 7296 §2.18): the successor SA inherits the
 * children; crossing rekeys are settled by the lowest nonce.
 */
final class IkeRekey {

    private IkeRekey() {
    }

    static List<Payload> rekeyIkeRequestPayloads(IkeSession s, Pending p) {
        p.nonce = s.env.nonce();
        p.newIkeSpi = s.env.newIkeSpi();
        DhGroup group = s.ikeRekeyGroup != null ? s.ikeRekeyGroup : s.peer.ikeProposals().getFirst().group();
        p.ke = p.ke != null ? p.ke : s.env.newKeyExchange(group);
        return List.of(Proposals.ikeOffer(s.peer.ikeProposals(), Bytes.of64(p.newIkeSpi)), new Payload.Nonce(p.nonce),
                new Payload.Ke(p.ke.group().number(), p.ke.publicValue()));
    }

    static List<Payload> processRekeyIkeRequest(IkeSession s, long now, IkeMessage m, List<Action> out) {
        var sa = m.first(Payload.Sa.class).orElseThrow();
        var kePayload = m.first(Payload.Ke.class);
        var chosen = Proposals.selectIke(sa.proposals(), s.peer.ikeProposals());
        if (chosen.isEmpty() || chosen.get().offered().spi().length != 8) {
            return List.of(Payload.Notify.of(Wire.N_NO_PROPOSAL_CHOSEN));
        }
        IkeProposal p = chosen.get().ours();
        if (kePayload.isEmpty() || kePayload.get().group() != p.group().number()) {
            return List.of(Payload.Notify.of(Wire.N_INVALID_KE_PAYLOAD, new byte[] {(byte) (p.group().number() >> 8), (byte) p.group().number()}));
        }
        if (!KeyExchange.isValidPeerValue(p.group(), kePayload.get().data())) {
            return List.of(Payload.Notify.of(Wire.N_INVALID_SYNTAX));
        }
        KeyExchange myKe = s.env.newKeyExchange(p.group());
        Optional<byte[]> shared = s.env.agree(myKe, kePayload.get().data());
        if (shared.isEmpty()) {
            return List.of(Payload.Notify.of(Wire.N_INVALID_SYNTAX));
        }
        byte[] theirNonce = m.first(Payload.Nonce.class).orElseThrow().data();
        byte[] myNonce = s.env.nonce();
        long newSpiR = s.env.newIkeSpi();
        IkeSession next = IkeRekey.successor(s, now, false, p, chosen.get().offered().spiValue(), newSpiR, theirNonce, myNonce, shared.get());
        s.env.register(next);
        if (s.pending != null && s.pending.work instanceof Work.RekeyIke) {
            s.pending.peerNi = theirNonce;
            s.pending.peerNr = myNonce;
            s.pending.peerCreatedIke = next;
            s.env.trace(out, TraceFlag.IKE, TraceLevel.INFO, "SimulRekeyIke: peer rekeyed IKE SA " + s.id() + " while we were rekeying it");
        }
        s.env.trace(out, TraceFlag.IKE, TraceLevel.NOTICE, "RekeyIkeRemote: IKE SA " + s.id() + " replaced by " + next.id());
        next.announceAll(s, now, out);
        s.markRekeyed(now);
        return List.of(new Payload.Sa(List.of(Proposals.answer(chosen.get().offered(), Proposals.ikeTransforms(p), Bytes.of64(newSpiR)))),
                new Payload.Nonce(myNonce), new Payload.Ke(p.group().number(), myKe.publicValue()));
    }

    static void processRekeyIkeResponse(IkeSession s, long now, IkeMessage m, Pending p, List<Action> out) {
        var sa = m.first(Payload.Sa.class);
        var nonce = m.first(Payload.Nonce.class);
        var kePayload = m.first(Payload.Ke.class);
        if (sa.isEmpty() || nonce.isEmpty() || kePayload.isEmpty()) {
            var err = m.all(Payload.Notify.class).stream().filter(Payload.Notify::isError).findFirst();
            Optional<DhGroup> wanted = err.filter(n -> n.notifyType() == Wire.N_INVALID_KE_PAYLOAD && n.data().length == 2)
                    .flatMap(n -> DhGroup.fromNumber(Bytes.u16(n.data(), 0)))
                    .filter(g -> g != s.ikeRekeyGroup && s.peer.ikeProposals().stream().anyMatch(x -> x.group() == g));
            wanted.ifPresent(g -> s.ikeRekeyGroup = g);
            if (wanted.isPresent() && !s.ikeRekeyGroupSwitched) {
                // Once at once; a peer naming another group each time gets the back-off, not a loop.
                s.ikeRekeyGroupSwitched = true;
                s.env.trace(out, TraceFlag.IKE, TraceLevel.INFO, "RekeyIkeLocal: peer wants " + wanted.get().keyword() + ", retrying with it");
                s.queue.addFirst(new Work.RekeyIke());
                return;
            }
            refused(s, now, err.map(n -> "refused with " + Wire.notifyName(n.notifyType())).orElse("malformed response"), out);
            return;
        }
        Optional<IkeProposal> chosen = Proposals.acceptedIke(sa.get(), s.peer.ikeProposals());
        Optional<byte[]> shared = kePayload.flatMap(k -> s.env.agree(p.ke, k.data()));
        if (chosen.isEmpty() || shared.isEmpty() || sa.get().proposals().getFirst().spi().length != 8) {
            refused(s, now, "bad response", out);
            return;
        }
        IkeSession next = IkeRekey.successor(s, now, true, chosen.get(), p.newIkeSpi, sa.get().proposals().getFirst().spiValue(),
                p.nonce, nonce.get().data(), shared.get());
        s.env.register(next);
        next.announceAll(s, now, out);
        s.env.trace(out, TraceFlag.IKE, TraceLevel.NOTICE, "RekeyIkeLocal: IKE SA " + s.id() + " replaced by " + next.id());
        s.markRekeyed(now);
        if (p.peerCreatedIke != null && Collisions.lostCollision(p.nonce, nonce.get().data(), p.peerNi, p.peerNr)) {
            // Our new IKE SA holds the lowest nonce: it is redundant and we close it; the s.peer deletes the old one.
            s.env.trace(out, TraceFlag.IKE, TraceLevel.INFO, "SimulRekeyIke: lost the collision, deleting our redundant " + next.id());
            next.markRekeyed(now);
            next.enqueue(now, new Work.DeleteIke(DownCause.REPLACED, "redundant after simultaneous rekey"), out);
            return;
        }
        if (p.peerCreatedIke != null) {
            // We won: the s.children live on in the SA we created; the s.peer deletes the one it created.
            next.children.addAll(p.peerCreatedIke.children);
            p.peerCreatedIke.children.clear();
            p.peerCreatedIke.markRekeyed(now);
        }
        s.queue.addFirst(new Work.DeleteIke(DownCause.REPLACED, "replaced by rekey"));
    }

    /** The rekey failed: this SA stays and is rekeyed again after a bounded, doubling wait (before its hard lifetime). */
    private static void refused(IkeSession s, long now, String why, List<Action> out) {
        s.ikeRekeyRefusals++;
        long wait = s.rekeyBackoff(s.ikeRekeyRefusals);
        s.softDeadline = now + wait < s.hardDeadline ? now + wait : Long.MAX_VALUE;
        s.env.trace(out, TraceFlag.IKE, TraceLevel.WARNING, "RekeyIkeLocal: " + why + ", keeping " + s.id()
                + (s.softDeadline == Long.MAX_VALUE ? " until it expires" : ", next try in " + wait / 1_000_000_000L + " s"));
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
        next.deriveIkeKeys(IkeKeyDerivation.rekeySkeyseed(s.proposal.prf(), s.skD, shared, rNi, rNr));
        next.state = State.ESTABLISHED;
        long life = p.lifetimeSeconds() * 1_000_000_000L;
        next.hardDeadline = now + life;
        next.softDeadline = now + s.env.options().softLifetime(life, s.env.random());
        next.nextKeepalive = s.nextKeepalive;
        next.children.addAll(s.children.stream().filter(c -> c.state != ChildSa.State.DELETING).toList());
        s.children.clear();
        return next;
    }
}
