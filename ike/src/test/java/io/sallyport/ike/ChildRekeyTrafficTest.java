package io.sallyport.ike;

import static io.sallyport.ike.TwoPeers.A;
import static io.sallyport.ike.TwoPeers.B;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * ESP traffic through a child rekey, with the IKE messages and the data packets delivered in the
 * orders a loaded gateway produces (its IKE and ESP arrive on different sockets and are read by
 * different threads): every data packet must find an inbound SA at its receiver. RFC 7296 §2.8
 * practice, as strongSwan does it: the responder of a rekey installs the new inbound SA before it
 * answers and keeps sending on the old SA until the initiator deletes that; the initiator sends on
 * the new SA once it has the answer; an old SA's inbound half stays a little after its delete for
 * the packets still on their way.
 *
 * <p>A data packet here is the SPI its sender's current outbound SA has when it is sent; it is
 * received when the other side's data plane holds an inbound SA with that SPI at the moment it
 * arrives ({@link TwoPeers#planeA}, {@link TwoPeers#sendingA}).
 */
class ChildRekeyTrafficTest {

    private static final long SECOND = 1_000_000_000L;

    private static TwoPeers established(long seedA, long seedB) {
        var t = new TwoPeers(seedA, seedB);
        t.addPeers(TwoPeers.config("b", A, B, "secret"), TwoPeers.config("a", B, A, "secret"));
        t.commandA(new Command.Initiate("b"));
        t.runQuiet();
        assertTrue(t.planesMatch());
        assertEquals(1, t.sendingA.size());
        assertEquals(1, t.sendingB.size());
        return t;
    }

    private static void assertReceived(TwoPeers t, TwoPeers.Esp p, String when) {
        assertTrue(t.received(p), () -> p + " " + when + ": no inbound SA for it at the receiver\n"
                + t.actionsA.stream().map(Object::toString).collect(Collectors.joining("\nA: ", "A: ", "\n"))
                + t.actionsB.stream().map(Object::toString).collect(Collectors.joining("\nB: ", "B: ", "")));
    }

    /**
     * A rekeys, B answers. Each message of the exchange is overtaken by data, and data overtakes
     * it: B's packets sent after its answer reach A before the answer, A's packets sent on the old
     * SA reach B after the delete, B's reach A after the delete's answer.
     */
    @Test
    void noPacketFindsNoSaWhenDataAndTheRekeyExchangesOvertakeEachOther() {
        var t = established(1, 2);
        int oldA = t.planeA.keySet().iterator().next();
        int oldB = t.planeB.keySet().iterator().next();
        t.commandA(new Command.RekeyChildSa(oldA));
        assertTrue(t.deliverNext(), "CREATE_CHILD_SA request to B");
        assertEquals(2, t.planeB.size(), "B installed the new inbound SA before it answered");

        TwoPeers.Esp bAfterAnswer = t.espFromB();
        assertEquals(oldA, bAfterAnswer.spi(), "B sends on the old SA until A has the new one");
        assertReceived(t, bAfterAnswer, "sent by B after its answer, arriving before it");
        TwoPeers.Esp aBeforeAnswer = t.espFromA();

        assertTrue(t.deliverNext(), "CREATE_CHILD_SA response to A");
        TwoPeers.Esp aOnNew = t.espFromA();
        assertNotEquals(oldB, aOnNew.spi(), "A sends on the new SA once it has the answer");
        assertReceived(t, aOnNew, "sent by A on the new SA");
        TwoPeers.Esp bBeforeDelete = t.espFromB();
        assertReceived(t, bBeforeDelete, "sent by B on the old SA while A's delete is on its way");

        assertTrue(t.deliverNext(), "INFORMATIONAL delete of the old SA to B");
        TwoPeers.Esp bOnNew = t.espFromB();
        assertNotEquals(oldA, bOnNew.spi(), "B moves to the new SA when A deletes the old one");
        assertReceived(t, bOnNew, "sent by B on the new SA, arriving before the delete's answer");
        assertReceived(t, aBeforeAnswer, "sent by A on the old SA before the rekey, arriving after the delete");

        assertTrue(t.deliverNext(), "INFORMATIONAL response to A");
        assertReceived(t, bBeforeDelete, "sent by B on the old SA before the delete, arriving after its answer");
        assertReceived(t, bAfterAnswer, "sent by B after its answer, arriving after the whole exchange");

        t.run(6 * SECOND);
        assertFalse(t.planeA.containsKey(oldA), "the old inbound SAs leave after the linger");
        assertFalse(t.planeB.containsKey(oldB));
        assertTrue(t.planesMatch());
        assertEquals(List.of(bOnNew.spi()), t.sendingB);
        assertEquals(List.of(aOnNew.spi()), t.sendingA);
    }

    /**
     * Rekeys from either side or both at once (a collision, RFC 7296 §2.8.1), their IKE messages
     * reordered and duplicated: before and after every IKE message is delivered, each side sends a
     * packet, and each packet must be received whether it arrives before that message or after.
     */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
    void everyPacketAroundEveryIkeMessageFindsItsSa(long seed) {
        var t = established(seed, seed * 31);
        t.faults.setSeed(seed);
        t.reorder = 0.3;
        t.duplicate = 0.1;
        int spiA = t.planeA.keySet().iterator().next();
        int spiB = t.planeB.keySet().iterator().next();
        int mode = (int) (seed % 3);
        if (mode != 1) {
            t.commandA(new Command.RekeyChildSa(spiA));
        }
        if (mode != 0) {
            t.commandB(new Command.RekeyChildSa(spiB));
        }
        long end = t.now + 10 * SECOND;
        while (t.now < end) {
            TwoPeers.Esp a = t.espFromA();
            TwoPeers.Esp b = t.espFromB();
            assertReceived(t, a, "arriving before the next IKE message");
            assertReceived(t, b, "arriving before the next IKE message");
            t.step(end);
            assertReceived(t, a, "overtaken by the next IKE message");
            assertReceived(t, b, "overtaken by the next IKE message");
        }
        assertTrue(t.planesMatch());
        assertEquals(1, t.planeA.size());
        assertEquals(1, t.sendingA.size());
        assertEquals(1, t.sendingB.size());
        assertTrue(t.planeB.containsKey(t.spiFromA()) && t.planeA.containsKey(t.spiFromB()));
    }
}
