package io.sallyport.ike;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code natt-install-interval}: with NAT-T in use, the term's child SA reaches the data plane that
 * many seconds after kmd agreed it, on kmd's clock (its next deadline says when); without NAT-T,
 * or with 0, at once; what kmd does to the SA meanwhile follows it in order.
 */
class NattInstallIntervalTest {
    private static final long SECOND = 1_000_000_000L;

    /** A behind a NAT initiates to B; B's term has {@code natt-install-interval seconds}. */
    private static TwoPeers pair(boolean nat, int seconds) {
        return pair(nat, seconds, PeerConfig.Exchange.IKEV2);
    }

    private static TwoPeers pair(boolean nat, int seconds, PeerConfig.Exchange exchange) {
        var t = new TwoPeers();
        t.natA = nat;
        var b = TwoPeers.config("a", TwoPeers.B, TwoPeers.A, "secret");
        var forB = new PeerConfig("a", TwoPeers.B, nat ? TwoPeers.NAT : TwoPeers.A, b.localId(), b.remoteId(),
                b.authenticator(), b.ikeProposals(), b.childProposals(), b.localSelectors(), b.remoteSelectors(), b.dpd(),
                true, false, 0, exchange, seconds);
        t.addPeers(TwoPeers.config("b", TwoPeers.A, TwoPeers.B, "secret").withExchange(exchange), forB);
        t.commandA(new Command.Initiate("b"));
        return t;
    }

    @Test
    void withNatTTheChildSaIsInstalledTheIntervalAfterItWasAgreed() {
        var t = pair(true, 3);
        while (t.of(t.actionsB, Action.IkeSaUp.class).isEmpty()) {
            t.step(Long.MAX_VALUE);
        }
        assertTrue(t.planeB.isEmpty(), "held while the interval runs");
        // The harness moves its clock a millisecond past each datagram it delivers: B agreed the SA just before now.
        long due = t.b.nextDeadline().orElseThrow();
        assertTrue(due > t.now + 3 * SECOND - 2_000_000 && due <= t.now + 3 * SECOND, "kmd's next deadline is the install");
        t.run(due - 1 - t.now);
        assertTrue(t.planeB.isEmpty(), "not before the interval");
        assertEquals(1, t.planeA.size(), "A's own term has no interval");
        t.run(1);
        assertEquals(1, t.planeB.size(), "installed at the interval");
        assertTrue(t.planeB.values().iterator().next().udpEncapsulation());
        assertTrue(t.planesMatch());
    }

    @Test
    void anIkev1QuickModeSaWaitsTheSame() {
        var t = pair(true, 3, PeerConfig.Exchange.MAIN);
        while (t.planeA.isEmpty()) {
            t.step(Long.MAX_VALUE);
        }
        t.run(2 * SECOND);
        assertTrue(t.planeB.isEmpty(), "held while the interval runs");
        t.run(2 * SECOND);
        assertEquals(1, t.planeB.size(), "installed after it");
        assertTrue(t.planeB.values().iterator().next().udpEncapsulation());
        assertTrue(t.planesMatch());
    }

    @Test
    void withoutNatTOrWithZeroItIsInstalledAtOnce() {
        for (TwoPeers t : List.of(pair(false, 3), pair(true, 0))) {
            while (t.of(t.actionsB, Action.IkeSaUp.class).isEmpty()) {
                t.step(Long.MAX_VALUE);
            }
            assertEquals(1, t.planeB.size());
        }
    }

    @Test
    void whatHappensToAHeldSaMeanwhileFollowsItInOrder() {
        var t = pair(true, 2);
        while (t.planeA.isEmpty()) {
            t.step(Long.MAX_VALUE);
        }
        assertTrue(t.planeB.isEmpty());
        int spiB = t.planeA.values().iterator().next().spiOut();
        t.commandB(new Command.DeleteChildSa(spiB));
        assertTrue(t.of(t.actionsB, Action.DeleteChildSa.class).isEmpty(), "the delete waits behind the install");
        t.run(2 * SECOND);
        List<Action> child = t.actionsB.stream()
                .filter(a -> a instanceof Action.InstallChildSa || a instanceof Action.DeleteChildSa).toList();
        assertEquals(2, child.size(), child::toString);
        assertTrue(child.get(0) instanceof Action.InstallChildSa i && i.spiIn() == spiB);
        assertTrue(child.get(1) instanceof Action.DeleteChildSa d && d.spiIn() == spiB);
        assertTrue(t.planeB.isEmpty());
    }
}
