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
import io.sallyport.ike.message.Proposal;
import io.sallyport.ike.message.TrafficSelector;
import io.sallyport.ike.message.Wire;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The initiator checks what the responder answers (RFC 7296 §2.7, §2.9, §2.18): an answer that
 * lacks what the exchange needs, widens the selectors or chooses what was not offered is refused,
 * with the SA kept and the rekey retried after the back-off, or the IKE SA deleted when it is its
 * first child. B's answers are altered on the wire and sealed again under B's own keys, so A sees
 * a correctly protected message from B that says something else.
 */
class ResponseChecksTest {

    private static final long SECOND = 1_000_000_000L;

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

    private static String traces(TwoPeers t) {
        return "A:\n" + t.actionsA.stream().map(Object::toString).collect(Collectors.joining("\n"))
                + "\nB:\n" + t.actionsB.stream().map(Object::toString).collect(Collectors.joining("\n"));
    }

    private static boolean traced(List<Action> actions, String text) {
        return actions.stream().anyMatch(x -> x instanceof Action.Trace tr && tr.text().contains(text));
    }

    private static IkeSession sessionOf(Kmd k, IkeHeader h) {
        return k.sessions().stream().filter(s -> s.spiI == h.spiI() && s.spiR == h.spiR()).findFirst()
                .orElseThrow(() -> new AssertionError("no IKE SA " + h));
    }

    /**
     * Alters B's next {@code times} protected responses of {@code exchange} to A: decrypted with A's
     * keys, changed by {@code change}, sealed again with B's.
     */
    private static void alterResponses(TwoPeers t, int exchange, int times, UnaryOperator<List<Payload>> change) {
        int[] left = {times};
        t.rewrite = d -> {
            IkeHeader h = IkeHeader.parse(d.payload());
            if (left[0] == 0 || !d.local().getAddress().equals(B) || h == null || !h.isResponse() || h.exchangeType() != exchange) {
                return d;
            }
            IkeSession atA = sessionOf(t.a, h);
            if (!(MessageCodec.decode(d.payload(), atA.inCipher(), new FragmentBuffer()) instanceof DecodeResult.Ok ok)) {
                throw new AssertionError("B's response does not decode at A");
            }
            left[0]--;
            IkeSession atB = sessionOf(t.b, h);
            var rh = new IkeHeader(h.spiI(), h.spiR(), 0, exchange, h.flags(), h.messageId(), 0);
            return new Datagram(d.local(), d.remote(), MessageCodec.encodeEncrypted(rh, change.apply(ok.message().payloads()), atB.outCipher()),
                    d.nonEspMarker());
        };
    }

    /**
     * Answers A's next {@code exchange} request in B's place, under B's keys. B gets an empty
     * INFORMATIONAL with the same message ID instead, so its window moves on while its SAs stay as
     * they were, and A's retry later succeeds. {@code forge} builds the answer from A's request as
     * B decrypts it.
     */
    private static void answerInsteadOfB(TwoPeers t, int exchange, java.util.function.Function<io.sallyport.ike.message.IkeMessage, List<Payload>> forge) {
        boolean[] done = {false};
        t.rewrite = d -> {
            IkeHeader h = IkeHeader.parse(d.payload());
            if (done[0] || !d.local().getAddress().equals(A) || h == null || h.isResponse() || h.exchangeType() != exchange) {
                return d;
            }
            IkeSession atB = sessionOf(t.b, h);
            if (!(MessageCodec.decode(d.payload(), atB.inCipher(), new FragmentBuffer()) instanceof DecodeResult.Ok ok)) {
                throw new AssertionError("A's request does not decode at B");
            }
            done[0] = true;
            var rh = new IkeHeader(h.spiI(), h.spiR(), 0, exchange, Wire.FLAG_RESPONSE, h.messageId(), 0);
            t.wire.add(new Datagram(d.remote(), d.local(), MessageCodec.encodeEncrypted(rh, forge.apply(ok.message()), atB.outCipher()), false));
            var placeholder = new IkeHeader(h.spiI(), h.spiR(), 0, Wire.INFORMATIONAL, h.flags(), h.messageId(), 0);
            return new Datagram(d.local(), d.remote(), MessageCodec.encodeEncrypted(placeholder, List.of(), sessionOf(t.a, h).outCipher()),
                    d.nonEspMarker());
        };
    }

    /** What B would answer to a CREATE_CHILD_SA: A's first proposal with a responder SPI, a nonce, a KE of the group asked for, A's selectors. */
    private static List<Payload> plausibleAnswer(io.sallyport.ike.message.IkeMessage request) {
        Proposal offered = request.first(Payload.Sa.class).orElseThrow().proposals().getFirst();
        boolean ike = offered.protocolId() == Wire.PROTO_IKE;
        byte[] spi = ike ? new byte[] {0x0b, (byte) 0xad, 0, 0, 0, 0, 0, 1} : new byte[] {0x0b, (byte) 0xad, 0, 1};
        List<Payload> out = new ArrayList<>();
        out.add(new Payload.Sa(List.of(new Proposal(offered.number(), offered.protocolId(), spi, offered.transforms()))));
        out.add(new Payload.Nonce(new byte[32]));
        request.first(Payload.Ke.class).ifPresent(ke -> {
            var group = io.sallyport.crypto.DhGroup.fromNumber(ke.group()).orElseThrow();
            out.add(new Payload.Ke(ke.group(), io.sallyport.crypto.KeyExchange.generate(group, TwoPeers.seeded(9)).publicValue()));
        });
        request.ts(Wire.TSI).ifPresent(out::add);
        request.ts(Wire.TSR).ifPresent(out::add);
        return out;
    }

    private static List<Payload> without(List<Payload> payloads, Class<? extends Payload> kind) {
        return payloads.stream().filter(p -> !kind.isInstance(p)).toList();
    }

    private static List<Payload> widened(List<Payload> payloads) {
        List<Payload> out = new ArrayList<>();
        for (Payload p : payloads) {
            out.add(p instanceof Payload.Ts ts && ts.type() == Wire.TSR
                    ? new Payload.Ts(Wire.TSR, List.of(TrafficSelector.ofPrefix("0.0.0.0", 0))) : p);
        }
        return out;
    }

    private static Action.IkeSaDown down(List<Action> actions) {
        return actions.stream().filter(x -> x instanceof Action.IkeSaDown).map(x -> (Action.IkeSaDown) x).findFirst()
                .orElseThrow(() -> new AssertionError("no IkeSaDown"));
    }

    // ---------------------------------------------------------------- IKE_AUTH

    @Test
    void anAuthResponseWideningTheSelectorsDeletesTheNewIkeSa() {
        var t = pair();
        alterResponses(t, Wire.IKE_AUTH, 1, ResponseChecksTest::widened);
        t.commandA(new Command.Initiate("b"));
        t.runQuiet();
        assertTrue(traced(t.actionsA, "responder widened the selectors"), () -> traces(t));
        assertEquals(DownCause.POLICY_MISMATCH, down(t.actionsA).cause());
        assertEquals("proposal mismatch (child SA response)", down(t.actionsA).reason());
        assertEquals(DownCause.DELETED_BY_PEER, down(t.actionsB).cause(), "B is told with a Delete");
        assertTrue(t.planesEmpty(), () -> traces(t));
        assertEquals(0, t.a.liveSaCount() + t.b.liveSaCount());
    }

    @Test
    void anAuthResponseWithoutIdentityAndAuthIsMalformed() {
        var t = pair();
        alterResponses(t, Wire.IKE_AUTH, 1, p -> without(without(p, Payload.Id.class), Payload.Auth.class));
        t.commandA(new Command.Initiate("b"));
        t.runQuiet();
        assertEquals(DownCause.INVALID, down(t.actionsA).cause());
        assertEquals("malformed message (IKE_AUTH response)", down(t.actionsA).reason());
        assertTrue(t.planeA.isEmpty());
    }

    @Test
    void anAuthResponseWithOnlyAnErrorNotifyIsARefusal() {
        var t = pair();
        alterResponses(t, Wire.IKE_AUTH, 1, p -> List.of(Payload.Notify.of(Wire.N_INVALID_SYNTAX)));
        t.commandA(new Command.Initiate("b"));
        t.runQuiet();
        assertEquals(DownCause.REFUSED, down(t.actionsA).cause());
        assertEquals("peer reported an error (IKE_AUTH refused with INVALID_SYNTAX)", down(t.actionsA).reason());
    }

    /** RFC 7296 §2.21.2: B authenticated A and holds an SA; A refuses B's identity and tells B so, once. */
    @Test
    void aResponderIdentityOtherThanConfiguredIsRefusedAndTheResponderTold() {
        var t = new TwoPeers();
        var forA = TwoPeers.config("b", A, B, "secret");
        forA = new PeerConfig("b", A, B, forA.localId(), Identity.fqdn("gw.example.net"), forA.authenticator(), forA.ikeProposals(),
                forA.childProposals(), forA.localSelectors(), forA.remoteSelectors(), forA.dpd(), forA.natTraversal(), false);
        t.addPeers(forA, TwoPeers.config("a", B, A, "secret"));
        t.commandA(new Command.Initiate("b"));
        t.runQuiet();
        assertEquals(DownCause.AUTHENTICATION_FAILED, down(t.actionsA).cause());
        assertEquals("authentication failed: responder identity 192.0.2.2 is not the configured gw.example.net",
                down(t.actionsA).reason());
        assertEquals(DownCause.AUTHENTICATION_FAILED, down(t.actionsB).cause());
        assertEquals("authentication failed (peer sent AUTHENTICATION_FAILED)", down(t.actionsB).reason());
        assertTrue(t.planesEmpty(), "B's child went with its IKE SA");
        assertEquals(0, t.a.liveSaCount() + t.b.liveSaCount());
    }

    // ---------------------------------------------------------------- child rekey

    private static void assertChildRekeyRefusedThenRetried(UnaryOperator<List<Payload>> change, String why) {
        var t = established();
        int old = t.planeA.keySet().iterator().next();
        answerInsteadOfB(t, Wire.CREATE_CHILD_SA, m -> change.apply(plausibleAnswer(m)));
        t.commandA(new Command.RekeyChildSa(old));
        t.run(SECOND);
        assertTrue(traced(t.actionsA, "rekey " + why + ", next try in 10 s"), () -> traces(t));
        assertTrue(t.planeA.containsKey(old), "A keeps the old SA");
        t.run(8 * SECOND);
        assertTrue(t.planeA.containsKey(old), "no retry within the back-off");
        t.run(7 * SECOND);
        assertFalse(t.planeA.containsKey(old), () -> "the retry after the back-off replaced it (and its inbound linger ended),"
                + " long before the soft lifetime\n" + traces(t));
        assertEquals(1, t.planeA.size());
        assertTrue(t.planesMatch(), "B never saw the refused exchange");
    }

    @Test
    void aChildRekeyAnsweredWithoutANonceIsRefused() {
        assertChildRekeyRefusedThenRetried(p -> without(p, Payload.Nonce.class), "answered without a nonce");
    }

    @Test
    void aChildRekeyAnsweredWithoutTheKeItAskedForIsRefused() {
        assertChildRekeyRefusedThenRetried(p -> without(p, Payload.Ke.class), "answered with an unusable KE payload");
    }

    @Test
    void aChildRekeyAnsweredWithWidenedSelectorsIsRefused() {
        assertChildRekeyRefusedThenRetried(ResponseChecksTest::widened, "answered with a proposal or selectors we did not offer");
    }

    /** RFC 7296 §1.3: an INVALID_KE_PAYLOAD naming a group we do not have is a refusal, not a retry with it. */
    @Test
    void aChildRekeyAskedForAGroupWeDoNotHaveIsRefused() {
        assertChildRekeyRefusedThenRetried(p -> List.of(Payload.Notify.of(Wire.N_INVALID_KE_PAYLOAD, new byte[] {0, 19})),
                "refused with INVALID_KE_PAYLOAD");
    }

    /** A rekey queued behind the child's own delete finds the child gone and sends nothing. */
    @Test
    void aRekeyQueuedBehindTheChildsDeleteDoesNothing() {
        var t = established();
        int old = t.planeA.keySet().iterator().next();
        t.commandA(new Command.DeleteChildSa(old));
        t.commandA(new Command.RekeyChildSa(old));
        t.runQuiet();
        assertTrue(t.planesEmpty(), () -> traces(t));
        assertTrue(!traced(t.actionsA, "RekeyChildLocal: rekeying"), () -> traces(t));
        assertEquals(1, t.a.liveSaCount());
    }

    @Test
    void aChildRekeyRefusedWithANotifyIsRetriedAfterTheBackOff() {
        assertChildRekeyRefusedThenRetried(p -> List.of(Payload.Notify.of(Wire.N_NO_PROPOSAL_CHOSEN)), "refused with NO_PROPOSAL_CHOSEN");
    }

    // ---------------------------------------------------------------- a further term's child

    private static PeerConfig secondTerm(PeerConfig p, String local, String remote) {
        return new PeerConfig(p.name() + "2", p.localAddress(), p.remoteAddress(), p.localId(), p.remoteId(), p.authenticator(),
                p.ikeProposals(), p.childProposals(), List.of(TrafficSelector.ofPrefix(local, 24)),
                List.of(TrafficSelector.ofPrefix(remote, 24)), p.dpd(), p.natTraversal(), false);
    }

    /** A's second term b2 asks for its child over the established IKE SA; the answer is refused, the IKE SA and b's child stay. */
    private static void assertNewChildRefused(UnaryOperator<List<Payload>> change, String why) {
        var t = established();
        t.commandA(new Command.AddPeer(secondTerm(TwoPeers.config("b", A, B, "secret"), "198.18.3.0", "198.18.4.0")));
        t.commandB(new Command.AddPeer(secondTerm(TwoPeers.config("a", B, A, "secret"), "198.18.4.0", "198.18.3.0")));
        answerInsteadOfB(t, Wire.CREATE_CHILD_SA, m -> change.apply(plausibleAnswer(m)));
        t.commandA(new Command.Initiate("b2"));
        t.runQuiet();
        assertTrue(traced(t.actionsA, "CreateChildLocal: child SA for b2 " + why), () -> traces(t));
        assertEquals(1, t.planeA.size(), () -> traces(t));
        assertEquals(1, t.a.liveSaCount());
        assertTrue(t.of(t.actionsA, Action.IkeSaDown.class).isEmpty());
    }

    @Test
    void aNewChildAnsweredWithoutANonceIsRefused() {
        assertNewChildRefused(p -> without(p, Payload.Nonce.class), "answered without a nonce");
    }

    @Test
    void aNewChildAnsweredWithoutTheKeItAskedForIsRefused() {
        assertNewChildRefused(p -> without(p, Payload.Ke.class), "answered with an unusable KE payload");
    }

    @Test
    void aNewChildAnsweredWithWidenedSelectorsIsRefused() {
        assertNewChildRefused(ResponseChecksTest::widened, "answered with a proposal or selectors we did not offer");
    }

    /**
     * B made the child its answer describes, but the answer reaches A widened: A refuses it and has
     * B delete it, else B keeps an SA nobody sends on for its whole lifetime (one more each time
     * the term is asked for again).
     */
    @Test
    void aNewChildWhoseAnswerWeRefuseIsDeletedAtThePeer() {
        var t = established();
        t.commandA(new Command.AddPeer(secondTerm(TwoPeers.config("b", A, B, "secret"), "198.18.3.0", "198.18.4.0")));
        t.commandB(new Command.AddPeer(secondTerm(TwoPeers.config("a", B, A, "secret"), "198.18.4.0", "198.18.3.0")));
        alterResponses(t, Wire.CREATE_CHILD_SA, 1, ResponseChecksTest::widened);
        t.commandA(new Command.Initiate("b2"));
        t.runQuiet();
        assertTrue(traced(t.actionsA, "CreateChildLocal: child SA for b2 answered with a proposal or selectors we did not offer"),
                () -> traces(t));
        assertEquals(1, t.of(t.actionsB, Action.InstallChildSa.class).stream().filter(i -> i.peer().equals("a2")).count(),
                "B made the child");
        assertEquals(1, t.planeA.size());
        assertEquals(1, t.planeB.size(), () -> "B's child for the refused answer is gone\n" + traces(t));
        assertTrue(t.planesMatch());
        assertEquals(1, t.a.liveSaCount());
    }

    /** The same for a rekey: the new SA B made for the refused answer is deleted, the old one stays at both ends. */
    @Test
    void aRekeyWhoseAnswerWeRefuseIsDeletedAtThePeer() {
        var t = established();
        int old = t.planeA.keySet().iterator().next();
        alterResponses(t, Wire.CREATE_CHILD_SA, 1, ResponseChecksTest::widened);
        t.commandA(new Command.RekeyChildSa(old));
        t.run(SECOND);
        assertTrue(traced(t.actionsA, "rekey answered with a proposal or selectors we did not offer"), () -> traces(t));
        assertEquals(2, t.of(t.actionsB, Action.InstallChildSa.class).size(), "B made the new SA");
        assertEquals(Set.of(old), t.planeA.keySet());
        assertEquals(1, t.planeB.size(), () -> "B's new SA for the refused answer is gone\n" + traces(t));
        assertTrue(t.planesMatch());
    }

    @Test
    void aNewChildRefusedWithANotifyIsTraced() {
        assertNewChildRefused(p -> List.of(Payload.Notify.of(Wire.N_NO_ADDITIONAL_SAS)), "refused with NO_ADDITIONAL_SAS");
    }

    // ---------------------------------------------------------------- IKE rekey

    private static void assertIkeRekeyRefusedThenRetried(UnaryOperator<List<Payload>> change, String why) {
        var t = established();
        IkeSaId before = TwoPeers.session(t.a).id();
        answerInsteadOfB(t, Wire.CREATE_CHILD_SA, m -> change.apply(plausibleAnswer(m)));
        t.commandA(new Command.RekeyIkeSa("b"));
        t.run(SECOND);
        assertTrue(traced(t.actionsA, "RekeyIkeLocal: " + why + ", keeping " + before + ", next try in 10 s"), () -> traces(t));
        assertEquals(before, TwoPeers.session(t.a).id());
        t.run(60 * SECOND);
        assertEquals(2, t.of(t.actionsA, Action.IkeSaUp.class).size(), () -> "the retry rekeyed it\n" + traces(t));
        assertEquals(1, t.a.liveSaCount());
        assertTrue(t.planesMatch());
    }

    @Test
    void anIkeRekeyAnsweredWithoutAnSaPayloadIsRefused() {
        assertIkeRekeyRefusedThenRetried(p -> without(p, Payload.Sa.class), "malformed response");
    }

    @Test
    void anIkeRekeyAnsweredWithAChildSizedSpiIsRefused() {
        assertIkeRekeyRefusedThenRetried(p -> p.stream().map(x -> x instanceof Payload.Sa sa
                ? new Payload.Sa(List.of(new Proposal(1, Wire.PROTO_IKE, new byte[4], sa.proposals().getFirst().transforms())))
                : x).toList(), "bad response");
    }

    @Test
    void anIkeRekeyAskedForAGroupWeDoNotHaveIsRefused() {
        assertIkeRekeyRefusedThenRetried(p -> List.of(Payload.Notify.of(Wire.N_INVALID_KE_PAYLOAD, new byte[] {0, 19})),
                "refused with INVALID_KE_PAYLOAD");
    }

    @Test
    void anIkeRekeyRefusedWithANotifyIsRetried() {
        assertIkeRekeyRefusedThenRetried(p -> List.of(Payload.Notify.of(Wire.N_NO_PROPOSAL_CHOSEN)), "refused with NO_PROPOSAL_CHOSEN");
    }

    // ---------------------------------------------------------------- IKE_SA_INIT (unprotected: anyone on the path can answer)

    /** A's IKE_SA_INIT is taken off the wire and answered with {@code payloads} (B never sees it). */
    private static TwoPeers initAnsweredWith(java.util.function.Function<Long, List<Payload>> payloads) {
        var t = pair();
        t.commandA(new Command.Initiate("b"));
        Datagram init = t.wire.poll();
        long spiI = IkeHeader.parse(init.payload()).spiI();
        byte[] answer = MessageCodec.encode(new IkeHeader(spiI, 0x5151_5151L, 0, Wire.IKE_SA_INIT, Wire.FLAG_RESPONSE, 0, 0),
                payloads.apply(spiI));
        t.record(true, t.a.handle(t.now, new Datagram(init.local(), init.remote(), answer, false)));
        return t;
    }

    private static Payload.Sa answered(IkeProposal p) {
        Proposal offered = Proposals.ikeOffer(List.of(p), new byte[0]).proposals().getFirst();
        return new Payload.Sa(List.of(Proposals.answer(offered, Proposals.ikeTransforms(p), new byte[0])));
    }

    private static Payload.Ke ke(io.sallyport.crypto.DhGroup g) {
        return new Payload.Ke(g.number(), io.sallyport.crypto.KeyExchange.generate(g, TwoPeers.seeded(5)).publicValue());
    }

    @Test
    void anInitAnswerWithAnErrorOtherThanAMismatchIsARefusal() {
        var t = initAnsweredWith(spi -> List.of(Payload.Notify.of(Wire.N_INVALID_SYNTAX)));
        assertEquals(DownCause.REFUSED, down(t.actionsA).cause());
        assertEquals("peer reported an error (IKE_SA_INIT refused with INVALID_SYNTAX)", down(t.actionsA).reason());
        assertEquals(0, t.a.liveSaCount());
    }

    @Test
    void anInitAnswerNamingAGroupWeDoNotHaveIsAMismatch() {
        var t = initAnsweredWith(spi -> List.of(Payload.Notify.of(Wire.N_INVALID_KE_PAYLOAD, new byte[] {0, 19})));
        assertEquals(DownCause.POLICY_MISMATCH, down(t.actionsA).cause());
        assertEquals("proposal mismatch (peer sent INVALID_KE_PAYLOAD)", down(t.actionsA).reason());
        assertTrue(t.of(t.actionsA, Action.Send.class).size() == 1, "no retry with a group we do not offer");
    }

    @Test
    void anInitAnswerWithoutAKePayloadIsMalformed() {
        var p = IkeProposal.aes256Sha256Group14();
        var t = initAnsweredWith(spi -> List.of(answered(p), new Payload.Nonce(new byte[32])));
        assertEquals(DownCause.INVALID, down(t.actionsA).cause());
        assertEquals("malformed message (IKE_SA_INIT response)", down(t.actionsA).reason());
    }

    @Test
    void anInitAnswerChoosingWhatWasNotOfferedIsAMismatch() {
        var other = new IkeProposal(io.sallyport.crypto.EncryptionAlgorithm.AES_128_CBC, io.sallyport.crypto.IntegrityAlgorithm.HMAC_SHA1_96,
                io.sallyport.crypto.PrfAlgorithm.HMAC_SHA1, io.sallyport.crypto.DhGroup.GROUP14, 28800);
        var t = initAnsweredWith(spi -> List.of(answered(other), ke(io.sallyport.crypto.DhGroup.GROUP14), new Payload.Nonce(new byte[32])));
        assertEquals(DownCause.POLICY_MISMATCH, down(t.actionsA).cause());
        assertEquals("proposal mismatch (responder chose a proposal we did not offer)", down(t.actionsA).reason());
    }

    /** RFC 7296 §3.4 with RFC 6989: a KE value outside 1 < y < p-1 is refused before any key is derived. */
    @Test
    void anInitAnswerWithAnInvalidKeValueIsRefused() {
        var p = IkeProposal.aes256Sha256Group14();
        byte[] one = new byte[256];
        one[255] = 1;
        var t = initAnsweredWith(spi -> List.of(answered(p), new Payload.Ke(14, one), new Payload.Nonce(new byte[32])));
        assertEquals(DownCause.INVALID, down(t.actionsA).cause());
        assertEquals("invalid key exchange value (IKE_SA_INIT response)", down(t.actionsA).reason());
    }

    /** An answer of another exchange type under message ID 0 is not an IKE_SA_INIT answer: dropped, and B's real one still works. */
    @Test
    void anAnswerOfAnotherExchangeTypeIsIgnoredAndTheRealOneStillWorks() {
        var t = pair();
        t.commandA(new Command.Initiate("b"));
        Datagram init = t.wire.peek();
        long spiI = IkeHeader.parse(init.payload()).spiI();
        byte[] other = MessageCodec.encode(new IkeHeader(spiI, 0x5151_5151L, 0, Wire.IKE_AUTH, Wire.FLAG_RESPONSE, 0, 0),
                List.of(Payload.Notify.of(Wire.N_NO_PROPOSAL_CHOSEN)));
        long malformed = t.a.drops().get(DropReason.MALFORMED_PAYLOAD);
        t.record(true, t.a.handle(t.now, new Datagram(init.local(), init.remote(), other, false)));
        byte[] garbage = java.util.Arrays.copyOf(other, other.length);
        garbage[28 + 2] = (byte) 0xff; // first payload's length beyond the message
        garbage[28 + 3] = (byte) 0xff;
        t.record(true, t.a.handle(t.now, new Datagram(init.local(), init.remote(), garbage, false)));
        assertEquals(malformed + 2, t.a.drops().get(DropReason.MALFORMED_PAYLOAD));
        t.runQuiet();
        assertTrue(t.planesMatch(), () -> traces(t));
    }

    /** A responder that keeps asking for another group is followed twice, then the SA fails as a mismatch (no endless loop). */
    @Test
    void invalidKePayloadRetriesAreBounded() {
        var t = new TwoPeers();
        var g19 = new IkeProposal(io.sallyport.crypto.EncryptionAlgorithm.AES_256_CBC, io.sallyport.crypto.IntegrityAlgorithm.HMAC_SHA_256_128,
                io.sallyport.crypto.PrfAlgorithm.HMAC_SHA2_256, io.sallyport.crypto.DhGroup.GROUP19, 28800);
        t.addPeers(TwoPeers.config("b", A, B, "secret").withIkeProposals(List.of(IkeProposal.aes256Sha256Group14(), g19)),
                TwoPeers.config("a", B, A, "secret"));
        t.commandA(new Command.Initiate("b"));
        for (int i = 0; i < 3; i++) {
            Datagram init = t.wire.poll();
            IkeHeader h = IkeHeader.parse(init.payload());
            int asked = ((DecodeResult.Ok) MessageCodec.decodePlain(init.payload())).message().first(Payload.Ke.class).orElseThrow().group();
            byte[] other = {0, (byte) (asked == 14 ? 19 : 14)};
            byte[] answer = MessageCodec.encode(new IkeHeader(h.spiI(), 0, 0, Wire.IKE_SA_INIT, Wire.FLAG_RESPONSE, 0, 0),
                    List.of(Payload.Notify.of(Wire.N_INVALID_KE_PAYLOAD, other)));
            t.record(true, t.a.handle(t.now, new Datagram(init.local(), init.remote(), answer, false)));
        }
        assertEquals(3, t.of(t.actionsA, Action.Send.class).size(), "the first request and two retries");
        assertEquals(DownCause.POLICY_MISMATCH, down(t.actionsA).cause());
        assertEquals("proposal mismatch (peer sent INVALID_KE_PAYLOAD)", down(t.actionsA).reason());
    }

    /** One COOKIE round: a responder asking again after we sent its cookie gets no second one. */
    @Test
    void aSecondCookieDemandIsNotFollowed() {
        var t = pair();
        t.commandA(new Command.Initiate("b"));
        for (int i = 0; i < 2; i++) {
            Datagram init = t.wire.poll();
            IkeHeader h = IkeHeader.parse(init.payload());
            byte[] answer = MessageCodec.encode(new IkeHeader(h.spiI(), 0, 0, Wire.IKE_SA_INIT, Wire.FLAG_RESPONSE, 0, 0),
                    List.of(Payload.Notify.of(Wire.N_COOKIE, new byte[] {1, 2, 3, (byte) i})));
            t.record(true, t.a.handle(t.now, new Datagram(init.local(), init.remote(), answer, false)));
        }
        assertEquals(2, t.of(t.actionsA, Action.Send.class).size(), "the first request and one retry with the cookie");
        assertEquals(DownCause.INVALID, down(t.actionsA).cause());
        assertEquals("malformed message (IKE_SA_INIT response)", down(t.actionsA).reason());
    }
}
