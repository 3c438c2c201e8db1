package io.sallyport.ike.v1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sallyport.ike.Action;
import io.sallyport.ike.DownCause;
import io.sallyport.ike.DropReason;
import io.sallyport.ike.message.Bytes;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Main mode (RFC 2409 §5) with one message replaced by hand at each step: the SA offer and answer,
 * the KE and nonce of messages 3 and 4 (plaintext), and the encrypted identity messages 5 and 6,
 * sealed under the engines' own phase-1 keys so that they reach the identity and HASH checks
 * rather than stopping at decryption. Each case: what is dropped (and counted) while the exchange
 * waits for a real message, and what ends phase 1 and how the peer hears of it.
 */
class V1MainModeTest {

    private static V1Pair upToMessage(int n) {
        V1Pair p = V1Pair.configured(io.sallyport.ike.PeerConfig.Dpd.off());
        p.initiateA();
        for (int i = 1; i < n; i++) {
            p.deliverNext();
        }
        return p;
    }

    private static List<V1Payload> without(List<V1Payload> payloads, Class<?> kind) {
        List<V1Payload> out = new ArrayList<>(payloads);
        out.removeIf(kind::isInstance);
        return out;
    }

    private static List<V1Payload> withBadKe(List<V1Payload> payloads) {
        List<V1Payload> out = new ArrayList<>(payloads);
        out.replaceAll(x -> x instanceof V1Payload.Ke k ? new V1Payload.Ke(new byte[k.data().length]) : x);
        return out;
    }

    // ---------------------------------------------------------------- B, the responder

    @Test
    void shouldKeepNoStateForAFirstMessageWithoutSa() {
        V1Pair p = upToMessage(1);
        byte[] m1 = p.take();
        p.toB(V1Pair.replacePayloads(m1, without(V1Pair.payloadsOf(m1), V1Payload.Sa.class)));
        assertEquals(0, p.b.liveSaCount(), "RFC 2408 §5: nothing is kept for an unacceptable first message");
        assertEquals(1, p.drops(p.dropsB, DropReason.MALFORMED_PAYLOAD));
        p.toB(m1);
        assertEquals(1, p.b.liveSaCount(), "the real message 1 still opens phase 1");
    }

    @Test
    void shouldWaitForMessage3WithKeAndNonceAndRefuseAnInvalidKe() {
        V1Pair p = upToMessage(3);
        byte[] m3 = p.take();
        List<V1Payload> payloads = V1Pair.payloadsOf(m3);
        assertEquals(List.of(), p.of(p.toB(V1Pair.replacePayloads(m3, without(payloads, V1Payload.Nonce.class))), Action.Send.class));
        assertEquals(List.of(), p.of(p.toB(V1Pair.replacePayloads(m3, without(payloads, V1Payload.Ke.class))), Action.Send.class));
        assertEquals(2, p.drops(p.dropsB, DropReason.MALFORMED_PAYLOAD));
        List<Action> did = p.toB(V1Pair.replacePayloads(m3, withBadKe(payloads)));
        // RFC 2409 §5 has no keys yet: B says INVALID-KEY-INFORMATION in the clear and ends phase 1.
        byte[] notice = p.of(did, Action.Send.class).getFirst().datagram().payload();
        V1Payload.Notify n = V1Pair.payloadsOf(notice).stream().filter(x -> x instanceof V1Payload.Notify)
                .map(x -> (V1Payload.Notify) x).findFirst().orElseThrow();
        assertEquals(Isakmp.N_INVALID_KEY_INFORMATION, n.notifyType());
        assertEquals(DownCause.INVALID, p.of(did, Action.IkeSaDown.class).getFirst().cause());
        // A hears it and ends too, with the peer's reason.
        did = p.toA(notice);
        assertTrue(p.of(did, Action.IkeSaDown.class).getFirst().reason().contains("INVALID-KEY-INFORMATION"), did::toString);
    }

    @Test
    void shouldDropMessage5InTheClearWithoutIdentityOrWithAWrongHash() {
        V1Pair p = upToMessage(5);
        p.take(); // A's real message 5
        IsakmpSa b = V1Pair.anySa(p.b);
        var id = MainMode.idPayload(p.saA().peer.localId());
        p.toB(V1Pair.sealedPhase1(b, 0, List.of(id, new V1Payload.Hash(new byte[32]))));
        assertEquals(1, p.drops(p.dropsB, DropReason.UNEXPECTED_EXCHANGE), "message 5 must be encrypted");
        p.toB(V1Pair.sealedPhase1(b, Isakmp.FLAG_ENCRYPTION, List.of(new V1Payload.Hash(new byte[32]))));
        p.toB(V1Pair.sealedPhase1(b, Isakmp.FLAG_ENCRYPTION, List.of(id, new V1Payload.Hash(new byte[32]))));
        assertEquals(2, p.drops(p.dropsB, DropReason.INTEGRITY_FAILED),
                "no identity, or HASH_I that is not prf(SKEYID, ...): a wrong pre-shared key looks like this, dropped silently");
        assertEquals(IsakmpSa.State.CONNECTING, b.state, "B still waits for the real message 5");
        assertEquals(List.of(), p.of(p.actionsB, Action.IkeSaDown.class));
    }

    // ---------------------------------------------------------------- A, the initiator

    @Test
    void shouldWaitForAnAnswerWithSaAndFailOnATransformNotOffered() {
        V1Pair p = upToMessage(2);
        byte[] m2 = p.take();
        List<V1Payload> payloads = V1Pair.payloadsOf(m2);
        p.toA(V1Pair.replacePayloads(m2, without(payloads, V1Payload.Sa.class)));
        assertEquals(1, p.drops(p.dropsA, DropReason.MALFORMED_PAYLOAD));
        List<V1Payload> other = new ArrayList<>(payloads);
        other.set(0, V1Proposals.ikeOffer(List.of(io.sallyport.ike.IkeProposal.junosDefault()), Isakmp.AUTH_PSK));
        List<Action> did = p.toA(V1Pair.replacePayloads(m2, other));
        var down = p.of(did, Action.IkeSaDown.class);
        assertEquals(1, down.size(), did::toString);
        assertEquals(DownCause.POLICY_MISMATCH, down.getFirst().cause());
        assertTrue(down.getFirst().reason().contains("did not offer"), down.getFirst().reason());
    }

    @Test
    void shouldWaitForMessage4WithKeAndNonceAndFailOnAnInvalidKe() {
        V1Pair p = upToMessage(4);
        byte[] m4 = p.take();
        List<V1Payload> payloads = V1Pair.payloadsOf(m4);
        p.toA(V1Pair.replacePayloads(m4, without(payloads, V1Payload.Ke.class)));
        p.toA(V1Pair.replacePayloads(m4, without(payloads, V1Payload.Nonce.class)));
        assertEquals(2, p.drops(p.dropsA, DropReason.MALFORMED_PAYLOAD));
        List<Action> did = p.toA(V1Pair.replacePayloads(m4, withBadKe(payloads)));
        assertEquals(DownCause.INVALID, p.of(did, Action.IkeSaDown.class).getFirst().cause(), did::toString);
    }

    @Test
    void shouldDropMessage6InTheClearWithoutIdentityOrWithAWrongHash() {
        V1Pair p = upToMessage(6);
        p.take(); // B's real message 6
        IsakmpSa a = V1Pair.anySa(p.a);
        var id = MainMode.idPayload(V1Pair.anySa(p.b).peer.localId());
        p.toA(V1Pair.sealedPhase1(a, 0, List.of(id, new V1Payload.Hash(new byte[32]))));
        assertEquals(1, p.drops(p.dropsA, DropReason.UNEXPECTED_EXCHANGE));
        p.toA(V1Pair.sealedPhase1(a, Isakmp.FLAG_ENCRYPTION, List.of(new V1Payload.Hash(new byte[32]))));
        assertEquals(1, p.drops(p.dropsA, DropReason.MALFORMED_PAYLOAD));
        p.toA(V1Pair.sealedPhase1(a, Isakmp.FLAG_ENCRYPTION, List.of(id, new V1Payload.Hash(Bytes.of32(1)))));
        assertEquals(1, p.drops(p.dropsA, DropReason.INTEGRITY_FAILED));
        assertEquals(IsakmpSa.State.CONNECTING, a.state);
        // The real message 6, retransmitted by B on A's retransmission, still completes phase 1.
        p.run(30 * V1Pair.SECOND);
        assertEquals(IsakmpSa.State.ESTABLISHED, a.state);
    }
}
