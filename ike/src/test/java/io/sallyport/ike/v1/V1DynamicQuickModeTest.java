package io.sallyport.ike.v1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sallyport.crypto.DhGroup;
import io.sallyport.ike.Action;
import io.sallyport.ike.DownCause;
import io.sallyport.ike.PeerConfig;
import io.sallyport.ike.message.Bytes;
import io.sallyport.ike.message.TrafficSelector;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 12: B answers A as a dynamic endpoint (a template with remote address 0.0.0.0 and allowed
 * proxy pair 198.18.2.0/24 to 198.18.1.0/24); A's own quick mode is lost on the link and the test
 * speaks A's quick modes by hand under A's phase-1 keys. A quick mode whose proxy IDs fit no
 * allowed pair is refused with INVALID-ID-INFORMATION (RFC 2409 §5.5 ends no phase 1 for it; the
 * reference's §1.7 says phase 2 fails), the gateway is told, and the ISAKMP SA stays: a later
 * quick mode that fits installs under it. One that never gets an IPsec SA ends after {@link
 * V1Engine#CHILDLESS_NANOS}, or at once when a newer ISAKMP SA of the same identity comes up.
 */
class V1DynamicQuickModeTest {

    private static final TrafficSelector A_NET = TrafficSelector.ofPrefix("198.18.1.0", 24);
    private static final TrafficSelector B_NET = TrafficSelector.ofPrefix("198.18.2.0", 24);
    private static final TrafficSelector FOREIGN = TrafficSelector.ofPrefix("198.18.9.0", 24);
    private static final String INSTANCE = "dep/1@" + V1Pair.A.getHostAddress();

    /** A's main mode with B's template; A's quick modes from the link are lost (the test speaks them). */
    private static V1Pair dynamicPair() {
        V1Pair p = new V1Pair(11, 12);
        PeerConfig b = V1Pair.peer("dep/1", V1Pair.B, V1Pair.A, PeerConfig.Dpd.off());
        PeerConfig template = new PeerConfig("dep/1", V1Pair.B, InetAddress.ofLiteral("0.0.0.0"), b.localId(), null,
                b.authenticator(), b.ikeProposals(), b.childProposals(), b.localSelectors(), b.remoteSelectors(), b.dpd(),
                true, false, 0, PeerConfig.Exchange.MAIN);
        p.a.addPeer(p.now, V1Pair.peer("b", V1Pair.A, V1Pair.B, PeerConfig.Dpd.off()), p.actionsA);
        p.b.addPeer(p.now, template, p.actionsB);
        p.lose = d -> d.remote().getAddress().equals(V1Pair.B) && (d.payload()[18] & 0xff) == Isakmp.EXCH_QUICK;
        p.initiateA();
        p.run();
        assertEquals(IsakmpSa.State.ESTABLISHED, p.saB().state, p.actionsB::toString);
        assertEquals(List.of(), p.saB().children);
        return p;
    }

    private static List<V1Payload> offer(V1Pair p, TrafficSelector initiatorNet, TrafficSelector responderNet) {
        List<V1Payload> rest = new ArrayList<>();
        rest.add(V1Proposals.childOffer(p.saA().peer.childProposals(), 0x0a0b0c0d, Isakmp.ENCAP_TUNNEL));
        rest.add(new V1Payload.Nonce(new byte[16]));
        rest.add(new V1Payload.Ke(p.publicValue(DhGroup.GROUP19)));
        rest.add(ProxyId.of(initiatorNet));
        rest.add(ProxyId.of(responderNet));
        return rest;
    }

    /** What B did with one quick mode of A's, and the notify type it refused it with (0: it answered). */
    private record Outcome(List<Action> did, int notifyType) {
    }

    /** A's quick mode with these proxy IDs: B refuses it, or answers and gets HASH(3). */
    private static Outcome quickMode(V1Pair p, TrafficSelector initiatorNet, TrafficSelector responderNet) {
        int mid = p.newMessageId();
        byte[] ni = new byte[16];
        List<Action> did = new ArrayList<>(p.toB(p.quick(mid, Bytes.of32(mid), offer(p, initiatorNet, responderNet))));
        V1Message answer = p.openAtA(p.of(did, Action.Send.class).getFirst().datagram().payload());
        if (answer.header().exchange() == Isakmp.EXCH_QUICK) {
            byte[] nr = answer.first(V1Payload.Nonce.class).orElseThrow().data();
            did.addAll(p.toB(p.quick(mid, Bytes.concat(new byte[] {0}, Bytes.of32(mid), ni, nr), List.of())));
            return new Outcome(did, 0);
        }
        return new Outcome(did, answer.first(V1Payload.Notify.class).orElseThrow().notifyType());
    }

    @Test
    void aRefusedQuickModeLeavesTheIsakmpSaAndALaterOneThatFitsInstallsUnderIt() {
        V1Pair p = dynamicPair();
        Outcome out = quickMode(p, FOREIGN, B_NET);
        List<Action> refused = out.did();
        assertEquals(Isakmp.N_INVALID_ID_INFORMATION, out.notifyType(), refused::toString);
        List<Action.ChildRefused> told = p.of(refused, Action.ChildRefused.class);
        assertEquals(1, told.size(), refused::toString);
        assertEquals(INSTANCE, told.getFirst().peer());
        assertEquals(p.saB().id(), told.getFirst().ikeSa());
        assertTrue(told.getFirst().reason().contains("proxy IDs 198.18.9.0-198.18.9.255") && told.getFirst().reason().contains("do not match"),
                told.getFirst().reason());
        assertEquals(List.of(), p.of(refused, Action.IkeSaDown.class));
        assertEquals(IsakmpSa.State.ESTABLISHED, p.saB().state);

        List<Action> fits = quickMode(p, A_NET, B_NET).did();
        List<Action.InstallChildSa> installed = p.of(fits, Action.InstallChildSa.class);
        assertEquals(1, installed.size(), fits::toString);
        assertEquals(INSTANCE, installed.getFirst().peer());
        assertEquals(told.getFirst().ikeSa(), installed.getFirst().ikeSa(), "the same ISAKMP SA");
        assertEquals(List.of(B_NET), installed.getFirst().localSelectors());
        assertEquals(List.of(A_NET), installed.getFirst().remoteSelectors());
        // A foreign pair refused while the peer has its tunnel: only the peer is told; nothing else changes.
        Outcome again = quickMode(p, FOREIGN, B_NET);
        assertEquals(Isakmp.N_INVALID_ID_INFORMATION, again.notifyType());
        assertEquals(List.of(), p.of(again.did(), Action.ChildRefused.class));
        assertEquals(1, p.saB().children.size());
        // Holding an IPsec SA, the ISAKMP SA is not bounded any more.
        p.run(2 * V1Engine.CHILDLESS_NANOS);
        assertEquals(1, p.saB().children.size(), p.actionsB::toString);
    }

    @Test
    void anIsakmpSaThatNeverGetsAnIpsecSaEndsAfterTheBoundAndThePeerHearsTheDelete() {
        V1Pair p = dynamicPair();
        long established = p.saB().establishedAt;
        quickMode(p, FOREIGN, B_NET);
        long secondBefore = established + V1Engine.CHILDLESS_NANOS - V1Pair.SECOND;
        p.run(secondBefore - p.now);
        p.now = secondBefore;
        p.tick();
        assertEquals(IsakmpSa.State.ESTABLISHED, p.saB().state, "still waiting a second before the bound");
        int mark = p.actionsB.size();
        p.run(2 * V1Pair.SECOND);
        List<Action.IkeSaDown> down = p.of(p.actionsB.subList(mark, p.actionsB.size()), Action.IkeSaDown.class);
        assertEquals(1, down.size(), p.actionsB::toString);
        assertEquals(INSTANCE, down.getFirst().peer());
        assertEquals(DownCause.DELETED_LOCALLY, down.getFirst().cause(), "an ordinary end: the refusal was told already");
        assertEquals("deleted: no IPsec SA for 60 s", down.getFirst().reason());
        assertEquals(0, p.b.liveSaCount());
        assertTrue(p.of(p.actionsA, Action.IkeSaDown.class).stream().anyMatch(d -> d.cause() == DownCause.DELETED_BY_PEER),
                "A heard the Delete: " + p.actionsA);
    }

    @Test
    void aNewerIsakmpSaOfTheSameIdentityReplacesOneThatHoldsNoIpsecSa() {
        V1Pair p = dynamicPair();
        IsakmpSa first = p.saB();
        // A re-authenticates while the first SA is still up (no INITIAL-CONTACT: A holds an SA).
        p.collect(true, (now, out) -> p.a.rekeyIke(now, "b", out));
        p.run();
        assertEquals(IsakmpSa.State.CLOSED, first.state, p.actionsB::toString);
        assertTrue(p.of(p.actionsB, Action.IkeSaDown.class).stream().anyMatch(d -> d.ikeSa().equals(first.id())
                && d.cause() == DownCause.REPLACED), p.actionsB::toString);
        assertEquals(1, p.b.liveSaCount(), "one ISAKMP SA without IPsec SAs per identity");
    }
}
