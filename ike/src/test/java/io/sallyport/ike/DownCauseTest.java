package io.sallyport.ike;

import static io.sallyport.ike.TwoPeers.A;
import static io.sallyport.ike.TwoPeers.B;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** IkeSaDown says why as a type: the gateway's backup failover decides on it, not on words. */
class DownCauseTest {

    private static final long SECOND = 1_000_000_000L;

    private static List<DownCause> causes(TwoPeers t, List<Action> actions) {
        return t.of(actions, Action.IkeSaDown.class).stream().map(Action.IkeSaDown::cause).toList();
    }

    /**
     * Fewer retransmissions (the daemon's test hook {@code -Dsallyport.test.ike-retransmit-tries}):
     * with two, after 0.5 + 1 + 2 s A gives up on a peer that never answers, not after 31.5.
     */
    @Test
    void fewerRetransmissionsGiveUpSooner() {
        var t = new TwoPeers(new Kmd(KmdOptions.defaults().withRetransmitTries(2), () -> TwoPeers.seeded(1)),
                new Kmd(() -> TwoPeers.seeded(2)));
        t.dropFilter = d -> true;
        t.addPeers(TwoPeers.config("b", A, B, "secret"), TwoPeers.config("a", B, A, "secret"));
        t.commandA(new Command.Initiate("b"));
        t.run(3 * SECOND);
        assertEquals(List.of(), causes(t, t.actionsA), "not before the third timeout");
        t.run(SECOND);
        assertEquals(List.of(DownCause.NO_RESPONSE), causes(t, t.actionsA));
    }

    @Test
    void unansweredRequestsMeanNoResponse() {
        var t = new TwoPeers();
        t.dropFilter = d -> true;
        t.addPeers(TwoPeers.config("b", A, B, "secret"), TwoPeers.config("a", B, A, "secret"));
        t.commandA(new Command.Initiate("b"));
        t.run(120 * SECOND);
        assertEquals(List.of(DownCause.NO_RESPONSE), causes(t, t.actionsA));
        assertTrue(DownCause.NO_RESPONSE.peerUnreachable());
    }

    @Test
    void deadPeerDetection() {
        var t = new TwoPeers();
        var a = TwoPeers.config("b", A, B, "secret");
        a = new PeerConfig("b", A, B, a.localId(), a.remoteId(), a.authenticator(), a.ikeProposals(), a.childProposals(),
                a.localSelectors(), a.remoteSelectors(), new PeerConfig.Dpd(true, 10, 3), true, false);
        t.addPeers(a, TwoPeers.config("a", B, A, "secret"));
        t.commandA(new Command.Initiate("b"));
        t.runQuiet();
        t.dropFilter = d -> true;
        t.run(120 * SECOND);
        assertEquals(List.of(DownCause.DEAD_PEER), causes(t, t.actionsA));
        assertTrue(DownCause.DEAD_PEER.peerUnreachable());
    }

    @Test
    void authenticationFailureOnBothSidesAndADeleteFromThePeer() {
        var t = new TwoPeers();
        t.addPeers(TwoPeers.config("b", A, B, "secret"), TwoPeers.config("a", B, A, "other"));
        t.commandA(new Command.Initiate("b"));
        t.runQuiet();
        assertEquals(List.of(DownCause.AUTHENTICATION_FAILED), causes(t, t.actionsA));
        assertEquals(List.of(DownCause.AUTHENTICATION_FAILED), causes(t, t.actionsB));
        assertFalse(DownCause.AUTHENTICATION_FAILED.peerUnreachable());

        var u = new TwoPeers();
        u.addPeers(TwoPeers.config("b", A, B, "secret"), TwoPeers.config("a", B, A, "secret"));
        u.commandA(new Command.Initiate("b"));
        u.runQuiet();
        u.commandA(new Command.DeleteIkeSa("b"));
        u.runQuiet();
        assertEquals(List.of(DownCause.DELETED_LOCALLY), causes(u, u.actionsA));
        assertEquals(List.of(DownCause.DELETED_BY_PEER), causes(u, u.actionsB));
    }
}
