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

    /**
     * The lab and test hook {@code childLifetimeCapSeconds}: A's children live 20 s whatever their
     * configured 3600, so A rekeys it at 16-18 s (80-90 %); B, without the hook, only answers.
     */
    @Test
    void theChildLifetimeCapMakesKmdRekeyWithinSeconds() {
        var t = new TwoPeers(new Kmd(KmdOptions.defaults().withChildLifetimeCap(20), () -> TwoPeers.seeded(1)),
                new Kmd(() -> TwoPeers.seeded(2)));
        t.addPeers(TwoPeers.config("b", A, B, "secret"), TwoPeers.config("a", B, A, "secret"));
        t.commandA(new Command.Initiate("b"));
        t.runQuiet();
        var first = t.of(t.actionsA, Action.InstallChildSa.class).getFirst();
        assertEquals(new Lifetime(first.lifetime().softSeconds(), 20), first.lifetime());
        assertTrue(first.lifetime().softSeconds() >= 15 && first.lifetime().softSeconds() <= 18, first.lifetime()::toString);

        t.run(25 * SECOND);

        var installs = t.of(t.actionsA, Action.InstallChildSa.class);
        assertEquals(2, installs.size(), () -> "one rekey in the first 30 s\n" + traces(t));
        assertTrue(installs.get(1).rekeyOf());
        assertEquals(1, t.planeA.size(), "the old SA left after its linger");
        assertTrue(t.planesMatch(), () -> traces(t));
        assertEquals(3600, t.of(t.actionsB, Action.InstallChildSa.class).getFirst().lifetime().hardSeconds(),
                "B keeps its configured lifetime");
    }
}
