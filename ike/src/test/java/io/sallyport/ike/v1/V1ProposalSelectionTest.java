package io.sallyport.ike.v1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sallyport.crypto.DhGroup;
import io.sallyport.ike.ChildProposal;
import io.sallyport.ike.IkeProposal;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Proposal selection in both phases (RFC 2408 §4.2: the responder picks one proposal and one
 * transform from the offer and answers with exactly that; RFC 2409 §5.5 phase-2 PFS group;
 * RFC 3947 §5 UDP-encapsulated modes only when NAT-T is in use).
 */
class V1ProposalSelectionTest {

    private static final IkeProposal DEFAULT = IkeProposal.junosDefault();
    private static final IkeProposal AES = IkeProposal.aes256Sha256Group14();

    private static V1Payload.SaProposal p(V1Payload.Sa sa) {
        return sa.proposals().getFirst();
    }

    private static V1Payload.Sa withDoi(V1Payload.Sa sa, int doi) {
        return new V1Payload.Sa(doi, sa.situation(), sa.proposals());
    }

    private static V1Payload.Sa withProtocol(V1Payload.Sa sa, int protocol) {
        var p = sa.proposals().getFirst();
        return new V1Payload.Sa(sa.doi(), sa.situation(), List.of(new V1Payload.SaProposal(p.number(), protocol, p.spi(), p.transforms())));
    }

    @Test
    void theResponderPicksItsFirstConfiguredProposalThatTheOfferContains() {
        var offer = V1Proposals.ikeOffer(List.of(DEFAULT, AES), Isakmp.AUTH_PSK);
        var chosen = V1Proposals.selectIke(offer, List.of(AES, DEFAULT), Isakmp.AUTH_PSK).orElseThrow();
        assertEquals(AES, chosen.proposal());
        assertEquals(2, chosen.transform().number());

        var answer = V1Proposals.ikeAnswer(chosen);
        var back = V1Proposals.checkIkeAnswer(answer, List.of(DEFAULT, AES), Isakmp.AUTH_PSK).orElseThrow();
        assertEquals(AES, back.proposal());
        assertEquals(28800, back.lifetimeSeconds());
    }

    @Test
    void theShorterPhaseOneLifetimeWins() {
        var shortAes = new IkeProposal(AES.encryption(), AES.integrity(), AES.prf(), AES.group(), 600);
        var offer = V1Proposals.ikeOffer(List.of(shortAes), Isakmp.AUTH_PSK);
        assertEquals(600, V1Proposals.selectIke(offer, List.of(AES), Isakmp.AUTH_PSK).orElseThrow().lifetimeSeconds());
        var longOffer = V1Proposals.ikeOffer(List.of(AES), Isakmp.AUTH_PSK);
        assertEquals(600, V1Proposals.selectIke(longOffer, List.of(shortAes), Isakmp.AUTH_PSK).orElseThrow().lifetimeSeconds());
    }

    @Test
    void phaseOneOffersThatDoNotMatchAreRefused() {
        var offer = V1Proposals.ikeOffer(List.of(DEFAULT), Isakmp.AUTH_PSK);
        // another authentication method, another group or cipher, another DOI, another protocol
        assertTrue(V1Proposals.selectIke(offer, List.of(DEFAULT), Isakmp.AUTH_RSA_SIG).isEmpty());
        assertTrue(V1Proposals.selectIke(offer, List.of(AES), Isakmp.AUTH_PSK).isEmpty());
        assertTrue(V1Proposals.selectIke(withDoi(offer, 0), List.of(DEFAULT), Isakmp.AUTH_PSK).isEmpty());
        assertTrue(V1Proposals.selectIke(withProtocol(offer, Isakmp.PROTO_ESP), List.of(DEFAULT), Isakmp.AUTH_PSK).isEmpty());
    }

    @Test
    void anAnswerMustNameExactlyOneOfOurTransforms() {
        var twoTransforms = V1Proposals.ikeOffer(List.of(DEFAULT, AES), Isakmp.AUTH_PSK);
        assertTrue(V1Proposals.checkIkeAnswer(twoTransforms, List.of(DEFAULT, AES), Isakmp.AUTH_PSK).isEmpty());
        var notOurs = V1Proposals.ikeOffer(List.of(AES), Isakmp.AUTH_PSK);
        assertTrue(V1Proposals.checkIkeAnswer(notOurs, List.of(DEFAULT), Isakmp.AUTH_PSK).isEmpty());
        var twoProposals = new V1Payload.Sa(Isakmp.DOI_IPSEC, Isakmp.SIT_IDENTITY_ONLY,
                List.of(notOurs.proposals().getFirst(), notOurs.proposals().getFirst()));
        assertTrue(V1Proposals.checkIkeAnswer(twoProposals, List.of(AES), Isakmp.AUTH_PSK).isEmpty());
        assertTrue(V1Proposals.checkIkeAnswer(withProtocol(notOurs, Isakmp.PROTO_ESP), List.of(AES), Isakmp.AUTH_PSK).isEmpty());
    }

    private static final ChildProposal ESP = ChildProposal.junosDefault();
    private static final ChildProposal ESP_PFS = new ChildProposal(ESP.encryption(), ESP.integrity(), DhGroup.GROUP14, 3600);

    @Test
    void phaseTwoSelectionCarriesThePeerSpiAndShortensALongerLifetime() {
        var offer = V1Proposals.childOffer(List.of(ESP), 0x11223344, Isakmp.ENCAP_TUNNEL);
        var shortOurs = new ChildProposal(ESP.encryption(), ESP.integrity(), null, 3600);
        var chosen = V1Proposals.selectChild(offer, List.of(shortOurs), false).orElseThrow();
        assertEquals(0x11223344, chosen.peerSpi());
        assertEquals(3600, chosen.lifetimeSeconds());
        assertTrue(chosen.shortened());

        // The answer echoes the offered transform unchanged (RFC 2408 §4.2); a shorter lifetime is
        // told apart, in a RESPONDER-LIFETIME notify (RFC 2407 §4.5.4), so the initiator reads 28800 here.
        var answer = V1Proposals.childAnswer(chosen, 0x55667788);
        assertEquals(p(offer).transforms().getFirst(), answer.proposals().getFirst().transforms().getFirst());
        var back = V1Proposals.checkChildAnswer(answer, List.of(ESP), false).orElseThrow();
        assertEquals(0x55667788, back.peerSpi());
        assertEquals(28800, back.lifetimeSeconds());
        assertFalse(back.shortened());
    }

    @Test
    void pfsMustAgreeAndTheOfferNamesItsGroup() {
        var withPfs = V1Proposals.childOffer(List.of(ESP_PFS), 1, Isakmp.ENCAP_TUNNEL);
        assertEquals(DhGroup.GROUP14, V1Proposals.pfsGroup(withPfs));
        assertNull(V1Proposals.pfsGroup(V1Proposals.childOffer(List.of(ESP), 1, Isakmp.ENCAP_TUNNEL)));
        assertTrue(V1Proposals.selectChild(withPfs, List.of(ESP), false).isEmpty());
        assertTrue(V1Proposals.selectChild(V1Proposals.childOffer(List.of(ESP), 1, Isakmp.ENCAP_TUNNEL), List.of(ESP_PFS), false).isEmpty());
        assertTrue(V1Proposals.selectChild(withPfs, List.of(ESP_PFS), false).isPresent());
    }

    @Test
    void udpEncapsulatedModesOnlyBehindANat() {
        var plain = V1Proposals.childOffer(List.of(ESP), 1, Isakmp.ENCAP_TUNNEL);
        var rfc = V1Proposals.childOffer(List.of(ESP), 1, Isakmp.ENCAP_UDP_TUNNEL);
        var draft = V1Proposals.childOffer(List.of(ESP), 1, Isakmp.ENCAP_UDP_TUNNEL_DRAFT);
        assertTrue(V1Proposals.selectChild(plain, List.of(ESP), false).isPresent());
        assertTrue(V1Proposals.selectChild(plain, List.of(ESP), true).isEmpty());
        assertTrue(V1Proposals.selectChild(rfc, List.of(ESP), true).isPresent());
        assertTrue(V1Proposals.selectChild(draft, List.of(ESP), true).isPresent());
        assertTrue(V1Proposals.selectChild(rfc, List.of(ESP), false).isEmpty());
    }

    @Test
    void malformedPhaseTwoOffersAndAnswersAreRefused() {
        var offer = V1Proposals.childOffer(List.of(ESP), 1, Isakmp.ENCAP_TUNNEL);
        assertTrue(V1Proposals.selectChild(withDoi(offer, 0), List.of(ESP), false).isEmpty());
        assertTrue(V1Proposals.selectChild(withProtocol(offer, Isakmp.PROTO_ISAKMP), List.of(ESP), false).isEmpty());
        var p = offer.proposals().getFirst();
        var shortSpi = new V1Payload.Sa(offer.doi(), offer.situation(),
                List.of(new V1Payload.SaProposal(p.number(), p.protocol(), new byte[] {1, 2}, p.transforms())));
        assertTrue(V1Proposals.selectChild(shortSpi, List.of(ESP), false).isEmpty());
        assertTrue(V1Proposals.checkChildAnswer(shortSpi, List.of(ESP), false).isEmpty());
        assertTrue(V1Proposals.checkChildAnswer(withProtocol(offer, Isakmp.PROTO_ISAKMP), List.of(ESP), false).isEmpty());
        var two = new ArrayList<>(p.transforms());
        two.addAll(p.transforms());
        var twoTransforms = new V1Payload.Sa(offer.doi(), offer.situation(),
                List.of(new V1Payload.SaProposal(p.number(), p.protocol(), p.spi(), two)));
        assertTrue(V1Proposals.checkChildAnswer(twoTransforms, List.of(ESP), false).isEmpty());
        assertTrue(V1Proposals.checkChildAnswer(offer, List.of(ESP_PFS), false).isEmpty());
    }

    @Test
    void anAnswerWithTwoProposalsOrAnotherKeyLengthIsRefused() {
        var offer = V1Proposals.childOffer(List.of(ESP), 1, Isakmp.ENCAP_TUNNEL);
        var twoProposals = new V1Payload.Sa(offer.doi(), offer.situation(),
                List.of(offer.proposals().getFirst(), offer.proposals().getFirst()));
        assertTrue(V1Proposals.checkChildAnswer(twoProposals, List.of(ESP), false).isEmpty(), "RFC 2409 §5.5: one proposal answered");
        // The same ESP transform ID with another key length (AES-256 for our AES-128) is another algorithm.
        var aes256 = new ChildProposal(io.sallyport.crypto.EncryptionAlgorithm.AES_256_CBC, ESP.integrity(), ESP.pfsGroup(), ESP.lifetimeSeconds());
        var aes128 = new ChildProposal(io.sallyport.crypto.EncryptionAlgorithm.AES_128_CBC, ESP.integrity(), ESP.pfsGroup(), ESP.lifetimeSeconds());
        var answer256 = V1Proposals.childOffer(List.of(aes256), 7, Isakmp.ENCAP_TUNNEL);
        assertTrue(V1Proposals.checkChildAnswer(answer256, List.of(aes128), false).isEmpty());
        assertTrue(V1Proposals.checkChildAnswer(answer256, List.of(aes256), false).isPresent());
    }
}
