package io.sallyport.ike;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class KmdEstablishTest {

    @Test
    void shouldEstablishIkeAndChildSaWhenAInitiates() {
        var t = new TwoPeers();
        t.addPeers(TwoPeers.config("b", TwoPeers.A, TwoPeers.B, "secret"), TwoPeers.config("a", TwoPeers.B, TwoPeers.A, "secret"));
        t.commandA(new Command.Initiate("b"));
        t.runQuiet();
        t.actionsA.stream().filter(x -> x instanceof Action.Trace).forEach(System.out::println);
        t.actionsB.stream().filter(x -> x instanceof Action.Trace).forEach(System.out::println);
        assertEquals(1, t.of(t.actionsA, Action.IkeSaUp.class).size());
        assertEquals(1, t.of(t.actionsB, Action.IkeSaUp.class).size());
        assertEquals(1, t.planeA.size());
        assertTrue(t.planesMatch());
    }
}
