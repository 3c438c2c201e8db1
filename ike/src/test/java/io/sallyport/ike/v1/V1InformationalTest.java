package io.sallyport.ike.v1;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sallyport.ike.Action;
import io.sallyport.ike.DownCause;
import io.sallyport.ike.DropReason;
import io.sallyport.ike.KmdOptions;
import io.sallyport.ike.PeerConfig;
import io.sallyport.ike.message.Bytes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The peer's informational exchanges (RFC 2409 §5.7) as B sees them: each message here is built by
 * hand, encrypted under A's phase-1 keys and IV chain and protected by a correct HASH(1) (see
 * {@link V1Pair}), so that it reaches the informational code rather than stopping at decryption.
 * DPD (RFC 3706), Delete (RFC 2408 §3.15), INVALID-SPI, error notifies, and malformed or
 * unauthenticated content inside a valid encryption.
 */
class V1InformationalTest {

    private static V1Payload.Notify notify(int type, byte[] spi, byte[] data) {
        return new V1Payload.Notify(Isakmp.DOI_IPSEC, Isakmp.PROTO_ISAKMP, spi, type, data);
    }

    private static List<V1Payload.Notify> notifies(List<Action> sent, V1Pair p) {
        return sent.stream().filter(x -> x instanceof Action.Send).map(x -> ((Action.Send) x).datagram().payload())
                .map(raw -> decryptAtA(p, raw)).flatMap(m -> m.all(V1Payload.Notify.class).stream()).toList();
    }

    /** Decrypts B's informational message with A's keys, as A's engine would (and checks HASH(1)). */
    private static V1Message decryptAtA(V1Pair p, byte[] raw) {
        IsakmpHeader h = IsakmpHeader.parse(raw);
        IsakmpSa a = p.saA();
        byte[] pt = a.crypter.decrypt(a.ivs.iv(h.messageId()), Arrays.copyOfRange(raw, Isakmp.HEADER_SIZE, raw.length));
        V1Message m = V1Codec.decode(h, pt, true);
        assertTrue(a.hashValid(m, Bytes.of32(h.messageId())), "HASH(1) of B's informational message");
        return m;
    }

    @Test
    void shouldAnswerRuThereWithAnAckCarryingTheSameSequenceNumber() {
        V1Pair p = V1Pair.established();
        byte[] seq = Bytes.of32(0x01020304);
        List<Action> did = p.toB(p.informational(List.of(notify(Isakmp.N_DPD_R_U_THERE, p.cookies(), seq))));
        List<V1Payload.Notify> acks = notifies(did, p);
        assertEquals(1, acks.size(), did::toString);
        assertEquals(Isakmp.N_DPD_R_U_THERE_ACK, acks.getFirst().notifyType());
        assertArrayEquals(p.cookies(), acks.getFirst().spi(), "RFC 3706 §5: the ACK names the ISAKMP SA by its cookies");
        assertArrayEquals(seq, acks.getFirst().data(), "RFC 3706 §5.3: the ACK echoes the sequence number");
        var c = p.saB().counters.snapshot();
        assertEquals(1, c.dpdRequestReceived());
        assertEquals(1, c.dpdResponseSent());
        assertEquals(IsakmpSa.State.ESTABLISHED, p.saB().state);
    }

    @Test
    void shouldIgnoreRuThereForOtherCookies() {
        V1Pair p = V1Pair.established();
        byte[] other = p.cookies();
        other[0] ^= 1;
        List<Action> did = p.toB(p.informational(List.of(notify(Isakmp.N_DPD_R_U_THERE, other, Bytes.of32(7)))));
        assertEquals(List.of(), p.of(did, Action.Send.class), "no ACK for an SA that is not this one");
        assertEquals(0, p.saB().counters.snapshot().dpdResponseSent());
    }

    @Test
    void shouldMeasureDpdAnswersAndMisses() {
        V1Pair p = V1Pair.established(new PeerConfig.Dpd(true, 10, 5));
        // A goes quiet: B asks twice without an answer (the ACKs are lost), then A answers the third.
        p.now += 11 * V1Pair.SECOND;
        p.tick();
        p.wire.clear();
        p.now += 11 * V1Pair.SECOND;
        p.tick();
        p.wire.clear();
        var c = p.saB().counters.snapshot();
        assertEquals(2, c.dpdRequestSent());
        assertEquals(1, c.dpdResponseMissed(), "the second R-U-THERE went out while the first was unanswered");
        p.now += 3 * V1Pair.SECOND;
        p.toB(p.informational(List.of(notify(Isakmp.N_DPD_R_U_THERE_ACK, p.cookies(), Bytes.of32(p.saB().dpdSequence)))));
        c = p.saB().counters.snapshot();
        assertEquals(1, c.dpdResponseReceived());
        assertEquals(14, c.dpdResponseMaxDelaySeconds(), "from the first unanswered R-U-THERE to the ACK");
        assertEquals(0, p.saB().dpdUnanswered);
    }

    @Test
    void shouldDeleteTheIpsecSaThePeerNamesByItsInboundSpi() {
        V1Pair p = V1Pair.established();
        V1Child child = p.saB().children.getFirst();
        List<Action> did = p.toB(p.informational(List.of(new V1Payload.Delete(Isakmp.DOI_IPSEC, Isakmp.PROTO_ESP, 4,
                List.of(Bytes.of32(child.spiOut ^ 1), Bytes.of32(child.spiOut))))));
        var deleted = p.of(did, Action.DeleteChildSa.class);
        assertEquals(1, deleted.size(), did::toString);
        assertEquals(child.spiIn, deleted.getFirst().spiIn());
        assertEquals("deleted by the peer", deleted.getFirst().reason());
        assertEquals(List.of(), p.saB().children);
        assertEquals(IsakmpSa.State.ESTABLISHED, p.saB().state, "the ISAKMP SA stays");
        assertEquals(1, p.saB().counters.snapshot().deleteReceived());
    }

    @Test
    void shouldIgnoreDeletesOfUnknownSpisAndOfOtherProtocols() {
        V1Pair p = V1Pair.established();
        V1Child child = p.saB().children.getFirst();
        List<Action> did = p.toB(p.informational(List.of(
                new V1Payload.Delete(Isakmp.DOI_IPSEC, Isakmp.PROTO_ESP, 4, List.of(Bytes.of32(child.spiIn))),
                new V1Payload.Delete(Isakmp.DOI_IPSEC, 2, 4, List.of(Bytes.of32(child.spiOut))),
                new V1Payload.Delete(Isakmp.DOI_IPSEC, Isakmp.PROTO_ISAKMP, 16, List.of(new byte[16])))));
        assertEquals(List.of(), p.of(did, Action.DeleteChildSa.class), "our own inbound SPI, AH and foreign cookies name nothing of ours");
        assertEquals(List.of(), p.of(did, Action.IkeSaDown.class));
        assertEquals(1, p.saB().children.size());
        assertEquals(3, p.saB().counters.snapshot().deleteReceived());
    }

    /**
     * A Delete of the ISAKMP SA alone ends phase 1 only: IPsec SAs are independent of it (RFC 2409;
     * Junos); a peer that deletes them too sends their Deletes (strongSwan sends them first).
     */
    @Test
    void shouldEndOnlyTheIsakmpSaWhenThePeerDeletesItAndKeepItsIpsecSas() {
        V1Pair p = V1Pair.established();
        int spiIn = p.saB().children.getFirst().spiIn;
        List<Action> did = p.toB(p.informational(List.of(new V1Payload.Delete(Isakmp.DOI_IPSEC, Isakmp.PROTO_ISAKMP, 16,
                List.of(p.cookies())))));
        var down = p.of(did, Action.IkeSaDown.class);
        assertEquals(1, down.size(), did::toString);
        assertEquals(DownCause.DELETED_BY_PEER, down.getFirst().cause());
        assertEquals(List.of(), p.of(did, Action.DeleteChildSa.class));
        assertEquals(List.of(), p.b.sas(), "no ISAKMP SA to show");
        assertTrue(p.b.hasChildSpi(spiIn));
        assertEquals(1, p.b.liveSaCount());
    }

    @Test
    void shouldCountInvalidSpiNotificationsAndKeepTheIsakmpSa() {
        V1Pair p = V1Pair.established();
        p.toB(p.informational(List.of(new V1Payload.Notify(Isakmp.DOI_IPSEC, Isakmp.PROTO_ESP, Bytes.of32(0x11223344),
                Isakmp.N_INVALID_SPI, new byte[0]))));
        assertEquals(1, p.saB().counters.snapshot().invalidSpiReceived());
        assertEquals(IsakmpSa.State.ESTABLISHED, p.saB().state);
    }

    @Test
    void shouldEndTheIsakmpSaWhenThePeerRefusesOurAuthentication() {
        V1Pair p = V1Pair.established();
        List<Action> did = p.toB(p.informational(List.of(notify(Isakmp.N_AUTHENTICATION_FAILED, new byte[0], new byte[0]))));
        var down = p.of(did, Action.IkeSaDown.class);
        assertEquals(1, down.size(), did::toString);
        assertEquals(DownCause.AUTHENTICATION_FAILED, down.getFirst().cause());
        assertTrue(down.getFirst().reason().contains("AUTHENTICATION-FAILED"), down.getFirst().reason());
    }

    /**
     * INVALID-ID-INFORMATION or NO-PROPOSAL-CHOSEN once phase 1 is up refuses our quick mode, not
     * the ISAKMP SA (RFC 2409 §5.5; strongSwan cancels its quick mode): the quick mode fails with
     * the peer's reason, the tunnel is told, the SA stays; without a quick mode under way it is traced.
     */
    @Test
    void shouldFailOnlyTheQuickModeUnderWayWhenThePeerRefusesIt() {
        for (int type : new int[] {Isakmp.N_INVALID_ID_INFORMATION, Isakmp.N_NO_PROPOSAL_CHOSEN}) {
            V1Pair p = V1Pair.established();
            int spiIn = p.saB().children.getFirst().spiIn;
            List<Action> stray = p.toB(p.informational(List.of(notify(type, new byte[0], new byte[0]))));
            assertEquals(List.of(), p.of(stray, Action.IkeSaDown.class), stray::toString);
            assertTrue(p.of(stray, Action.Trace.class).stream().anyMatch(t -> t.text().contains("no quick mode of ours under way")),
                    stray::toString);
            List<Action> rekey = new ArrayList<>();
            assertTrue(p.b.rekeyChild(p.now, spiIn, rekey));
            p.actionsB.addAll(rekey);
            p.wire.clear();   // A never answers; it refuses instead
            List<Action> did = p.toB(p.informational(List.of(notify(type, new byte[0], new byte[0]))));
            assertEquals(List.of(), p.of(did, Action.IkeSaDown.class), did::toString);
            assertEquals(IsakmpSa.State.ESTABLISHED, p.saB().state);
            var refused = p.of(did, Action.ChildRefused.class);
            assertEquals(1, refused.size(), did::toString);
            assertEquals(Action.RefusedBy.PEER, refused.getFirst().refusedBy());
            assertTrue(refused.getFirst().reason().endsWith("peer sent " + (type == Isakmp.N_INVALID_ID_INFORMATION
                    ? "INVALID-ID-INFORMATION" : "NO-PROPOSAL-CHOSEN")), refused.getFirst().reason());
            V1Child old = p.saB().child(spiIn).orElseThrow();
            assertEquals(V1Child.State.INSTALLED, old.state, "the old SA stays, to be rekeyed again");
            assertEquals(p.now + KmdOptions.defaults().reconnectNanos(), old.rekeyNotBefore, "not at once");
        }
    }

    @Test
    void shouldTraceOtherErrorNotifiesAndIgnoreStatusNotifies() {
        V1Pair p = V1Pair.established();
        List<Action> did = p.toB(p.informational(List.of(notify(Isakmp.N_PAYLOAD_MALFORMED, new byte[0], new byte[0]),
                notify(Isakmp.N_RESPONDER_LIFETIME, new byte[0], new byte[0]))));
        assertTrue(p.of(did, Action.Trace.class).stream().anyMatch(t -> t.text().contains("reported error " + Isakmp.N_PAYLOAD_MALFORMED)),
                did::toString);
        assertEquals(List.of(), p.of(did, Action.IkeSaDown.class));
        assertEquals(1, p.saB().children.size());
    }

    @Test
    void shouldDropAnInformationalMessageWhoseHashIsWrong() {
        V1Pair p = V1Pair.established();
        int mid = p.newMessageId();
        // HASH(1) over another message ID: SKEYID_a is right, the binding to this exchange is not.
        byte[] wrongPrefix = p.saA().encryptedWithHash(Isakmp.EXCH_INFORMATIONAL, mid, Bytes.of32(mid + 1),
                List.of(new V1Payload.Delete(Isakmp.DOI_IPSEC, Isakmp.PROTO_ISAKMP, 16, List.of(p.cookies()))));
        List<Action> did = p.toB(wrongPrefix);
        assertEquals(List.of(), p.of(did, Action.IkeSaDown.class));
        assertEquals(1, p.drops(p.dropsB, DropReason.INTEGRITY_FAILED));
        // Without any HASH: the Delete alone, encrypted, must not be believed either.
        byte[] chain = V1Codec.chain(List.of(new V1Payload.Delete(Isakmp.DOI_IPSEC, Isakmp.PROTO_ISAKMP, 16, List.of(p.cookies()))));
        did = p.toB(p.sealedChain(Isakmp.EXCH_INFORMATIONAL, p.newMessageId(), Isakmp.P_DELETE, chain));
        assertEquals(List.of(), p.of(did, Action.IkeSaDown.class));
        assertEquals(2, p.drops(p.dropsB, DropReason.INTEGRITY_FAILED));
        assertEquals(0, p.saB().counters.snapshot().deleteReceived(), "nothing of an unauthenticated message is counted");
        assertEquals(IsakmpSa.State.ESTABLISHED, p.saB().state);
    }

    @Test
    void shouldDropMalformedPayloadsInsideAValidEncryption() {
        V1Pair p = V1Pair.established();
        // Each: a payload chain after a correct HASH(1) that the decoder must refuse (RFC 2408 §3).
        byte[][] bodies = {
            new Bytes().u8(0).u8(0).u16(200).bytes(new byte[8]).toArray(),                 // length beyond the message
            new Bytes().u8(0).u8(0).u16(3).toArray(),                                        // length below the generic header
            new Bytes().u8(0).u8(0).u16(4 + 6).u32(1).u16(0).toArray(),                      // Notify shorter than its fixed part
            new Bytes().u8(0).u8(0).u16(4 + 8).u32(1).u8(1).u8(16).u16(1).toArray(),          // Notify SPI size beyond the payload
            new Bytes().u8(0).u8(0).u16(4 + 8 + 4).u32(1).u8(3).u8(4).u16(2).u32(5).toArray(), // Delete: two SPIs announced, one there
            new Bytes().u8(0).u8(0).u16(4 + 8).u32(1).u8(3).u8(0).u16(0).toArray(),           // Delete with SPI size 0
        };
        int[] firsts = {Isakmp.P_NOTIFY, Isakmp.P_NOTIFY, Isakmp.P_NOTIFY, Isakmp.P_NOTIFY, Isakmp.P_DELETE, Isakmp.P_DELETE};
        for (int i = 0; i < bodies.length; i++) {
            List<Action> did = p.toB(p.informationalWithRawRest(firsts[i], bodies[i]));
            assertEquals(List.of(), p.of(did, Action.Send.class), "case " + i);
            assertEquals(i + 1, p.drops(p.dropsB, DropReason.MALFORMED_PAYLOAD), "case " + i);
        }
        // A ciphertext that is not a whole number of cipher blocks.
        byte[] good = p.informational(List.of(notify(Isakmp.N_DPD_R_U_THERE, p.cookies(), Bytes.of32(1))));
        byte[] cut = Arrays.copyOf(good, good.length - 3);
        IsakmpHeader.parse(good).withLength(Isakmp.P_HASH, Isakmp.FLAG_ENCRYPTION, cut.length).write(cut);
        p.toB(cut);
        assertEquals(bodies.length + 1, p.drops(p.dropsB, DropReason.MALFORMED_PAYLOAD));
        // After all that B still answers a well-formed liveness check: no state was corrupted.
        List<Action> did = p.toB(p.informational(List.of(notify(Isakmp.N_DPD_R_U_THERE, p.cookies(), Bytes.of32(2)))));
        assertEquals(1, notifies(did, p).size());
    }

    @Test
    void shouldActOnAnInformationalMessageOnceAndCountItsRetransmission() {
        V1Pair p = V1Pair.established();
        byte[] m = p.informational(List.of(notify(Isakmp.N_DPD_R_U_THERE, p.cookies(), Bytes.of32(9))));
        assertEquals(1, p.of(p.toB(m), Action.Send.class).size());
        assertEquals(List.of(), p.of(p.toB(m), Action.Send.class), "a replay is not answered again (informational is one-way)");
        assertEquals(1, p.drops(p.dropsB, DropReason.RETRANSMITTED_REQUEST));
        assertEquals(1, p.saB().counters.snapshot().dpdRequestReceived());
    }

    @Test
    void shouldRefuseAnotherExchangeTypeUnderAnInformationalMessageId() {
        V1Pair p = V1Pair.established();
        int mid = p.newMessageId();
        // An Aggressive-mode header, encrypted under the SA's keys: no exchange of that type starts after phase 1.
        byte[] m = p.saA().encryptedWithHash(Isakmp.EXCH_AGGRESSIVE, mid, Bytes.of32(mid),
                List.of(notify(Isakmp.N_DPD_R_U_THERE, p.cookies(), Bytes.of32(1))));
        assertEquals(List.of(), p.of(p.toB(m), Action.Send.class));
        assertEquals(1, p.drops(p.dropsB, DropReason.UNEXPECTED_EXCHANGE));
    }

    @Test
    void shouldReportAnUnknownSpiOnlyOverAnEstablishedSaAndHaveThePeerRekeyIt() {
        V1Pair p = V1Pair.established();
        V1Child childOfA = p.saA().children.getFirst();
        List<Action> out = new java.util.ArrayList<>();
        assertEquals(false, p.b.reportInvalidSpi(java.net.InetAddress.getLoopbackAddress(), childOfA.spiOut, out),
                "no ISAKMP SA with that address: nothing is said unauthenticated");
        assertEquals(List.of(), out);
        // B's data plane lost the SA A sends on: B tells A, under the ISAKMP SA's keys.
        p.collect(false, (now, o) -> assertTrue(p.b.reportInvalidSpi(V1Pair.A, childOfA.spiOut, o)));
        assertEquals(1, p.saB().counters.snapshot().invalidSpiSent());
        p.run();
        assertEquals(1, p.saA().counters.snapshot().invalidSpiReceived());
        var installed = p.of(p.actionsA, Action.InstallChildSa.class);
        assertEquals(childOfA.spiIn, installed.getLast().replacesSpiIn(), "A rekeyed the SA B no longer knows");
        assertEquals(1, p.saA().children.size());
    }

    @Test
    void shouldIgnoreInvalidSpiNotifiesThatNameNoSaOfOurs() {
        V1Pair p = V1Pair.established();
        V1Child childOfB = p.saB().children.getFirst();
        int installs = p.of(p.actionsB, Action.InstallChildSa.class).size();
        // ISAKMP protocol, a short SPI, and an SPI B receives on (not one it sends on).
        p.toB(p.informational(List.of(
                new V1Payload.Notify(Isakmp.DOI_IPSEC, Isakmp.PROTO_ISAKMP, Bytes.of32(childOfB.spiOut), Isakmp.N_INVALID_SPI, new byte[0]),
                new V1Payload.Notify(Isakmp.DOI_IPSEC, Isakmp.PROTO_ESP, new byte[2], Isakmp.N_INVALID_SPI, new byte[0]),
                new V1Payload.Notify(Isakmp.DOI_IPSEC, Isakmp.PROTO_ESP, Bytes.of32(childOfB.spiIn), Isakmp.N_INVALID_SPI, new byte[0]))));
        p.run();
        assertEquals(installs, p.of(p.actionsB, Action.InstallChildSa.class).size(), "no rekey for notifies that name nothing B sends on");
        assertEquals(3, p.saB().counters.snapshot().invalidSpiReceived());
        assertEquals(V1Child.State.INSTALLED, childOfB.state);
    }
}
