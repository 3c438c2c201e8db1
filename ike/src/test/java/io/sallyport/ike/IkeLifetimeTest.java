package io.sallyport.ike;

import static io.sallyport.ike.TwoPeers.A;
import static io.sallyport.ike.TwoPeers.B;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sallyport.crypto.DhGroup;
import io.sallyport.crypto.EncryptionAlgorithm;
import io.sallyport.crypto.IntegrityAlgorithm;
import io.sallyport.crypto.PrfAlgorithm;
import io.sallyport.ike.message.DecodeResult;
import io.sallyport.ike.message.FragmentBuffer;
import io.sallyport.ike.message.IkeHeader;
import io.sallyport.ike.message.MessageCodec;
import io.sallyport.ike.message.Payload;
import io.sallyport.ike.message.Wire;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The IKE SA's own lifetime: rekeyed (RFC 7296 §2.18) at its soft lifetime, 10-20 % before the
 * hard one; gone at the hard lifetime when every rekey was refused. A's IKE lifetime is 300 s,
 * B's 8 hours, so only A's timers act.
 */
class IkeLifetimeTest {

    private static final long SECOND = 1_000_000_000L;

    private static IkeProposal ike(long lifetimeSeconds) {
        return new IkeProposal(EncryptionAlgorithm.AES_256_CBC, IntegrityAlgorithm.HMAC_SHA_256_128, PrfAlgorithm.HMAC_SHA2_256,
                DhGroup.GROUP14, lifetimeSeconds);
    }

    private static TwoPeers established() {
        var t = new TwoPeers();
        t.addPeers(TwoPeers.config("b", A, B, "secret").withIkeProposals(List.of(ike(300))),
                TwoPeers.config("a", B, A, "secret").withIkeProposals(List.of(ike(28800))));
        t.commandA(new Command.Initiate("b"));
        t.runQuiet();
        assertTrue(t.planesMatch(), () -> traces(t));
        return t;
    }

    private static String traces(TwoPeers t) {
        return t.actionsA.stream().map(Object::toString).collect(Collectors.joining("\n")) + "\nB:\n"
                + t.actionsB.stream().map(Object::toString).collect(Collectors.joining("\n"));
    }

    @Test
    void theIkeSaIsRekeyedAtItsSoftLifetimeKeepingItsChild() {
        var t = established();
        IkeSaId first = TwoPeers.session(t.a).id();
        var up = t.of(t.actionsA, Action.IkeSaUp.class).getFirst();
        assertTrue(up.lifetime().softSeconds() >= 240 && up.lifetime().softSeconds() <= 270, "soft lifetime 10-20 % early: " + up.lifetime());
        var child = Set.copyOf(t.planeA.keySet());
        // established() ran 5 s past the establishment.
        t.run((up.lifetime().softSeconds() - 6) * SECOND);
        assertEquals(first, TwoPeers.session(t.a).id(), "not before the soft lifetime");
        t.run(10 * SECOND);
        assertEquals(2, t.of(t.actionsA, Action.IkeSaUp.class).size(), () -> traces(t));
        assertTrue(!first.equals(TwoPeers.session(t.a).id()));
        assertEquals(1, t.a.liveSaCount(), "the old IKE SA is deleted");
        assertEquals(1, t.b.liveSaCount());
        assertEquals(child, t.planeA.keySet(), "the child moved to the new IKE SA unchanged");
        assertTrue(t.planesMatch());
        assertTrue(t.of(t.actionsA, Action.IkeSaDown.class).stream().allMatch(d -> d.cause() == DownCause.REPLACED), () -> traces(t));
    }

    /**
     * The test hook {@code ikeLifetimeCapSeconds}: A's IKE SA lives 30 s whatever its configured
     * 300, so A rekeys it at 24-27 s (80-90 %); B, without the hook, keeps its 8 hours.
     */
    @Test
    void theIkeLifetimeCapMakesKmdRekeyTheIkeSaWithinSeconds() {
        var t = new TwoPeers(new Kmd(KmdOptions.defaults().withIkeLifetimeCap(30), () -> TwoPeers.seeded(1)),
                new Kmd(() -> TwoPeers.seeded(2)));
        t.addPeers(TwoPeers.config("b", A, B, "secret").withIkeProposals(List.of(ike(300))),
                TwoPeers.config("a", B, A, "secret").withIkeProposals(List.of(ike(28800))));
        t.commandA(new Command.Initiate("b"));
        t.runQuiet();
        IkeSaId first = TwoPeers.session(t.a).id();
        var up = t.of(t.actionsA, Action.IkeSaUp.class).getFirst();
        assertEquals(30, up.lifetime().hardSeconds());
        assertTrue(up.lifetime().softSeconds() >= 24 && up.lifetime().softSeconds() <= 27, up.lifetime()::toString);
        assertEquals(28800, t.of(t.actionsB, Action.IkeSaUp.class).getFirst().lifetime().hardSeconds(), "B keeps its lifetime");

        t.run(25 * SECOND);

        var ups = t.of(t.actionsA, Action.IkeSaUp.class);
        assertEquals(2, ups.size(), () -> "one IKE rekey within 30 s\n" + traces(t));
        assertTrue(!first.equals(TwoPeers.session(t.a).id()));
        assertEquals(30, ups.get(1).lifetime().hardSeconds(), "the rekeyed IKE SA is capped too");
        assertEquals(1, t.a.liveSaCount(), "the old IKE SA is deleted");
        assertTrue(t.planesMatch(), () -> traces(t));
    }

    /**
     * Every IKE rekey of A's is answered NO_PROPOSAL_CHOSEN under B's keys (B itself sees an empty
     * INFORMATIONAL in its place): A retries after 10 s, 30 s, ... while the hard lifetime allows,
     * then keeps the SA until it expires.
     */
    @Test
    void anIkeSaWhoseRekeysAreAllRefusedEndsAtItsHardLifetime() {
        var t = established();
        int[] refused = {0};
        t.rewrite = d -> {
            IkeHeader h = IkeHeader.parse(d.payload());
            if (!d.local().getAddress().equals(A) || h == null || h.isResponse() || h.exchangeType() != Wire.CREATE_CHILD_SA) {
                return d;
            }
            IkeSession atA = TwoPeers.session(t.a);
            IkeSession atB = TwoPeers.session(t.b);
            if (!(MessageCodec.decode(d.payload(), atB.inCipher(), new FragmentBuffer()) instanceof DecodeResult.Ok ok)
                    || ok.message().notify(Wire.N_REKEY_SA).isPresent()) {
                return d;
            }
            refused[0]++;
            var rh = new IkeHeader(h.spiI(), h.spiR(), 0, Wire.CREATE_CHILD_SA, Wire.FLAG_RESPONSE, h.messageId(), 0);
            t.wire.add(new Datagram(d.remote(), d.local(),
                    MessageCodec.encodeEncrypted(rh, List.of(Payload.Notify.of(Wire.N_NO_PROPOSAL_CHOSEN)), atB.outCipher()), false));
            var placeholder = new IkeHeader(h.spiI(), h.spiR(), 0, Wire.INFORMATIONAL, h.flags(), h.messageId(), 0);
            return new Datagram(d.local(), d.remote(), MessageCodec.encodeEncrypted(placeholder, List.of(), atA.outCipher()), false);
        };
        IkeSaId id = TwoPeers.session(t.a).id();
        t.run(290 * SECOND);
        assertTrue(refused[0] >= 2, () -> "refused " + refused[0] + "\n" + traces(t));
        assertEquals(id, TwoPeers.session(t.a).id(), "kept while refused");
        assertTrue(t.actionsA.stream().anyMatch(x -> x instanceof Action.Trace tr && tr.text().endsWith(" until it expires")), () -> traces(t));
        t.run(20 * SECOND);
        var down = t.of(t.actionsA, Action.IkeSaDown.class);
        assertEquals(1, down.size(), () -> traces(t));
        assertEquals(DownCause.EXPIRED, down.getFirst().cause());
        assertEquals("lifetime expired: IKE SA", down.getFirst().reason());
        assertTrue(t.planeA.isEmpty(), "its child went with it");
    }
}
