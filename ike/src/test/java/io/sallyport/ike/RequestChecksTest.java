package io.sallyport.ike;

import static io.sallyport.ike.TwoPeers.A;
import static io.sallyport.ike.TwoPeers.B;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sallyport.crypto.DhGroup;
import io.sallyport.crypto.KeyExchange;
import io.sallyport.ike.message.Bytes;
import io.sallyport.ike.message.DecodeResult;
import io.sallyport.ike.message.FragmentBuffer;
import io.sallyport.ike.message.IkeHeader;
import io.sallyport.ike.message.MessageCodec;
import io.sallyport.ike.message.Payload;
import io.sallyport.ike.message.Proposal;
import io.sallyport.ike.message.Wire;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The responder's checks of an authenticated peer's CREATE_CHILD_SA and INFORMATIONAL requests
 * (RFC 7296 §1.3, §1.4, §3.4): requests are written by hand, encrypted under A's keys and given
 * to B; B's answers are read back with A's keys. A refused request leaves B's SAs as they were.
 */
class RequestChecksTest {

    private static String traces(List<Action> actions) {
        return actions.stream().map(Object::toString).collect(Collectors.joining("\n"));
    }

    private static TwoPeers established() {
        var t = new TwoPeers();
        t.addPeers(TwoPeers.config("b", A, B, "secret"), TwoPeers.config("a", B, A, "secret"));
        t.commandA(new Command.Initiate("b"));
        t.runQuiet();
        assertTrue(t.planesMatch(), () -> traces(t.actionsA));
        return t;
    }

    /** B's answer to {@code payloads} sent as A's next request of {@code exchange}. */
    private static List<Payload> ask(TwoPeers t, int exchange, List<Payload> payloads) {
        IkeSession a = TwoPeers.session(t.a);
        var h = new IkeHeader(a.spiI, a.spiR, 0, exchange, Wire.FLAG_INITIATOR, a.tasks.takeRequestId(), 0);
        List<Action> atB = t.b.handle(t.now, new Datagram(new InetSocketAddress(B, 500), new InetSocketAddress(A, 500),
                a.encrypt(h, payloads).getFirst(), false));
        t.record(false, atB.stream().filter(x -> !(x instanceof Action.Send)).toList());
        var sent = t.of(atB, Action.Send.class);
        assertEquals(1, sent.size(), () -> traces(atB));
        var r = MessageCodec.decode(sent.getFirst().datagram().payload(), a.inCipher(), new FragmentBuffer());
        return ((DecodeResult.Ok) r).message().payloads();
    }

    private static int notifyOf(List<Payload> answer) {
        return answer.stream().filter(p -> p instanceof Payload.Notify).map(p -> ((Payload.Notify) p).notifyType()).findFirst().orElse(-1);
    }

    private static byte[] one(int octets) {
        byte[] v = new byte[octets];
        v[octets - 1] = 1;
        return v;
    }

    private static Payload.Sa ikeOffer(byte[] spi) {
        var offer = Proposals.ikeOffer(List.of(IkeProposal.aes256Sha256Group14()), spi);
        return offer;
    }

    @Test
    void anIkeRekeyOfferingAnEspSizedSpiIsNotAnIkeProposal() {
        var t = established();
        var answer = ask(t, Wire.CREATE_CHILD_SA, List.of(ikeOffer(new byte[] {1, 2, 3, 4}), new Payload.Nonce(new byte[32]),
                new Payload.Ke(14, KeyExchange.generate(DhGroup.GROUP14, TwoPeers.seeded(3)).publicValue())));
        assertEquals(Wire.N_NO_PROPOSAL_CHOSEN, notifyOf(answer));
        assertEquals(1, t.b.liveSaCount());
        assertEquals("ESTABLISHED", t.b.ikeSas().getFirst().state());
    }

    @Test
    void anIkeRekeyWithAnInvalidKeValueIsRefusedBeforeAnyKeyIsMade() {
        var t = established();
        long dh = t.b.dhOperations();
        var answer = ask(t, Wire.CREATE_CHILD_SA, List.of(ikeOffer(Bytes.of64(0x0102030405060708L)), new Payload.Nonce(new byte[32]),
                new Payload.Ke(14, one(256))));
        assertEquals(Wire.N_INVALID_SYNTAX, notifyOf(answer));
        assertEquals(dh, t.b.dhOperations(), "no D-H work for an invalid value");
        assertEquals("ESTABLISHED", t.b.ikeSas().getFirst().state());
    }

    @Test
    void anIkeRekeyWithAnotherGroupIsAnsweredWithTheGroupWanted() {
        var t = established();
        var answer = ask(t, Wire.CREATE_CHILD_SA, List.of(ikeOffer(Bytes.of64(0x0102030405060708L)), new Payload.Nonce(new byte[32]),
                new Payload.Ke(19, KeyExchange.generate(DhGroup.GROUP19, TwoPeers.seeded(3)).publicValue())));
        var n = (Payload.Notify) answer.getFirst();
        assertEquals(Wire.N_INVALID_KE_PAYLOAD, n.notifyType());
        assertEquals(14, Bytes.u16(n.data(), 0));
    }

    private static List<Payload> childRekey(TwoPeers t, int spi, Payload.Ke ke) {
        var cfg = TwoPeers.session(t.a).peer;
        return List.of(new Payload.Notify(Wire.PROTO_ESP, Bytes.of32(spi), Wire.N_REKEY_SA, new byte[0]),
                Proposals.childOffer(cfg.childProposals(), 0x0bad_0001, true), new Payload.Nonce(new byte[32]), ke,
                new Payload.Ts(Wire.TSI, cfg.localSelectors()), new Payload.Ts(Wire.TSR, cfg.remoteSelectors()));
    }

    @Test
    void aChildRekeyWithAnInvalidKeValueIsRefused() {
        var t = established();
        int spiA = t.planeA.keySet().iterator().next();
        var answer = ask(t, Wire.CREATE_CHILD_SA, childRekey(t, spiA, new Payload.Ke(14, one(256))));
        assertEquals(Wire.N_INVALID_SYNTAX, notifyOf(answer));
        assertEquals(1, t.planeB.size());
    }

    @Test
    void aChildRekeyOfAnSaTheResponderDoesNotHaveIsChildSaNotFound() {
        var t = established();
        var answer = ask(t, Wire.CREATE_CHILD_SA, childRekey(t, 0x0bad_0bad,
                new Payload.Ke(14, KeyExchange.generate(DhGroup.GROUP14, TwoPeers.seeded(3)).publicValue())));
        var n = (Payload.Notify) answer.getFirst();
        assertEquals(Wire.N_CHILD_SA_NOT_FOUND, n.notifyType());
        assertEquals(0x0bad_0bad, (int) Bytes.u32(n.spi(), 0), "the notify names the SPI asked for");
    }

    /** RFC 7296 §3.11: Delete payloads for AH, or with SPIs of the wrong size, delete nothing; the answer is empty. */
    @Test
    void aDeleteNamingNothingOfOursDeletesNothing() {
        var t = established();
        int spiA = t.planeA.keySet().iterator().next();
        var answer = ask(t, Wire.INFORMATIONAL, List.of(new Payload.Delete(Wire.PROTO_AH, 4, List.of(Bytes.of32(spiA))),
                new Payload.Delete(Wire.PROTO_ESP, 2, List.of(new byte[] {1, 2})),
                new Payload.Delete(Wire.PROTO_ESP, 4, List.of(Bytes.of32(0x0bad_0bad)))));
        assertEquals(List.of(), answer);
        assertEquals(1, t.planeB.size());
        assertTrue(t.of(t.actionsB, Action.DeleteChildSa.class).isEmpty());
    }

    @Test
    void aDeleteOfOurChildIsAnsweredWithTheOtherHalf() {
        var t = established();
        int spiA = t.planeA.keySet().iterator().next();
        int spiB = t.planeB.keySet().iterator().next();
        var answer = ask(t, Wire.INFORMATIONAL, List.of(new Payload.Delete(Wire.PROTO_ESP, 4, List.of(Bytes.of32(spiA)))));
        var d = (Payload.Delete) answer.getFirst();
        assertEquals(spiB, (int) Bytes.u32(d.spis().getFirst(), 0));
        assertTrue(t.planeB.isEmpty());
    }

    @Test
    void anIkeRekeyOfferOfOnlyForeignProposalsIsRefused() {
        var t = established();
        var foreign = new Payload.Sa(List.of(new Proposal(1, Wire.PROTO_IKE, Bytes.of64(7),
                List.of(io.sallyport.ike.message.Transform.of(Wire.TRANS_ENCR, 3)))));
        var answer = ask(t, Wire.CREATE_CHILD_SA, List.of(foreign, new Payload.Nonce(new byte[32])));
        assertEquals(Wire.N_NO_PROPOSAL_CHOSEN, notifyOf(answer));
    }

    @Test
    void aChildRekeyNamingAnSpiOfTheWrongSizeIsChildSaNotFound() {
        var t = established();
        var cfg = TwoPeers.session(t.a).peer;
        var answer = ask(t, Wire.CREATE_CHILD_SA, List.of(new Payload.Notify(Wire.PROTO_ESP, new byte[] {1, 2}, Wire.N_REKEY_SA, new byte[0]),
                Proposals.childOffer(cfg.childProposals(), 0x0bad_0001, true), new Payload.Nonce(new byte[32]),
                new Payload.Ts(Wire.TSI, cfg.localSelectors()), new Payload.Ts(Wire.TSR, cfg.remoteSelectors())));
        assertEquals(Wire.N_CHILD_SA_NOT_FOUND, notifyOf(answer));
    }

    /** PFS is configured (group 14): a rekey without a KE payload is answered with the group wanted (RFC 7296 §1.3). */
    @Test
    void aChildRekeyWithoutTheKeThePolicyNeedsIsAskedForIt() {
        var t = established();
        int spiA = t.planeA.keySet().iterator().next();
        var cfg = TwoPeers.session(t.a).peer;
        var answer = ask(t, Wire.CREATE_CHILD_SA, List.of(new Payload.Notify(Wire.PROTO_ESP, Bytes.of32(spiA), Wire.N_REKEY_SA, new byte[0]),
                Proposals.childOffer(cfg.childProposals(), 0x0bad_0001, true), new Payload.Nonce(new byte[32]),
                new Payload.Ts(Wire.TSI, cfg.localSelectors()), new Payload.Ts(Wire.TSR, cfg.remoteSelectors())));
        var n = (Payload.Notify) answer.getFirst();
        assertEquals(Wire.N_INVALID_KE_PAYLOAD, n.notifyType());
        assertEquals(14, Bytes.u16(n.data(), 0));
        assertEquals(1, t.planeB.size());
    }

    @Test
    void aNewChildWithoutTrafficSelectorsIsInvalidSyntax() {
        var t = established();
        var cfg = TwoPeers.session(t.a).peer;
        var answer = ask(t, Wire.CREATE_CHILD_SA, List.of(Proposals.childOffer(cfg.childProposals(), 0x0bad_0001, true),
                new Payload.Nonce(new byte[32]), new Payload.Ke(14, KeyExchange.generate(DhGroup.GROUP14, TwoPeers.seeded(3)).publicValue())));
        assertEquals(Wire.N_INVALID_SYNTAX, notifyOf(answer));
        assertEquals(1, t.planeB.size());
    }

    /** An IKE_SA_INIT without a KE payload is answered INVALID_SYNTAX without state, and counts towards the COOKIE demand. */
    @Test
    void anInitRequestWithoutKeIsAnsweredStatelessly() {
        var b = new Kmd(KmdOptions.defaults().withCookieThreshold(1), () -> TwoPeers.seeded(2));
        b.command(0, new Command.AddPeer(TwoPeers.config("a", B, A, "secret")));
        var offer = Proposals.ikeOffer(List.of(IkeProposal.aes256Sha256Group14()), new byte[0]);
        byte[] init = MessageCodec.encode(new IkeHeader(0x1111L, 0, 0, Wire.IKE_SA_INIT, Wire.FLAG_INITIATOR, 0, 0),
                List.of(offer, new Payload.Nonce(new byte[32])));
        var from = new Datagram(new InetSocketAddress(B, 500), new InetSocketAddress(A, 500), init, false);
        var answer = b.handle(0, from).stream().filter(x -> x instanceof Action.Send).map(x -> ((Action.Send) x).datagram()).toList();
        var decoded = (DecodeResult.Ok) MessageCodec.decodePlain(answer.getFirst().payload());
        assertTrue(decoded.message().notify(Wire.N_INVALID_SYNTAX).isPresent());
        assertEquals(0, b.liveSaCount());
        byte[] again = MessageCodec.encode(new IkeHeader(0x2222L, 0, 0, Wire.IKE_SA_INIT, Wire.FLAG_INITIATOR, 0, 0),
                List.of(offer, new Payload.Nonce(new byte[32]),
                        new Payload.Ke(14, KeyExchange.generate(DhGroup.GROUP14, TwoPeers.seeded(3)).publicValue())));
        var second = b.handle(1, new Datagram(from.local(), from.remote(), again, false)).stream()
                .filter(x -> x instanceof Action.Send).map(x -> ((Action.Send) x).datagram()).toList();
        var cookie = (DecodeResult.Ok) MessageCodec.decodePlain(second.getFirst().payload());
        assertTrue(cookie.message().notify(Wire.N_COOKIE).isPresent(), "the refusal brought the COOKIE demand");
    }
}
