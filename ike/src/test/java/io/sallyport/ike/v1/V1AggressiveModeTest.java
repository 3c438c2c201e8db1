package io.sallyport.ike.v1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sallyport.ike.Action;
import io.sallyport.ike.DownCause;
import io.sallyport.ike.DropReason;
import io.sallyport.ike.Identity;
import io.sallyport.ike.IkeProposal;
import io.sallyport.ike.PeerConfig;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Aggressive mode (RFC 2409 §5) with message 1 or 2 altered by hand: what the responder refuses
 * before it keeps any state (and says in the clear), and what ends the initiator's phase 1.
 */
class V1AggressiveModeTest {

    private static V1Pair started() {
        V1Pair p = V1Pair.configured(PeerConfig.Dpd.off(), PeerConfig.Exchange.AGGRESSIVE);
        p.initiateA();
        return p;
    }

    private static List<V1Payload> replaced(List<V1Payload> payloads, Class<?> kind, V1Payload with) {
        List<V1Payload> out = new ArrayList<>(payloads);
        out.replaceAll(x -> kind.isInstance(x) ? with : x);
        out.removeIf(x -> x == null);
        return out;
    }

    /** The notify of B's plaintext informational answer. */
    private static int notifyOf(V1Pair p, List<Action> did) {
        byte[] sent = p.of(did, Action.Send.class).getFirst().datagram().payload();
        return V1Pair.payloadsOf(sent).stream().filter(x -> x instanceof V1Payload.Notify).map(x -> ((V1Payload.Notify) x).notifyType())
                .findFirst().orElseThrow();
    }

    @Test
    void shouldKeepNoStateForAFirstMessageMissingItsIdentityOrKe() {
        V1Pair p = started();
        byte[] m1 = p.take();
        List<V1Payload> payloads = V1Pair.payloadsOf(m1);
        for (Class<?> kind : List.of(V1Payload.Id.class, V1Payload.Ke.class, V1Payload.Sa.class, V1Payload.Nonce.class)) {
            p.toB(V1Pair.replacePayloads(m1, replaced(payloads, kind, null)));
        }
        assertEquals(4, p.drops(p.dropsB, DropReason.MALFORMED_PAYLOAD));
        assertEquals(0, p.b.liveSaCount());
    }

    @Test
    void shouldRefuseAnIdentityOtherThanTheConfiguredOneInTheClear() {
        V1Pair p = started();
        byte[] m1 = p.take();
        var stranger = MainMode.idPayload(Identity.ipv4("192.0.2.99"));
        List<Action> did = p.toB(V1Pair.replacePayloads(m1, replaced(V1Pair.payloadsOf(m1), V1Payload.Id.class, stranger)));
        assertEquals(Isakmp.N_INVALID_ID_INFORMATION, notifyOf(p, did));
        assertEquals(0, p.b.liveSaCount(), "no DH was done and nothing is kept");
    }

    @Test
    void shouldRefuseAnOfferItCannotTakeAndAnInvalidKe() {
        V1Pair p = started();
        byte[] m1 = p.take();
        List<V1Payload> payloads = V1Pair.payloadsOf(m1);
        var other = V1Proposals.ikeOffer(List.of(IkeProposal.junosDefault()), Isakmp.AUTH_PSK);
        assertEquals(Isakmp.N_NO_PROPOSAL_CHOSEN, notifyOf(p, p.toB(V1Pair.replacePayloads(m1, replaced(payloads, V1Payload.Sa.class, other)))));
        V1Payload.Ke ke = (V1Payload.Ke) payloads.stream().filter(x -> x instanceof V1Payload.Ke).findFirst().orElseThrow();
        var zero = new V1Payload.Ke(new byte[ke.data().length]);
        assertEquals(Isakmp.N_INVALID_KEY_INFORMATION, notifyOf(p, p.toB(V1Pair.replacePayloads(m1, replaced(payloads, V1Payload.Ke.class, zero)))));
        assertEquals(0, p.b.liveSaCount());
    }

    @Test
    void shouldWaitForACompleteAnswerAndFailOnAForeignTransformAnInvalidKeOrAWrongHash() {
        for (int variant = 0; variant < 3; variant++) {
            V1Pair p = started();
            p.deliverNext();
            byte[] m2 = p.take();
            List<V1Payload> payloads = V1Pair.payloadsOf(m2);
            for (Class<?> kind : List.of(V1Payload.Nonce.class, V1Payload.Sa.class, V1Payload.Ke.class, V1Payload.Id.class)) {
                p.toA(V1Pair.replacePayloads(m2, replaced(payloads, kind, null)));
            }
            assertEquals(4, p.drops(p.dropsA, DropReason.MALFORMED_PAYLOAD), "an answer missing any of SA, KE, nonce, ID is dropped");
            List<V1Payload> altered = switch (variant) {
                case 0 -> replaced(payloads, V1Payload.Sa.class, V1Proposals.ikeOffer(List.of(IkeProposal.junosDefault()), Isakmp.AUTH_PSK));
                case 1 -> {
                    V1Payload.Ke ke = (V1Payload.Ke) payloads.stream().filter(x -> x instanceof V1Payload.Ke).findFirst().orElseThrow();
                    yield replaced(payloads, V1Payload.Ke.class, new V1Payload.Ke(new byte[ke.data().length]));
                }
                default -> replaced(payloads, V1Payload.Hash.class, new V1Payload.Hash(new byte[32]));
            };
            List<Action> did = p.toA(V1Pair.replacePayloads(m2, altered));
            var down = p.of(did, Action.IkeSaDown.class);
            assertEquals(1, down.size(), did::toString);
            assertEquals(List.of(DownCause.POLICY_MISMATCH, DownCause.INVALID, DownCause.AUTHENTICATION_FAILED).get(variant),
                    down.getFirst().cause());
            if (variant == 2) {
                assertTrue(down.getFirst().reason().contains("does not verify"), down.getFirst().reason());
            }
        }
    }
}
