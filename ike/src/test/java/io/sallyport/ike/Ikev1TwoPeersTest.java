package io.sallyport.ike;

import static io.sallyport.ike.TwoPeers.A;
import static io.sallyport.ike.TwoPeers.B;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sallyport.crypto.DhGroup;
import io.sallyport.crypto.EncryptionAlgorithm;
import io.sallyport.crypto.IntegrityAlgorithm;
import io.sallyport.crypto.PrfAlgorithm;
import io.sallyport.ike.message.TrafficSelector;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Two engines speaking IKEv1 main mode and quick mode through the in-memory link with a fake clock. */
class Ikev1TwoPeersTest {

    private static final long SECOND = 1_000_000_000L;

    static PeerConfig v1(String name, java.net.InetAddress local, java.net.InetAddress remote, String psk) {
        return TwoPeers.config(name, local, remote, psk).withExchange(PeerConfig.Exchange.MAIN);
    }

    private static TwoPeers established(PeerConfig forA, PeerConfig forB) {
        var t = new TwoPeers();
        t.addPeers(forA, forB);
        t.commandA(new Command.Initiate("b"));
        t.runQuiet();
        assertUp(t);
        return t;
    }

    private static TwoPeers established() {
        return established(v1("b", A, B, "secret"), v1("a", B, A, "secret"));
    }

    private static void assertUp(TwoPeers t) {
        assertEquals(1, t.of(t.actionsA, Action.IkeSaUp.class).size(), () -> traces(t));
        assertEquals(1, t.of(t.actionsB, Action.IkeSaUp.class).size(), () -> traces(t));
        assertEquals(1, t.planeA.size(), () -> traces(t));
        assertTrue(t.planesMatch(), () -> traces(t));
    }

    static String traces(TwoPeers t) {
        return "A:\n" + t.actionsA.stream().map(Object::toString).collect(Collectors.joining("\n"))
                + "\nB:\n" + t.actionsB.stream().map(Object::toString).collect(Collectors.joining("\n"));
    }

    private static String downReason(List<Action> actions) {
        return actions.stream().filter(a -> a instanceof Action.IkeSaDown).map(a -> ((Action.IkeSaDown) a).reason())
                .findFirst().orElse("");
    }

    /*  Main mode   HDR, SA, VID*                 -->
                                                  <--  HDR, SA, VID*
                    HDR, KE, Ni, NAT-D, NAT-D     -->
                                                  <--  HDR, KE, Nr, NAT-D, NAT-D
                    HDR*, IDii, HASH_I, N(IC)     -->
                                                  <--  HDR*, IDir, HASH_R
        Quick mode  HDR*, HASH(1), SA, Ni, KE, IDci, IDcr  -->
                                                  <--  HDR*, HASH(2), SA, Nr, KE, IDci, IDcr
                    HDR*, HASH(3)                 -->                                       */
    @Test
    void shouldEstablishMainModeAndQuickModeWhenAInitiates() {
        var t = established();
        var up = t.of(t.actionsA, Action.IkeSaUp.class).getFirst();
        assertTrue(up.initiator());
        assertFalse(up.natDetected());
        var install = t.planeA.values().iterator().next();
        assertEquals(EncryptionAlgorithm.AES_128_GCM, install.encryption());
        assertEquals(20, install.encryptionKeyIn().length);
        assertEquals(List.of(TrafficSelector.ofPrefix("198.18.1.0", 24)), install.localSelectors());
        assertEquals(List.of(TrafficSelector.ofPrefix("198.18.2.0", 24)), install.remoteSelectors());
        assertFalse(install.udpEncapsulation());
        assertEquals("Main", t.a.ikeSas().getFirst().exchangeType());
        assertEquals("ESTABLISHED", t.b.ikeSas().getFirst().state());
    }

    @Test
    void shouldEstablishWhenBInitiates() {
        var t = new TwoPeers();
        t.addPeers(v1("b", A, B, "secret"), v1("a", B, A, "secret"));
        t.commandB(new Command.Initiate("a"));
        t.runQuiet();
        assertUp(t);
        assertTrue(t.of(t.actionsB, Action.IkeSaUp.class).getFirst().initiator());
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void shouldEstablishDespiteLossDuplicationAndReordering(long seed) {
        var t = new TwoPeers(seed, seed + 100);
        t.loss = 0.2;
        t.duplicate = 0.2;
        t.reorder = 0.2;
        t.addPeers(v1("b", A, B, "secret"), v1("a", B, A, "secret"));
        t.commandA(new Command.Initiate("b"));
        t.run(60 * SECOND);
        assertUp(t);
    }

    @ParameterizedTest
    @ValueSource(strings = {"3des-cbc/sha1/group2", "des-cbc/md5/group1", "aes-128-cbc/sha-256/group5",
            "aes-192-cbc/sha-384/group14", "aes-256-cbc/sha-512/group19", "aes-256-cbc/sha1/group20",
            "aes-128-cbc/sha1/group24", "3des-cbc/sha-256/group15", "aes-256-cbc/sha-256/group21"})
    void shouldNegotiateEveryJunosIkeAlgorithmAndGroup(String spec) {
        String[] s = spec.split("/");
        var integ = IntegrityAlgorithm.fromKeyword(s[1]).orElseThrow();
        var ike = new IkeProposal(EncryptionAlgorithm.fromKeyword(s[0]).orElseThrow(), integ, integ.matchingPrf(),
                DhGroup.fromKeyword(s[2]).orElseThrow(), 3600);
        var t = established(v1("b", A, B, "k").withIkeProposals(List.of(ike)), v1("a", B, A, "k").withIkeProposals(List.of(ike)));
        assertEquals(ike.encryption(), t.of(t.actionsB, Action.IkeSaUp.class).getFirst().encryption());
    }

    @ParameterizedTest
    @ValueSource(strings = {"3des-cbc/hmac-sha1-96/none", "aes-128-cbc/hmac-md5-96/group2", "aes-256-cbc/hmac-sha-256-128/group14",
            "aes-192-cbc/hmac-sha-384-192/group5", "aes-256-gcm/none/group19", "des-cbc/hmac-sha-512-256/none",
            "aes-192-gcm/none/none"})
    void shouldNegotiateEspAlgorithmsWithAndWithoutPfs(String spec) {
        String[] s = spec.split("/");
        var enc = EncryptionAlgorithm.fromKeyword(s[0]).orElseThrow();
        var integ = s[1].equals("none") ? null : IntegrityAlgorithm.fromKeyword(s[1]).orElseThrow();
        var pfs = s[2].equals("none") ? null : DhGroup.fromKeyword(s[2]).orElseThrow();
        var child = List.of(new ChildProposal(enc, integ, pfs, 28800));
        var t = established(v1("b", A, B, "k").withChildProposals(child), v1("a", B, A, "k").withChildProposals(child));
        var install = t.planeA.values().iterator().next();
        assertEquals(enc, install.encryption());
        assertEquals(integ, install.integrity());
        assertEquals(enc.keyMaterialSize(), install.encryptionKeyIn().length);
        assertEquals(integ == null ? 0 : integ.keySize(), install.integrityKeyOut().length);
    }

    @Test
    void shouldNegotiateJunosDefaultProposals() {
        var t = established(v1("b", A, B, "k").withIkeProposals(List.of(IkeProposal.junosDefault()))
                        .withChildProposals(List.of(ChildProposal.junosDefault())),
                v1("a", B, A, "k").withIkeProposals(List.of(IkeProposal.junosDefault()))
                        .withChildProposals(List.of(ChildProposal.junosDefault())));
        assertEquals(EncryptionAlgorithm.TRIPLE_DES_CBC, t.planeB.values().iterator().next().encryption());
    }

    @Test
    void shouldFailOnPreSharedKeyMismatchWithoutAnySa() {
        var t = new TwoPeers();
        t.addPeers(v1("b", A, B, "one"), v1("a", B, A, "two"));
        t.commandA(new Command.Initiate("b"));
        t.run(120 * SECOND);
        assertTrue(t.of(t.actionsA, Action.IkeSaUp.class).isEmpty());
        assertTrue(t.of(t.actionsB, Action.IkeSaUp.class).isEmpty());
        assertTrue(downReason(t.actionsA).startsWith("no response"), () -> traces(t));
        assertTrue(t.b.drops().get(DropReason.MALFORMED_PAYLOAD) + t.b.drops().get(DropReason.INTEGRITY_FAILED) > 0);
        assertEquals(0, t.a.liveSaCount());
        assertEquals(0, t.b.liveSaCount());
    }

    @Test
    void shouldFailFastOnProposalMismatch() {
        var other = new IkeProposal(EncryptionAlgorithm.AES_128_CBC, IntegrityAlgorithm.HMAC_SHA1_96,
                IntegrityAlgorithm.HMAC_SHA1_96.matchingPrf(), DhGroup.GROUP2, 3600);
        var t = new TwoPeers();
        t.addPeers(v1("b", A, B, "k"), v1("a", B, A, "k").withIkeProposals(List.of(other)));
        t.commandA(new Command.Initiate("b"));
        t.run(2 * SECOND);
        assertTrue(downReason(t.actionsA).startsWith("proposal mismatch"), () -> traces(t) + t.b.drops());
        assertTrue(downReason(t.actionsB).startsWith("proposal mismatch"), () -> traces(t));
        assertEquals(0, t.a.liveSaCount());
    }

    @Test
    void shouldRefuseProxyIdsOutsideTheConfiguration() {
        var t = new TwoPeers();
        var narrow = v1("a", B, A, "k");
        narrow = new PeerConfig(narrow.name(), B, A, narrow.localId(), narrow.remoteId(), narrow.authenticator(),
                narrow.ikeProposals(), narrow.childProposals(), narrow.localSelectors(),
                List.of(TrafficSelector.ofPrefix("198.18.1.0", 25)), narrow.dpd(), true, false, 0, PeerConfig.Exchange.MAIN);
        var wide = v1("b", A, B, "k");
        // A establishes immediately: after a refused quick mode it tries again, as after any failed one.
        wide = new PeerConfig(wide.name(), A, B, wide.localId(), wide.remoteId(), wide.authenticator(), wide.ikeProposals(),
                wide.childProposals(), wide.localSelectors(), wide.remoteSelectors(), wide.dpd(), true, true, 0, PeerConfig.Exchange.MAIN);
        t.addPeers(wide, narrow);
        t.run(60 * SECOND);
        assertEquals(1, t.of(t.actionsA, Action.IkeSaUp.class).size());
        assertTrue(t.planeA.isEmpty() && t.planeB.isEmpty(), () -> traces(t));
        // Phase 2 refused, not phase 1 (RFC 2409 §5.5): A's ISAKMP SA stays, each quick mode fails with B's reason.
        assertEquals(List.of(), t.of(t.actionsA, Action.IkeSaDown.class), () -> traces(t));
        assertEquals("ESTABLISHED", t.a.ikeSas().getFirst().state());
        var refused = t.of(t.actionsA, Action.ChildRefused.class);
        assertTrue(refused.size() > 1, () -> "tried again: " + traces(t));
        assertTrue(refused.size() <= 60 * SECOND / KmdOptions.defaults().reconnectNanos() + 1, () -> "not at once: " + traces(t));
        assertEquals(Action.RefusedBy.PEER, refused.getFirst().refusedBy());
        assertEquals("b", refused.getFirst().peer());
        assertEquals("identity or proxy ID unacceptable: peer sent INVALID-ID-INFORMATION", refused.getFirst().reason());
    }

    @Test
    void shouldDeleteIpsecSaBothWays() {
        var t = established();
        int spi = t.planeA.keySet().iterator().next();
        t.commandA(new Command.DeleteChildSa(spi));
        t.runQuiet();
        assertTrue(t.planeA.isEmpty());
        assertTrue(t.planeB.isEmpty(), () -> traces(t));
        // A quick mode on the same ISAKMP SA brings it back; then B deletes it.
        t.commandA(new Command.Initiate("b"));
        t.runQuiet();
        assertEquals(1, t.planeB.size(), () -> traces(t));
        t.commandB(new Command.DeleteChildSa(t.planeB.keySet().iterator().next()));
        t.runQuiet();
        assertTrue(t.planeA.isEmpty(), () -> traces(t));
        assertEquals(1, t.of(t.actionsA, Action.IkeSaUp.class).size());
    }

    @Test
    void shouldDeleteIsakmpSaBothWays() {
        var t = established();
        t.commandB(new Command.DeleteIkeSa("a"));
        t.runQuiet();
        assertEquals(0, t.a.liveSaCount(), () -> traces(t));
        assertEquals(0, t.b.liveSaCount());
        assertTrue(t.planeA.isEmpty() && t.planeB.isEmpty());
        assertTrue(downReason(t.actionsA).startsWith("deleted"), () -> traces(t));
        assertFalse(t.a.nextDeadline().isPresent(), "no deadline left behind");

        var u = established();
        u.commandA(new Command.DeleteIkeSa("b"));
        u.runQuiet();
        assertEquals(0, u.b.liveSaCount(), () -> traces(u));
        assertTrue(u.planeB.isEmpty());
    }

    @Test
    void shouldRekeyIpsecSaMakeBeforeBreak() {
        var t = established();
        int old = t.planeA.keySet().iterator().next();
        t.commandA(new Command.RekeyChildSa(old));
        t.runQuiet();
        assertEquals(1, t.planeA.size(), () -> traces(t));
        assertTrue(t.planesMatch());
        assertNotEquals(old, t.planeA.keySet().iterator().next());
        var installs = t.of(t.actionsA, Action.InstallChildSa.class);
        var deletes = t.of(t.actionsA, Action.DeleteChildSa.class);
        assertEquals(old, installs.getLast().replacesSpiIn());
        assertTrue(t.actionsA.indexOf(installs.getLast()) < t.actionsA.indexOf(deletes.getFirst()), "install before delete");
    }

    @Test
    void shouldRekeyBothPhasesBeforeExpiryAndKeepOneSaPair() {
        var ike = new IkeProposal(EncryptionAlgorithm.AES_128_CBC, IntegrityAlgorithm.HMAC_SHA1_96,
                IntegrityAlgorithm.HMAC_SHA1_96.matchingPrf(), DhGroup.GROUP14, 300);
        var child = List.of(new ChildProposal(EncryptionAlgorithm.AES_128_CBC, IntegrityAlgorithm.HMAC_SHA1_96, DhGroup.GROUP14, 120));
        var t = established(v1("b", A, B, "k").withIkeProposals(List.of(ike)).withChildProposals(child),
                v1("a", B, A, "k").withIkeProposals(List.of(ike)).withChildProposals(child));
        for (int i = 0; i < 20; i++) {
            t.run(60 * SECOND);
            assertFalse(t.planeA.isEmpty(), () -> "no IPsec SA at minute " + traces(t));
            assertTrue(t.planesMatch(), () -> traces(t));
        }
        assertTrue(t.of(t.actionsA, Action.InstallChildSa.class).size() > 10);
        assertTrue(t.of(t.actionsA, Action.IkeSaUp.class).size() > 2, () -> traces(t));
        assertEquals(1, t.a.ikeSas().stream().filter(s -> s.state().equals("ESTABLISHED")).count(), () -> traces(t));
        assertEquals(1, t.planeA.size(), () -> traces(t));
    }

    @Test
    void shouldUseResponderLifetimeWhenTheResponderIsShorter() {
        var longer = List.of(new ChildProposal(EncryptionAlgorithm.AES_128_GCM, null, DhGroup.GROUP14, 28800));
        var shorter = List.of(new ChildProposal(EncryptionAlgorithm.AES_128_GCM, null, DhGroup.GROUP14, 3600));
        var t = established(v1("b", A, B, "k").withChildProposals(longer), v1("a", B, A, "k").withChildProposals(shorter));
        assertEquals(3600, t.planeA.values().iterator().next().lifetime().hardSeconds());
        assertEquals(3600, t.planeB.values().iterator().next().lifetime().hardSeconds());
    }

    @Test
    void shouldDetectDeadPeer() {
        var dpd = new PeerConfig.Dpd(true, 10, 3);
        var forA = v1("b", A, B, "k");
        forA = new PeerConfig("b", A, B, forA.localId(), forA.remoteId(), forA.authenticator(), forA.ikeProposals(),
                forA.childProposals(), forA.localSelectors(), forA.remoteSelectors(), dpd, true, false, 0, PeerConfig.Exchange.MAIN);
        var t = established(forA, v1("a", B, A, "k"));
        t.run(60 * SECOND);
        assertEquals(1, t.a.liveSaCount(), () -> "DPD answered, SA stays\n" + traces(t));
        t.dropFilter = d -> d.remote().getAddress().equals(B);
        t.run(120 * SECOND);
        assertTrue(downReason(t.actionsA).startsWith("no response (dead peer detected)"), () -> traces(t));
        assertTrue(t.planeA.isEmpty());
    }

    /**
     * {@code show services ipsec-vpn ike statistics} for IKEv1: main mode is three messages each
     * way, quick mode two out and one in for its initiator (the mirror for the responder), DPD
     * requests and their ACKs are counted at both ends, and a missed ACK counts once the next
     * R-U-THERE goes out unanswered.
     */
    @Test
    void shouldCountExchangesAndPayloadsForShowIkeStatistics() {
        var dpd = new PeerConfig.Dpd(true, 10, 3);
        var forA = v1("b", A, B, "k");
        forA = new PeerConfig("b", A, B, forA.localId(), forA.remoteId(), forA.authenticator(), forA.ikeProposals(),
                forA.childProposals(), forA.localSelectors(), forA.remoteSelectors(), dpd, true, false, 0, PeerConfig.Exchange.MAIN);
        var t = established(forA, v1("a", B, A, "k"));
        IkeSaCounters a = t.a.ikeSas().getFirst().counters();
        IkeSaCounters b = t.b.ikeSas().getFirst().counters();
        assertEquals(List.of(new IkeSaCounters.Exchange("Main", 3, 3, 0), new IkeSaCounters.Exchange("Quick", 1, 2, 0)), a.exchanges());
        assertEquals(List.of(new IkeSaCounters.Exchange("Main", 3, 3, 0), new IkeSaCounters.Exchange("Quick", 2, 1, 0)), b.exchanges());
        t.run(35 * SECOND); // quiet for over 3 DPD intervals: A asks each time, B answers
        a = t.a.ikeSas().getFirst().counters();
        b = t.b.ikeSas().getFirst().counters();
        assertTrue(a.dpdRequestSent() >= 2, a::toString);
        assertEquals(a.dpdRequestSent(), b.dpdRequestReceived());
        assertEquals(b.dpdResponseSent(), a.dpdResponseReceived());
        assertEquals(a.dpdRequestSent(), a.dpdResponseReceived());
        assertEquals(0, a.dpdResponseMissed());
        t.dropFilter = d -> d.remote().getAddress().equals(B);
        t.run(25 * SECOND);
        a = t.a.ikeSas().getFirst().counters();
        assertTrue(a.dpdResponseMissed() >= 1, a::toString);
        t.dropFilter = d -> false;
        t.commandA(new Command.DeleteIkeSa("b"));
        t.runQuiet();
        assertTrue(t.b.ikeSas().isEmpty(), "B took A's Delete");
    }

    /**
     * INVALID-SPI (RFC 2408 §3.14.1): B's data plane lost the IPsec SA that A sends on, so ESP from
     * A is unknown there. B's kmd tells A in a protected informational; A replaces that SA with a
     * new quick mode (make before break) and deletes the old pair at both ends. An SPI A does not
     * send on is counted and changes nothing; with no ISAKMP SA towards the sender nothing is sent.
     */
    @Test
    void shouldReportInvalidSpiAndRenegotiateTheSaThePeerLost() {
        var t = established();
        var ia = t.planeA.values().iterator().next();
        t.commandB(new Command.ReportInvalidSpi(A, 0x0badc0de));
        t.runQuiet();
        assertEquals(1, t.b.ikeSas().getFirst().counters().invalidSpiSent());
        assertEquals(1, t.a.ikeSas().getFirst().counters().invalidSpiReceived(), () -> traces(t));
        assertEquals(java.util.Set.of(ia.spiIn()), t.planeA.keySet(), "an SPI A does not send on changes nothing");

        t.planeB.clear();
        t.commandB(new Command.ReportInvalidSpi(A, ia.spiOut()));
        t.runQuiet();
        assertTrue(t.actionsA.stream().anyMatch(x -> x instanceof Action.Trace tr
                && tr.text().contains(String.format("reported INVALID-SPI %08x", ia.spiOut()))), () -> traces(t));
        assertEquals(1, t.planeA.size(), () -> traces(t));
        var fresh = t.planeA.values().iterator().next();
        assertNotEquals(ia.spiOut(), fresh.spiOut());
        assertEquals(ia.spiIn(), fresh.replacesSpiIn(), "a new quick mode for the same selectors");
        assertEquals(1, t.planeB.size(), () -> traces(t));
        assertTrue(t.planesMatch(), () -> traces(t));
        assertEquals(List.of(fresh.spiIn()), t.a.ikeSas().getFirst().childSpisIn());
        assertEquals(List.of(fresh.spiOut()), t.b.ikeSas().getFirst().childSpisIn(), "B's kmd forgot the old pair too");
        assertEquals(1, t.of(t.actionsA, Action.IkeSaUp.class).size(), "the ISAKMP SA stays");

        t.commandB(new Command.DeleteIkeSa("a"));
        t.runQuiet();
        int before = t.actionsB.size();
        t.commandB(new Command.ReportInvalidSpi(A, fresh.spiOut()));
        assertTrue(t.actionsB.subList(before, t.actionsB.size()).stream().noneMatch(x -> x instanceof Action.Send),
                "no ISAKMP SA: the peer is told nothing unauthenticated");
    }

    /**
     * A's NAT loses its mapping and makes a new one: B (not behind a NAT) moves the ISAKMP SA and
     * each IPsec SA's ESP in UDP to the new port on A's next authenticated message (its DPD
     * R-U-THERE), as IKEv2 does.
     */
    @Test
    void ipsecSasFollowThePeerWhenItsNatMappingChanges() {
        var t = new TwoPeers();
        t.natA = true;
        var plainA = v1("b", A, B, "k");
        var forA = new PeerConfig("b", A, B, plainA.localId(), plainA.remoteId(), plainA.authenticator(), plainA.ikeProposals(),
                plainA.childProposals(), plainA.localSelectors(), plainA.remoteSelectors(), new PeerConfig.Dpd(true, 10, 5),
                true, false, 0, PeerConfig.Exchange.MAIN);
        var plain = v1("a", B, TwoPeers.NAT, "k");
        var forB = new PeerConfig("a", B, TwoPeers.NAT, plain.localId(), Identity.ipv4("192.0.2.1"), plain.authenticator(),
                plain.ikeProposals(), plain.childProposals(), plain.localSelectors(), plain.remoteSelectors(), new PeerConfig.Dpd(true, 10, 5),
                true, false, 0, PeerConfig.Exchange.MAIN);
        t.addPeers(forA, forB);
        t.commandA(new Command.Initiate("b"));
        t.runQuiet();
        assertUp(t);
        var ib = t.planeB.values().iterator().next();
        assertEquals(new InetSocketAddress(TwoPeers.NAT, 14500), ib.remote());
        t.natPortOffset = 20000;   // the NAT lost A's mapping: A's datagrams now come from port 24500
        t.run(11 * SECOND);        // A's R-U-THERE, an authenticated informational, comes through the new mapping
        assertEquals(List.of(new Action.ChildSaMoved("a", ib.spiIn(), ib.spiOut(), new InetSocketAddress(TwoPeers.NAT, 24500))),
                t.of(t.actionsB, Action.ChildSaMoved.class));
        assertEquals(List.of(), t.of(t.actionsA, Action.ChildSaMoved.class), "A is behind the NAT: it follows nobody");
        assertEquals(1, t.a.liveSaCount(), "A's DPD was answered through the new mapping");
    }

    @Test
    void authenticatedEspFromANewMappingMovesTheIsakmpSaOnlyOnTheSideNotBehindTheNat() {
        var t = new TwoPeers();
        t.natA = true;
        var plain = v1("a", B, TwoPeers.NAT, "k");
        var forB = new PeerConfig("a", B, TwoPeers.NAT, plain.localId(), Identity.ipv4("192.0.2.1"), plain.authenticator(),
                plain.ikeProposals(), plain.childProposals(), plain.localSelectors(), plain.remoteSelectors(), plain.dpd(),
                true, false, 0, PeerConfig.Exchange.MAIN);
        t.addPeers(v1("b", A, B, "k"), forB);
        t.commandA(new Command.Initiate("b"));
        t.runQuiet();
        assertUp(t);
        var ib = t.planeB.values().iterator().next();
        var ia = t.planeA.values().iterator().next();
        assertTrue(ib.followPeerOnEsp(), "B is not behind the NAT, A is: B follows");
        assertFalse(ia.followPeerOnEsp(), "A is behind the NAT: it must not follow");
        var rebound = new InetSocketAddress(TwoPeers.NAT, 24500);
        t.natPortOffset = 20000;   // no DPD: A's ESP alone tells B of the new mapping
        t.commandB(new Command.FollowPeer(ib.spiIn(), rebound));
        assertEquals(List.of(new Action.ChildSaMoved("a", ib.spiIn(), ib.spiOut(), rebound)),
                t.of(t.actionsB, Action.ChildSaMoved.class));
        int sentByB = t.of(t.actionsB, Action.Send.class).size();
        t.commandB(new Command.RekeyChildSa(ib.spiIn()));
        var sent = t.of(t.actionsB, Action.Send.class);
        assertTrue(sent.size() > sentByB, "B's quick mode");
        assertEquals(rebound, sent.get(sentByB).datagram().remote(), "the ISAKMP SA follows too, on the NAT-T port");
        assertTrue(sent.get(sentByB).datagram().nonEspMarker());
        t.runQuiet();
        assertTrue(t.planesMatch(), "the quick mode through the new mapping completed");

        t.commandA(new Command.FollowPeer(ia.spiIn(), new InetSocketAddress(B, 14000)));
        assertEquals(List.of(), t.of(t.actionsA, Action.ChildSaMoved.class), "behind the NAT: nothing moves");
    }

    /** An IPsec SA kept past its expired ISAKMP SA (RFC 2409 §5.5) follows the peer's authenticated ESP too. */
    @Test
    void aKeptIpsecSaOfAnExpiredIsakmpSaFollowsThePeersEsp() {
        var t = new TwoPeers();
        t.natA = true;
        var tenMinutes = List.of(new IkeProposal(EncryptionAlgorithm.AES_256_CBC, IntegrityAlgorithm.HMAC_SHA_256_128,
                PrfAlgorithm.HMAC_SHA2_256, DhGroup.GROUP14, 600));
        var plain = v1("a", B, TwoPeers.NAT, "k");
        var forB = new PeerConfig("a", B, TwoPeers.NAT, plain.localId(), Identity.ipv4("192.0.2.1"), plain.authenticator(),
                tenMinutes, plain.childProposals(), plain.localSelectors(), plain.remoteSelectors(), plain.dpd(),
                true, false, 0, PeerConfig.Exchange.MAIN);
        t.addPeers(v1("b", A, B, "k").withIkeProposals(tenMinutes), forB);
        t.commandA(new Command.Initiate("b"));
        t.runQuiet();
        assertUp(t);
        var ib = t.planeB.values().iterator().next();
        t.dropFilter = d -> true;   // the link is down through both ends' re-authentication and the expiry
        t.run(700 * SECOND);
        assertTrue(t.of(t.actionsB, Action.IkeSaDown.class).stream().anyMatch(d -> d.cause() == DownCause.EXPIRED),
                t.actionsB.toString());
        assertTrue(t.of(t.actionsB, Action.DeleteChildSa.class).isEmpty(), "the IPsec SA is kept");

        var rebound = new InetSocketAddress(TwoPeers.NAT, 24500);
        t.commandB(new Command.FollowPeer(ib.spiIn(), rebound));
        assertEquals(List.of(new Action.ChildSaMoved("a", ib.spiIn(), ib.spiOut(), rebound)),
                t.of(t.actionsB, Action.ChildSaMoved.class));
    }

    @Test
    void shouldTraverseNatOnPort4500() {
        var t = new TwoPeers();
        t.natA = true;
        var plain = v1("a", B, TwoPeers.NAT, "k");
        var forB = new PeerConfig("a", B, TwoPeers.NAT, plain.localId(), Identity.ipv4("192.0.2.1"), plain.authenticator(),
                plain.ikeProposals(), plain.childProposals(), plain.localSelectors(), plain.remoteSelectors(), plain.dpd(),
                true, false, 0, PeerConfig.Exchange.MAIN);
        t.addPeers(v1("b", A, B, "k"), forB);
        t.commandA(new Command.Initiate("b"));
        t.runQuiet();
        assertUp(t);
        assertTrue(t.of(t.actionsA, Action.IkeSaUp.class).getFirst().natDetected());
        var install = t.planeB.values().iterator().next();
        assertTrue(install.udpEncapsulation());
        assertEquals(new InetSocketAddress(TwoPeers.NAT, 14500), install.remote());
        assertEquals(4500, t.planeA.values().iterator().next().remote().getPort());
        t.run(60 * SECOND);
        assertTrue(t.actionsA.stream().anyMatch(a -> a instanceof Action.Send s && Datagram.isKeepalive(s.datagram().payload())),
                "keepalives from behind the NAT");
    }

    @Test
    void shouldHonourInitialContactAfterARestart() {
        var t = established();
        t.restartA(99, v1("b", A, B, "secret"));
        t.commandA(new Command.Initiate("b"));
        t.runQuiet();
        assertEquals(1, t.b.liveSaCount(), () -> traces(t));
        assertEquals(1, t.planeB.size(), () -> traces(t));
        assertTrue(t.planesMatch());
    }

    @Test
    void shouldRunIkev1AndIkev2PeersInOneEngine() {
        var t = new TwoPeers();
        t.addPeers(v1("b", A, B, "k"), v1("a", B, A, "k"));
        var c = TwoPeers.addr("192.0.2.3");
        var v2 = new PeerConfig("c", A, c, Identity.ipv4("192.0.2.1"), Identity.ipv4("192.0.2.3"), PskAuthenticator.ascii("k"),
                List.of(IkeProposal.aes256Sha256Group14()), List.of(ChildProposal.junosDefault()), List.of(), List.of(),
                PeerConfig.Dpd.off(), true, false);
        t.commandA(new Command.AddPeer(v2));
        t.commandA(new Command.Initiate("b"));
        t.commandA(new Command.Initiate("c"));
        t.runQuiet();
        assertUp(t);
        assertEquals(2, t.a.ikeSas().size(), "one IKEv1 SA up and one IKEv2 SA connecting");
        assertEquals(List.of("IKEv2", "Main"), t.a.ikeSas().stream().map(Kmd.IkeSaView::exchangeType).sorted().toList());
    }

    /**
     * Both ends initiate main mode at once: two ISAKMP SAs come up side by side, and both ends keep
     * the same one (the lower cookies) and delete the other with its IPsec SAs: one ISAKMP SA and
     * one IPsec SA pair are left, under loss, duplication and reordering too. The duplicate's
     * IkeSaDown never names the SA the tunnel keeps, and the last IkeSaUp at each end names it.
     */
    @ParameterizedTest
    @ValueSource(longs = {0, 1, 2, 3, 4, 5})
    void shouldSettleOnOneIsakmpSaWhenBothEndsInitiateAtOnce(long seed) {
        var t = seed == 0 ? new TwoPeers() : new TwoPeers(seed, seed + 50);
        if (seed != 0) {
            t.loss = 0.1;
            t.duplicate = 0.1;
            t.reorder = 0.2;
        }
        t.addPeers(immediate(v1("b", A, B, "k")), immediate(v1("a", B, A, "k")));
        t.run(60 * SECOND);
        assertEquals(1, t.a.ikeSas().size(), () -> traces(t));
        assertEquals(1, t.b.ikeSas().size(), () -> traces(t));
        IkeSaId kept = t.a.ikeSas().getFirst().id();
        assertEquals(kept, t.b.ikeSas().getFirst().id(), "both ends keep the same ISAKMP SA");
        assertTrue(t.a.ikeSas().stream().allMatch(s -> s.state().equals("ESTABLISHED")), () -> traces(t));
        assertEquals(1, t.planeA.size(), () -> traces(t));
        assertTrue(t.planesMatch(), () -> traces(t));
        assertEquals(t.planeA.keySet().stream().toList(), t.a.ikeSas().getFirst().childSpisIn());
        for (List<Action> side : List.of(t.actionsA, t.actionsB)) {
            assertEquals(kept, t.of(side, Action.IkeSaUp.class).getLast().ikeSa(), () -> traces(t));
            assertTrue(t.of(side, Action.IkeSaDown.class).stream().noneMatch(d -> d.ikeSa().equals(kept)), () -> traces(t));
        }
        if (seed == 0) {
            assertTrue(t.actionsA.stream().anyMatch(x -> x instanceof Action.Trace tr && tr.text().contains("(both ends initiated)")),
                    () -> traces(t));
        }
        t.run(60 * SECOND);
        assertEquals(1, t.a.ikeSas().size(), "settled, nothing more happens");
        assertEquals(1, t.planeA.size());
    }

    private static PeerConfig aggressive(PeerConfig p) { return p.withExchange(PeerConfig.Exchange.AGGRESSIVE); }

    @Test
    void shouldEstablishAggressiveModeEitherWay() {
        var t = established(aggressive(v1("b", A, B, "k")), aggressive(v1("a", B, A, "k")));
        assertEquals("Aggressive", t.a.ikeSas().getFirst().exchangeType());
        var u = new TwoPeers();
        u.loss = 0.2;
        u.duplicate = 0.2;
        u.addPeers(aggressive(v1("b", A, B, "k")), aggressive(v1("a", B, A, "k")));
        u.commandB(new Command.Initiate("a"));
        u.run(60 * SECOND);
        assertUp(u);
    }

    @Test
    void shouldTraverseNatInAggressiveMode() {
        var t = new TwoPeers();
        t.natA = true;
        var plain = v1("a", B, TwoPeers.NAT, "k");
        var forB = new PeerConfig("a", B, TwoPeers.NAT, plain.localId(), Identity.ipv4("192.0.2.1"), plain.authenticator(),
                plain.ikeProposals(), plain.childProposals(), plain.localSelectors(), plain.remoteSelectors(), plain.dpd(),
                true, false, 0, PeerConfig.Exchange.AGGRESSIVE);
        t.addPeers(aggressive(v1("b", A, B, "k")), forB);
        t.commandA(new Command.Initiate("b"));
        t.runQuiet();
        assertUp(t);
        assertTrue(t.planeB.values().iterator().next().udpEncapsulation());
    }

    @Test
    void shouldFailAggressiveModeOnKeyMismatchAtTheInitiator() {
        var t = new TwoPeers();
        t.addPeers(aggressive(v1("b", A, B, "one")), aggressive(v1("a", B, A, "two")));
        t.commandA(new Command.Initiate("b"));
        t.run(60 * SECOND);
        assertTrue(downReason(t.actionsA).startsWith("authentication failed"), () -> traces(t));
        assertTrue(t.of(t.actionsB, Action.IkeSaUp.class).isEmpty());
    }

    @Test
    void shouldLeaveNatTraversalOutWithDisableNatt() {
        var t = new TwoPeers();
        t.addPeers(noNatt(v1("b", A, B, "k")), noNatt(v1("a", B, A, "k")));
        t.commandA(new Command.Initiate("b"));
        t.runQuiet();
        assertUp(t);
        assertFalse(t.planeA.values().iterator().next().udpEncapsulation());
        assertTrue(t.of(t.actionsA, Action.Send.class).stream().allMatch(s -> s.datagram().remote().getPort() == 500
                && !s.datagram().nonEspMarker()), "everything on port 500");
    }

    private static PeerConfig noNatt(PeerConfig p) {
        return new PeerConfig(p.name(), p.localAddress(), p.remoteAddress(), p.localId(), p.remoteId(), p.authenticator(),
                p.ikeProposals(), p.childProposals(), p.localSelectors(), p.remoteSelectors(), p.dpd(), false, false, 0,
                PeerConfig.Exchange.MAIN);
    }

    private static PeerConfig immediate(PeerConfig p) {
        return new PeerConfig(p.name(), p.localAddress(), p.remoteAddress(), p.localId(), p.remoteId(), p.authenticator(),
                p.ikeProposals(), p.childProposals(), p.localSelectors(), p.remoteSelectors(), p.dpd(), true, true, 0,
                PeerConfig.Exchange.MAIN);
    }
}
