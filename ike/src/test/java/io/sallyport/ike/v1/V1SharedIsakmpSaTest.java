package io.sallyport.ike.v1;

import static io.sallyport.ike.v1.V1Pair.A;
import static io.sallyport.ike.v1.V1Pair.B;
import static io.sallyport.ike.v1.V1Pair.SECOND;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sallyport.ike.Action;
import io.sallyport.ike.IkeProposal;
import io.sallyport.ike.PeerConfig;
import io.sallyport.ike.message.TrafficSelector;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Several IKEv1 terms towards one gateway with the same phase-1 settings share one ISAKMP SA, as
 * on Junos: one main mode, one quick mode per term, each IPsec SA its term's; re-authentication
 * brings every term up again under the new SA; removing one term deletes only its IPsec SA.
 */
class V1SharedIsakmpSaTest {

    private static final IkeProposal TEN_MINUTES = new IkeProposal(V1Pair.IKE.encryption(), V1Pair.IKE.integrity(),
            V1Pair.IKE.prf(), V1Pair.IKE.group(), 600);

    /** {@code base} renamed and protecting {@code local} towards {@code remote} (both /24). */
    private static PeerConfig term(PeerConfig base, String name, String local, String remote) {
        return new PeerConfig(name, base.localAddress(), base.remoteAddress(), base.localId(), base.remoteId(), base.authenticator(),
                List.of(TEN_MINUTES), base.childProposals(), List.of(TrafficSelector.ofPrefix(local, 24)),
                List.of(TrafficSelector.ofPrefix(remote, 24)), base.dpd(), base.natTraversal(), base.establishImmediately(),
                base.natKeepaliveSeconds(), base.exchange());
    }

    private static V1Pair twoTermsEachWay() {
        V1Pair p = new V1Pair(11, 12);
        PeerConfig toB = V1Pair.peer("b", A, B, PeerConfig.Dpd.off());
        PeerConfig toA = V1Pair.peer("a", B, A, PeerConfig.Dpd.off());
        p.a.addPeer(p.now, term(toB, "b", "198.18.1.0", "198.18.2.0"), p.actionsA);
        p.a.addPeer(p.now, term(toB, "b2", "198.18.3.0", "198.18.4.0"), p.actionsA);
        p.b.addPeer(p.now, term(toA, "a", "198.18.2.0", "198.18.1.0"), p.actionsB);
        p.b.addPeer(p.now, term(toA, "a2", "198.18.4.0", "198.18.3.0"), p.actionsB);
        p.collect(true, (now, out) -> p.a.initiate(now, "b", out));
        p.collect(true, (now, out) -> p.a.initiate(now, "b2", out));
        p.run();
        return p;
    }

    private static Set<String> termsOf(IsakmpSa sa) {
        return sa.children.stream().map(c -> c.term.name()).collect(Collectors.toSet());
    }

    @Test
    void twoTermsTowardsOneGatewayMakeOneIsakmpSaAndOneQuickModeEach() {
        V1Pair p = twoTermsEachWay();
        assertEquals(1, p.a.sas().size(), p.actionsA.toString());
        assertEquals(1, p.b.sas().size(), p.actionsB.toString());
        assertEquals(Set.of("b", "b2"), termsOf(p.saA()));
        assertEquals(Set.of("a", "a2"), termsOf(p.saB()));
        for (V1Child c : p.saB().children) {
            String local = c.term.name().equals("a") ? "198.18.2.0" : "198.18.4.0";
            assertEquals(List.of(TrafficSelector.ofPrefix(local, 24)), c.localSelectors, "the quick mode's term by its proxy IDs");
        }
        assertEquals(Set.of("b", "b2"), p.actionsA.stream().filter(x -> x instanceof Action.IkeSaUp).map(x -> ((Action.IkeSaUp) x).peer())
                .collect(Collectors.toSet()));
        assertEquals(1, p.actionsA.stream().filter(x -> x instanceof Action.Trace t && t.text().startsWith("MainModeLocal")).count());
    }

    @Test
    void reauthenticationBringsEveryTermUpAgainUnderOneNewIsakmpSa() {
        V1Pair p = twoTermsEachWay();
        IsakmpSa first = p.saA();
        p.run(2_000 * SECOND);   // phase 1 re-authenticated at 80-90 % of 600 s, three times
        assertEquals(1, p.a.sas().size(), p.actionsA.toString());
        assertEquals(1, p.b.sas().size(), p.actionsB.toString());
        assertTrue(p.saA() != first);
        assertEquals(Set.of("b", "b2"), termsOf(p.saA()));
        assertEquals(Set.of("a", "a2"), termsOf(p.saB()));
        assertEquals(2, p.saA().children.size());
        assertEquals(2, p.saB().children.size());
    }

    @Test
    void removingOneTermDeletesOnlyItsIpsecSaAtBothEnds() {
        V1Pair p = twoTermsEachWay();
        p.collect(true, (now, out) -> p.a.removePeer(now, "b2", out));
        p.run();
        assertEquals(1, p.a.sas().size());
        assertEquals(Set.of("b"), termsOf(p.saA()));
        assertEquals(Set.of("a"), termsOf(p.saB()));
        assertTrue(p.actionsB.stream().anyMatch(x -> x instanceof Action.DeleteChildSa d && d.peer().equals("a2")
                && d.reason().contains("deleted by the peer")), p.actionsB.toString());
    }
}
