package io.sallyport.ike;

import static io.sallyport.ike.TwoPeers.A;
import static io.sallyport.ike.TwoPeers.B;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sallyport.ike.message.Bytes;
import io.sallyport.ike.message.IkeHeader;
import io.sallyport.ike.message.MessageCodec;
import io.sallyport.ike.message.Payload;
import io.sallyport.ike.message.Wire;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The low-severity findings of issue 15 on the IKE side: COOKIE length checked by the initiator,
 * unprotected messages after IKE_SA_INIT ignored (RFC 7296 §2.21), extra child SAs per IKE SA
 * capped, peer identities escaped in traces.
 */
class KmdHardeningTest {

    private static final long SECOND = 1_000_000_000L;

    private static String traces(List<Action> actions) {
        return actions.stream().map(Object::toString).collect(Collectors.joining("\n"));
    }

    private static TwoPeers pair() {
        var t = new TwoPeers();
        t.addPeers(TwoPeers.config("b", A, B, "secret"), TwoPeers.config("a", B, A, "secret"));
        return t;
    }

    /** A datagram from B to A as A receives it. */
    private static Datagram fromB(byte[] payload) {
        return new Datagram(new InetSocketAddress(A, 500), new InetSocketAddress(B, 500), payload, false);
    }

    private static Datagram fromA(byte[] payload) {
        return new Datagram(new InetSocketAddress(B, 500), new InetSocketAddress(A, 500), payload, false);
    }

    @Test
    void theInitiatorIgnoresACookieOutsideOneToSixtyFourOctets() {
        for (int length : new int[] {0, 65}) {
            var t = pair();
            t.commandA(new Command.Initiate("b"));
            Datagram init = t.wire.poll();
            long spiI = IkeHeader.parse(init.payload()).spiI();
            byte[] forged = MessageCodec.encode(new IkeHeader(spiI, 0, 0, Wire.IKE_SA_INIT, Wire.FLAG_RESPONSE, 0, 0),
                    List.of(Payload.Notify.of(Wire.N_COOKIE, new byte[length])));
            List<Action> r = t.a.handle(t.now, fromB(forged));
            assertTrue(r.stream().noneMatch(x -> x instanceof Action.Send), "no retry with a " + length + "-octet cookie");
            t.wire.add(init);
            t.runQuiet();
            assertEquals(1, t.of(t.actionsA, Action.IkeSaUp.class).size(), () -> traces(t.actionsA));
        }
    }

    /** An unprotected NO_PROPOSAL_CHOSEN to our IKE_AUTH does not end it; B's protected answer still counts. */
    @Test
    void anUnprotectedErrorToOurIkeAuthIsNotBelievedAtOnce() {
        var t = pair();
        t.commandA(new Command.Initiate("b"));
        t.deliverNext();                      // IKE_SA_INIT to B
        t.deliverNext();                      // its answer to A; A sends IKE_AUTH
        IkeHeader auth = IkeHeader.parse(t.wire.peek().payload());
        assertEquals(Wire.IKE_AUTH, auth.exchangeType());
        byte[] forged = MessageCodec.encode(new IkeHeader(auth.spiI(), auth.spiR(), 0, Wire.IKE_AUTH, Wire.FLAG_RESPONSE, 1, 0),
                List.of(Payload.Notify.of(Wire.N_NO_PROPOSAL_CHOSEN)));
        t.record(true, t.a.handle(t.now, fromB(forged)));
        assertEquals(0, t.of(t.actionsA, Action.IkeSaDown.class).size(), () -> traces(t.actionsA));
        t.runQuiet();
        assertEquals(1, t.of(t.actionsA, Action.IkeSaUp.class).size(), () -> traces(t.actionsA));
        assertEquals(1, t.planeA.size());
    }

    /** Without the keys nobody can delete an IKE SA: a plaintext INFORMATIONAL with a Delete is dropped. */
    @Test
    void anUnprotectedDeleteIsDropped() {
        var t = pair();
        t.commandA(new Command.Initiate("b"));
        t.runQuiet();
        var sa = t.b.ikeSas().getFirst().id();
        byte[] forged = MessageCodec.encode(new IkeHeader(sa.spiI(), sa.spiR(), 0, Wire.INFORMATIONAL, Wire.FLAG_INITIATOR, 2, 0),
                List.of(new Payload.Delete(Wire.PROTO_IKE, 0, List.of())));
        t.record(false, t.b.handle(t.now, fromA(forged)));
        assertEquals(1, t.b.liveSaCount());
        assertEquals(0, t.of(t.actionsB, Action.IkeSaDown.class).size());
        t.commandA(new Command.DeleteIkeSa("b"));
        t.runQuiet();
        assertEquals(0, t.b.liveSaCount(), "A's real delete (message ID 2) still works");
    }

    /** A keeps asking for new child SAs over one IKE SA; B installs up to its cap and then answers NO_ADDITIONAL_SAS. */
    @Test
    void anAuthenticatedPeerCannotCreateChildSasWithoutEnd() {
        var t = pair();
        t.commandA(new Command.Initiate("b"));
        t.runQuiet();
        IkeSession s = t.a.sessions().iterator().next();
        int cap = KmdOptions.Limits.defaults().maxChildSasPerIkeSa();
        List<Action> atB = new ArrayList<>();
        for (int i = 0; i < cap + 8; i++) {
            int id = s.tasks.takeRequestId();
            byte[] nonce = new byte[32];
            nonce[0] = (byte) i;
            var cfg = s.peer;
            var ke = io.sallyport.crypto.KeyExchange.generate(io.sallyport.crypto.DhGroup.GROUP14, TwoPeers.seeded(i));
            List<Payload> req = List.of(Proposals.childOffer(cfg.childProposals(), 0x1000 + i, true), new Payload.Nonce(nonce),
                    new Payload.Ke(14, ke.publicValue()), new Payload.Ts(Wire.TSI, cfg.localSelectors()),
                    new Payload.Ts(Wire.TSR, cfg.remoteSelectors()));
            var h = new IkeHeader(s.spiI, s.spiR, 0, Wire.CREATE_CHILD_SA, Wire.FLAG_INITIATOR, id, 0);
            for (byte[] p : s.encrypt(h, req)) {
                atB.addAll(t.b.handle(t.now, fromA(p)));
            }
        }
        long installed = atB.stream().filter(x -> x instanceof Action.InstallChildSa).count();
        assertEquals(cap - 1, installed, "the first child came with IKE_AUTH");
        assertEquals(cap, t.b.ikeSas().getFirst().childSpisIn().size());
        assertTrue(atB.stream().anyMatch(x -> x instanceof Action.Trace tr && tr.text().contains("NO_ADDITIONAL_SAS")), traces(atB));
    }

    /** Reconnects are reconsidered per event, not per datagram: removing a peer still ends its pending reconnect. */
    @Test
    void aRemovedPeerLeavesNoReconnectBehind() {
        var t = new TwoPeers();
        t.dropFilter = d -> true;
        var c = TwoPeers.config("b", A, B, "secret");
        var immediate = new PeerConfig("b", A, B, c.localId(), c.remoteId(), c.authenticator(), c.ikeProposals(),
                c.childProposals(), c.localSelectors(), c.remoteSelectors(), c.dpd(), true, true);
        t.commandA(new Command.AddPeer(immediate));
        t.run(SECOND);
        while (t.a.liveSaCount() > 0) {
            t.run(SECOND / 10);
        }
        assertTrue(t.a.nextDeadline().isPresent(), "the SA gave up; a reconnect is pending");
        t.commandA(new Command.RemovePeer("b"));
        assertTrue(t.a.nextDeadline().isEmpty(), "nothing left to do for a removed peer");
    }

    @Test
    void peerIdentitiesAreEscapedInTraces() {
        var id = new Identity(Identity.Type.FQDN, "gw\n\u001b[31m.example\\".getBytes(StandardCharsets.ISO_8859_1));
        assertEquals("gw\\x0a\\x1b[31m.example\\x5c", id.toString());
        assertEquals("vpn@example.net", Identity.userFqdn("vpn@example.net").toString());
        assertEquals("caf\\xc3\\xa9", new Identity(Identity.Type.FQDN, "café".getBytes(StandardCharsets.UTF_8)).toString());
    }
}
