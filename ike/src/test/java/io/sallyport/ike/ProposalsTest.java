package io.sallyport.ike;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sallyport.crypto.DhGroup;
import io.sallyport.crypto.EncryptionAlgorithm;
import io.sallyport.crypto.IntegrityAlgorithm;
import io.sallyport.crypto.PrfAlgorithm;
import io.sallyport.ike.message.Payload;
import io.sallyport.ike.message.Proposal;
import io.sallyport.ike.message.Transform;
import io.sallyport.ike.message.Wire;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Proposal choice against offers written with the IANA "IKEv2 Parameters" numbers themselves
 * (not built by {@link Proposals}): ENCR_3DES 3, ENCR_AES_CBC 12, ENCR_AES_GCM_16 20;
 * PRF_HMAC_SHA1 2, PRF_HMAC_SHA2_256 5; AUTH_HMAC_SHA1_96 2, AUTH_HMAC_SHA2_256_128 12, NONE 0;
 * D-H groups 2, 14, 19, NONE 0; ESN 0 (RFC 7296 §3.3.2-3.3.6).
 */
class ProposalsTest {

    private static final IkeProposal AES256 = new IkeProposal(EncryptionAlgorithm.AES_256_CBC, IntegrityAlgorithm.HMAC_SHA_256_128,
            PrfAlgorithm.HMAC_SHA2_256, DhGroup.GROUP14, 28800);
    private static final IkeProposal TRIPLE_DES = IkeProposal.junosDefault();
    private static final ChildProposal GCM_PFS14 = new ChildProposal(EncryptionAlgorithm.AES_128_GCM, null, DhGroup.GROUP14, 3600);
    private static final ChildProposal GCM_NO_PFS = new ChildProposal(EncryptionAlgorithm.AES_128_GCM, null, null, 3600);

    private static Transform t(int type, int id) { return Transform.of(type, id); }

    private static final List<Transform> IKE_AES256 = List.of(Transform.of(Wire.TRANS_ENCR, 12, 256), t(Wire.TRANS_PRF, 5),
            t(Wire.TRANS_INTEG, 12), t(Wire.TRANS_DH, 14));
    private static final List<Transform> IKE_3DES = List.of(t(Wire.TRANS_ENCR, 3), t(Wire.TRANS_PRF, 2), t(Wire.TRANS_INTEG, 2),
            t(Wire.TRANS_DH, 2));

    private static Proposal ike(int number, List<Transform> transforms) {
        return new Proposal(number, Wire.PROTO_IKE, new byte[0], transforms);
    }

    private static Proposal esp(int number, Transform... transforms) {
        return new Proposal(number, Wire.PROTO_ESP, new byte[] {1, 2, 3, 4}, List.of(transforms));
    }

    private static final Transform GCM128 = Transform.of(Wire.TRANS_ENCR, 20, 128);
    private static final Transform ESN_NONE = t(Wire.TRANS_ESN, 0);

    @Test
    void theResponderChoosesByItsOwnOrderAmongTheOffers() {
        var chosen = Proposals.selectIke(List.of(ike(1, IKE_3DES), ike(2, IKE_AES256)), List.of(AES256, TRIPLE_DES)).orElseThrow();
        assertEquals(AES256, chosen.ours());
        assertEquals(2, chosen.offered().number());
        assertEquals(TRIPLE_DES, Proposals.selectIke(List.of(ike(1, IKE_3DES)), List.of(AES256, TRIPLE_DES)).orElseThrow().ours());
        assertEquals(Optional.empty(), Proposals.selectIke(List.of(ike(1, IKE_3DES)), List.of(AES256)));
    }

    /** §3.3.6: a proposal holding a transform we do not recognize is skipped as a whole, not trimmed. */
    @Test
    void aProposalWithAnUnrecognizedTransformIsSkipped() {
        var withUnknown = new java.util.ArrayList<>(IKE_AES256);
        withUnknown.add(new Transform(6, 1, 0, true));
        var chosen = Proposals.selectIke(List.of(ike(1, withUnknown), ike(2, IKE_AES256)), List.of(AES256)).orElseThrow();
        assertEquals(2, chosen.offered().number());
        assertEquals(Optional.empty(), Proposals.selectIke(List.of(ike(1, withUnknown)), List.of(AES256)));
    }

    @Test
    void anEspOfferIsNotAnIkeProposalNorTheOtherWayRound() {
        assertEquals(Optional.empty(), Proposals.selectIke(List.of(new Proposal(1, Wire.PROTO_ESP, new byte[0], IKE_AES256)), List.of(AES256)));
        assertEquals(Optional.empty(), Proposals.selectChild(List.of(new Proposal(1, Wire.PROTO_IKE, new byte[] {1, 2, 3, 4},
                List.of(GCM128, ESN_NONE))), List.of(GCM_NO_PFS), true));
        assertEquals(Optional.empty(), Proposals.selectChild(List.of(new Proposal(1, Wire.PROTO_ESP, new byte[8], List.of(GCM128, ESN_NONE))),
                List.of(GCM_NO_PFS), true), "an ESP SPI has 4 octets");
    }

    /** An AEAD cipher of ours takes no integrity algorithm: integrity NONE is fine, a real one is a mismatch. */
    @Test
    void integrityBesideAnAeadCipherMustBeNone() {
        assertTrue(Proposals.selectChild(List.of(esp(1, GCM128, t(Wire.TRANS_INTEG, 0), ESN_NONE)), List.of(GCM_NO_PFS), true).isPresent());
        assertEquals(Optional.empty(), Proposals.selectChild(List.of(esp(1, GCM128, t(Wire.TRANS_INTEG, 2), ESN_NONE)), List.of(GCM_NO_PFS), true));
    }

    /** RFC 7296 §1.3.1: CREATE_CHILD_SA carries the PFS group in the proposal; IKE_AUTH has no KE, so its D-H transforms do not count. */
    @Test
    void pfsGroupsMustMatchInCreateChildSaOnly() {
        var withPfs = esp(1, GCM128, t(Wire.TRANS_DH, 14), ESN_NONE);
        var noPfs = esp(1, GCM128, ESN_NONE);
        var dhNone = esp(1, GCM128, t(Wire.TRANS_DH, 0), ESN_NONE);
        assertTrue(Proposals.selectChild(List.of(withPfs), List.of(GCM_PFS14), false).isPresent());
        assertEquals(Optional.empty(), Proposals.selectChild(List.of(noPfs), List.of(GCM_PFS14), false), "PFS configured, none offered");
        assertEquals(Optional.empty(), Proposals.selectChild(List.of(withPfs), List.of(GCM_NO_PFS), false), "no PFS configured, a group offered");
        assertTrue(Proposals.selectChild(List.of(dhNone), List.of(GCM_NO_PFS), false).isPresent(), "D-H NONE is no PFS");
        assertTrue(Proposals.selectChild(List.of(noPfs), List.of(GCM_PFS14), true).isPresent(), "IKE_AUTH ignores PFS");
        assertTrue(Proposals.selectChild(List.of(withPfs), List.of(GCM_NO_PFS), true).isPresent(), "IKE_AUTH ignores PFS");
    }

    /** The initiator takes back exactly one proposal, one of its own transform for transform. */
    @Test
    void theInitiatorAcceptsExactlyOneOfItsOwnProposals() {
        List<IkeProposal> ours = List.of(AES256, TRIPLE_DES);
        assertEquals(Optional.of(TRIPLE_DES), Proposals.acceptedIke(new Payload.Sa(List.of(ike(2, IKE_3DES))), ours));
        assertEquals(Optional.empty(), Proposals.acceptedIke(new Payload.Sa(List.of(ike(1, IKE_AES256), ike(2, IKE_3DES))), ours),
                "two proposals back");
        assertEquals(Optional.empty(), Proposals.acceptedIke(new Payload.Sa(List.of(ike(1, List.of(IKE_AES256.get(0), IKE_AES256.get(2), IKE_AES256.get(3))))), ours),
                "the PRF left out");
        assertEquals(Optional.empty(), Proposals.acceptedIke(new Payload.Sa(List.of(new Proposal(1, Wire.PROTO_ESP, new byte[0], IKE_AES256))), ours));
    }

    @Test
    void theInitiatorChecksTheChildAnswer() {
        List<ChildProposal> ours = List.of(GCM_PFS14);
        assertEquals(Optional.of(GCM_PFS14), Proposals.acceptedChild(new Payload.Sa(List.of(esp(1, GCM128, t(Wire.TRANS_DH, 14), ESN_NONE))), ours, true));
        // IKE_AUTH: we sent no D-H transform; a responder that names the group anyway is still answering our proposal.
        assertEquals(Optional.of(GCM_PFS14), Proposals.acceptedChild(new Payload.Sa(List.of(esp(1, GCM128, t(Wire.TRANS_DH, 14), ESN_NONE))), ours, false));
        assertEquals(Optional.empty(), Proposals.acceptedChild(new Payload.Sa(List.of(esp(1, GCM128, t(Wire.TRANS_DH, 19), ESN_NONE))), ours, true),
                "another group than offered");
        assertEquals(Optional.empty(), Proposals.acceptedChild(new Payload.Sa(List.of(esp(1, GCM128, ESN_NONE), esp(2, GCM128, ESN_NONE))), ours, false));
        assertEquals(Optional.empty(), Proposals.acceptedChild(new Payload.Sa(List.of(new Proposal(1, Wire.PROTO_ESP, new byte[8],
                List.of(GCM128, ESN_NONE)))), ours, false), "an 8-octet ESP SPI");
        assertEquals(Optional.empty(), Proposals.acceptedChild(new Payload.Sa(List.of(new Proposal(1, Wire.PROTO_AH, new byte[4],
                List.of(GCM128, ESN_NONE)))), ours, false), "AH is not offered");
    }

    /** Our own offers say what we configured, in the IANA numbers above. */
    @Test
    void ourOffersUseTheIanaNumbers() {
        var offer = Proposals.ikeOffer(List.of(AES256, TRIPLE_DES), new byte[0]);
        assertEquals(List.of(ike(1, IKE_AES256).transforms(), ike(2, IKE_3DES).transforms()),
                offer.proposals().stream().map(Proposal::transforms).toList());
        var child = Proposals.childOffer(List.of(GCM_PFS14), 0x01020304, true).proposals().getFirst();
        assertEquals(List.of(GCM128, t(Wire.TRANS_DH, 14), ESN_NONE), child.transforms());
        assertEquals(List.of(GCM128, ESN_NONE), Proposals.childOffer(List.of(GCM_PFS14), 0x01020304, false).proposals().getFirst().transforms());
    }
}
