package io.sallyport.ike;

import static io.sallyport.ike.TwoPeers.A;
import static io.sallyport.ike.TwoPeers.B;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sallyport.crypto.DhGroup;
import io.sallyport.crypto.EncryptionAlgorithm;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** A child SA at its hard lifetime goes on both ends: the peer is told with an INFORMATIONAL Delete (issue 9). */
class ChildLifetimeTest {

    private static final long SECOND = 1_000_000_000L;

    private static String traces(TwoPeers t) {
        return t.actionsA.stream().map(Object::toString).collect(Collectors.joining("\n")) + "\nB:\n"
                + t.actionsB.stream().map(Object::toString).collect(Collectors.joining("\n"));
    }

    /**
     * A's child lives 60 s and its rekeys are refused (B wants PFS group 19, A offers 14 only); B
     * would keep its half for 600 s. At A's hard lifetime both halves are gone and the IKE SA stays.
     */
    @Test
    void aChildAtItsHardLifetimeIsDeletedAtThePeerToo() {
        var t = new TwoPeers();
        t.addPeers(TwoPeers.config("b", A, B, "secret").withChildProposals(
                        List.of(new ChildProposal(EncryptionAlgorithm.AES_128_GCM, null, DhGroup.GROUP14, 60))),
                TwoPeers.config("a", B, A, "secret").withChildProposals(
                        List.of(new ChildProposal(EncryptionAlgorithm.AES_128_GCM, null, DhGroup.GROUP19, 600))));
        t.commandA(new Command.Initiate("b"));
        t.runQuiet();
        assertTrue(t.planesMatch(), () -> traces(t));
        int spiAtB = t.planeB.keySet().iterator().next();

        t.run(70 * SECOND);

        assertTrue(t.planeA.isEmpty(), () -> traces(t));
        assertTrue(t.planeB.isEmpty(), () -> "B still holds " + Integer.toHexString(spiAtB) + "\n" + traces(t));
        assertEquals("deleted by peer", t.of(t.actionsB, Action.DeleteChildSa.class).getFirst().reason());
        assertTrue(t.of(t.actionsA, Action.IkeSaDown.class).isEmpty(), () -> traces(t));
        assertTrue(t.of(t.actionsB, Action.IkeSaDown.class).isEmpty(), () -> traces(t));
    }
}
