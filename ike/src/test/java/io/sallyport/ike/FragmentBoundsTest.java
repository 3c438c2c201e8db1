package io.sallyport.ike;

import static io.sallyport.ike.TwoPeers.A;
import static io.sallyport.ike.TwoPeers.B;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sallyport.ike.message.IkeHeader;
import io.sallyport.ike.message.Wire;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * IKE fragments (RFC 7383) from an authenticated peer cost bounded memory (issue 15, finding 4):
 * each fragment is stored once, reassembly is capped per SA and for the engine, only fragment 1
 * of an answered request triggers a resend of the response (§2.6.1), and requests and responses
 * are reassembled in buffers of their own.
 */
class FragmentBoundsTest {

    private static KmdOptions fragmenting(KmdOptions.Limits limits) {
        var o = KmdOptions.defaults();
        return new KmdOptions(o.retransmitBaseNanos(), o.retransmitTries(), o.halfOpenTimeoutNanos(), o.cookieThreshold(),
                o.keepaliveNanos(), o.lifetimeJitter(), 200, o.reconnectNanos(), limits, o.rekeyedInboundLingerNanos(), 0, 0);
    }

    private static TwoPeers established(KmdOptions forB) {
        var t = new TwoPeers(new Kmd(fragmenting(KmdOptions.Limits.defaults()), () -> TwoPeers.seeded(1)),
                new Kmd(forB, () -> TwoPeers.seeded(2)));
        t.addPeers(TwoPeers.config("b", A, B, "secret"), TwoPeers.config("a", B, A, "secret"));
        t.commandA(new Command.Initiate("b"));
        t.runQuiet();
        assertEquals(1, t.planeA.size(), () -> traces(t));
        return t;
    }

    private static String traces(TwoPeers t) {
        return t.actionsA.stream().map(Object::toString).collect(Collectors.joining("\n")) + "\nB:\n"
                + t.actionsB.stream().map(Object::toString).collect(Collectors.joining("\n"));
    }

    private static List<Datagram> drainWire(TwoPeers t) {
        List<Datagram> out = new ArrayList<>(t.wire);
        t.wire.clear();
        return out;
    }

    /** As the receiver sees it. */
    private static Datagram arriving(Datagram sent) {
        return new Datagram(sent.remote(), sent.local(), sent.payload(), sent.nonEspMarker());
    }

    private static List<Action> toB(TwoPeers t, Datagram sent) {
        List<Action> r = t.b.handle(t.now, arriving(sent));
        t.record(false, r);
        return r;
    }

    private static long sends(List<Action> actions) {
        return actions.stream().filter(a -> a instanceof Action.Send).count();
    }

    /** A's CREATE_CHILD_SA rekey request, as SKF fragments. */
    private static List<Datagram> rekeyRequestFragments(TwoPeers t) {
        t.commandA(new Command.RekeyChildSa(t.planeA.keySet().iterator().next()));
        List<Datagram> frags = drainWire(t);
        assertTrue(frags.size() >= 3, "the rekey request went as " + frags.size() + " fragments");
        assertTrue(frags.stream().allMatch(d -> d.payload()[16] == Wire.SKF));
        return frags;
    }

    @Test
    void aFragmentSentThousandsOfTimesIsHeldOnce() {
        var t = established(fragmenting(KmdOptions.Limits.defaults()));
        int oldSpi = t.planeA.keySet().iterator().next();
        List<Datagram> frags = rekeyRequestFragments(t);
        Datagram second = frags.get(1);
        for (int i = 0; i < 3_000; i++) {
            toB(t, second);
        }
        assertTrue(t.b.reassemblyBytes() <= second.payload().length, "B holds " + t.b.reassemblyBytes() + " bytes");
        frags.forEach(d -> toB(t, d));
        t.runPastLinger();
        assertEquals(1, t.planeA.size(), () -> traces(t));
        assertTrue(!t.planeA.containsKey(oldSpi), "rekeyed");
        assertEquals(0, t.b.reassemblyBytes());
    }

    @Test
    void onlyTheFirstFragmentOfAnAnsweredRequestTriggersTheResend() {
        var t = established(fragmenting(KmdOptions.Limits.defaults()));
        List<Datagram> frags = rekeyRequestFragments(t);
        frags.forEach(d -> toB(t, d));
        List<Datagram> response = drainWire(t);
        assertTrue(response.size() >= 2);
        for (Datagram later : frags.subList(1, frags.size())) {
            assertEquals(0, sends(toB(t, later)), "a non-first fragment of an answered request is not answered");
        }
        assertEquals(response.size(), sends(toB(t, frags.getFirst())));
        assertEquals(frags.size() - 1, t.b.drops().get(DropReason.DUPLICATE_FRAGMENT));
    }

    @Test
    void fragmentsBeyondTheLimitPerSaAreDroppedAndCounted() {
        var d = KmdOptions.Limits.defaults();
        var small = new KmdOptions.Limits(d.initRatePerSource(), d.initBurstPerSource(), d.initRateGlobal(), d.initBurstGlobal(),
                d.sourceTableSize(), d.maxHalfOpen(), d.maxHalfOpenPerSource(), d.maxInitRequestBytes(), 300,
                d.maxReassemblyTotal(), d.maxChildSasPerIkeSa(), d.ephemeralReuseNanos(), d.cookieSecretNanos(),
                d.rekeyRetryBaseNanos(), d.rekeyRetryMaxNanos());
        var t = established(fragmenting(small));
        List<Datagram> frags = rekeyRequestFragments(t);
        long answered = 0;
        for (Datagram f : frags) {
            answered += sends(toB(t, f));
            assertTrue(t.b.reassemblyBytes() <= 300, "B holds " + t.b.reassemblyBytes());
        }
        assertEquals(0, answered);
        assertTrue(t.b.drops().get(DropReason.FRAGMENT_LIMIT) > 0);
    }

    /**
     * A's child rekey request and A's answer to B's IKE rekey reach B fragment by fragment,
     * interleaved: B reassembles both, because requests and responses have buffers of their own.
     */
    @Test
    void requestAndResponseFragmentsInterleavedAreBothReassembled() {
        var t = established(fragmenting(KmdOptions.Limits.defaults()));
        List<Datagram> aRequest = rekeyRequestFragments(t);
        t.commandB(new Command.RekeyIkeSa("a"));
        List<Datagram> bRequest = drainWire(t);
        bRequest.forEach(d -> t.record(true, t.a.handle(t.now, arriving(d))));
        List<Datagram> aResponse = drainWire(t);
        assertTrue(aResponse.size() >= 2);
        int aRequestId = (int) io.sallyport.ike.message.Bytes.u32(aRequest.getFirst().payload(), 20);
        List<Action> atB = new ArrayList<>();
        for (int i = 0; i < Math.max(aRequest.size(), aResponse.size()); i++) {
            if (i < aRequest.size()) {
                atB.addAll(toB(t, aRequest.get(i)));
            }
            if (i < aResponse.size()) {
                atB.addAll(toB(t, aResponse.get(i)));
            }
        }
        assertTrue(atB.stream().anyMatch(x -> x instanceof Action.Send s && IkeHeader.parse(s.datagram().payload()) != null
                && IkeHeader.parse(s.datagram().payload()).isResponse()
                && IkeHeader.parse(s.datagram().payload()).messageId() == aRequestId), () -> traces(t));
        assertEquals(1, t.of(atB, Action.IkeSaUp.class).size(), () -> traces(t));
    }
}
