package io.sallyport.ike.v1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sallyport.crypto.DhGroup;
import io.sallyport.crypto.EncryptionAlgorithm;
import io.sallyport.ike.Action;
import io.sallyport.ike.ChildProposal;
import io.sallyport.ike.DropReason;
import io.sallyport.ike.message.Bytes;
import io.sallyport.ike.message.TrafficSelector;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Quick mode (RFC 2409 §5.5) with one side played by hand under A's phase-1 keys: B as responder
 * to offers A writes (HASH(1) right or wrong, proposals, PFS KE, proxy IDs of RFC 2407 §4.6.2), and
 * B as initiator of a rekey to answers A writes (HASH(2), the transform chosen, KE, proxy IDs,
 * RESPONDER-LIFETIME of RFC 2407 §4.6.3.1). Each refusal is checked for what B tells A and what B
 * keeps.
 */
class V1QuickModeTest {

    private static final TrafficSelector A_NET = TrafficSelector.ofPrefix("198.18.1.0", 24);
    private static final TrafficSelector B_NET = TrafficSelector.ofPrefix("198.18.2.0", 24);

    // ---------------------------------------------------------------- B answers A's offer

    private static List<V1Payload> offer(V1Pair p, List<ChildProposal> proposals, boolean ke, TrafficSelector... ids) {
        List<V1Payload> rest = new ArrayList<>();
        rest.add(V1Proposals.childOffer(proposals, 0x0a0b0c0d, Isakmp.ENCAP_TUNNEL));
        rest.add(new V1Payload.Nonce(new byte[16]));
        if (ke) {
            rest.add(new V1Payload.Ke(p.publicValue(DhGroup.GROUP19)));
        }
        for (TrafficSelector ts : ids) {
            rest.add(ProxyId.of(ts));
        }
        return rest;
    }

    private static List<Action> offerToB(V1Pair p, List<V1Payload> rest) {
        int mid = p.newMessageId();
        return p.toB(p.quick(mid, Bytes.of32(mid), rest));
    }

    /** The notify B sent in its informational message, read with A's keys. */
    private static int refusal(V1Pair p, List<Action> did) {
        List<byte[]> sent = p.of(did, Action.Send.class).stream().map(s -> s.datagram().payload()).toList();
        assertEquals(1, sent.size(), did::toString);
        V1Message m = p.openAtA(sent.getFirst());
        assertEquals(Isakmp.EXCH_INFORMATIONAL, m.header().exchange());
        return m.first(V1Payload.Notify.class).orElseThrow().notifyType();
    }

    @Test
    void shouldAnswerAnOfferAndInstallOnHash3() {
        V1Pair p = V1Pair.established();
        int mid = p.newMessageId();
        byte[] ni = new byte[16];
        List<Action> did = p.toB(p.quick(mid, Bytes.of32(mid), offer(p, p.saA().peer.childProposals(), true, A_NET, B_NET)));
        V1Message answer = p.openAtA(p.of(did, Action.Send.class).getFirst().datagram().payload());
        assertTrue(p.saA().hashValid(answer, Bytes.concat(Bytes.of32(mid), ni)), "HASH(2) covers M-ID | Ni_b | the answer");
        assertEquals(2, answer.all(V1Payload.Id.class).size(), "the proxy IDs come back");
        byte[] nr = answer.first(V1Payload.Nonce.class).orElseThrow().data();
        // The inbound SA is installed with the answer (A may send on it as soon as it sent HASH(3));
        // B sends on it only once HASH(3) proves A saw the answer; a HASH(3) without its leading 0 proves nothing.
        var installed = p.of(did, Action.InstallChildSa.class);
        assertEquals(1, installed.size(), did::toString);
        assertFalse(installed.getFirst().outboundNow());
        assertEquals(0x0a0b0c0d, installed.getFirst().spiOut());
        assertEquals(List.of(B_NET), installed.getFirst().localSelectors());
        assertEquals(List.of(A_NET), installed.getFirst().remoteSelectors());
        did = p.toB(p.forged(mid, () -> p.quick(mid, Bytes.concat(Bytes.of32(mid), ni, nr), List.of())));
        assertEquals(List.of(), p.of(did, Action.SwitchOutbound.class));
        assertEquals(1, p.drops(p.dropsB, DropReason.INTEGRITY_FAILED));
        did = p.toB(p.quick(mid, Bytes.concat(new byte[] {0}, Bytes.of32(mid), ni, nr), List.of()));
        var switched = p.of(did, Action.SwitchOutbound.class);
        assertEquals(List.of(installed.getFirst().spiIn()), switched.stream().map(Action.SwitchOutbound::spiIn).toList(), did::toString);
        assertEquals(List.of(), p.of(did, Action.InstallChildSa.class));
    }

    @Test
    void shouldDropAnOfferWhoseHashIsWrongOrThatLacksANonce() {
        V1Pair p = V1Pair.established();
        int mid = p.newMessageId();
        List<Action> did = p.toB(p.quick(mid, Bytes.of32(mid ^ 1), offer(p, p.saA().peer.childProposals(), true, A_NET, B_NET)));
        assertEquals(List.of(), p.of(did, Action.Send.class));
        assertEquals(1, p.drops(p.dropsB, DropReason.INTEGRITY_FAILED));
        List<V1Payload> noNonce = new ArrayList<>(offer(p, p.saA().peer.childProposals(), true, A_NET, B_NET));
        noNonce.remove(1);
        did = offerToB(p, noNonce);
        assertEquals(List.of(), p.of(did, Action.Send.class));
        List<V1Payload> noSa = new ArrayList<>(offer(p, p.saA().peer.childProposals(), true, A_NET, B_NET));
        noSa.remove(0);
        assertEquals(List.of(), p.of(offerToB(p, noSa), Action.Send.class));
        assertEquals(2, p.drops(p.dropsB, DropReason.MALFORMED_PAYLOAD));
        did = offerToB(p, offer(p, p.saA().peer.childProposals(), true, A_NET));
        assertEquals(List.of(), p.of(did, Action.Send.class), "one proxy ID alone is malformed (RFC 2409 §5.5: both or none)");
        assertEquals(3, p.drops(p.dropsB, DropReason.MALFORMED_PAYLOAD));
    }

    @Test
    void shouldRefuseWithNoProposalChosenWhenNothingMatchesOrPfsLacksItsKe() {
        V1Pair p = V1Pair.established();
        var other = List.of(new ChildProposal(EncryptionAlgorithm.AES_256_GCM, null, DhGroup.GROUP19, 3600));
        assertEquals(Isakmp.N_NO_PROPOSAL_CHOSEN, refusal(p, offerToB(p, offer(p, other, true, A_NET, B_NET))));
        assertEquals(Isakmp.N_NO_PROPOSAL_CHOSEN, refusal(p, offerToB(p, offer(p, p.saA().peer.childProposals(), false, A_NET, B_NET))),
                "PFS group 19 configured: an offer without KE is refused");
        assertEquals(2, p.saB().counters.snapshot().exchanges().stream().filter(e -> e.type().equals("Quick"))
                .findFirst().orElseThrow().failed());
        assertEquals(1, p.saB().children.size(), "the IPsec SA B had is untouched");
    }

    @Test
    void shouldRefuseAnInvalidKeWithInvalidKeyInformation() {
        V1Pair p = V1Pair.established();
        List<V1Payload> rest = new ArrayList<>(offer(p, p.saA().peer.childProposals(), false, A_NET, B_NET));
        rest.add(2, new V1Payload.Ke(new byte[DhGroup.GROUP19.publicValueSize()])); // the point at infinity: not on the curve
        assertEquals(Isakmp.N_INVALID_KEY_INFORMATION, refusal(p, offerToB(p, rest)));
    }

    @Test
    void shouldRefuseProxyIdsOutsideTheConfigurationWithInvalidIdInformation() {
        V1Pair p = V1Pair.established();
        assertEquals(Isakmp.N_INVALID_ID_INFORMATION, refusal(p, offerToB(p, offer(p, p.saA().peer.childProposals(), true,
                A_NET, TrafficSelector.ofPrefix("198.18.0.0", 16)))), "wider than B's 198.18.2.0/24");
        List<V1Payload> rest = new ArrayList<>(offer(p, p.saA().peer.childProposals(), true, A_NET));
        rest.add(new V1Payload.Id(Isakmp.ID_IPV4_ADDR_SUBNET, 0, 0, new byte[] {(byte) 198, 18, 2, 0, (byte) 255, 0, (byte) 255, 0}));
        assertEquals(Isakmp.N_INVALID_ID_INFORMATION, refusal(p, offerToB(p, rest)), "a mask that is no prefix names no selector");
    }

    @Test
    void shouldTakeTheGatewayAddressesWhenTheOfferHasNoProxyIds() {
        V1Pair p = V1Pair.established();
        List<Action> did = offerToB(p, offer(p, p.saA().peer.childProposals(), true));
        V1Message answer = p.openAtA(p.of(did, Action.Send.class).getFirst().datagram().payload());
        assertEquals(Isakmp.EXCH_QUICK, answer.header().exchange(), "RFC 2409 §5.5: without IDs the ISAKMP endpoints are meant");
        assertEquals(List.of(), answer.all(V1Payload.Id.class));
    }

    @Test
    void shouldRefuseAQuickModeSentInTheClear() {
        V1Pair p = V1Pair.established();
        int mid = p.newMessageId();
        byte[] plain = V1Codec.plain(p.saA().header(Isakmp.EXCH_QUICK, mid), offer(p, p.saA().peer.childProposals(), true, A_NET, B_NET));
        assertEquals(List.of(), p.of(p.toB(plain), Action.Send.class));
        assertEquals(1, p.drops(p.dropsB, DropReason.UNEXPECTED_EXCHANGE));
    }

    // ---------------------------------------------------------------- A answers B's rekey

    /** B starts a rekey of its IPsec SA; its quick-mode message 1 is taken off the wire and read with A's keys. */
    private record Rekey(int messageId, byte[] ni, V1Payload.Sa offer, List<V1Payload.Id> ids, int oldSpiIn) {
    }

    private static Rekey rekeyByB(V1Pair p) {
        int spiIn = p.saB().children.getFirst().spiIn;
        int mark = p.actionsB.size();
        List<Action> out = new ArrayList<>();
        assertTrue(p.b.rekeyChild(p.now, spiIn, out));
        p.actionsB.addAll(out);
        List<byte[]> sent = p.sentByB(mark);
        assertEquals(1, sent.size());
        V1Message qm1 = p.openAtA(sent.getFirst());
        return new Rekey(qm1.header().messageId(), qm1.first(V1Payload.Nonce.class).orElseThrow().data(),
                qm1.first(V1Payload.Sa.class).orElseThrow(), qm1.all(V1Payload.Id.class), spiIn);
    }

    private static List<V1Payload> answer(V1Pair p, Rekey r, V1Payload.Sa sa, boolean ke, List<V1Payload.Id> ids) {
        List<V1Payload> rest = new ArrayList<>();
        rest.add(sa);
        rest.add(new V1Payload.Nonce(new byte[24]));
        if (ke) {
            rest.add(new V1Payload.Ke(p.publicValue(DhGroup.GROUP19)));
        }
        rest.addAll(ids);
        return rest;
    }

    private static V1Payload.Sa chosen(V1Pair p, Rekey r) {
        var c = V1Proposals.selectChild(r.offer(), p.saA().peer.childProposals(), false).orElseThrow();
        return V1Proposals.childAnswer(c, 0x01020304);
    }

    private static List<Action> answerToB(V1Pair p, Rekey r, List<V1Payload> rest) {
        return p.toB(p.quick(r.messageId(), Bytes.concat(Bytes.of32(r.messageId()), r.ni()), rest));
    }

    private static void assertRefused(V1Pair p, Rekey r, List<Action> did, String words) {
        assertEquals(List.of(), p.of(did, Action.InstallChildSa.class));
        assertTrue(p.of(did, Action.Trace.class).stream().anyMatch(t -> t.text().contains(words)), did::toString);
        V1Child old = p.saB().child(r.oldSpiIn()).orElseThrow();
        assertEquals(V1Child.State.INSTALLED, old.state, "the refused rekey leaves the old SA to be rekeyed again");
    }

    /**
     * A kilobyte lifetime in the peer's RESPONDER-LIFETIME (RFC 2407 §4.5, §4.6.3.1) is enforced:
     * the data plane is asked for the pair's bytes at install and every second, the busier
     * direction past the soft limit (80-90 % with the default jitter) starts a rekey, past the
     * hard limit the pair is deleted at both ends.
     */
    @Test
    void shouldRekeyBeforeAKilobyteLifetimeAndDeleteTheSaAtIt() {
        V1Pair p = V1Pair.established();
        Rekey r = rekeyByB(p);
        List<V1Payload> rest = answer(p, r, chosen(p, r), true, r.ids());
        byte[] attrs = new Bytes().u16(0x8000 | Isakmp.Q_LIFE_TYPE).u16(Isakmp.LIFE_KILOBYTES)
                .u16(0x8000 | Isakmp.Q_LIFE_DURATION).u16(1000).toArray();
        rest.add(new V1Payload.Notify(Isakmp.DOI_IPSEC, Isakmp.PROTO_ESP, new byte[4], Isakmp.N_RESPONDER_LIFETIME, attrs));
        List<Action> did = answerToB(p, r, rest);
        int spiIn = p.of(did, Action.InstallChildSa.class).getFirst().spiIn();
        V1Child c = p.saB().child(spiIn).orElseThrow();
        assertEquals(1_024_000, c.hardBytes);
        assertTrue(c.softBytes >= 819_200 && c.softBytes <= 921_600, () -> "soft " + c.softBytes);
        int mark = p.actionsB.size();
        p.tick();
        assertEquals(List.of(spiIn), p.of(p.actionsB.subList(mark, p.actionsB.size()), Action.TrafficQuery.class).stream()
                .map(Action.TrafficQuery::spiIn).toList(), "asked at install");
        p.now += V1Engine.TRAFFIC_QUERY_NANOS;
        mark = p.actionsB.size();
        p.tick();
        assertEquals(1, p.of(p.actionsB.subList(mark, p.actionsB.size()), Action.TrafficQuery.class).size(), "and every second");

        List<Action> under = new ArrayList<>();
        assertTrue(p.b.childTraffic(p.now, spiIn, 800_000, 10, under));
        assertEquals(List.of(), p.of(under, Action.Send.class), under::toString);
        assertFalse(p.b.childTraffic(p.now, spiIn ^ 1, 2_000_000, 0, under), "no such SA");
        List<Action> soft = new ArrayList<>();
        p.b.childTraffic(p.now, spiIn, 10, 922_000, soft);
        assertEquals(V1Child.State.REKEYING, c.state, soft::toString);
        assertEquals(Isakmp.EXCH_QUICK, p.openAtA(p.of(soft, Action.Send.class).getFirst().datagram().payload()).header().exchange());
        List<Action> hard = new ArrayList<>();
        p.b.childTraffic(p.now, spiIn, 1_024_000, 0, hard);
        assertEquals(List.of(spiIn), p.of(hard, Action.DeleteChildSa.class).stream().map(Action.DeleteChildSa::spiIn).toList(), hard::toString);
        assertEquals("kilobyte lifetime expired", p.of(hard, Action.DeleteChildSa.class).getFirst().reason());
        assertTrue(p.saB().child(spiIn).isEmpty());
        assertEquals(Isakmp.EXCH_INFORMATIONAL, p.openAtA(p.of(hard, Action.Send.class).getFirst().datagram().payload()).header().exchange(),
                "the peer is told (Delete)");
    }

    @Test
    void shouldInstallTheRekeyedSaWhenTheAnswerIsRightAndTakeAShorterResponderLifetime() {
        V1Pair p = V1Pair.established();
        Rekey r = rekeyByB(p);
        List<V1Payload> rest = answer(p, r, chosen(p, r), true, r.ids());
        byte[] attrs = new Bytes().u16(0x8000 | Isakmp.Q_LIFE_TYPE).u16(Isakmp.LIFE_SECONDS)
                .u16(0x8000 | Isakmp.Q_LIFE_DURATION).u16(600).toArray();
        rest.add(new V1Payload.Notify(Isakmp.DOI_IPSEC, Isakmp.PROTO_ESP, new byte[4], Isakmp.N_RESPONDER_LIFETIME, attrs));
        List<Action> did = answerToB(p, r, rest);
        var installed = p.of(did, Action.InstallChildSa.class);
        assertEquals(1, installed.size(), did::toString);
        assertEquals(0x01020304, installed.getFirst().spiOut());
        assertEquals(600, installed.getFirst().lifetime().hardSeconds(), "RFC 2407 §4.6.3.1: the responder's shorter lifetime");
        assertEquals(r.oldSpiIn(), installed.getFirst().replacesSpiIn());
        assertFalse(installed.getFirst().outboundNow(), "B sends on the old SA until A can have installed on HASH(3)");
        // Make before break at both ends: HASH(3) first (the peer installs on it), later the switch, then the Delete of the replaced SA.
        int before = p.actionsB.size() - did.size();
        assertEquals(1, p.sentByB(before).size(), "HASH(3) alone");
        p.now += V1Engine.OUTBOUND_SWITCH_NANOS;
        p.tick();
        assertEquals(installed.getFirst().spiIn(), p.of(p.actionsB, Action.SwitchOutbound.class).getLast().spiIn());
        assertEquals(1, p.sentByB(before).size(), "the old SA stays while the packets sent on it arrive");
        p.now += V1Engine.OUTBOUND_SWITCH_NANOS;
        p.tick();
        List<V1Message> sent = p.sentByB(before).stream().map(p::openAtA).toList();
        assertEquals(List.of(Isakmp.EXCH_QUICK, Isakmp.EXCH_INFORMATIONAL), sent.stream().map(m -> m.header().exchange()).toList());
        assertEquals(r.oldSpiIn(), (int) Bytes.u32(sent.getLast().first(V1Payload.Delete.class).orElseThrow().spis().getFirst(), 0));
    }

    @Test
    void shouldDropAnAnswerWithAWrongHashOrWithoutNonce() {
        V1Pair p = V1Pair.established();
        Rekey r = rekeyByB(p);
        int mid = r.messageId();
        List<Action> did = p.toB(p.forged(mid, () -> p.quick(mid, Bytes.of32(mid), answer(p, r, chosen(p, r), true, r.ids()))));
        assertEquals(List.of(), p.of(did, Action.InstallChildSa.class));
        assertEquals(1, p.drops(p.dropsB, DropReason.INTEGRITY_FAILED), "HASH(2) must cover Ni_b");
        List<V1Payload> rest = answer(p, r, chosen(p, r), true, r.ids());
        rest.remove(1);
        assertEquals(List.of(), p.of(p.toB(p.forged(mid, () -> p.quick(mid, Bytes.concat(Bytes.of32(mid), r.ni()), rest))),
                Action.InstallChildSa.class));
        List<V1Payload> noSa = answer(p, r, chosen(p, r), true, r.ids());
        noSa.remove(0);
        assertEquals(List.of(), p.of(p.toB(p.forged(mid, () -> p.quick(mid, Bytes.concat(Bytes.of32(mid), r.ni()), noSa))),
                Action.InstallChildSa.class));
        assertEquals(2, p.drops(p.dropsB, DropReason.MALFORMED_PAYLOAD), "each decrypted and read, then refused for what it lacks");
        assertEquals(V1Child.State.REKEYING, p.saB().child(r.oldSpiIn()).orElseThrow().state, "still waiting for a real answer");
        // The real answer after all that still completes the rekey: nothing was corrupted.
        assertEquals(1, p.of(answerToB(p, r, answer(p, r, chosen(p, r), true, r.ids())), Action.InstallChildSa.class).size());
    }

    @Test
    void shouldRefuseAnAnswerWithATransformThatWasNotOffered() {
        V1Pair p = V1Pair.established();
        Rekey r = rekeyByB(p);
        var other = List.of(new ChildProposal(EncryptionAlgorithm.AES_256_GCM, null, DhGroup.GROUP19, 3600));
        var c = V1Proposals.selectChild(V1Proposals.childOffer(other, 5, Isakmp.ENCAP_TUNNEL), other, false).orElseThrow();
        assertRefused(p, r, answerToB(p, r, answer(p, r, V1Proposals.childAnswer(c, 7), true, r.ids())),
                "the responder chose a transform we did not offer");
    }

    @Test
    void shouldRefuseAnAnswerWithoutTheKeItsPfsNeeds() {
        V1Pair p = V1Pair.established();
        Rekey r = rekeyByB(p);
        assertRefused(p, r, answerToB(p, r, answer(p, r, chosen(p, r), false, r.ids())), "the responder sent no valid PFS KE");
    }

    @Test
    void shouldRefuseAnAnswerThatChangesTheProxyIds() {
        V1Pair p = V1Pair.established();
        Rekey r = rekeyByB(p);
        List<V1Payload.Id> otherRemote = List.of(r.ids().get(0), ProxyId.of(TrafficSelector.ofPrefix("198.18.1.0", 25)));
        assertRefused(p, r, answerToB(p, r, answer(p, r, chosen(p, r), true, otherRemote)), "the responder changed the proxy IDs");
        assertNotNull(p.saB().counters.snapshot());
    }

    @Test
    void shouldKeepItsLifetimeWhenTheResponderLifetimeSaysNoSecondsOrCannotBeRead() {
        for (byte[] attrs : new byte[][] {
            // kilobytes only (RFC 2407 §4.5 life type 2): no seconds to take; the kilobytes are traced, not enforced
            new Bytes().u16(0x8000 | Isakmp.Q_LIFE_TYPE).u16(2).u16(Isakmp.Q_LIFE_DURATION).u16(4).u32(50_000).toArray(),
            new byte[] {0, 1, 0},                                                    // cut short: no attributes
        }) {
            V1Pair p = V1Pair.established();
            Rekey r = rekeyByB(p);
            List<V1Payload> rest = answer(p, r, chosen(p, r), true, r.ids());
            rest.add(new V1Payload.Notify(Isakmp.DOI_IPSEC, Isakmp.PROTO_ESP, new byte[4], Isakmp.N_RESPONDER_LIFETIME, attrs));
            List<Action> did = answerToB(p, r, rest);
            var installed = p.of(did, Action.InstallChildSa.class);
            assertEquals(1, installed.size(), did::toString);
            assertEquals(3600, installed.getFirst().lifetime().hardSeconds());
            if (attrs.length > 3) {
                assertTrue(p.of(did, Action.Trace.class).stream().anyMatch(t -> t.text().contains("50000 kilobytes")), did::toString);
            }
        }
    }
}
