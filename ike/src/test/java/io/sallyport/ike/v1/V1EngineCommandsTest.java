package io.sallyport.ike.v1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sallyport.ike.Action;
import io.sallyport.ike.Datagram;
import io.sallyport.ike.DownCause;
import io.sallyport.ike.DropReason;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The IKEv1 engine's commands (initiate, delete and rekey of IPsec and ISAKMP SAs, peer removal)
 * and its dispatch of datagrams by cookies, with the peer's engine answering for real.
 */
class V1EngineCommandsTest {

    private static List<Action> onB(V1Pair p, java.util.function.Consumer<List<Action>> command) {
        List<Action> out = new ArrayList<>();
        command.accept(out);
        p.actionsB.addAll(out);
        for (Action x : out) {
            if (x instanceof Action.Send s) {
                p.wire.add(s.datagram());
            }
        }
        return out;
    }

    @Test
    void shouldDeleteAnIpsecSaAtBothEndsAndBringANewOneUpOnInitiate() {
        V1Pair p = V1Pair.established();
        int spiIn = p.saB().children.getFirst().spiIn;
        assertFalse(p.b.deleteChild(spiIn ^ 1, new ArrayList<>()), "no such SA");
        List<Action> did = onB(p, out -> assertTrue(p.b.deleteChild(spiIn, out)));
        assertEquals(spiIn, p.of(did, Action.DeleteChildSa.class).getFirst().spiIn());
        p.run();
        assertEquals(List.of(), p.saA().children, "A heard the Delete (RFC 2408 §3.15) and removed its half");
        assertEquals(1, p.saA().counters.snapshot().deleteReceived());
        // Phase 1 is still up without IPsec SAs: initiate runs only a quick mode.
        p.collect(true, (now, out) -> p.a.initiate(now, "b", out));
        p.run();
        assertEquals(1, p.saA().children.size());
        assertEquals(1, p.a.liveSaCount(), "no second ISAKMP SA");
        List<Action> again = new ArrayList<>();
        p.a.initiate(p.now, "b", again);
        assertTrue(again.stream().anyMatch(x -> x instanceof Action.Trace t && t.text().contains("already up")), again::toString);
        int before = again.size();
        p.a.initiate(p.now, "nobody", again);
        assertEquals(before, again.size(), "a peer that is not configured starts nothing");
    }

    @Test
    void shouldRekeyAnIpsecSaOnceAtATimeOnCommand() {
        V1Pair p = V1Pair.established();
        int spiIn = p.saB().children.getFirst().spiIn;
        assertFalse(p.b.rekeyChild(p.now, spiIn ^ 1, new ArrayList<>()));
        onB(p, out -> assertTrue(p.b.rekeyChild(p.now, spiIn, out)));
        assertFalse(p.b.rekeyChild(p.now, spiIn, new ArrayList<>()), "already being rekeyed");
        p.run();
        var installed = p.of(p.actionsB, Action.InstallChildSa.class);
        assertEquals(spiIn, installed.getLast().replacesSpiIn());
        assertEquals(1, p.saB().children.size(), "make before break: the old SA is deleted once the new one is in");
        assertTrue(p.b.hasChildSpi(installed.getLast().spiIn()));
    }

    @Test
    void shouldReauthenticateOnRekeyIkeAndDeleteTheOldIsakmpSaAfterwards() {
        V1Pair p = V1Pair.established();
        var old = p.saB().id();
        onB(p, out -> p.b.rekeyIke(p.now, "a", out));
        p.run();
        var down = p.of(p.actionsB, Action.IkeSaDown.class);
        assertEquals(1, down.size(), () -> p.actionsB.toString());
        assertEquals(old, down.getFirst().ikeSa());
        assertEquals(DownCause.REPLACED, down.getFirst().cause());
        assertEquals(1, p.b.liveSaCount());
        assertEquals(1, p.a.liveSaCount(), "A dropped the old one on B's Delete");
        assertEquals(1, p.saB().children.size());
    }

    @Test
    void shouldDeleteTheIsakmpSaByOperatorAndOnPeerRemoval() {
        V1Pair p = V1Pair.established();
        List<Action> did = onB(p, out -> p.b.deleteIkeSa(p.now, "a", out));
        assertEquals("deleted: by operator", p.of(did, Action.IkeSaDown.class).getFirst().reason());
        p.run();
        assertEquals(0, p.a.liveSaCount(), "A heard the Delete");
        did = new ArrayList<>();
        p.a.removePeer(p.now, "b", did);
        assertFalse(p.a.hasPeer("b"));
    }

    @Test
    void shouldDispatchByCookiesAndCountWhatFitsNoSa() {
        V1Pair p = V1Pair.established();
        IsakmpSa a = p.saA();
        byte[] m = p.informational(List.of(new V1Payload.Notify(Isakmp.DOI_IPSEC, Isakmp.PROTO_ISAKMP, p.cookies(),
                Isakmp.N_DPD_R_U_THERE, new byte[4])));
        byte[] zeroInitiator = m.clone();
        java.util.Arrays.fill(zeroInitiator, 0, 8, (byte) 0);
        p.toB(zeroInitiator);
        assertEquals(1, p.drops(p.dropsB, DropReason.MALFORMED_HEADER));
        byte[] otherResponder = m.clone();
        otherResponder[15] ^= 1;
        p.toB(otherResponder);
        assertEquals(1, p.drops(p.dropsB, DropReason.UNKNOWN_SPI));
        // A first message (no responder cookie) must be phase 1, message ID 0, in the clear.
        byte[] first = V1Codec.plain(new IsakmpHeader(a.ckyI + 1, 0, 0, Isakmp.EXCH_MAIN, 0, 7, 0), List.of());
        p.toB(first);
        assertEquals(2, p.drops(p.dropsB, DropReason.MALFORMED_HEADER));
        byte[] aggressive = V1Codec.plain(new IsakmpHeader(a.ckyI + 1, 0, 0, Isakmp.EXCH_AGGRESSIVE, 0, 0, 0), List.of());
        List<Action> did = p.toB(aggressive);
        assertEquals(1, p.drops(p.dropsB, DropReason.UNEXPECTED_EXCHANGE), "peer a is configured for main mode");
        assertTrue(did.stream().anyMatch(x -> x instanceof Action.Trace t && t.text().contains("configured for Main mode")), did::toString);
        List<Action> out = new ArrayList<>();
        p.b.handle(p.now, new Datagram(V1Pair.B_500, new InetSocketAddress("192.0.2.77", 500), first.clone(), false), out);
        byte[] fromStranger = V1Codec.plain(new IsakmpHeader(99, 0, 0, Isakmp.EXCH_MAIN, 0, 0, 0), List.of());
        p.b.handle(p.now, new Datagram(V1Pair.B_500, new InetSocketAddress("192.0.2.77", 500), fromStranger, false), out);
        assertEquals(1, p.drops(p.dropsB, DropReason.NO_PEER));
        assertEquals(1, p.b.liveSaCount());
    }
}
