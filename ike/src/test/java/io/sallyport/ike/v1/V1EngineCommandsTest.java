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
        assertFalse(p.b.deleteChild(p.now, spiIn ^ 1, new ArrayList<>()), "no such SA");
        List<Action> did = onB(p, out -> assertTrue(p.b.deleteChild(p.now, spiIn, out)));
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
        assertFalse(installed.getLast().outboundNow(), "B sends on the old SA until A can have the new one");
        assertEquals(2, p.saB().children.size(), "make before break: the old SA stays while it carries B's traffic");
        p.run(2 * V1Engine.OUTBOUND_SWITCH_NANOS);
        var switched = p.of(p.actionsB, Action.SwitchOutbound.class);
        assertEquals(installed.getLast().spiIn(), switched.getLast().spiIn());
        assertEquals(1, p.saB().children.size(), "the old SA is deleted once the new one carries the traffic");
        assertTrue(p.b.hasChildSpi(installed.getLast().spiIn()));
        // At A too (the responder): the new pair is installed before the old one goes, and as its replacement.
        int oldAtA = p.of(p.actionsA, Action.InstallChildSa.class).getFirst().spiIn();
        var newAtA = p.of(p.actionsA, Action.InstallChildSa.class).getLast();
        assertEquals(oldAtA, newAtA.replacesSpiIn(), () -> p.actionsA.toString());
        var deleteAtA = p.of(p.actionsA, Action.DeleteChildSa.class).stream().filter(d -> d.spiIn() == oldAtA).findFirst().orElseThrow();
        assertTrue(p.actionsA.indexOf(newAtA) < p.actionsA.indexOf(deleteAtA), () -> p.actionsA.toString());
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

    @Test
    void shouldEndPhaseOneOnAnErrorNotifyInTheClearButNotOnAStatusNotify() {
        V1Pair p = V1Pair.configured(io.sallyport.ike.PeerConfig.Dpd.off());
        p.initiateA();
        p.deliverNext();
        byte[] m2 = p.take();
        IsakmpHeader h = IsakmpHeader.parse(m2);
        byte[] cookies = io.sallyport.ike.message.Bytes.concat(io.sallyport.ike.message.Bytes.of64(h.ckyI()),
                io.sallyport.ike.message.Bytes.of64(h.ckyR()));
        java.util.function.IntFunction<byte[]> notice = type -> V1Codec.plain(
                new IsakmpHeader(h.ckyI(), h.ckyR(), 0, Isakmp.EXCH_INFORMATIONAL, 0, 0x1234, 0),
                List.of(new V1Payload.Notify(Isakmp.DOI_IPSEC, Isakmp.PROTO_ISAKMP, cookies, type, new byte[0])));
        List<Action> did = p.toA(notice.apply(Isakmp.N_INITIAL_CONTACT));
        assertEquals(List.of(), p.of(did, Action.IkeSaDown.class), "a status notify in the clear says nothing about phase 1");
        assertEquals(1, p.drops(p.dropsA, DropReason.UNEXPECTED_EXCHANGE));
        did = p.toA(notice.apply(Isakmp.N_PAYLOAD_MALFORMED));
        var down = p.of(did, Action.IkeSaDown.class);
        assertEquals(1, down.size(), did::toString);
        assertEquals(DownCause.REFUSED, down.getFirst().cause(), "no keys yet: the peer's error ends phase 1 (as strongSwan and Junos do)");
        assertEquals(0, p.a.liveSaCount());
    }

    @Test
    void shouldComeBackAfterTheIsakmpSaIsGoneWhenEstablishingImmediately() {
        V1Pair p = new V1Pair(21, 22);
        var forA = V1Pair.peer("b", V1Pair.A, V1Pair.B, io.sallyport.ike.PeerConfig.Dpd.off());
        forA = new io.sallyport.ike.PeerConfig(forA.name(), forA.localAddress(), forA.remoteAddress(), forA.localId(), forA.remoteId(),
                forA.authenticator(), forA.ikeProposals(), forA.childProposals(), forA.localSelectors(), forA.remoteSelectors(),
                forA.dpd(), forA.natTraversal(), true, 0, io.sallyport.ike.PeerConfig.Exchange.MAIN);
        var fa = forA;
        p.b.addPeer(p.now, V1Pair.peer("a", V1Pair.B, V1Pair.A, io.sallyport.ike.PeerConfig.Dpd.off()), p.actionsB);
        p.collect(true, (now, out) -> p.a.addPeer(now, fa, out));
        p.run();
        assertEquals(1, p.saA().children.size(), "establish-tunnels immediately: up without a command");
        onB(p, out -> p.b.deleteIkeSa(p.now, "a", out));
        p.run();
        assertEquals(0, p.a.liveSaCount());
        p.a.scheduleReconnects(p.now);
        long gone = p.now;
        p.run(10 * V1Pair.SECOND);
        assertEquals(1, p.a.liveSaCount(), "A negotiated again");
        assertEquals(1, p.saA().children.size());
        assertTrue(p.actionsA.stream().anyMatch(x -> x instanceof Action.Trace t && t.text().contains("initiating b again")));
        assertTrue(p.now - gone >= io.sallyport.ike.KmdOptions.defaults().reconnectNanos(), "not before the reconnect delay");
    }
}
