package io.sallyport.ike;

import static io.sallyport.ike.TwoPeers.A;
import static io.sallyport.ike.TwoPeers.B;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * ESP traffic through an IKEv1 quick-mode rekey (the IKEv1 twin of {@link ChildRekeyTrafficTest}),
 * with the IKE messages and the data packets overtaking each other, lost, duplicated and
 * reordered: every data packet must find an inbound SA at its receiver. The responder installs
 * the new inbound SA when it answers (message 2) and moves its outbound traffic on HASH(3); the
 * initiator installs when it has message 2 but sends on the new SA only
 * {@code V1Engine.OUTBOUND_SWITCH_NANOS} after its last HASH(3) (RFC 2409 §5.5: a responder that
 * installs on HASH(3) has it by then, or has asked for it again by retransmitting message 2), and
 * deletes the old pair as long again after that.
 */
class Ikev1RekeyTrafficTest {

    private static final long SECOND = 1_000_000_000L;

    private static TwoPeers established(long seedA, long seedB) {
        var t = new TwoPeers(seedA, seedB);
        t.addPeers(Ikev1TwoPeersTest.v1("b", A, B, "secret"), Ikev1TwoPeersTest.v1("a", B, A, "secret"));
        t.commandA(new Command.Initiate("b"));
        t.runQuiet();
        assertTrue(t.planesMatch(), () -> Ikev1TwoPeersTest.traces(t));
        assertEquals(1, t.sendingA.size());
        assertEquals(1, t.sendingB.size());
        return t;
    }

    private static void assertReceived(TwoPeers t, TwoPeers.Esp p, String when) {
        assertTrue(t.received(p), () -> p + " " + when + ": no inbound SA for it at the receiver\n"
                + Ikev1TwoPeersTest.traces(t));
    }

    /**
     * A rekeys, B answers, each quick-mode message overtaken by data and overtaking it; HASH(3)
     * is lost once, so B has the new SA only when its retransmitted message 2 brings HASH(3)
     * again: A must still be sending on the old SA until then.
     */
    @Test
    void theInitiatorSendsOnTheNewSaOnlyOnceTheResponderCanHaveIt() {
        var t = established(1, 2);
        int oldA = t.planeA.keySet().iterator().next();
        int oldB = t.planeB.keySet().iterator().next();
        t.commandA(new Command.RekeyChildSa(oldA));
        assertTrue(t.deliverNext(), "quick mode message 1 to B");
        assertEquals(2, t.planeB.size(), "B installed the new inbound SA when it answered");
        TwoPeers.Esp bAfterAnswer = t.espFromB();
        assertEquals(oldA, bAfterAnswer.spi(), "B sends on the old SA until HASH(3)");

        assertTrue(t.deliverNext(), "quick mode message 2 to A");
        assertEquals(2, t.planeA.size(), "A installed the new inbound SA");
        TwoPeers.Esp aAfterHash3 = t.espFromA();
        assertEquals(oldB, aAfterHash3.spi(), "A keeps sending on the old SA right after HASH(3)");
        assertReceived(t, bAfterAnswer, "sent by B on the old SA after its answer");
        t.wire.clear();   // HASH(3) is lost

        t.now += SECOND / 2;
        t.tick();
        TwoPeers.Esp aWhileLost = t.espFromA();
        assertEquals(oldB, aWhileLost.spi(), "A still sends on the old SA while B has no HASH(3)");
        assertReceived(t, aWhileLost, "sent by A while HASH(3) is lost");
        assertTrue(t.deliverNext(), "B's retransmitted message 2 to A");
        assertTrue(t.deliverNext(), "A's HASH(3) again, to B");
        TwoPeers.Esp bOnNew = t.espFromB();
        assertNotEquals(oldA, bOnNew.spi(), "B moves to the new SA on HASH(3)");
        assertReceived(t, bOnNew, "sent by B on the new SA");
        assertReceived(t, aAfterHash3, "sent by A on the old SA right after HASH(3), arriving after B has the new SA");

        t.run(10 * SECOND);
        TwoPeers.Esp aOnNew = t.espFromA();
        assertNotEquals(oldB, aOnNew.spi(), "A moved to the new SA");
        assertReceived(t, aOnNew, "sent by A on the new SA");
        assertFalse(t.planeA.containsKey(oldA), "the old pair is deleted at both ends");
        assertFalse(t.planeB.containsKey(oldB));
        assertTrue(t.planesMatch());
        assertEquals(List.of(bOnNew.spi()), t.sendingB);
        assertEquals(List.of(aOnNew.spi()), t.sendingA);
    }

    /**
     * Rekeys from either side or both at once, the IKE messages lost, reordered and duplicated:
     * before and after every IKE message is delivered each side sends a packet, and each packet
     * must be received whether it arrives before that message or after.
     */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
    void everyPacketAroundEveryIkeMessageFindsItsSa(long seed) {
        var t = established(seed, seed * 31);
        t.faults.setSeed(seed);
        t.reorder = 0.3;
        t.duplicate = 0.1;
        t.loss = 0.1;
        int spiA = t.planeA.keySet().iterator().next();
        int spiB = t.planeB.keySet().iterator().next();
        int mode = (int) (seed % 3);
        if (mode != 1) {
            t.commandA(new Command.RekeyChildSa(spiA));
        }
        if (mode != 0) {
            t.commandB(new Command.RekeyChildSa(spiB));
        }
        long end = t.now + 30 * SECOND;
        while (t.now < end) {
            TwoPeers.Esp a = t.espFromA();
            TwoPeers.Esp b = t.espFromB();
            assertReceived(t, a, "arriving before the next IKE message");
            assertReceived(t, b, "arriving before the next IKE message");
            t.step(end);
            assertReceived(t, a, "overtaken by the next IKE message");
            assertReceived(t, b, "overtaken by the next IKE message");
        }
        assertTrue(t.planeB.containsKey(t.spiFromA()) && t.planeA.containsKey(t.spiFromB()), () -> Ikev1TwoPeersTest.traces(t));
    }
}
