package io.sallyport.gateway.pki;

import static io.sallyport.gateway.pki.PkiVectors.A;
import static io.sallyport.gateway.pki.PkiVectors.B;
import static io.sallyport.gateway.pki.PkiVectors.CLOCK;
import static io.sallyport.gateway.pki.PkiVectors.INTER;
import static io.sallyport.gateway.pki.PkiVectors.ROOT;
import static io.sallyport.gateway.pki.PkiVectors.bytes;
import static io.sallyport.gateway.pki.PkiVectors.cert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sallyport.crypto.DhGroup;
import io.sallyport.crypto.EncryptionAlgorithm;
import io.sallyport.ike.Action;
import io.sallyport.ike.ChildProposal;
import io.sallyport.ike.Command;
import io.sallyport.ike.Datagram;
import io.sallyport.ike.Identity;
import io.sallyport.ike.IkeProposal;
import io.sallyport.ike.Kmd;
import io.sallyport.ike.PeerConfig;
import io.sallyport.ike.message.TrafficSelector;
import io.sallyport.pki.Credentials;
import io.sallyport.pki.DistinguishedNamePattern;
import io.sallyport.pki.TrustedCa;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Two IKE engines authenticate each other with certificates made by strongSwan's pki tool (an RSA
 * and an ECDSA end entity under an intermediate CA), and refuse expired, revoked, wrong-CA and
 * wrong-identity peers with the reason in the IKE SA's down reason.
 */
class CertificateAuthenticationTest {

    private static TrustedCa root(boolean crl) {
        return crl ? PkiVectors.rootWithCrl()
                : TrustedCa.withoutRevocation("root", ROOT);
    }

    private static CertificateAuthenticator auth(String name, boolean sendChain, TrustedCa trusted) {
        return new CertificateAuthenticator(name, Credentials.privateKey(bytes(name + ".key"), null),
                List.of(cert(name + ".pem"), INTER), sendChain, List.of(trusted), List.of(), CLOCK);
    }

    private static PeerConfig peer(InetAddress local, InetAddress remote, Identity localId, Identity remoteId,
            CertificateAuthenticator auth) {
        boolean a = local.equals(A);
        return new PeerConfig(a ? "b" : "a", local, remote, localId, remoteId, auth, List.of(IkeProposal.aes256Sha256Group14()),
                List.of(new ChildProposal(EncryptionAlgorithm.AES_128_GCM, null, DhGroup.GROUP14, 3600)),
                List.of(TrafficSelector.ofPrefix(a ? "198.18.1.0" : "198.18.2.0", 24)),
                List.of(TrafficSelector.ofPrefix(a ? "198.18.2.0" : "198.18.1.0", 24)),
                PeerConfig.Dpd.off(), true, false);
    }

    /** Runs A initiating to B until the wire is quiet; returns both sides' actions. */
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
        for (int round = 0; round < 50; round++) {
            for (; seenA < outA.size(); seenA++) if (outA.get(seenA) instanceof Action.Send s) wire.add(s.datagram());
            for (; seenB < outB.size(); seenB++) if (outB.get(seenB) instanceof Action.Send s) wire.add(s.datagram());
            Datagram d = wire.poll();
            if (d == null) break;
            Datagram in = new Datagram(d.remote(), d.local(), d.payload(), d.nonEspMarker());
            if (d.remote().getAddress().equals(B)) outB.addAll(b.handle(now, in));
            else outA.addAll(a.handle(now, in));
        }
        return List.of(outA, outB);
    }

    private static boolean up(List<Action> actions) {
        return actions.stream().anyMatch(x -> x instanceof Action.IkeSaUp);
    }

    private static String down(List<Action> actions) {
        return actions.stream().filter(x -> x instanceof Action.IkeSaDown).map(x -> ((Action.IkeSaDown) x).reason())
                .findFirst().orElse("");
    }

    private static String trace(List<Action> actions) {
        return String.join("\n", actions.stream().filter(x -> x instanceof Action.Trace).map(Object::toString).toList());
    }

    @Test
    void rsaAndEcdsaPeersWithFqdnAndDistinguishedName() {
        CertificateAuthenticator gw = auth("gw", true, root(true));
        CertificateAuthenticator ec = auth("ec", true, root(true));
        var r = run(peer(A, B, Identity.fqdn("gw.example.net"), ec.distinguishedName(), gw),
                peer(B, A, ec.distinguishedName(), Identity.fqdn("gw.example.net"), ec));
        assertTrue(up(r.get(0)) && up(r.get(1)), r.get(0) + "\n" + trace(r.get(1)));
    }

    @Test
    void ipAndEmailIdentitiesFromSubjectAltNames() {
        CertificateAuthenticator gw = auth("gw", true, root(false));
        CertificateAuthenticator ec = auth("ec", true, root(false));
        var r = run(peer(A, B, Identity.ipv4("192.0.2.1"), null, gw), peer(B, A, Identity.fqdn("ec.example.net"), null, ec));
        assertTrue(up(r.get(0)) && up(r.get(1)), trace(r.get(1)));
        r = run(peer(A, B, Identity.userFqdn("gw@example.net"), null, gw), peer(B, A, Identity.fqdn("ec.example.net"), null, ec));
        assertTrue(up(r.get(0)) && up(r.get(1)), trace(r.get(1)));
    }

    private void refusedByResponder(String initiatorCert, boolean chain, String reasonStart) {
        CertificateAuthenticator bad = auth(initiatorCert, chain, root(true));
        CertificateAuthenticator ec = auth("ec", true, root(true));
        var r = run(peer(A, B, Identity.fqdn(initiatorCert + ".example.net"), null, bad),
                peer(B, A, Identity.fqdn("ec.example.net"), null, ec));
        assertTrue(!up(r.get(0)) && !up(r.get(1)));
        assertTrue(down(r.get(1)).startsWith("authentication failed: " + reasonStart), down(r.get(1)));
        assertTrue(trace(r.get(1)).contains(reasonStart), trace(r.get(1)));
        assertEquals("authentication failed (peer sent AUTHENTICATION_FAILED)", down(r.get(0)));
    }

    @Test
    void expiredRevokedWrongCaAndMissingIntermediateAreRefused() {
        refusedByResponder("expired", true, "certificate expired: CN=expired.example.net");
        refusedByResponder("revoked", true, "certificate revoked: CN=revoked.example.net");
        refusedByResponder("gw", false, "certificate not issued by a trusted CA: issuer CN=Intermediate CA");
    }

    @Test
    void wrongCaRefusedByTheInitiator() {
        CertificateAuthenticator gw = auth("gw", true, root(true));
        CertificateAuthenticator wrong = new CertificateAuthenticator("wrong", Credentials.privateKey(bytes("wrong.key"), null),
                List.of(cert("wrong.pem")), true, List.of(TrustedCa.withoutRevocation("other", cert("other-root.pem")),
                        root(false)), List.of(), CLOCK);
        var r = run(peer(A, B, Identity.fqdn("gw.example.net"), null, gw), peer(B, A, Identity.fqdn("wrong.example.net"), null, wrong));
        assertTrue(!up(r.get(0)), trace(r.get(0)));
        assertTrue(down(r.get(0)).startsWith("authentication failed: certificate not issued by a trusted CA: issuer "
                + "CN=Other Root CA"), down(r.get(0)));
        // The responder had already established its side: the initiator's AUTHENTICATION_FAILED closes it.
        assertEquals("authentication failed (peer sent AUTHENTICATION_FAILED)", down(r.get(1)));
    }

    @Test
    void identityNotInTheCertificate() {
        CertificateAuthenticator gw = auth("gw", true, root(false));
        CertificateAuthenticator ec = auth("ec", true, root(false));
        var r = run(peer(A, B, Identity.fqdn("router9.example.net"), null, gw), peer(B, A, Identity.fqdn("ec.example.net"), null, ec));
        assertTrue(down(r.get(1)).startsWith("authentication failed: identity does not match the certificate: ID router9.example.net"),
                down(r.get(1)));
    }

    /** ec as responder with remote-id distinguished-name; gw (C=XX, O=Sallyport Test, CN=gw.example.net) initiates with its DN. */
    private static List<List<Action>> withRemoteNames(DistinguishedNamePattern... patterns) {
        CertificateAuthenticator gw = auth("gw", true, root(false));
        CertificateAuthenticator ec = new CertificateAuthenticator("ec", Credentials.privateKey(bytes("ec.key"), null),
                List.of(cert("ec.pem"), INTER), true, List.of(root(false)), List.of(), List.of(patterns), CLOCK,
                new CertificateCache("ss"));
        return run(peer(A, B, gw.distinguishedName(), null, gw), peer(B, A, Identity.fqdn("ec.example.net"), null, ec));
    }

    @Test
    void remoteIdDistinguishedNameContainerWildcardAndExactMatch() {
        var r = withRemoteNames(DistinguishedNamePattern.parse(DistinguishedNamePattern.Kind.CONTAINER, "C=XX, O=Sallyport Test"));
        assertTrue(up(r.get(0)) && up(r.get(1)), trace(r.get(1)));
        r = withRemoteNames(DistinguishedNamePattern.parse(DistinguishedNamePattern.Kind.EXACT_MATCH, "CN=other.example.net"),
                DistinguishedNamePattern.parse(DistinguishedNamePattern.Kind.WILDCARD, "CN=, O=Sallyport Test"));
        assertTrue(up(r.get(0)) && up(r.get(1)), "any entry may fit: " + trace(r.get(1)));
        r = withRemoteNames(DistinguishedNamePattern.parse(DistinguishedNamePattern.Kind.EXACT_MATCH,
                "C=XX, O=Sallyport Test, CN=router3.example.net"));
        assertTrue(!up(r.get(1)));
        assertTrue(down(r.get(1)).startsWith("authentication failed: peer identity CN=gw.example.net,O=Sallyport Test,C=XX fits"
                + " none of remote-id distinguished-name [exact-match \"C=XX, O=Sallyport Test, CN=router3.example.net\"]"),
                down(r.get(1)));
    }

    @Test
    void remoteIdDistinguishedNameNeedsTheRemoteToSendADistinguishedName() {
        CertificateAuthenticator gw = auth("gw", true, root(false));
        CertificateAuthenticator ec = new CertificateAuthenticator("ec", Credentials.privateKey(bytes("ec.key"), null),
                List.of(cert("ec.pem"), INTER), true, List.of(root(false)), List.of(),
                List.of(DistinguishedNamePattern.parse(DistinguishedNamePattern.Kind.WILDCARD, "CN=")), CLOCK, new CertificateCache("ss"));
        var r = run(peer(A, B, Identity.fqdn("gw.example.net"), null, gw), peer(B, A, Identity.fqdn("ec.example.net"), null, ec));
        assertTrue(down(r.get(1)).contains("peer identity is not a distinguished name"), down(r.get(1)));
    }

    @Test
    void anAcceptedPeerChainGoesIntoTheServiceSetsCacheAndARefusedOneDoesNot() {
        CertificateCache cache = new CertificateCache("ss");
        CertificateAuthenticator ec = new CertificateAuthenticator("ec", Credentials.privateKey(bytes("ec.key"), null),
                List.of(cert("ec.pem"), INTER), true, List.of(root(true)), List.of(), List.of(), CLOCK, cache);
        run(peer(A, B, Identity.fqdn("revoked.example.net"), null, auth("revoked", true, root(true))),
                peer(B, A, Identity.fqdn("ec.example.net"), null, ec));
        assertEquals(List.of(), cache.entries());
        var r = run(peer(A, B, Identity.fqdn("gw.example.net"), null, auth("gw", true, root(true))),
                peer(B, A, Identity.fqdn("ec.example.net"), null, ec));
        assertTrue(up(r.get(1)));
        // The path up to the trusted root: the end entity, then the intermediate it was sent with.
        assertEquals(List.of(cert("gw.pem"), INTER), cache.entries().stream().map(CertificateCache.Entry::certificate).toList());
        assertEquals(List.of(1, 2), cache.entries().stream().map(CertificateCache.Entry::number).toList());
    }

    @Test
    void handshakesRefreshTheCrlOnItsScheduleNotEachTime() throws Exception {
        java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean published = new java.util.concurrent.atomic.AtomicBoolean();
        byte[] crl = bytes("inter.crl");
        var server = com.sun.net.httpserver.HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/inter.crl", exchange -> {
            reads.incrementAndGet();
            if (published.get()) {
                exchange.sendResponseHeaders(200, crl.length);
                exchange.getResponseBody().write(crl);
            } else {
                exchange.sendResponseHeaders(503, -1);
            }
            exchange.close();
        });
        server.start();
        try {
            Instant[] now = {Instant.parse("2027-06-01T00:00:00Z")};
            Clock moving = new Clock() {
                @Override public java.time.ZoneId getZone() { return ZoneOffset.UTC; }
                @Override public Clock withZone(java.time.ZoneId zone) { return this; }
                @Override public Instant instant() { return now[0]; }
            };
            // refresh-interval 1, disable on-download-failure: while the CA's server fails, certificates pass unchecked.
            var download = new io.sallyport.pki.CrlDownload("root", java.net.URI.create("http://127.0.0.1:"
                    + server.getAddress().getPort() + "/inter.crl"), java.util.OptionalInt.of(1), true,
                    io.sallyport.pki.CrlFetcher.defaults(), moving, Runnable::run);
            download.loadIfNeverRead();
            TrustedCa root = new TrustedCa("root", ROOT, true, List.of(), List.of(download));
            CertificateAuthenticator ec = new CertificateAuthenticator("ec", Credentials.privateKey(bytes("ec.key"), null),
                    List.of(cert("ec.pem"), INTER), true, List.of(root), List.of(), List.of(), CLOCK, new CertificateCache("ss"));
            java.util.function.Supplier<List<List<Action>>> revokedPeer = () -> run(peer(A, B,
                    Identity.fqdn("revoked.example.net"), null, auth("revoked", true, root(false))),
                    peer(B, A, Identity.fqdn("ec.example.net"), null, ec));
            assertTrue(up(revokedPeer.get().get(1)), "no CRL, failures tolerated");
            published.set(true);
            assertTrue(up(revokedPeer.get().get(1)), "a minute has not passed: no new read");
            assertEquals(1, reads.get());
            now[0] = now[0].plus(java.time.Duration.ofMinutes(1));
            var r = revokedPeer.get();
            assertEquals(2, reads.get(), "the failed read is retried a minute later, by the handshake that finds it due");
            assertTrue(down(r.get(1)).startsWith("authentication failed: certificate revoked"), down(r.get(1)));
            revokedPeer.get();
            now[0] = now[0].plus(java.time.Duration.ofMinutes(59));
            revokedPeer.get();
            assertEquals(2, reads.get(), "inside the hour of refresh-interval 1 no handshake reads it again");
            now[0] = now[0].plus(java.time.Duration.ofMinutes(1));
            revokedPeer.get();
            assertEquals(3, reads.get());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void requiredPolicyOidMissing() {
        CertificateAuthenticator gw = auth("gw", true, root(false));
        CertificateAuthenticator ec = new CertificateAuthenticator("ec", Credentials.privateKey(bytes("ec.key"), null),
                List.of(cert("ec.pem"), INTER), true, List.of(root(false)), List.of("1.3.6.1.4.1.99999.1"), CLOCK);
        var r = run(peer(A, B, Identity.fqdn("gw.example.net"), null, gw), peer(B, A, Identity.fqdn("ec.example.net"), null, ec));
        assertTrue(down(r.get(1)).contains("carries none of the certificate-policy-oids"), down(r.get(1)));
    }

    /** A peer that knows only RFC 7296 signatures: announces no hash algorithms, signs with method 1. */
    private record Rfc7296Only(CertificateAuthenticator inner, List<Integer> methodsSeen) implements io.sallyport.ike.Authenticator {
        @Override
        public AuthData sign(io.sallyport.crypto.PrfAlgorithm prf, byte[] octets, List<Integer> peerHashes) {
            return inner.sign(prf, octets, List.of());
        }

        @Override
        public Optional<String> check(io.sallyport.crypto.PrfAlgorithm prf, byte[] octets, AuthData auth, PeerProof peer) {
            methodsSeen.add(auth.method());
            return inner.check(prf, octets, auth, peer);
        }

        @Override
        public List<byte[]> certificates() { return inner.certificates(); }
    }

    @Test
    void rsaSignatureMethodOneWithAPeerWithoutRfc7427() {
        List<Integer> seen = new ArrayList<>();
        Rfc7296Only old = new Rfc7296Only(auth("gw", true, root(false)), seen);
        CertificateAuthenticator rsa = auth("revoked", true, root(false));
        var r = run(peer(A, B, Identity.fqdn("gw.example.net"), null, auth("gw", true, root(false))).withAuthenticator(old),
                peer(B, A, Identity.fqdn("revoked.example.net"), null, rsa));
        assertTrue(up(r.get(0)) && up(r.get(1)), trace(r.get(0)) + trace(r.get(1)));
        // Without SIGNATURE_HASH_ALGORITHMS from us, the responder signed with RSA-SHA1 (method 1) too.
        assertEquals(List.of(1), seen);
    }

    @Test
    void authenticatorsOfTheSameCredentialsAreEqual() {
        assertEquals(auth("gw", true, root(true)), auth("gw", true, root(true)));
        assertTrue(!auth("gw", true, root(true)).toString().contains("PRIVATE"));
    }
}
