package io.sallyport.esp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sallyport.crypto.EncryptionAlgorithm;
import io.sallyport.crypto.IntegrityAlgorithm;
import io.sallyport.packet.IcmpView;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real strongSwan packets, and packets built by an independent implementation (Python {@code cryptography}, i.e. OpenSSL, see
 * src/test/python/esp_crosscheck.py) for the three suites the strongSwan interop peer uses, in
 * NAT-T framing: Sallyport decapsulates the peer's packets, and produces byte-identical packets
 * from the same SA state (which the script decrypted with its own code before writing them).
 */
class CrossCheckTest {
    private static final HexFormat HEX = HexFormat.of();

    private record Vector(String kind, String suite, int spi, byte[] ek, byte[] ik, long ivSeed, long seq,
                          byte[] inner, byte[] packet) {}

    private static List<Vector> vectors() throws IOException {
        try (InputStream in = CrossCheckTest.class.getResourceAsStream("/crosscheck/vectors.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII).lines().map(l -> l.split(" "))
                    .map(f -> new Vector(f[0], f[1], (int) Long.parseLong(f[2], 16), HEX.parseHex(f[3]),
                            f[4].equals("-") ? null : HEX.parseHex(f[4]), Long.parseLong(f[5]), Long.parseLong(f[6]),
                            HEX.parseHex(f[7]), HEX.parseHex(f[8])))
                    .toList();
        }
    }

    private static EspSa sa(final Vector v) {
        final String[] parts = v.suite().split("\\+");
        final EncryptionAlgorithm enc = EncryptionAlgorithm.fromKeyword(parts[0]).orElseThrow();
        final IntegrityAlgorithm integ = parts.length > 1 ? IntegrityAlgorithm.fromKeyword(parts[1]).orElseThrow() : null;
        return EspSa.builder(v.spi(), enc, integ, v.ek(), v.ik(), Fixtures.V4_A, Fixtures.V4_B)
                .udp(UdpEncapsulation.natT()).tunnelIsHop(false).ivSeed(v.ivSeed()).build();
    }

    @Test
    @DisplayName("Decapsulates ESP-in-UDP packets an independent implementation built (random IVs)")
    void decapsulatesPeerPackets() throws IOException {
        final Map<String, EspInbound> inbound = new HashMap<>();
        final InboundResult r = new InboundResult();
        int n = 0;
        for (final Vector v : vectors()) {
            if (!v.kind().equals("peer")) {
                continue;
            }
            final EspInbound in = inbound.computeIfAbsent(v.suite(), s -> {
                final EspInbound e = new EspInbound(new EspCounters());
                e.install(new InboundPath(sa(v), e.counters()));
                return e;
            });
            final byte[] p = v.packet().clone();
            assertEquals(InboundResult.Kind.INNER, in.receive(p, 0, p.length, EspInbound.InputForm.IP_PACKET, r),
                    () -> v.suite() + " seq " + v.seq() + ": " + r.drop());
            assertArrayEquals(v.inner(), Arrays.copyOfRange(p, r.innerOffset(), r.innerOffset() + r.innerLength()));
            n++;
        }
        assertEquals(15, n);
    }

    /**
     * Real strongSwan 5.9 (kernel-libipsec) packets of the interop harness, one file per variant,
     * with the CHILD_SA keys charon logged at level 4 (src/test/python/strongswan_capture.py):
     * both directions of five pings through each tunnel.
     */
    @ParameterizedTest
    @ValueSource(strings = {"ikev2-psk", "ikev1-psk", "ikev2-cert"})
    @DisplayName("Decapsulates packets a real strongSwan peer sent (ping through the tunnel)")
    void decapsulatesStrongSwanPackets(final String variant) throws IOException {
        final List<String[]> rows;
        try (InputStream in = CrossCheckTest.class.getResourceAsStream("/crosscheck/strongswan-" + variant + ".txt")) {
            rows = new String(in.readAllBytes(), StandardCharsets.US_ASCII).lines().map(l -> l.split(" ")).toList();
        }
        final EspInbound inbound = new EspInbound(new EspCounters());
        final InboundResult r = new InboundResult();
        final IcmpView icmp = new IcmpView();
        for (final String[] f : rows) {
            final int spi = (int) Long.parseLong(f[1], 16);
            if (inbound.lookup(spi) == null) {
                final String[] parts = f[0].split("\\+");
                final EspSa sa = EspSa.builder(spi, EncryptionAlgorithm.fromKeyword(parts[0]).orElseThrow(),
                        parts.length > 1 ? IntegrityAlgorithm.fromKeyword(parts[1]).orElseThrow() : null,
                        HEX.parseHex(f[2]), f[3].equals("-") ? null : HEX.parseHex(f[3]), Fixtures.V4_A, Fixtures.V4_B)
                        .udp(UdpEncapsulation.natT()).build();
                inbound.install(new InboundPath(sa, inbound.counters()));
            }
            final byte[] p = HEX.parseHex(f[4]);
            assertEquals(InboundResult.Kind.INNER, inbound.receive(p, 0, p.length, EspInbound.InputForm.IP_PACKET, r),
                    () -> variant + ": " + r.drop());
            final int o = r.innerOffset();
            assertEquals(0x45, p[o] & 0xFF);
            assertEquals(1, p[o + 9]);
            assertEquals(198, p[o + 12] & 0xFF);
            assertEquals(18, p[o + 13]);
            icmp.wrap(p, o + 20, r.innerLength() - 20);
            assertTrue(icmp.type() == 8 || icmp.type() == 0, "echo request or reply");
            assertTrue(icmp.ipv4ChecksumValid());
        }
        assertEquals(10, inbound.counters().get(EspStat.DECRYPTED_PACKETS));
        assertEquals(0, inbound.counters().totalDrops());
    }

    @Test
    @DisplayName("Encapsulates to exactly the bytes the independent implementation expects")
    void encapsulatesIdenticalBytes() throws IOException {
        final Map<String, OutboundPath> outbound = new HashMap<>();
        final OutboundBatch batch = new OutboundBatch();
        int n = 0;
        for (final Vector v : vectors()) {
            if (!v.kind().equals("same")) {
                continue;
            }
            final OutboundPath out = outbound.computeIfAbsent(v.suite(),
                    s -> new OutboundPath(sa(v), new EspCounters(), OutboundPath.OutputForm.IP_PACKET));
            final byte[] buf = new byte[Fixtures.HEAD + v.inner().length + Fixtures.TAIL];
            System.arraycopy(v.inner(), 0, buf, Fixtures.HEAD, v.inner().length);
            assertEquals(OutboundPath.Outcome.SENT, out.encapsulate(buf, Fixtures.HEAD, v.inner().length, batch));
            assertEquals(v.seq(), out.sequence());
            assertEquals(HEX.formatHex(v.packet()),
                    HEX.formatHex(batch.buffer(0), batch.offset(0), batch.offset(0) + batch.length(0)),
                    () -> v.suite() + " seq " + v.seq());
            n++;
        }
        assertEquals(15, n);
    }
}
