package io.sallyport.ike;

import static io.sallyport.ike.TwoPeers.A;
import static io.sallyport.ike.TwoPeers.B;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * IKEv2 counters of {@code show services ipsec-vpn ike statistics} (reference §4.3): messages per
 * exchange type, Delete payloads, liveness checks (RFC 7296 §2.4: DPD request and response, misses,
 * longest wait) and INVALID_SPI notifications, as both engines count them over a real exchange.
 */
class IkeStatisticsTest {

    private static final long SECOND = 1_000_000_000L;

    private static TwoPeers established(PeerConfig.Dpd dpdOfA) {
        var t = new TwoPeers();
        var a = TwoPeers.config("b", A, B, "secret");
        a = new PeerConfig("b", A, B, a.localId(), a.remoteId(), a.authenticator(), a.ikeProposals(), a.childProposals(),
                a.localSelectors(), a.remoteSelectors(), dpdOfA, true, false);
        t.addPeers(a, TwoPeers.config("a", B, A, "secret"));
        t.commandA(new Command.Initiate("b"));
        t.runQuiet();
        assertEquals(1, t.planeA.size());
        return t;
    }

    private static IkeSaCounters counters(Kmd k) {
        return k.ikeSas().getFirst().counters();
    }

    @Test
    void shouldCountTheMessagesOfEachExchangeBothWays() {
        var t = established(PeerConfig.Dpd.off());
        assertEquals(List.of(new IkeSaCounters.Exchange("IKE_SA_INIT", 1, 1, 0), new IkeSaCounters.Exchange("IKE_AUTH", 1, 1, 0)),
                counters(t.a).exchanges());
        assertEquals(counters(t.a).exchanges(), counters(t.b).exchanges(), "each side received what the other sent");
        assertEquals("IKEv2", t.a.ikeSas().getFirst().exchangeType());
    }

    @Test
    void shouldCountLivenessChecksAnsweredAndMissed() {
        var t = established(new PeerConfig.Dpd(true, 10, 3));
        t.run(11 * SECOND);
        var a = counters(t.a);
        assertEquals(1, a.dpdRequestSent());
        assertEquals(1, a.dpdResponseReceived());
        assertEquals(0, a.dpdResponseMissed());
        var b = counters(t.b);
        assertEquals(1, b.dpdRequestReceived());
        assertEquals(1, b.dpdResponseSent());
        assertEquals(new IkeSaCounters.Exchange("INFORMATIONAL", 1, 1, 0), b.exchanges().getLast());
        // B goes silent: A retransmits its check (each timeout a miss) until it gives the peer up.
        IkeSession sa = TwoPeers.session(t.a);
        t.dropFilter = d -> true;
        t.run(300 * SECOND);
        var gone = sa.statistics.snapshot();
        assertEquals(IkeSession.State.CLOSED, sa.state);
        assertEquals(1 + 1 + 3, gone.dpdRequestSent(), "the answered one, then one check sent and retransmitted 3 times");
        assertEquals(4, gone.dpdResponseMissed(), "every transmission of the last check timed out");
        assertEquals(1, gone.exchanges().getLast().failed(), "the INFORMATIONAL exchange failed");
    }

    @Test
    void shouldCountDeletesAndInvalidSpiNotifications() {
        var t = established(PeerConfig.Dpd.off());
        var ia = t.planeA.values().iterator().next();
        // B's data plane lost the SA: B tells A (INVALID_SPI), A deletes the child (Delete, answered with B's Delete).
        t.planeB.clear();
        t.commandB(new Command.ReportInvalidSpi(A, ia.spiOut()));
        t.runQuiet();
        var a = counters(t.a);
        var b = counters(t.b);
        assertEquals(1, b.invalidSpiSent());
        assertEquals(1, a.invalidSpiReceived());
        assertEquals(1, a.deleteSent());
        assertEquals(1, b.deleteReceived());
        assertEquals(1, b.deleteSent(), "B's response names its half of the child (RFC 7296 §1.4.1)");
        assertEquals(1, a.deleteReceived());
    }
}
