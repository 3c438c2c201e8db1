package io.sallyport.gateway.pki;

import static io.sallyport.gateway.pki.PkiVectors.A;
import static io.sallyport.gateway.pki.PkiVectors.B;
import static io.sallyport.gateway.pki.PkiVectors.CLOCK;
import static io.sallyport.gateway.pki.PkiVectors.INTER;
import static io.sallyport.gateway.pki.PkiVectors.bytes;
import static io.sallyport.gateway.pki.PkiVectors.cert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sallyport.ike.Action;
import io.sallyport.ike.Authenticator;
import io.sallyport.ike.ChildProposal;
import io.sallyport.ike.Command;
import io.sallyport.ike.Datagram;
import io.sallyport.ike.Identity;
import io.sallyport.ike.IkeProposal;
import io.sallyport.ike.Kmd;
import io.sallyport.ike.PeerConfig;
import io.sallyport.ike.PskAuthenticator;
import io.sallyport.ike.message.TrafficSelector;
import io.sallyport.pki.Credentials;
import io.sallyport.pki.TrustedCa;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * IKEv1 with RSA signatures (RFC 2409 §5.1), two engines, certificates made by strongSwan's pki
 * tool: main and aggressive mode come up with DN, FQDN and IPv4 identities checked against the
 * certificates; wrong-CA, expired, revoked and wrong-identity peers are refused by either role
 * with the reason in the ISAKMP SA's down reason, and the refused side hears
 * AUTHENTICATION-FAILED. ECDSA (RFC 4754): P-256, P-384 and P-521 keys sign with methods 9, 10
 * and 11 in both modes; ends with different curves agree on no proposal.
 */
class Ikev1CertificateAuthenticationTest {

    private static TrustedCa root() {
        return PkiVectors.rootWithCrl();
    }

    private static CertificateAuthenticator auth(String name) {
        return new CertificateAuthenticator(name, Credentials.privateKey(bytes(name + ".key"), null),
                List.of(cert(name + ".pem"), INTER), true, List.of(root()), List.of(), CLOCK);
    }

    private static PeerConfig peer(InetAddress local, Identity localId, Identity remoteId, Authenticator auth,
                                   PeerConfig.Exchange exchange) {
        boolean a = local.equals(A);
        return new PeerConfig(a ? "b" : "a", local, a ? B : A, localId, remoteId, auth, List.of(IkeProposal.aes256Sha256Group14()),
                List.of(ChildProposal.junosDefault()),
                List.of(TrafficSelector.ofPrefix(a ? "198.18.1.0" : "198.18.2.0", 24)),
                List.of(TrafficSelector.ofPrefix(a ? "198.18.2.0" : "198.18.1.0", 24)),
                PeerConfig.Dpd.off(), true, false, 0, exchange);
    }

    /** A initiates to B; the wire runs until quiet, then retransmissions run out. Returns both sides' actions. */
    private static List<List<Action>> run(PeerConfig forA, PeerConfig forB) {
        Kmd a = new Kmd(SecureRandom::new);
        Kmd b = new Kmd(SecureRandom::new);
        List<Action> outA = new ArrayList<>();
        List<Action> outB = new ArrayList<>();
        Deque<Datagram> wire = new ArrayDeque<>();
        long now = 1_000_000_000L;
        outA.addAll(a.command(now, new Command.AddPeer(forA)));
        outB.addAll(b.command(now, new Command.AddPeer(forB)));
        outA.addAll(a.command(now, new Command.Initiate("b")));
        int seenA = 0;
        int seenB = 0;
        for (int round = 0; round < 200; round++) {
            for (; seenA < outA.size(); seenA++) if (outA.get(seenA) instanceof Action.Send s) wire.add(s.datagram());
            for (; seenB < outB.size(); seenB++) if (outB.get(seenB) instanceof Action.Send s) wire.add(s.datagram());
            Datagram d = wire.poll();
            if (d == null) {
                // Quiet: let timers run (retransmissions end a phase 1 whose peer went silent).
                now = Math.min(a.nextDeadline().orElse(Long.MAX_VALUE), b.nextDeadline().orElse(Long.MAX_VALUE));
                if (now > 1_000_000_000_000L) break;
                outA.addAll(a.tick(now));
                outB.addAll(b.tick(now));
                continue;
            }
            Datagram in = new Datagram(d.remote(), d.local(), d.payload(), d.nonEspMarker());
            if (d.remote().getAddress().equals(B)) outB.addAll(b.handle(now, in));
            else outA.addAll(a.handle(now, in));
        }
        return List.of(outA, outB);
    }

    private static boolean up(List<Action> actions) {
        return actions.stream().anyMatch(x -> x instanceof Action.IkeSaUp);
    }

    private static boolean installed(List<Action> actions) {
        return actions.stream().anyMatch(x -> x instanceof Action.InstallChildSa);
    }

    private static String down(List<Action> actions) {
        return actions.stream().filter(x -> x instanceof Action.IkeSaDown).map(x -> ((Action.IkeSaDown) x).reason())
                .findFirst().orElse("");
    }

    private static String trace(List<Action> actions) {
        return String.join("\n", actions.stream().filter(x -> x instanceof Action.Trace).map(Object::toString).toList());
    }

    @Test
    void mainModeWithDistinguishedNamesBothWays() {
        CertificateAuthenticator gw = auth("gw");
        CertificateAuthenticator peer = auth("peer");
        var r = run(peer(A, gw.distinguishedName(), peer.distinguishedName(), gw, PeerConfig.Exchange.MAIN),
                peer(B, peer.distinguishedName(), gw.distinguishedName(), peer, PeerConfig.Exchange.MAIN));
        assertTrue(up(r.get(0)) && up(r.get(1)), trace(r.get(0)) + "\n" + trace(r.get(1)));
        assertTrue(installed(r.get(0)) && installed(r.get(1)), "quick mode follows under the signed ISAKMP SA");
    }

    @Test
    void fqdnAndIpv4IdentitiesFromSubjectAltNames() {
        var r = run(peer(A, Identity.fqdn("gw.example.net"), null, auth("gw"), PeerConfig.Exchange.MAIN),
                peer(B, Identity.ipv4("192.0.2.2"), Identity.fqdn("gw.example.net"), auth("peer"), PeerConfig.Exchange.MAIN));
        assertTrue(up(r.get(0)) && up(r.get(1)), trace(r.get(1)));
    }

    @Test
    void aggressiveModeWithCertificates() {
        var r = run(peer(A, Identity.fqdn("gw.example.net"), null, auth("gw"), PeerConfig.Exchange.AGGRESSIVE),
                peer(B, Identity.fqdn("peer.example.net"), null, auth("peer"), PeerConfig.Exchange.AGGRESSIVE));
        assertTrue(up(r.get(0)) && up(r.get(1)), trace(r.get(0)) + "\n" + trace(r.get(1)));
        assertTrue(installed(r.get(0)) && installed(r.get(1)));
    }

    /**
     * Issue 10: a dynamic endpoint (an access profile whose {@code ike-policy} signs) answers an
     * IKEv1 main-mode peer it has no configuration for: the certificate proves the peer, and its
     * IPsec SA belongs to the template's instance at the peer's address.
     */
    @Test
    void aDynamicEndpointAuthenticatesAnUnknownPeerByItsCertificateInMainMode() {
        CertificateAuthenticator gw = auth("gw");
        CertificateAuthenticator branch = auth("peer");
        PeerConfig r = peer(B, gw.distinguishedName(), null, gw, PeerConfig.Exchange.MAIN);
        PeerConfig template = new PeerConfig("dep/1", r.localAddress(), InetAddress.ofLiteral("0.0.0.0"), r.localId(), null,
                r.authenticator(), r.ikeProposals(), r.childProposals(), r.localSelectors(), r.remoteSelectors(), r.dpd(),
                r.natTraversal(), false, 0, PeerConfig.Exchange.MAIN);
        var out = run(peer(A, branch.distinguishedName(), gw.distinguishedName(), branch, PeerConfig.Exchange.MAIN), template);
        assertTrue(up(out.get(0)) && installed(out.get(0)), trace(out.get(0)) + "\n" + trace(out.get(1)));
        assertEquals(List.of("dep/1@" + A.getHostAddress()), out.get(1).stream().filter(x -> x instanceof Action.InstallChildSa)
                .map(x -> ((Action.InstallChildSa) x).peer()).toList(), trace(out.get(1)));
    }

    private static void refusedByResponder(String initiatorCert, String reasonStart) {
        CertificateAuthenticator bad = initiatorCert.equals("wrong")
                ? new CertificateAuthenticator("wrong", Credentials.privateKey(bytes("wrong.key"), null), List.of(cert("wrong.pem")),
                        true, List.of(root()), List.of(), CLOCK)
                : auth(initiatorCert);
        var r = run(peer(A, Identity.fqdn(initiatorCert + ".example.net"), null, bad, PeerConfig.Exchange.MAIN),
                peer(B, Identity.fqdn("peer.example.net"), null, auth("peer"), PeerConfig.Exchange.MAIN));
        assertFalse(up(r.get(0)) || up(r.get(1)));
        assertTrue(down(r.get(1)).startsWith("authentication failed: " + reasonStart), down(r.get(1)));
        assertTrue(trace(r.get(1)).contains(reasonStart), trace(r.get(1)));
        assertEquals("authentication failed: peer sent AUTHENTICATION-FAILED", down(r.get(0)));
    }

    @Test
    void wrongCaExpiredRevokedAndWrongIdentityRefusedByTheResponder() {
        refusedByResponder("wrong", "certificate not issued by a trusted CA: issuer CN=Other Root CA");
        refusedByResponder("expired", "certificate expired: CN=expired.example.net");
        refusedByResponder("revoked", "certificate revoked: CN=revoked.example.net");
        var r = run(peer(A, Identity.fqdn("router9.example.net"), null, auth("gw"), PeerConfig.Exchange.MAIN),
                peer(B, Identity.fqdn("peer.example.net"), null, auth("peer"), PeerConfig.Exchange.MAIN));
        assertTrue(down(r.get(1)).startsWith("authentication failed: identity does not match the certificate: ID router9.example.net"),
                down(r.get(1)));
    }

    @Test
    void wrongCaRefusedByTheInitiator() {
        CertificateAuthenticator wrong = new CertificateAuthenticator("wrong", Credentials.privateKey(bytes("wrong.key"), null),
                List.of(cert("wrong.pem")), true, List.of(TrustedCa.withoutRevocation("other", cert("other-root.pem")), root()),
                List.of(), CLOCK);
        var r = run(peer(A, Identity.fqdn("gw.example.net"), null, auth("gw"), PeerConfig.Exchange.MAIN),
                peer(B, Identity.fqdn("wrong.example.net"), null, wrong, PeerConfig.Exchange.MAIN));
        assertFalse(up(r.get(0)), trace(r.get(0)));
        assertTrue(down(r.get(0)).startsWith("authentication failed: certificate not issued by a trusted CA: issuer "
                + "CN=Other Root CA"), down(r.get(0)));
        // The responder had established its side with message 6: the initiator's AUTHENTICATION-FAILED closes it.
        assertEquals("authentication failed: peer sent AUTHENTICATION-FAILED", down(r.get(1)));
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"ec, ec-peer, MAIN", "ec384, ec384-peer, MAIN", "ec521, ec521-peer, MAIN",
            "ec, ec-peer, AGGRESSIVE", "ec384, ec384-peer, AGGRESSIVE"})
    void ecdsaSignaturesInBothModes(String a, String b, PeerConfig.Exchange mode) {
        CertificateAuthenticator gw = auth(a);
        CertificateAuthenticator peer = auth(b);
        assertTrue(gw.signsIkev1());
        int method = switch (a) { case "ec" -> 9; case "ec384" -> 10; default -> 11; };
        assertEquals(method, gw.ikev1SignatureMethod());
        var r = run(peer(A, Identity.fqdn(a + ".example.net"), Identity.fqdn(b + ".example.net"), gw, mode),
                peer(B, Identity.fqdn(b + ".example.net"), Identity.fqdn(a + ".example.net"), peer, mode));
        assertTrue(up(r.get(0)) && up(r.get(1)), trace(r.get(0)) + "\n" + trace(r.get(1)));
        assertTrue(installed(r.get(0)) && installed(r.get(1)), "quick mode follows under the ECDSA-signed ISAKMP SA");
    }

    @Test
    void endsWithDifferentCurvesOrKeyTypesAgreeOnNoProposal() {
        for (String other : List.of("ec384-peer", "peer")) {
            var r = run(peer(A, Identity.fqdn("ec.example.net"), null, auth("ec"), PeerConfig.Exchange.MAIN),
                    peer(B, Identity.fqdn(other + ".example.net"), null, auth(other), PeerConfig.Exchange.MAIN));
            assertFalse(up(r.get(0)) || up(r.get(1)));
            assertTrue(down(r.get(0)).contains("NO-PROPOSAL-CHOSEN"), other + ": " + down(r.get(0)));
        }
    }

    /** A P-256 key (method 9) presenting a P-384 certificate: the peer refuses the certificate for the agreed method. */
    @Test
    void aCertificateWhoseKeyIsNotOfTheAgreedMethodIsRefused() {
        CertificateAuthenticator mismatched = new CertificateAuthenticator("ec", Credentials.privateKey(bytes("ec.key"), null),
                List.of(cert("ec384.pem"), INTER), true, List.of(root()), List.of(), CLOCK);
        var r = run(peer(A, Identity.fqdn("ec384.example.net"), null, mismatched, PeerConfig.Exchange.MAIN),
                peer(B, Identity.fqdn("ec-peer.example.net"), null, auth("ec-peer"), PeerConfig.Exchange.MAIN));
        assertFalse(up(r.get(1)));
        assertEquals("authentication failed: certificate of CN=ec384.example.net,O=Sallyport Test,C=XX has a 384-bit EC key,"
                + " which cannot sign for authentication method ECDSA-256", down(r.get(1)));
    }

    @Test
    void aPreSharedKeyPeerAndACertificatePeerAgreeOnNoProposal() {
        var r = run(peer(A, Identity.fqdn("gw.example.net"), null, auth("gw"), PeerConfig.Exchange.MAIN),
                peer(B, Identity.ipv4("192.0.2.2"), null, PskAuthenticator.ascii("k"), PeerConfig.Exchange.MAIN));
        assertFalse(up(r.get(0)) || up(r.get(1)));
        assertTrue(down(r.get(0)).contains("NO-PROPOSAL-CHOSEN"), down(r.get(0)));
    }
}
