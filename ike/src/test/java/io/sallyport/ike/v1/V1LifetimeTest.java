package io.sallyport.ike.v1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sallyport.crypto.DhGroup;
import io.sallyport.crypto.EncryptionAlgorithm;
import io.sallyport.ike.Action;
import io.sallyport.ike.ChildProposal;
import io.sallyport.ike.DownCause;
import io.sallyport.ike.IkeProposal;
import io.sallyport.ike.PeerConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Lifetimes in seconds (RFC 2407 §4.5, RFC 2409 §5.5): an IPsec SA is rekeyed at its soft
 * lifetime, make before break; when the peer has gone quiet, the IPsec SA ends at its hard
 * lifetime and the ISAKMP SA at its own, each with a Delete that nobody hears.
 */
class V1LifetimeTest {

    private static PeerConfig shortLived(PeerConfig p) {
        IkeProposal ike = new IkeProposal(V1Pair.IKE.encryption(), V1Pair.IKE.integrity(), V1Pair.IKE.prf(), V1Pair.IKE.group(), 600);
        return p.withIkeProposals(List.of(ike))
                .withChildProposals(List.of(new ChildProposal(EncryptionAlgorithm.AES_128_GCM, null, DhGroup.GROUP19, 120)));
    }

    private static V1Pair pair() {
        return V1Pair.established(shortLived(V1Pair.peer("b", V1Pair.A, V1Pair.B, PeerConfig.Dpd.off())),
                shortLived(V1Pair.peer("a", V1Pair.B, V1Pair.A, PeerConfig.Dpd.off())));
    }

    @Test
    void shouldRekeyTheIpsecSaBeforeItsHardLifetime() {
        V1Pair p = pair();
        int first = p.saA().children.getFirst().spiIn;
        long up = p.now;
        p.run(119 * V1Pair.SECOND);
        var installs = p.of(p.actionsA, Action.InstallChildSa.class);
        var rekey = installs.stream().filter(i -> i.replacesSpiIn() == first).findFirst().orElseThrow(() -> new AssertionError(p.actionsA));
        assertEquals(120, rekey.lifetime().hardSeconds());
        assertTrue(p.of(p.actionsA, Action.DeleteChildSa.class).stream().anyMatch(d -> d.spiIn() == first), "the old SA goes after the new one is in");
        assertTrue(p.now - up < 120 * V1Pair.SECOND);
        assertEquals(1, p.saA().children.size());
        assertEquals(1, p.saB().children.size());
    }

    @Test
    void shouldEndTheIpsecSaAndThenTheIsakmpSaAtTheirHardLifetimesWhenThePeerIsGone() {
        V1Pair p = pair();
        int spiIn = p.saA().children.getFirst().spiIn;
        p.lose = d -> true;
        p.run(130 * V1Pair.SECOND);
        var deleted = p.of(p.actionsA, Action.DeleteChildSa.class);
        assertEquals(spiIn, deleted.getFirst().spiIn(), () -> p.actionsA.toString());
        assertEquals("lifetime expired", deleted.getFirst().reason());
        p.run(600 * V1Pair.SECOND);
        var down = p.of(p.actionsA, Action.IkeSaDown.class).stream().filter(d -> d.cause() == DownCause.EXPIRED).toList();
        assertEquals(1, down.size(), () -> p.actionsA.toString());
        assertEquals("lifetime expired: ISAKMP SA", down.getFirst().reason());
    }
}
