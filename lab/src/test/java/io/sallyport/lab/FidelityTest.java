package io.sallyport.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sallyport.gateway.runtime.TunnelState;
import io.sallyport.packet.TextbookChecksum;
import java.net.InetAddress;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Issue 9: what a Junos engineer configures behaves as the seed says, or says it does not. */
class FidelityTest {
    static final long SECOND = 1_000_000_000L;
    static final long MINUTE = 60 * SECOND;

    /** The ms-mpc example with each router configuration passed through {@code edit}. */
    static Lab msMpc(UnaryOperator<String> edit) throws LabException {
        Topology base = Topologies.example("ms-mpc");
        List<Topology.RouterSpec> routers = base.routers().stream()
                .map(r -> new Topology.RouterSpec(r.name(), r.configFile(), edit.apply(r.configText()), r.line()))
                .toList();
        return Lab.start(new Topology(base.source(), routers, base.hosts(), base.links()));
    }

    static InetAddress addr(String a) {
        return InetAddress.ofLiteral(a);
    }

    // ---------------------------------------------------------------- #6

    @Test
    void ikePolicyWithoutVersion2NegotiatesIkev1MainMode() throws Exception {
        try (Lab lab = msMpc(c -> c.replace("version 2;", ""))) {
            assertTrue(lab.warnings().stream().noneMatch(w -> w.contains("IKEv1")), () -> String.join("\n", lab.warnings()));
            LabRouter r1 = lab.router("router1").orElseThrow();
            assertTrue(lab.awaitTunnels(MINUTE), () -> lab.banner() + r1.execute("show services ipsec-vpn ike security-associations detail").text()
                    + lab.router("router2").orElseThrow().execute("show services ipsec-vpn ike security-associations detail").text()
                    + r1.execute("show services ipsec-vpn ike statistics").text());
            String ike = r1.execute("show services ipsec-vpn ike security-associations").text();
            assertTrue(ike.contains("Matured") && ike.contains("Main"), ike);
            String detail = r1.execute("show services ipsec-vpn ike security-associations detail").text();
            assertTrue(detail.contains("Exchange type: Main, Authentication method: Pre-shared-keys"), detail);
            assertFalse(ike.contains("IKEv2"), ike);
        }
    }

    @Test
    void bannerSaysNegotiatedOnlyWhenEveryTunnelIs() throws Exception {
        try (Lab lab = msMpc(c -> c)) {
            assertTrue(lab.awaitTunnels(MINUTE));
            assertEquals("lab up: 2 of 2 tunnels negotiated", lab.banner());
            String sets = lab.router("router1").orElseThrow().execute("show services service-sets").text();
            assertTrue(sets.contains("1/1") && !sets.contains("down:"), sets);
        }
    }

    // ---------------------------------------------------------------- #2

    /** router1 with an interface-style set; {@code apply} is what ge-0/0/1.0 (the LAN) says about it. */
    static UnaryOperator<String> interfaceStyle(String apply, String matchDirection) {
        return c -> !c.contains("local-gateway 10.0.1.1;") ? c : c
                .replace("route 192.168.0.0/16 next-hop ms-4/0/0.1;", "")
                .replaceAll("next-hop-service \\{[^}]*}", "interface-service { service-interface ms-4/0/0.0; }")
                .replace("address 172.16.0.1/16;", apply + " address 172.16.0.1/16;")
                .replace("match-direction input;", "match-direction " + matchDirection + ";");
    }

    @Test
    void interfaceStyleSetAppliedNowhereDoesNothingAndWarns() throws Exception {
        try (Lab lab = msMpc(interfaceStyle("", "input"))) {
            assertTrue(lab.warnings().stream().anyMatch(w -> w.startsWith("router1: [edit services service-set ipsec-ss1]")
                    && w.contains("applied to no interface in this rule's match-direction (family inet service input"
                    + " service-set ipsec-ss1)")), () -> String.join("\n", lab.warnings()));
            lab.advance(MINUTE);
            assertEquals(0, lab.ping("h1", lab.resolve("h2").orElseThrow(), java.util.Optional.empty(), 2).received());
            LabRouter r1 = lab.router("router1").orElseThrow();
            assertEquals(List.of(), r1.gateway().kmd().ikeSas());
            assertTrue(r1.execute("show services service-sets").text().contains("is applied to no interface"));
        }
    }

    @Test
    void interfaceStyleSetAppliedOnTheOtherDirectionDoesNothing() throws Exception {
        try (Lab lab = msMpc(interfaceStyle("service { input { service-set ipsec-ss1; } }", "output"))) {
            assertTrue(lab.warnings().stream().anyMatch(w -> w.contains("(family inet service output service-set ipsec-ss1)")),
                    () -> String.join("\n", lab.warnings()));
            lab.advance(MINUTE);
            assertEquals(0, lab.ping("h1", lab.resolve("h2").orElseThrow(), java.util.Optional.empty(), 2).received());
        }
    }

    @Test
    void interfaceStyleSetActsOnlyOnTrafficEnteringTheInterfaceItIsAppliedTo() throws Exception {
        try (Lab lab = msMpc(interfaceStyle("service { input { service-set ipsec-ss1; } }", "input"))) {
            assertTrue(lab.warnings().stream().noneMatch(w -> w.contains("applied to no interface")),
                    () -> String.join("\n", lab.warnings()));
            assertTrue(lab.awaitTunnels(MINUTE), () -> String.join("; ", lab.router("router1").orElseThrow().tunnelProblems()));
            InetAddress h2 = lab.resolve("h2").orElseThrow();
            assertEquals(3, lab.ping("h1", h2, java.util.Optional.empty(), 3).received());
            // router1's own packet, from an address inside the tunnel's selectors, does not enter ge-0/0/1.0.
            PingResult own = lab.ping("router1", h2, java.util.Optional.of(addr("172.16.0.1")), 2);
            assertEquals(0, own.received(), own::render);
        }
    }

    // ---------------------------------------------------------------- tcp-mss

    /** router1's service set with {@code tcp-mss 1300}; router2 has none. */
    static String tcpMss(String c) {
        return !c.contains("local-gateway 10.0.1.1;") ? c : c.replace("ipsec-vpn-options {", "tcp-mss 1300; ipsec-vpn-options {");
    }

    @Test
    void tcpMssLowersTheMssOfSynsBothWaysInNextHopAndInterfaceStyleSets() throws Exception {
        for (UnaryOperator<String> style : List.<UnaryOperator<String>>of(c -> c,
                interfaceStyle("service { input { service-set ipsec-ss1; } }", "input"))) {
            try (Lab lab = msMpc(c -> tcpMss(style.apply(c)))) {
                assertTrue(lab.warnings().stream().noneMatch(w -> w.contains("tcp-mss")), () -> String.join("\n", lab.warnings()));
                assertTrue(lab.awaitTunnels(MINUTE), () -> String.join("; ", lab.router("router1").orElseThrow().tunnelProblems()));
                // h1's SYN enters router1's tunnel (clamped on the way in); h2's SYN-ACK leaves it (clamped on the way out).
                lab.send("h1", segment("172.16.0.10", "192.168.0.10", 0x02, 1460));
                lab.advance(SECOND);
                byte[] syn = lab.received("h2").getLast();
                assertEquals(1300, mss(syn));
                assertEquals(0, tcpChecksumResidue(syn));
                lab.send("h2", segment("192.168.0.10", "172.16.0.10", 0x12, 8960));
                lab.advance(SECOND);
                byte[] synAck = lab.received("h1").getLast();
                assertEquals(1300, mss(synAck));
                assertEquals(0, tcpChecksumResidue(synAck));
                // A SYN below the ceiling is left as it was.
                lab.send("h1", segment("172.16.0.10", "192.168.0.10", 0x02, 1200));
                lab.advance(SECOND);
                assertEquals(1200, mss(lab.received("h2").getLast()));
                // router1 saw three SYNs (two ways) and lowered two; router2 has no tcp-mss.
                String counts = lab.router("router1").orElseThrow().execute("show services service-sets statistics tcp-mss").text();
                assertTrue(counts.matches("(?s).*\\n\\S+ +ipsec-ss1 +3 +2\\n.*"), counts);
                String other = lab.router("router2").orElseThrow().execute("show services service-sets statistics tcp-mss").text();
                assertTrue(other.matches("(?s).*\\n\\S+ +\\S+ +0 +0\\n.*"), other);
            }
        }
    }

    /** An IPv4 TCP segment with an MSS option (Linux's SYN layout), valid checksums. */
    private static byte[] segment(String from, String to, int flags, int mss) {
        byte[] options = {2, 4, (byte) (mss >>> 8), (byte) mss, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7};
        int total = 20 + 20 + options.length;
        byte[] p = new byte[total];
        io.sallyport.packet.Ipv4View.write(p, 0, 0, total, 1, io.sallyport.packet.Ipv4View.FLAG_DF, 64,
                io.sallyport.packet.IpProtocol.TCP, io.sallyport.packet.Bytes.i32(addr(from).getAddress(), 0),
                io.sallyport.packet.Bytes.i32(addr(to).getAddress(), 0));
        io.sallyport.packet.Bytes.put16(p, 20, 40000);
        io.sallyport.packet.Bytes.put16(p, 22, 80);
        p[27] = 1;
        p[32] = (byte) (((20 + options.length) / 4) << 4);
        p[33] = (byte) flags;
        io.sallyport.packet.Bytes.put16(p, 34, 64240);
        System.arraycopy(options, 0, p, 40, options.length);
        io.sallyport.packet.Bytes.put16(p, 36, TextbookChecksum.of(p, 20, total - 20, pseudoSum(p)));
        return p;
    }

    private static int mss(byte[] p) {
        return io.sallyport.packet.Bytes.u16(p, (p[0] & 0x0F) * 4 + 22);
    }

    /** The complemented word-by-word sum over pseudo-header and segment: 0 when the TCP checksum verifies. */
    private static int tcpChecksumResidue(byte[] p) {
        int hl = (p[0] & 0x0F) * 4;
        return TextbookChecksum.of(p, hl, p.length - hl, pseudoSum(p));
    }

    /** The pseudo-header's folded sum (addresses, protocol 6, TCP length), not complemented. */
    private static int pseudoSum(byte[] p) {
        int hl = (p[0] & 0x0F) * 4;
        return TextbookChecksum.of(p, 12, 8, 6 + p.length - hl) ^ 0xFFFF;
    }

    // ---------------------------------------------------------------- #7

    @Test
    void tracerouteThroughTheTunnelShowsTheRoutersOwnAddressesNotTheLinkBetweenTheGateways() throws Exception {
        try (Lab lab = Lab.start(Topologies.example("ike-digital-certificates"))) {
            assertTrue(lab.awaitTunnels(MINUTE));
            TraceResult trace = lab.traceroute("r4", addr("10.1.12.2"), 30);
            // The seed: from router 4, the path enters the tunnel at router 3's IPsec inside interface
            // (unnumbered: router 3's own address, lo0), passes router 2's loopback and ends at router 1;
            // the physical link between routers 2 and 3 (10.1.15.0/30) is not in it.
            assertEquals(List.of(addr("10.1.56.1"), addr("10.0.0.3"), addr("10.0.0.2"), addr("10.1.12.2")),
                    trace.path(), trace::render);
        }
    }

    // ---------------------------------------------------------------- #1

    private static TunnelState tunnel(LabRouter r) {
        return r.gateway().tunnels().iterator().next();
    }

    @Test
    void clearIpsecSasWithEstablishImmediatelyNegotiatesAgainAtOnce() throws Exception {
        try (Lab lab = msMpc(c -> c)) {
            assertTrue(lab.awaitTunnels(MINUTE));
            LabRouter r1 = lab.router("router1").orElseThrow();
            for (String form : List.of("", " ipsec-ss1", " service-set ipsec-ss1", " tunnel-index 1",
                    " ipsec-ss1 tunnel-index 1", " remote-gateway 10.0.1.2")) {
                int before = tunnel(r1).current().spiIn();
                assertEquals("", r1.execute("clear services ipsec-vpn ipsec security-associations" + form).text());
                lab.advance(5 * SECOND);
                TunnelState after = tunnel(r1);
                assertTrue(after.current() != null && after.current().spiIn() != before,
                        () -> form + ": " + after.lastFailure());
                assertEquals(3, lab.ping("h1", lab.resolve("h2").orElseThrow(), java.util.Optional.empty(), 3).received(),
                        form);
            }
            // Forms naming another tunnel leave this one alone.
            int kept = tunnel(r1).current().spiIn();
            r1.execute("clear services ipsec-vpn ipsec security-associations tunnel-index 2");
            r1.execute("clear services ipsec-vpn ipsec security-associations remote-gateway 10.0.1.9");
            r1.execute("clear services ipsec-vpn ipsec security-associations other-set");
            lab.advance(5 * SECOND);
            assertEquals(kept, tunnel(r1).current().spiIn());
        }
    }

    @Test
    void clearIpsecSasOnTrafficNegotiatesAgainOnTheNextPacket() throws Exception {
        try (Lab lab = msMpc(c -> c.replace("establish-tunnels immediately;", ""))) {
            InetAddress h2 = lab.resolve("h2").orElseThrow();
            lab.ping("h1", h2, java.util.Optional.empty(), 1);
            assertTrue(lab.awaitTunnels(MINUTE));
            LabRouter r1 = lab.router("router1").orElseThrow();
            r1.execute("clear services ipsec-vpn ipsec security-associations");
            lab.advance(MINUTE);
            assertEquals(null, tunnel(r1).current(), "on-traffic: nothing is negotiated without traffic");
            PingResult ping = lab.ping("h1", h2, java.util.Optional.empty(), 5);
            assertTrue(ping.received() >= 3, ping::render);
            assertTrue(tunnel(r1).current() != null);
            // A simulated hour later it is still there.
            lab.advance(60 * MINUTE);
            assertEquals(3, lab.ping("h1", h2, java.util.Optional.empty(), 3).received());
        }
    }

    // ---------------------------------------------------------------- several terms, one IKE SA

    /** Each router gets a second term towards the same gateway, for 172.16.128.0/17; term1 keeps 172.16.0.0/17. */
    static String twoTerms(String c) {
        boolean r1 = c.contains("local-gateway 10.0.1.1;");
        String ours = r1 ? "source-address" : "destination-address";
        String theirs = r1 ? "destination-address" : "source-address";
        return c.replace(ours + " { 172.16.0.0/16; }", ours + " { 172.16.0.0/17; }")
                .replace("match-direction input;", "term term2 { from { " + ours + " { 172.16.128.0/17; } " + theirs
                        + " { 192.168.0.0/16; } } then { remote-gateway " + (r1 ? "10.0.1.2" : "10.0.1.1") + "; dynamic { ike-policy ike-policy1; ipsec-policy ipsec-policy1; } } } match-direction input;");
    }

    @Test
    void twoTermsTowardsOneGatewayAreTwoChildSasOfOneIkeSa() throws Exception {
        try (Lab lab = msMpc(FidelityTest::twoTerms)) {
            LabRouter r1 = lab.router("router1").orElseThrow();
            assertTrue(lab.awaitTunnels(MINUTE), () -> String.join("; ", r1.tunnelProblems()));
            for (String router : List.of("router1", "router2")) {
                LabRouter r = lab.router(router).orElseThrow();
                assertEquals(1, r.gateway().kmd().ikeSas().size(), router);
                assertEquals(2, r.gateway().kmd().ikeSas().getFirst().childSpisIn().size(), router);
                String ike = r.execute("show services ipsec-vpn ike security-associations").text();
                assertEquals(1, ike.lines().filter(l -> l.startsWith("10.0.1.")).count(), ike);
                String ipsec = r.execute("show services ipsec-vpn ipsec security-associations").text();
                assertTrue(ipsec.contains("term1") && ipsec.contains("term2"), ipsec);
            }
            assertEquals(3, lab.ping("h1", lab.resolve("h2").orElseThrow(), java.util.Optional.empty(), 3).received());
            System.out.println("evidence: two terms, one IKE SA:\n" + r1.execute("show services ipsec-vpn ike security-associations").text()
                    + r1.execute("show services ipsec-vpn ipsec security-associations").text());
        }
    }

    // ---------------------------------------------------------------- #8

    /**
     * {@code respond-bad-spi 2}: IKEv2 INVALID_SPI (RFC 7296 §2.21.4), and IKEv1 INVALID-SPI (RFC
     * 2408 §3.14.1) with the policy's {@code version 2} removed, at most once a second and at most
     * max-responses times per IKE SA.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void espForAnUnknownSpiIsCountedShownAndReportedToThePeerRateLimited(boolean ikev1) throws Exception {
        try (Lab lab = msMpc(c -> withRespondBadSpi(ikev1 ? c.replace("version 2;", "") : c, " 2"))) {
            assertTrue(lab.awaitTunnels(MINUTE));
            LabRouter r1 = lab.router("router1").orElseThrow();
            InetAddress r2 = addr("10.0.1.2");
            lab.advance(SECOND);
            long ikeOut = r1.gateway().kmd().traffic().get(r2).outPackets();
            var bogus = lab.simulation().network().openUdp(new java.net.InetSocketAddress(r2, 40000));
            sendUnknownSpi(bogus, 10);
            lab.advance(100_000_000L);
            String stats = r1.execute("show services ipsec-vpn ipsec statistics").text();
            assertTrue(stats.contains("Invalid SPI errors: 10"), stats);
            String drops = r1.execute("show services ipsec-vpn drops").text();
            assertTrue(drops.contains("Inbound port: in-10.0.1.1:4500") && drops.matches("(?s).*Invalid SPI errors:\\s+10\n.*"),
                    drops);
            // RFC 7296 §2.21.4: one INVALID_SPI notification for the burst, not ten.
            assertEquals(ikeOut + 1, r1.gateway().kmd().traffic().get(r2).outPackets());
            // Counted in show ike statistics by both versions (reference §4.3), on both ends.
            String sent = r1.execute("show services ipsec-vpn ike statistics").text();
            String received = lab.router("router2").orElseThrow().execute("show services ipsec-vpn ike statistics").text();
            assertTrue(sent.matches("(?s).*Invalid SPI notifications sent:\\s+1\n.*"), sent);
            assertTrue(received.matches("(?s).*Invalid SPI notifications received:\\s+1\n.*"), received);
            assertTrue(sent.contains("Exchange type: " + (ikev1 ? "Main" : "IKEv2")), sent);
            if (!ikev1) {
                assertTrue(sent.matches("(?s).*INFORMATIONAL\\s+received:\\s+1, sent:\\s+1, failed:\\s+0.*"), sent);
            }
            // A second later the second of max-responses 2 goes; after that, none under this IKE SA.
            for (int burst = 0; burst < 3; burst++) {
                lab.advance(2 * SECOND);
                sendUnknownSpi(bogus, 3);
                lab.advance(100_000_000L);
            }
            assertEquals(ikeOut + 2, r1.gateway().kmd().traffic().get(r2).outPackets());
            sent = r1.execute("show services ipsec-vpn ike statistics").text();
            assertTrue(sent.matches("(?s).*Invalid SPI notifications sent:\\s+2\n.*"), sent);
            assertTrue(r1.execute("show services ipsec-vpn ipsec statistics").text().contains("Invalid SPI errors: 19"));
            // The tunnel itself is untouched.
            assertEquals(3, lab.ping("h1", lab.resolve("h2").orElseThrow(), java.util.Optional.empty(), 3).received());
        }
    }

    /** Without {@code respond-bad-spi} Junos does not answer ESP for an unknown SPI: counted, nothing sent. */
    @Test
    void espForAnUnknownSpiIsOnlyCountedWithoutRespondBadSpi() throws Exception {
        try (Lab lab = msMpc(c -> c)) {
            assertTrue(lab.awaitTunnels(MINUTE));
            LabRouter r1 = lab.router("router1").orElseThrow();
            InetAddress r2 = addr("10.0.1.2");
            lab.advance(SECOND);
            long ikeOut = r1.gateway().kmd().traffic().get(r2).outPackets();
            var bogus = lab.simulation().network().openUdp(new java.net.InetSocketAddress(r2, 40000));
            sendUnknownSpi(bogus, 10);
            lab.advance(100_000_000L);
            assertTrue(r1.execute("show services ipsec-vpn ipsec statistics").text().contains("Invalid SPI errors: 10"));
            assertEquals(ikeOut, r1.gateway().kmd().traffic().get(r2).outPackets(), "no INVALID_SPI went out");
            String sent = r1.execute("show services ipsec-vpn ike statistics").text();
            assertTrue(sent.matches("(?s).*Invalid SPI notifications sent:\\s+0\n.*"), sent);
        }
    }

    /** {@code respond-bad-spi MAX} ({@code MAX} empty for the default) in the example's IKE policy. */
    private static String withRespondBadSpi(String config, String max) {
        return config.replace("proposals ike-proposal1;", "proposals ike-proposal1; respond-bad-spi" + max + ";");
    }

    private static void sendUnknownSpi(io.sallyport.net.virtual.VirtualDatagramPort from, int count) throws Exception {
        byte[] esp = {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef, 0, 0, 0, 1, 1, 2, 3, 4, 5, 6, 7, 8};
        for (int i = 0; i < count; i++) {
            from.send(esp, 0, esp.length, new java.net.InetSocketAddress(addr("10.0.1.1"), 4500));
        }
    }

    @Test
    void espThatOvertakesItsOwnSaInstallIsNotReportedAsInvalidSpi() throws Exception {
        // A responder sends ESP as soon as it answers IKE_AUTH; the initiator's receiving worker may
        // see it before the SA's install reaches it. By the time the control agent hears of the
        // drop the SA is installed: INVALID_SPI then would make the peer delete a good SA (the
        // OSPF-across-the-tunnel flake). Here the SA's SPI arrives on the worker that does not hold it.
        try (Lab lab = msMpc(c -> c)) {
            assertTrue(lab.awaitTunnels(MINUTE));
            LabRouter r1 = lab.router("router1").orElseThrow();
            LabRouter r2 = lab.router("router2").orElseThrow();
            InetAddress r2Address = addr("10.0.1.2");
            lab.advance(SECOND);
            TunnelState tunnel = r1.gateway().tunnels().iterator().next();
            int spi = tunnel.current().spiIn();
            int peerSpi = r2.gateway().tunnels().iterator().next().current().spiOut();
            assertEquals(spi, peerSpi);
            long ikeOut = r1.gateway().kmd().traffic().get(r2Address).outPackets();
            var sender = lab.simulation().network().openUdp(new java.net.InetSocketAddress(r2Address, 40002));
            byte[] esp = {(byte) (spi >>> 24), (byte) (spi >>> 16), (byte) (spi >>> 8), (byte) spi, 0, 0, 0, 1, 1, 2, 3, 4, 5, 6, 7, 8};
            sender.send(esp, 0, esp.length, new java.net.InetSocketAddress(addr("10.0.1.1"), 4500));
            lab.advance(SECOND);
            String drops = r1.execute("show services ipsec-vpn drops").text();
            assertTrue(drops.matches("(?s).*Invalid SPI errors:\\s+1\n.*"), "the worker counted its drop:\n" + drops);
            assertEquals(ikeOut, r1.gateway().kmd().traffic().get(r2Address).outPackets(), "no INVALID_SPI went out");
            assertEquals(spi, r2.gateway().tunnels().iterator().next().current().spiOut(), "the peer kept its SA");
            assertEquals(3, lab.ping("h1", lab.resolve("h2").orElseThrow(), java.util.Optional.empty(), 3).received());
        }
    }

    @Test
    void dropsViewShowsKmdAndDeviceCounters() throws Exception {
        try (Lab lab = msMpc(c -> c)) {
            assertTrue(lab.awaitTunnels(MINUTE));
            LabRouter r1 = lab.router("router1").orElseThrow();
            var stranger = lab.simulation().network().openUdp(new java.net.InetSocketAddress(addr("10.0.1.2"), 40001));
            byte[] junk = {1, 2, 3};
            stranger.send(junk, 0, junk.length, new java.net.InetSocketAddress(addr("10.0.1.1"), 500));
            lab.advance(SECOND);
            String drops = r1.execute("show services ipsec-vpn drops").text();
            assertTrue(drops.contains("kmd: IKE") && drops.contains("malformed IKE header:"), drops);
            assertTrue(drops.contains("Inside device: out-ms-4_0_0.1"), drops);
            String xml = r1.execute("show services ipsec-vpn drops | display xml").text();
            assertTrue(xml.contains("<drop-reason>malformed-header</drop-reason>"), xml);
        }
    }

    // ---------------------------------------------------------------- establish-tunnels responder-only

    @Test
    void responderOnlyNeverStartsIkeButAnswersThePeer() throws Exception {
        try (Lab lab = msMpc(c -> c.contains("local-gateway 10.0.1.1;")
                ? c.replace("establish-tunnels immediately;", "establish-tunnels responder-only;")
                : c.replace("establish-tunnels immediately;", ""))) {
            PingResult fromH1 = lab.ping("h1", lab.resolve("h2").orElseThrow(), java.util.Optional.empty(), 3);
            lab.advance(MINUTE);
            assertEquals(0, fromH1.received(), fromH1::render);
            LabRouter r1 = lab.router("router1").orElseThrow();
            assertEquals(List.of(), r1.gateway().kmd().ikeSas(), "router1 initiated although responder-only");
            // router2 (on-traffic) starts it; router1 answers.
            lab.ping("h2", lab.resolve("h1").orElseThrow(), java.util.Optional.empty(), 1);
            assertTrue(lab.awaitTunnels(MINUTE), () -> String.join("; ", r1.tunnelProblems()));
            assertEquals(3, lab.ping("h1", lab.resolve("h2").orElseThrow(), java.util.Optional.empty(), 3).received());
        }
    }
}
