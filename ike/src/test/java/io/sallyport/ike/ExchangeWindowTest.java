package io.sallyport.ike;

import static io.sallyport.ike.TwoPeers.A;
import static io.sallyport.ike.TwoPeers.B;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sallyport.ike.message.DecodeResult;
import io.sallyport.ike.message.FragmentBuffer;
import io.sallyport.ike.message.IkeHeader;
import io.sallyport.ike.message.MessageCodec;
import io.sallyport.ike.message.Payload;
import io.sallyport.ike.message.Wire;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The task manager's window (RFC 7296 §2.1-2.3, §2.21): a response that fails its ICV is dropped
 * and the request retransmitted; an answer with an unsupported critical payload counts as that
 * error; requests from the wrong role, or of an exchange the SA cannot take in its state, are
 * refused or dropped without touching the SA.
 */
class ExchangeWindowTest {

    private static final long SECOND = 1_000_000_000L;

    private static String traces(TwoPeers t) {
        return "A:\n" + t.actionsA.stream().map(Object::toString).collect(Collectors.joining("\n"))
                + "\nB:\n" + t.actionsB.stream().map(Object::toString).collect(Collectors.joining("\n"));
    }

    private static TwoPeers pair() {
        var t = new TwoPeers();
        t.addPeers(TwoPeers.config("b", A, B, "secret"), TwoPeers.config("a", B, A, "secret"));
        return t;
    }

    private static TwoPeers established() {
        var t = pair();
        t.commandA(new Command.Initiate("b"));
        t.runQuiet();
        assertTrue(t.planesMatch(), () -> traces(t));
        return t;
    }

    private static boolean isResponse(Datagram d, int exchange) {
        IkeHeader h = IkeHeader.parse(d.payload());
        return h != null && h.isResponse() && h.exchangeType() == exchange;
    }

    private static Datagram fromA(byte[] payload) {
        return new Datagram(new InetSocketAddress(B, 500), new InetSocketAddress(A, 500), payload, false);
    }

    @Test
    void aResponseFailingItsIcvIsDroppedAndTheRequestRetransmitted() {
        var t = established();
        int old = t.planeA.keySet().iterator().next();
        boolean[] spoilt = {false};
        t.rewrite = d -> {
            if (spoilt[0] || !isResponse(d, Wire.CREATE_CHILD_SA)) {
                return d;
            }
            spoilt[0] = true;
            byte[] p = d.payload().clone();
            p[p.length - 1] ^= 1;
            return new Datagram(d.local(), d.remote(), p, d.nonEspMarker());
        };
        t.commandA(new Command.RekeyChildSa(old));
        t.runPastLinger();
        assertEquals(1L, t.a.drops().get(DropReason.INTEGRITY_FAILED));
        assertEquals(1L, t.b.drops().get(DropReason.RETRANSMITTED_REQUEST), "B answered the retransmission from its cache");
        assertFalse(t.planeA.containsKey(old), () -> traces(t));
        assertTrue(t.planesMatch(), () -> traces(t));
    }

    /** RFC 7296 §2.5: an unknown payload marked critical makes the whole message an UNSUPPORTED_CRITICAL_PAYLOAD error. */
    @Test
    void anAnswerWithAnUnknownCriticalPayloadIsThatError() {
        var t = established();
        int old = t.planeA.keySet().iterator().next();
        boolean[] altered = {false};
        t.rewrite = d -> {
            if (altered[0] || !isResponse(d, Wire.CREATE_CHILD_SA)) {
                return d;
            }
            altered[0] = true;
            IkeHeader h = IkeHeader.parse(d.payload());
            IkeSession atA = TwoPeers.session(t.a);
            IkeSession atB = TwoPeers.session(t.b);
            var ok = (DecodeResult.Ok) MessageCodec.decode(d.payload(), atA.inCipher(), new FragmentBuffer());
            List<Payload> payloads = new ArrayList<>(ok.message().payloads());
            payloads.add(new Payload.Unknown(200, true, new byte[] {1, 2, 3}));
            var rh = new IkeHeader(h.spiI(), h.spiR(), 0, h.exchangeType(), h.flags(), h.messageId(), 0);
            return new Datagram(d.local(), d.remote(), MessageCodec.encodeEncrypted(rh, payloads, atB.outCipher()), false);
        };
        t.commandA(new Command.RekeyChildSa(old));
        t.run(SECOND);
        assertTrue(t.actionsA.stream().anyMatch(x -> x instanceof Action.Trace tr
                && tr.text().contains("rekey refused with UNSUPPORTED_CRITICAL_PAYLOAD")), () -> traces(t));
        assertTrue(t.planeA.containsKey(old), "A keeps the SA it has");
    }

    /**
     * A request without the Initiator flag is found by the SPI in its initiator field; one that
     * names B's own SPI there claims B's role towards B: dropped, however it is protected.
     */
    @Test
    void aRequestFromTheWrongRoleIsDropped() {
        var t = established();
        IkeSession a = TwoPeers.session(t.a);
        var h = new IkeHeader(a.spiR, a.spiI, 0, Wire.INFORMATIONAL, 0, 2, 0);
        List<Action> atB = t.b.handle(t.now, fromA(a.encrypt(h, List.of()).getFirst()));
        assertTrue(atB.stream().noneMatch(x -> x instanceof Action.Send));
        assertEquals(1L, t.b.drops().get(DropReason.UNEXPECTED_EXCHANGE));
    }

    /**
     * Before IKE_AUTH the responder takes no CREATE_CHILD_SA (it answers TEMPORARY_FAILURE) and
     * no INFORMATIONAL (dropped); after it, no second IKE_AUTH. A's own IKE_AUTH is held back
     * and its message IDs are used for these.
     */
    @Test
    void requestsTheSaCannotTakeInItsStateAreRefusedOrDropped() {
        var t = pair();
        t.dropFilter = d -> {
            IkeHeader h = IkeHeader.parse(d.payload());
            return h != null && !h.isResponse() && h.exchangeType() == Wire.IKE_AUTH;
        };
        t.commandA(new Command.Initiate("b"));
        t.runQuiet();
        IkeSession a = t.a.sessions().iterator().next();
        var cfg = a.peer;
        List<Payload> child = List.of(Proposals.childOffer(cfg.childProposals(), 0x1000, false), new Payload.Nonce(new byte[32]),
                new Payload.Ts(Wire.TSI, cfg.localSelectors()), new Payload.Ts(Wire.TSR, cfg.remoteSelectors()));
        var h1 = new IkeHeader(a.spiI, a.spiR, 0, Wire.CREATE_CHILD_SA, Wire.FLAG_INITIATOR, 1, 0);
        List<Action> atB = t.b.handle(t.now, fromA(a.encrypt(h1, child).getFirst()));
        var answer = t.of(atB, Action.Send.class);
        assertEquals(1, answer.size(), () -> atB.toString());
        var decoded = (DecodeResult.Ok) MessageCodec.decode(answer.getFirst().datagram().payload(), a.inCipher(), new FragmentBuffer());
        assertTrue(decoded.message().notify(Wire.N_TEMPORARY_FAILURE).isPresent(), () -> decoded.message().toString());

        var h2 = new IkeHeader(a.spiI, a.spiR, 0, Wire.INFORMATIONAL, Wire.FLAG_INITIATOR, 2, 0);
        List<Action> info = t.b.handle(t.now, fromA(a.encrypt(h2, List.of()).getFirst()));
        assertTrue(info.stream().noneMatch(x -> x instanceof Action.Send), "no answer before authentication");
        assertEquals(1L, t.b.drops().get(DropReason.UNEXPECTED_EXCHANGE));
        assertEquals(0, t.of(t.actionsB, Action.IkeSaUp.class).size() + t.of(atB, Action.IkeSaUp.class).size());

        var established = established();
        IkeSession ea = TwoPeers.session(established.a);
        var h3 = new IkeHeader(ea.spiI, ea.spiR, 0, Wire.IKE_AUTH, Wire.FLAG_INITIATOR, ea.tasks.takeRequestId(), 0);
        List<Action> again = established.b.handle(established.now, fromA(ea.encrypt(h3, List.of()).getFirst()));
        assertTrue(again.stream().noneMatch(x -> x instanceof Action.Send), "no second IKE_AUTH");
        assertEquals(1L, established.b.drops().get(DropReason.UNEXPECTED_EXCHANGE));
        assertTrue(established.planesMatch());
    }
}
