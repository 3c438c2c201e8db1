package io.sallyport.ike;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * Mutated copies of the messages of a real exchange, fed to an established responder: no
 * exception escapes, the IKE SA and child SAs are unchanged, and each drop is counted.
 */
class KmdBadInputTest {

    record Mutation(int message, int position, int bit) {
    }

    static Gen<List<Mutation>> mutations() {
        return lists().of(integers().between(0, 50).zip(integers().between(0, 4096), integers().between(0, 7), Mutation::new))
                .ofSizeBetween(1, 8);
    }

    @Test
    void mutatedMessagesNeverChangeEstablishedState() {
        qt().withExamples(60).forAll(mutations()).checkAssert(KmdBadInputTest::mutatedMessagesNeverChangeEstablishedState);
    }

    private static void mutatedMessagesNeverChangeEstablishedState(List<Mutation> ms) {
        var t = new TwoPeers();
        t.addPeers(TwoPeers.config("b", TwoPeers.A, TwoPeers.B, "secret"), TwoPeers.config("a", TwoPeers.B, TwoPeers.A, "secret"));
        t.commandA(new Command.Initiate("b"));
        t.runQuiet();
        t.commandA(new Command.RekeyChildSa(t.planeA.keySet().iterator().next()));
        t.runQuiet();
        // A's protected requests so far (IKE_AUTH, CREATE_CHILD_SA, INFORMATIONAL), already answered,
        // plus one fresh in-window request (a delete) that B has not seen.
        t.commandA(new Command.DeleteIkeSa("b"));
        t.wire.clear();
        List<Datagram> sent = t.of(t.actionsA, Action.Send.class).stream().map(Action.Send::datagram)
                .filter(d -> d.payload().length > 28 && d.payload()[18] != 34).toList();
        var before = t.b.ikeSas();
        var planeB = Map.copyOf(t.planeB);
        long dropsBefore = t.b.drops().values().stream().mapToLong(Long::longValue).sum();
        for (Mutation m : ms) {
            Datagram d = sent.get(Math.floorMod(m.message(), sent.size()));
            byte[] p = d.payload().clone();
            p[Math.floorMod(m.position(), p.length)] ^= (byte) (1 << m.bit());
            var in = new Datagram(d.remote(), d.local(), p, d.nonEspMarker());
            t.record(false, t.b.handle(t.now, in));
            t.wire.clear();
        }
        assertEquals(before, t.b.ikeSas());
        assertEquals(planeB, t.planeB);
        assertTrue(t.b.drops().values().stream().mapToLong(Long::longValue).sum() >= dropsBefore + ms.size());
        assertEquals(0L, t.b.drops().get(DropReason.INTERNAL_ERROR));
    }

    /** Mutated IKE_SA_INIT requests to a fresh responder: answered, refused or dropped, never an internal fault. */
    @Test
    void mutatedInitRequestsNeverCauseInternalErrors() {
        qt().withExamples(100).forAll(mutations()).checkAssert(KmdBadInputTest::mutatedInitRequestsNeverCauseInternalErrors);
    }

    private static void mutatedInitRequestsNeverCauseInternalErrors(List<Mutation> ms) {
        var t = new TwoPeers();
        t.addPeers(TwoPeers.config("b", TwoPeers.A, TwoPeers.B, "secret"), TwoPeers.config("a", TwoPeers.B, TwoPeers.A, "secret"));
        t.commandA(new Command.Initiate("b"));
        Datagram init = t.wire.poll();
        byte[] p = init.payload().clone();
        for (Mutation m : ms) {
            int at = Math.floorMod(m.position(), p.length);
            if (m.message() % 3 == 0) {
                p = java.util.Arrays.copyOf(p, at);
            } else {
                p[at] ^= (byte) (1 << m.bit());
            }
            if (p.length == 0) {
                break;
            }
        }
        t.record(false, t.b.handle(t.now, new Datagram(init.remote(), init.local(), p, false)));
        assertEquals(0L, t.b.drops().get(DropReason.INTERNAL_ERROR));
        assertTrue(t.b.liveSaCount() <= 1);
    }
}
