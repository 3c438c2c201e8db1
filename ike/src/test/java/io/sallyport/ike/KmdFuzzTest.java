package io.sallyport.ike;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.sallyport.crypto.DhGroup;
import io.sallyport.ike.message.Bytes;
import io.sallyport.ike.message.IkeHeader;
import io.sallyport.ike.message.MessageCodec;
import io.sallyport.ike.message.Payload;
import io.sallyport.ike.message.SealedMessages;
import io.sallyport.ike.message.TrafficSelector;
import io.sallyport.ike.message.Wire;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Coverage-guided fuzzing of the IKE state machine behind authentication (Jazzer). A and B
 * establish an IKE SA and a child SA as in {@link KmdTwoPeersTest}; then the fuzzer writes up to four
 * messages "from A": exchange type, flags, message ID and the payload list (built from real payload
 * kinds, proposals and SPIs, or raw inner bytes), each encrypted under A's outbound SK keys so that
 * B's ICV check passes and the exchange handlers see it. A bit flip in a protected message would
 * only ever test the ICV check.
 *
 * <p>Oracles: no handler throws (Kmd turns an exception into {@code INTERNAL_ERROR} and closes the
 * SA, so that count must stay 0 on both sides), and state stays bounded: each message creates at
 * most one IKE SA and one child SA.
 */
class KmdFuzzTest {

    private static final InetSocketAddress A_500 = new InetSocketAddress(TwoPeers.A, 500);
    private static final InetSocketAddress B_500 = new InetSocketAddress(TwoPeers.B, 500);

    @FuzzTest
    void protectedMessagesToAnEstablishedResponder(FuzzedDataProvider in) {
        TwoPeers t = new TwoPeers();
        PeerConfig forA = TwoPeers.config("b", TwoPeers.A, TwoPeers.B, "secret");
        t.addPeers(forA, TwoPeers.config("a", TwoPeers.B, TwoPeers.A, "secret"));
        t.commandA(new Command.Initiate("b"));
        t.runQuiet();
        IkeSession a = TwoPeers.session(t.a);
        IkeSession b = TwoPeers.session(t.b);
        int messages = in.consumeInt(1, 4);
        for (int i = 0; i < messages; i++) {
            int exchange = in.pickValue(new int[] {Wire.IKE_AUTH, Wire.CREATE_CHILD_SA, Wire.INFORMATIONAL,
                Wire.IKE_SA_INIT, in.consumeInt(0, 255)});
            int flags = (in.consumeBoolean() ? Wire.FLAG_RESPONSE : 0) | (in.consumeInt(0, 7) == 0 ? 0 : Wire.FLAG_INITIATOR);
            int messageId = switch (in.consumeInt(0, 3)) {
                case 0, 1 -> b.tasks.expectedRequestId();
                case 2 -> b.tasks.lastResponseId();
                default -> in.consumeInt();
            };
            IkeHeader h = new IkeHeader(a.spiI, a.spiR, 0, exchange, flags, messageId, 0);
            byte[] msg = in.consumeBoolean()
                    ? MessageCodec.encodeEncrypted(h, payloads(in, forA, b), a.outCipher())
                    : SealedMessages.sk(h, in.consumeInt(0, 255), in.consumeBytes(in.consumeInt(0, 400)), a.outCipher());
            t.record(false, t.b.handle(t.now, new Datagram(B_500, A_500, msg, false)));
            t.run(2_000_000_000L);
        }
        assertEquals(0L, t.a.drops().get(DropReason.INTERNAL_ERROR), "A: an exchange handler threw");
        assertEquals(0L, t.b.drops().get(DropReason.INTERNAL_ERROR), "B: an exchange handler threw");
        assertTrue(t.b.liveSaCount() <= 1 + messages, () -> "IKE SAs on B: " + t.b.ikeSas());
        assertTrue(t.planeB.size() <= 1 + messages, () -> "child SAs on B: " + t.planeB.keySet());
    }

    /** Zero to five payloads of the kinds the exchanges read, with real SPIs and proposals often enough. */
    private static List<Payload> payloads(FuzzedDataProvider in, PeerConfig peer, IkeSession b) {
        List<Payload> out = new ArrayList<>();
        int n = in.consumeInt(0, 5);
        for (int i = 0; i < n; i++) {
            out.add(switch (in.consumeInt(0, 9)) {
                case 0 -> new Payload.Notify(in.pickValue(new int[] {0, Wire.PROTO_IKE, Wire.PROTO_ESP}), spi(in, b),
                        in.pickValue(new int[] {Wire.N_REKEY_SA, Wire.N_INVALID_SPI, Wire.N_USE_TRANSPORT_MODE,
                            Wire.N_ESP_TFC_PADDING_NOT_SUPPORTED, Wire.N_NON_FIRST_FRAGMENTS_ALSO, Wire.N_INITIAL_CONTACT,
                            Wire.N_NO_PROPOSAL_CHOSEN, Wire.N_INVALID_KE_PAYLOAD, Wire.N_TEMPORARY_FAILURE,
                            Wire.N_CHILD_SA_NOT_FOUND, Wire.N_AUTHENTICATION_FAILED, in.consumeInt(0, 65535)}),
                        in.consumeBytes(in.consumeInt(0, 8)));
                case 1 -> in.consumeBoolean() ? new Payload.Delete(Wire.PROTO_IKE, 0, List.of())
                        : new Payload.Delete(Wire.PROTO_ESP, 4, List.of(spi4(in, b), spi4(in, b)).subList(0, in.consumeInt(0, 2)));
                case 2 -> Proposals.childOffer(peer.childProposals(), in.consumeInt(), in.consumeBoolean());
                case 3 -> Proposals.ikeOffer(peer.ikeProposals(), Bytes.of64(in.consumeLong()));
                case 4 -> new Payload.Nonce(in.consumeBytes(in.pickValue(new int[] {32, 16, in.consumeInt(0, 300)})));
                case 5 -> {
                    DhGroup g = in.pickValue(DhGroup.values());
                    yield new Payload.Ke(in.consumeBoolean() ? g.number() : in.consumeInt(0, 65535),
                            in.consumeBytes(in.consumeBoolean() ? g.publicValueSize() : in.consumeInt(0, 600)));
                }
                case 6 -> new Payload.Ts(in.consumeBoolean() ? Wire.TSI : Wire.TSR, selectors(in, peer));
                case 7 -> new Payload.VendorId(in.consumeBytes(in.consumeInt(0, 20)));
                case 8 -> new Payload.Unknown(in.consumeInt(49, 255), in.consumeBoolean(), in.consumeBytes(in.consumeInt(0, 20)));
                default -> new Payload.Auth(in.consumeInt(0, 255), in.consumeBytes(in.consumeInt(0, 64)));
            });
        }
        return out;
    }

    private static List<TrafficSelector> selectors(FuzzedDataProvider in, PeerConfig peer) {
        return switch (in.consumeInt(0, 3)) {
            case 0 -> peer.localSelectors();
            case 1 -> peer.remoteSelectors();
            case 2 -> List.of();
            default -> List.of(new TrafficSelector(in.pickValue(new int[] {Wire.TS_IPV4_ADDR_RANGE, Wire.TS_IPV6_ADDR_RANGE}),
                    in.consumeInt(0, 255), in.consumeInt(0, 65535), in.consumeInt(0, 65535), in.consumeBytes(4), in.consumeBytes(4)));
        };
    }

    /** A child SA SPI of B (either direction) or any four bytes, or an IKE-sized or empty SPI field. */
    private static byte[] spi(FuzzedDataProvider in, IkeSession b) {
        return switch (in.consumeInt(0, 2)) {
            case 0 -> spi4(in, b);
            case 1 -> in.consumeBytes(8);
            default -> new byte[0];
        };
    }

    private static byte[] spi4(FuzzedDataProvider in, IkeSession b) {
        if (!b.children.isEmpty() && in.consumeBoolean()) {
            ChildSa c = b.children.get(in.consumeInt(0, b.children.size() - 1));
            return Bytes.of32(in.consumeBoolean() ? c.spiIn : c.spiOut);
        }
        return Bytes.of32(in.consumeInt());
    }
}
