package io.sallyport.esp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sallyport.crypto.EncryptionAlgorithm;
import io.sallyport.crypto.IntegrityAlgorithm;
import io.sallyport.packet.Bytes;
import io.sallyport.packet.IpProtocol;
import io.sallyport.packet.Ipv4View;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class OutboundPolicyTest {
    private static final Fixtures.Suite GCM = new Fixtures.Suite(EncryptionAlgorithm.AES_128_GCM, null);
    private static final Fixtures.Suite CBC = new Fixtures.Suite(EncryptionAlgorithm.AES_256_CBC,
            IntegrityAlgorithm.HMAC_SHA1_96);

    private final EspCounters counters = new EspCounters();
    private final OutboundBatch batch = new OutboundBatch();

    private OutboundPath path(final EspSa sa) {
        return new OutboundPath(sa, counters, OutboundPath.OutputForm.IP_PACKET);
    }

    private static int outerFlags(final OutboundBatch b) {
        return Bytes.u16(b.buffer(0), b.offset(0) + 6);
    }

    @Test
    @DisplayName("Tunnel MTU: oversize IPv4 with DF gets fragmentation-needed carrying the inner MTU that fits")
    void oversizeWithDfGetsIcmp() {
        final OutboundPath p = path(Fixtures.sa(GCM, false, 1).tunnelMtu(1400).build());
        final byte[] buf = Fixtures.innerV4(1400, true, 1);
        assertEquals(OutboundPath.Outcome.DROPPED, p.encapsulate(buf, Fixtures.HEAD, Fixtures.innerLength(buf), batch));
        assertEquals(DropReason.EXCEEDS_TUNNEL_MTU, batch.drop());
        assertEquals(1, counters.get(DropReason.EXCEEDS_TUNNEL_MTU));
        assertTrue(batch.icmpLength() > 0);
        final byte[] icmp = batch.icmpBuffer();
        assertEquals(3, icmp[20]);
        assertEquals(4, icmp[21]);
        assertEquals(p.maxInnerLength(), Bytes.u16(icmp, 26));
        // A packet of exactly that size goes through, as one outer packet within the MTU.
        final byte[] fits = Fixtures.innerV4(p.maxInnerLength() - 28, true, 2);
        assertEquals(OutboundPath.Outcome.SENT, p.encapsulate(fits, Fixtures.HEAD, p.maxInnerLength(), batch));
        assertEquals(1400, batch.length(0));
    }

    @Test
    @DisplayName("IPv6 inner: oversize gets packet-too-big (never fragmented), hop limit 1 gets time-exceeded")
    void ipv6Errors() {
        final OutboundPath p = path(Fixtures.sa(GCM, false, 1).tunnelMtu(1300).build());
        final byte[] big = Fixtures.innerV6(1400, 1);
        assertEquals(OutboundPath.Outcome.DROPPED, p.encapsulate(big, Fixtures.HEAD, 1448, batch));
        assertEquals(DropReason.EXCEEDS_TUNNEL_MTU, batch.drop());
        assertEquals(2, batch.icmpBuffer()[40]);
        assertEquals(1280, Bytes.i32(batch.icmpBuffer(), 44));
        // Within the IPv6 minimum MTU it goes through, even if the outer packet exceeds the tunnel MTU.
        final byte[] min = Fixtures.innerV6(1280 - 48, 2);
        assertEquals(OutboundPath.Outcome.SENT, p.encapsulate(min, Fixtures.HEAD, 1280, batch));

        final byte[] hop = Fixtures.innerV6(100, 3);
        hop[Fixtures.HEAD + 7] = 1;
        assertEquals(OutboundPath.Outcome.DROPPED, p.encapsulate(hop, Fixtures.HEAD, 148, batch));
        assertEquals(DropReason.TTL_EXCEEDED, batch.drop());
        assertEquals(3, batch.icmpBuffer()[40]);
    }

    @Test
    @DisplayName("clear-dont-fragment-bit: DF cleared and the packet fragmented before encapsulation")
    void clearDfFragments() {
        final OutboundPath p = path(Fixtures.sa(CBC, false, 1).dfPolicy(DfPolicy.CLEAR).build());
        final byte[] buf = Fixtures.innerV4(3000, true, 1);
        assertEquals(OutboundPath.Outcome.SENT, p.encapsulate(buf, Fixtures.HEAD, Fixtures.innerLength(buf), batch));
        assertEquals(3, batch.count());
        assertEquals(0, outerFlags(batch) & Ipv4View.FLAG_DF);
    }

    @Test
    @DisplayName("copy-dont-fragment-bit copies inner DF; set-dont-fragment-bit always sets it; default clears it")
    void dfPolicies() {
        final byte[] df = Fixtures.innerV4(100, true, 1);
        final byte[] noDf = Fixtures.innerV4(100, false, 1);
        path(Fixtures.sa(GCM, false, 1).dfPolicy(DfPolicy.COPY).build()).encapsulate(df.clone(), Fixtures.HEAD, 128, batch);
        assertEquals(Ipv4View.FLAG_DF, outerFlags(batch) & Ipv4View.FLAG_DF);
        path(Fixtures.sa(GCM, false, 1).dfPolicy(DfPolicy.COPY).build()).encapsulate(noDf.clone(), Fixtures.HEAD, 128, batch);
        assertEquals(0, outerFlags(batch) & Ipv4View.FLAG_DF);
        path(Fixtures.sa(GCM, false, 1).dfPolicy(DfPolicy.SET).build()).encapsulate(noDf.clone(), Fixtures.HEAD, 128, batch);
        assertEquals(Ipv4View.FLAG_DF, outerFlags(batch) & Ipv4View.FLAG_DF);
        path(Fixtures.sa(GCM, false, 1).build()).encapsulate(df.clone(), Fixtures.HEAD, 128, batch);
        assertEquals(0, outerFlags(batch) & Ipv4View.FLAG_DF);
    }

    @Test
    @DisplayName("The tunnel is a hop: TTL 1 gets time-exceeded, otherwise TTL is decremented")
    void ttl() {
        final OutboundPath p = path(Fixtures.sa(GCM, false, 1).build());
        final byte[] buf = Fixtures.innerV4(50, false, 1);
        final Ipv4View v = new Ipv4View().wrap(buf, Fixtures.HEAD, 78);
        v.ttl(1);
        v.updateChecksum();
        assertEquals(OutboundPath.Outcome.DROPPED, p.encapsulate(buf, Fixtures.HEAD, 78, batch));
        assertEquals(DropReason.TTL_EXCEEDED, batch.drop());
        assertEquals(11, batch.icmpBuffer()[20]);
        assertEquals(1, counters.get(EspStat.ICMP_ERRORS_SENT));

        final OutboundPath hidden = path(Fixtures.sa(GCM, false, 1).tunnelIsHop(false).build());
        assertEquals(OutboundPath.Outcome.SENT, hidden.encapsulate(buf, Fixtures.HEAD, 78, batch));
        assertEquals(0, batch.icmpLength());
    }

    @Test
    @DisplayName("Link-local multicast (OSPF to 224.0.0.5, TTL 1) crosses the tunnel: it is the link, not a hop")
    void linkLocalMulticastIsNotTimeExceeded() {
        final OutboundPath p = path(Fixtures.sa(GCM, false, 1).build());
        final byte[] hello = Fixtures.innerV4(50, false, 1);
        final Ipv4View v = new Ipv4View().wrap(hello, Fixtures.HEAD, 78);
        v.ttl(1);
        v.destination(0xE0000005);
        v.updateChecksum();
        assertEquals(OutboundPath.Outcome.SENT, p.encapsulate(hello, Fixtures.HEAD, 78, batch));
        assertEquals(0, batch.icmpLength());
        assertEquals(0, counters.get(DropReason.TTL_EXCEEDED));
        // Other multicast (224.0.1.0 and up) is routed: the tunnel stays a hop for it.
        final byte[] routed = Fixtures.innerV4(50, false, 2);
        final Ipv4View w = new Ipv4View().wrap(routed, Fixtures.HEAD, 78);
        w.ttl(1);
        w.destination(0xE0000101);
        w.updateChecksum();
        assertEquals(OutboundPath.Outcome.DROPPED, p.encapsulate(routed, Fixtures.HEAD, 78, batch));
        assertEquals(DropReason.TTL_EXCEEDED, batch.drop());
    }

    @Test
    @DisplayName("passive-mode-tunneling: malformed and oversize packets are tunneled as they are")
    void passiveMode() {
        final OutboundPath p = path(Fixtures.sa(GCM, false, 1).passiveMode(true).tunnelMtu(576).build());
        final byte[] buf = Fixtures.innerV4(1000, true, 1);
        final Ipv4View v = new Ipv4View().wrap(buf, Fixtures.HEAD, 1028);
        v.ttl(0);
        v.destination(v.source()); // land attack, and a broken checksum
        assertEquals(OutboundPath.Outcome.SENT, p.encapsulate(buf, Fixtures.HEAD, 1028, batch));
        assertEquals(0, batch.icmpLength());
        assertTrue(batch.length(0) > 576);

        final OutboundPath active = path(Fixtures.sa(GCM, false, 1).build());
        final byte[] again = Fixtures.innerV4(1000, true, 1);
        final Ipv4View w = new Ipv4View().wrap(again, Fixtures.HEAD, 1028);
        w.destination(w.source());
        w.updateChecksum();
        assertEquals(OutboundPath.Outcome.DROPPED, active.encapsulate(again, Fixtures.HEAD, 1028, batch));
        assertEquals(DropReason.INNER_LAND_ATTACK, batch.drop());
    }

    @Test
    @DisplayName("header-integrity-check: bad inner checksum and SYN+FIN are dropped and counted")
    void headerIntegrity() {
        final OutboundPath p = path(Fixtures.sa(GCM, false, 1).headerIntegrityCheck(true).build());
        final byte[] buf = Fixtures.innerV4(100, false, 1);
        buf[Fixtures.HEAD + 10] ^= 1;
        assertEquals(OutboundPath.Outcome.DROPPED, p.encapsulate(buf, Fixtures.HEAD, 128, batch));
        assertEquals(DropReason.INNER_BAD_CHECKSUM, batch.drop());

        final byte[] tcp = Fixtures.innerV4(100, false, 2);
        final Ipv4View v = new Ipv4View().wrap(tcp, Fixtures.HEAD, 128);
        v.protocol(IpProtocol.TCP);
        v.updateChecksum();
        tcp[Fixtures.HEAD + 20 + 12] = 0x50;
        tcp[Fixtures.HEAD + 20 + 13] = 0x03; // SYN+FIN
        assertEquals(OutboundPath.Outcome.DROPPED, p.encapsulate(tcp, Fixtures.HEAD, 128, batch));
        assertEquals(DropReason.INNER_BAD_TCP, batch.drop());
        assertEquals(1, counters.get(DropReason.INNER_BAD_TCP));
        tcp[Fixtures.HEAD + 20 + 13] = 0x10; // ACK
        assertEquals(OutboundPath.Outcome.SENT, p.encapsulate(tcp, Fixtures.HEAD, 128, batch));
    }

    @Test
    @DisplayName("udp-encapsulate: source port follows the inner flow, destination is dest-port")
    void multipathPorts() {
        final OutboundPath p = path(Fixtures.sa(GCM, false, 1).udp(new UdpEncapsulation.Multipath(4565)).build());
        int first = -1;
        boolean varied = false;
        for (int flow = 0; flow < 16; flow++) {
            final byte[] buf = Fixtures.innerV4(100, false, flow);
            p.encapsulate(buf, Fixtures.HEAD, 128, batch);
            final int udp = batch.offset(0) + 20;
            assertEquals(4565, Bytes.u16(batch.buffer(0), udp + 2));
            final int src = Bytes.u16(batch.buffer(0), udp);
            assertEquals(batch.sourcePort(), src);
            assertTrue(src >= 49152);
            if (first >= 0 && src != first) {
                varied = true;
            }
            first = src;
            final byte[] same = Fixtures.innerV4(100, false, flow);
            p.encapsulate(same, Fixtures.HEAD, 128, batch);
            assertEquals(src, batch.sourcePort());
        }
        assertTrue(varied);
    }

    @Test
    @DisplayName("RFC 4303 §3.3.3: the SA stops before the sequence number cycles and raises the event")
    void rollover() {
        final EspSa sa = Fixtures.sa(GCM, false, 1).build();
        final OutboundPath p = new OutboundPath(sa, counters, new SaBytes(), OutboundPath.OutputForm.IP_PACKET,
                0xFFFF_FFFFL - OutboundPath.ROLLOVER_MARGIN - 1);
        assertEquals(OutboundPath.Outcome.SENT, p.encapsulate(Fixtures.innerV4(10, false, 1), Fixtures.HEAD, 38, batch));
        assertEquals(SaEvent.SEQUENCE_NEAR_ROLLOVER, batch.event());
        final OutboundPath last = new OutboundPath(sa, counters, new SaBytes(), OutboundPath.OutputForm.IP_PACKET, 0xFFFF_FFFEL);
        assertEquals(OutboundPath.Outcome.SENT, last.encapsulate(Fixtures.innerV4(10, false, 1), Fixtures.HEAD, 38, batch));
        assertEquals(SaEvent.SEQUENCE_EXHAUSTED, batch.event());
        assertEquals(0xFFFF_FFFFL, last.sequence());
        assertEquals(OutboundPath.Outcome.DROPPED, last.encapsulate(Fixtures.innerV4(10, false, 1), Fixtures.HEAD, 38, batch));
        assertEquals(DropReason.SEQUENCE_EXHAUSTED, batch.drop());
        assertEquals(SaEvent.NONE, batch.event());
        assertTrue(last.exhausted());

        final OutboundPath esn = new OutboundPath(Fixtures.sa(GCM, false, 1).esn(true).build(), counters,
                new SaBytes(), OutboundPath.OutputForm.IP_PACKET, 0xFFFF_FFFFL);
        assertEquals(OutboundPath.Outcome.SENT, esn.encapsulate(Fixtures.innerV4(10, false, 1), Fixtures.HEAD, 38, batch));
        assertEquals(1L << 32, esn.sequence());
        assertNull(batch.drop());
    }

    @Test
    @DisplayName("Transport-payload form: only the ESP packet, for a UDP or raw socket")
    void transportPayloadForm() {
        final OutboundPath p = new OutboundPath(Fixtures.sa(GCM, false, 1).udp(UdpEncapsulation.natT()).build(), counters,
                OutboundPath.OutputForm.TRANSPORT_PAYLOAD);
        p.encapsulate(Fixtures.innerV4(100, false, 1), Fixtures.HEAD, 128, batch);
        assertEquals(Fixtures.HEAD - 16, batch.offset(0));
        assertEquals(8 + 8 + 132 + 16, batch.length(0));
        assertEquals(4500, batch.sourcePort());
        assertNotEquals(0, Bytes.i32(batch.buffer(0), batch.offset(0)));
    }
}
