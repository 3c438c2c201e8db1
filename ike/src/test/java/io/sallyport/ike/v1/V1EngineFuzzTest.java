package io.sallyport.ike.v1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.sallyport.crypto.DhGroup;
import io.sallyport.ike.DropReason;
import io.sallyport.ike.PeerConfig;
import io.sallyport.ike.message.Bytes;
import io.sallyport.ike.message.TrafficSelector;
import java.util.ArrayList;
import java.util.List;

/**
 * Coverage-guided fuzzing of the IKEv1 state machine behind phase-1 authentication (Jazzer). A and
 * B establish an ISAKMP SA and an IPsec SA pair (main mode, quick mode: {@link V1Pair}); then the
 * fuzzer writes up to four messages "from A": exchange type, message ID (new, one B already saw,
 * 0), whether and over what HASH(1) is computed, and the payloads (real proposals, proxy IDs,
 * nonces, KE values of each group, the SA's cookies and SPIs in notifies and deletes, or raw
 * payload bytes), each encrypted under A's phase-1 keys and IV chain so that B's decryption
 * passes and the exchange code sees it. Both engines then run until quiet.
 *
 * <p>Oracles: no exchange handler throws (the engine turns an exception into
 * {@code INTERNAL_ERROR} and closes the SA: that count stays 0 on both sides), and state stays
 * bounded: each message creates at most one ISAKMP SA and one IPsec SA.
 */
class V1EngineFuzzTest {

    private static final int[] NOTIFIES = {Isakmp.N_DPD_R_U_THERE, Isakmp.N_DPD_R_U_THERE_ACK, Isakmp.N_INITIAL_CONTACT,
        Isakmp.N_INVALID_SPI, Isakmp.N_AUTHENTICATION_FAILED, Isakmp.N_INVALID_ID_INFORMATION, Isakmp.N_NO_PROPOSAL_CHOSEN,
        Isakmp.N_RESPONDER_LIFETIME, Isakmp.N_PAYLOAD_MALFORMED, Isakmp.N_INVALID_HASH_INFORMATION};

    @FuzzTest
    void protectedMessagesToAnEstablishedResponder(FuzzedDataProvider in) {
        V1Pair p = V1Pair.established(in.consumeBoolean() ? PeerConfig.Dpd.off() : new PeerConfig.Dpd(true, 10, 3));
        int messages = in.consumeInt(1, 4);
        for (int i = 0; i < messages && p.oneSaEach(); i++) {
            int exchange = in.pickValue(new int[] {Isakmp.EXCH_INFORMATIONAL, Isakmp.EXCH_QUICK, Isakmp.EXCH_MAIN,
                Isakmp.EXCH_AGGRESSIVE, in.consumeInt(0, 255)});
            int mid = switch (in.consumeInt(0, 3)) {
                case 0, 1 -> p.newMessageId();
                case 2 -> 0;
                default -> in.consumeInt();
            };
            byte[] packet;
            if (in.consumeBoolean()) {
                List<V1Payload> payloads = payloads(in, p);
                packet = switch (in.consumeInt(0, 3)) {
                    case 0 -> p.saA().encrypted(exchange, mid, payloads.isEmpty() ? List.of(new V1Payload.VendorId(new byte[0])) : payloads);
                    case 1 -> p.saA().encryptedWithHash(exchange, mid, Bytes.of32(in.consumeInt()), payloads);
                    default -> p.saA().encryptedWithHash(exchange, mid, Bytes.of32(mid), payloads);
                };
            } else {
                packet = p.sealedChain(exchange, mid, in.consumeInt(0, 255), in.consumeBytes(in.consumeInt(1, 600)));
            }
            p.toB(packet);
            p.run(2 * V1Pair.SECOND);
            if (in.consumeBoolean()) {
                p.now += in.consumeLong(0, 4000) * V1Pair.SECOND;
                p.run(0);
            }
        }
        assertEquals(0L, p.drops(p.dropsA, DropReason.INTERNAL_ERROR), "A: an exchange handler threw");
        assertEquals(0L, p.drops(p.dropsB, DropReason.INTERNAL_ERROR), "B: an exchange handler threw");
        assertTrue(p.b.liveSaCount() <= 1 + messages, () -> "ISAKMP SAs on B: " + p.b.sas());
        // An SA a rekey replaced stays until its successor carries the traffic (make before break): not counted.
        long children = p.b.isakmpSas().stream().flatMap(s -> s.children.stream())
                .filter(c -> c.state != V1Child.State.REKEYED).count();
        assertTrue(children <= 1 + messages, () -> "IPsec SAs on B: " + children);
    }

    /** Zero to six payloads of the kinds the exchanges read, with the SA's real cookies, SPIs and proposals often enough. */
    private static List<V1Payload> payloads(FuzzedDataProvider in, V1Pair p) {
        List<V1Payload> out = new ArrayList<>();
        PeerConfig peer = p.saA().peer;
        int n = in.consumeInt(0, 6);
        for (int i = 0; i < n; i++) {
            out.add(switch (in.consumeInt(0, 11)) {
                case 0 -> new V1Payload.Notify(Isakmp.DOI_IPSEC, in.pickValue(new int[] {Isakmp.PROTO_ISAKMP, Isakmp.PROTO_ESP, 0}),
                        spi(in, p), in.consumeBoolean() ? in.pickValue(NOTIFIES) : in.consumeInt(0, 65535),
                        in.consumeBytes(in.pickValue(new int[] {0, 4, in.consumeInt(0, 40)})));
                case 1 -> in.consumeBoolean()
                        ? new V1Payload.Delete(Isakmp.DOI_IPSEC, Isakmp.PROTO_ISAKMP, 16, List.of(in.consumeBoolean() ? p.cookies() : in.consumeBytes(16)))
                        : new V1Payload.Delete(Isakmp.DOI_IPSEC, Isakmp.PROTO_ESP, 4, List.of(spi4(in, p)));
                case 2 -> V1Proposals.childOffer(peer.childProposals(), in.consumeInt(), in.pickValue(new int[] {
                    Isakmp.ENCAP_TUNNEL, Isakmp.ENCAP_UDP_TUNNEL, Isakmp.ENCAP_UDP_TUNNEL_DRAFT, in.consumeInt(0, 65535)}));
                case 3 -> V1Proposals.ikeOffer(peer.ikeProposals(), in.consumeInt(0, 65535));
                case 4 -> new V1Payload.Nonce(in.consumeBytes(in.pickValue(new int[] {16, 32, in.consumeInt(8, 256)})));
                case 5 -> {
                    DhGroup g = in.pickValue(DhGroup.values());
                    yield new V1Payload.Ke(in.consumeBytes(in.consumeBoolean() ? g.publicValueSize() : in.consumeInt(1, 600)));
                }
                case 6 -> ProxyId.of(selector(in, peer));
                case 7 -> new V1Payload.Id(in.consumeInt(0, 12), in.consumeInt(0, 255), in.consumeInt(0, 65535), in.consumeBytes(in.consumeInt(0, 40)));
                case 8 -> new V1Payload.Hash(in.consumeBytes(in.consumeInt(1, 64)));
                case 9 -> new V1Payload.VendorId(in.consumeBoolean() ? VendorIds.DPD : in.consumeBytes(in.consumeInt(0, 20)));
                case 10 -> new V1Payload.NatD(in.consumeBoolean() ? Isakmp.P_NAT_D : Isakmp.P_NAT_D_DRAFT, in.consumeBytes(in.consumeInt(0, 48)));
                default -> new V1Payload.Unknown(in.consumeInt(14, 255), in.consumeBytes(in.consumeInt(0, 20)));
            });
        }
        return out;
    }

    private static TrafficSelector selector(FuzzedDataProvider in, PeerConfig peer) {
        return switch (in.consumeInt(0, 2)) {
            case 0 -> peer.localSelectors().getFirst();
            case 1 -> peer.remoteSelectors().getFirst();
            default -> TrafficSelector.ofPrefix("198.18." + in.consumeInt(0, 255) + ".0", in.consumeInt(8, 32));
        };
    }

    /** A cookie pair, an IPsec SPI of B (either direction) or any bytes, or nothing. */
    private static byte[] spi(FuzzedDataProvider in, V1Pair p) {
        return switch (in.consumeInt(0, 3)) {
            case 0 -> p.cookies();
            case 1 -> spi4(in, p);
            case 2 -> in.consumeBytes(in.consumeInt(0, 16));
            default -> new byte[0];
        };
    }

    private static byte[] spi4(FuzzedDataProvider in, V1Pair p) {
        List<V1Child> children = p.saB().children;
        if (!children.isEmpty() && in.consumeBoolean()) {
            V1Child c = children.get(in.consumeInt(0, children.size() - 1));
            return Bytes.of32(in.consumeBoolean() ? c.spiIn : c.spiOut);
        }
        return Bytes.of32(in.consumeInt());
    }
}
