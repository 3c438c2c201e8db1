package io.sallyport.ike.v1;

import static io.sallyport.ike.v1.V1Pair.A;
import static io.sallyport.ike.v1.V1Pair.B;
import static io.sallyport.ike.v1.V1Pair.SECOND;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sallyport.ike.Action;
import io.sallyport.ike.DownCause;
import io.sallyport.ike.IkeProposal;
import io.sallyport.ike.KmdOptions;
import io.sallyport.ike.PeerConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * IPsec SAs outlive the ISAKMP SA that made them (RFC 2409 §5.5: phase 2 only uses phase 1 to be
 * negotiated; Junos keeps them): when phase 1 ends at its lifetime, only it goes, with a Delete
 * for it alone; the IPsec SAs carry traffic until their own rekey, for which a new phase 1 comes
 * first and takes them over.
 */
class V1IsakmpExpiryTest {

    private static final IkeProposal TEN_MINUTES = new IkeProposal(V1Pair.IKE.encryption(), V1Pair.IKE.integrity(),
            V1Pair.IKE.prf(), V1Pair.IKE.group(), 600);

    private static V1Pair pairWithShortPhase1() {
        return V1Pair.established(V1Pair.peer("b", A, B, PeerConfig.Dpd.off()).withIkeProposals(List.of(TEN_MINUTES)),
                V1Pair.peer("a", B, A, PeerConfig.Dpd.off()).withIkeProposals(List.of(TEN_MINUTES)));
    }

    /** The ISAKMP SAs show lists as established (a re-authentication under way is listed too, connecting). */
    private static long established(V1Engine e) {
        return e.sas().stream().filter(s -> s.state().equals("ESTABLISHED")).count();
    }

    private static List<IsakmpSa> all(V1Engine e) {
        return e.isakmpSas().stream().filter(s -> !s.isClosed()).toList();
    }

    @Test
    void ipsecSasStayWhenTheIsakmpSaExpiresAndANewPhase1ComesFirstForTheirRekey() {
        V1Pair p = pairWithShortPhase1();
        int spiA = p.saA().children.getFirst().spiIn;
        int spiB = p.saB().children.getFirst().spiIn;
        // The link is down while both ends try to re-authenticate (80-90 % of 600 s) and through the expiry.
        long down = p.now + 300 * SECOND;
        long up = p.now + 700 * SECOND;
        p.lose = d -> p.now >= down && p.now < up;
        p.run(700 * SECOND);

        for (V1Engine e : List.of(p.a, p.b)) {
            assertEquals(List.of(), e.sas(), "show lists no ISAKMP SA once it expired");
            assertEquals(1, all(e).size());
            assertEquals(IsakmpSa.State.EXPIRED, all(e).getFirst().state);
        }
        assertEquals(List.of(spiA), all(p.a).getFirst().children.stream().map(c -> c.spiIn).toList());
        assertEquals(List.of(spiB), all(p.b).getFirst().children.stream().map(c -> c.spiIn).toList());
        assertEquals(List.of(), of(p.actionsA, Action.DeleteChildSa.class), "the IPsec SA is not deleted with phase 1");
        assertEquals(List.of(), of(p.actionsB, Action.DeleteChildSa.class));
        assertTrue(of(p.actionsA, Action.IkeSaDown.class).stream().anyMatch(d -> d.cause() == DownCause.EXPIRED
                && d.reason().contains("ISAKMP SA")), p.actionsA.toString());

        // Link back: at the IPsec SA's soft lifetime (80-90 % of 3600 s) a new phase 1 comes first, then its rekey.
        p.lose = d -> false;
        p.run(2_900 * SECOND);
        for (V1Engine e : List.of(p.a, p.b)) {
            assertEquals(1, e.sas().size(), e == p.a ? p.actionsA.toString() : p.actionsB.toString());
            assertEquals("ESTABLISHED", e.sas().getFirst().state());
        }
        int newA = p.saA().children.getFirst().spiIn;
        assertEquals(1, p.saA().children.size());
        assertNotEquals(spiA, newA);
        assertMadeBeforeBreak(p.actionsA, spiA, newA);
        assertMadeBeforeBreak(p.actionsB, spiB, p.saB().children.getFirst().spiIn);
        // The old pair went by the rekey, not at its hard lifetime.
        assertTrue(of(p.actionsA, Action.DeleteChildSa.class).stream().noneMatch(d -> d.reason().contains("lifetime expired")));
    }

    /**
     * The test hook {@code ikeLifetimeCapSeconds}: A's ISAKMP SA lives 30 s whatever the 28800 s
     * negotiated (B, without the hook, keeps 28800). With the link down from 20 s, A's
     * re-authentication at 24-27 s gets no answer, and at 30 s the SA expires as one of 180 s
     * would: it goes, the IPsec SA stays.
     */
    @Test
    void theIkeLifetimeCapEndsTheIsakmpSaWithinSeconds() {
        V1Pair p = V1Pair.established(V1Pair.peer("b", A, B, PeerConfig.Dpd.off()), V1Pair.peer("a", B, A, PeerConfig.Dpd.off()),
                KmdOptions.defaults().withIkeLifetimeCap(30));
        var upA = of(p.actionsA, Action.IkeSaUp.class).getFirst();
        assertEquals(30, upA.lifetime().hardSeconds());
        assertTrue(upA.lifetime().softSeconds() >= 24 && upA.lifetime().softSeconds() <= 27, upA.lifetime()::toString);
        assertEquals(28800, of(p.actionsB, Action.IkeSaUp.class).getFirst().lifetime().hardSeconds(), "B keeps the negotiated lifetime");
        int spiA = p.saA().children.getFirst().spiIn;
        long down = p.now + 20 * SECOND;
        p.lose = d -> p.now >= down;

        p.run(29 * SECOND);
        assertEquals(1, established(p.a), "not before 30 s");
        p.run(2 * SECOND);
        assertEquals(0, established(p.a), p.actionsA::toString);
        var expired = all(p.a).stream().filter(s -> s.state == IsakmpSa.State.EXPIRED).toList();
        assertEquals(1, expired.size(), p.actionsA::toString);
        assertEquals(List.of(spiA), expired.getFirst().children.stream().map(c -> c.spiIn).toList(), "the IPsec SA stays");
        assertTrue(of(p.actionsA, Action.IkeSaDown.class).stream().anyMatch(d -> d.cause() == DownCause.EXPIRED
                && d.reason().contains("ISAKMP SA")), p.actionsA.toString());
        assertEquals(1, established(p.b), "B's own lifetime runs on");
    }

    /**
     * RFC 2407 §4.6.3.3: a new ISAKMP SA took the kept IPsec SA over (its phase 1 had no
     * INITIAL-CONTACT), then the peer says INITIAL-CONTACT in an informational exchange of its own
     * (authenticated under the new SA's keys, as strongSwan sends it): the peer forgot the older
     * IPsec SA, so it goes; the new ISAKMP SA stays.
     */
    @Test
    void initialContactInItsOwnInformationalClearsTheIpsecSasTakenOverFromTheExpiredIsakmpSa() {
        V1Pair p = pairWithShortPhase1();
        int spiB = p.saB().children.getFirst().spiIn;
        long down = p.now + 300 * SECOND;
        long up = p.now + 700 * SECOND;
        p.lose = d -> p.now >= down && p.now < up;
        p.run(700 * SECOND);
        assertEquals(IsakmpSa.State.EXPIRED, all(p.b).getFirst().state);

        p.lose = d -> false;
        p.collect(true, (now, out) -> p.a.initiate(now, "b", out));
        p.run(10 * SECOND);
        assertTrue(p.oneSaEach(), p.actionsB.toString());
        assertEquals(IsakmpSa.State.ESTABLISHED, p.saB().state);
        assertEquals(List.of(spiB), p.saB().children.stream().map(c -> c.spiIn).toList(), "taken over by the new ISAKMP SA");

        List<Action> got = p.toB(p.informational(List.of(new V1Payload.Notify(Isakmp.DOI_IPSEC, Isakmp.PROTO_ISAKMP,
                p.cookies(), Isakmp.N_INITIAL_CONTACT, new byte[0]))));
        assertEquals(List.of(spiB), of(got, Action.DeleteChildSa.class).stream().map(Action.DeleteChildSa::spiIn).toList(), got.toString());
        assertEquals("peer sent INITIAL-CONTACT", of(got, Action.DeleteChildSa.class).getFirst().reason());
        assertEquals(List.of(), p.saB().children);
        assertEquals(IsakmpSa.State.ESTABLISHED, p.saB().state, "the ISAKMP SA that carried the notify stays");
    }

    /** The SA {@code old} was deleted only after its successor {@code fresh} was installed. */
    private static void assertMadeBeforeBreak(List<Action> actions, int old, int fresh) {
        int installed = -1;
        int deleted = -1;
        for (int i = 0; i < actions.size(); i++) {
            if (actions.get(i) instanceof Action.InstallChildSa in && in.spiIn() == fresh) {
                installed = i;
            }
            if (actions.get(i) instanceof Action.DeleteChildSa d && d.spiIn() == old) {
                deleted = i;
            }
        }
        assertTrue(installed >= 0 && deleted > installed, "install " + installed + ", delete " + deleted);
    }

    private static <T extends Action> List<T> of(List<Action> actions, Class<T> kind) {
        return actions.stream().filter(kind::isInstance).map(kind::cast).toList();
    }
}
