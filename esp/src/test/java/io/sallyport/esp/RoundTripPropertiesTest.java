package io.sallyport.esp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import io.sallyport.crypto.EncryptionAlgorithm;
import io.sallyport.crypto.IntegrityAlgorithm;
import io.sallyport.packet.Ipv4Reassembler;
import io.sallyport.packet.Ipv4View;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

class RoundTripPropertiesTest {

    /** Half the draws an AEAD suite, half a classic cipher with any integrity algorithm. */
    static Gen<Fixtures.Suite> suites() {
        final Gen<Fixtures.Suite> aead = Generate.pick(Stream.of(EncryptionAlgorithm.AES_128_GCM,
                EncryptionAlgorithm.AES_192_GCM, EncryptionAlgorithm.AES_256_GCM)
                .map(e -> new Fixtures.Suite(e, null)).toList());
        final Gen<Fixtures.Suite> classic = Generate.pick(Stream.of(EncryptionAlgorithm.NULL,
                        EncryptionAlgorithm.TRIPLE_DES_CBC, EncryptionAlgorithm.AES_128_CBC,
                        EncryptionAlgorithm.AES_192_CBC, EncryptionAlgorithm.AES_256_CBC)
                .flatMap(e -> Stream.of(IntegrityAlgorithm.values()).map(i -> new Fixtures.Suite(e, i))).toList());
        return Generate.oneOf(aead, classic);
    }

    static Gen<UdpEncapsulation> encaps() {
        return Generate.pick(List.of(UdpEncapsulation.NONE, UdpEncapsulation.natT(), new UdpEncapsulation.Multipath(4565)));
    }

    /** The SA shape of one round trip. */
    record Shape(Fixtures.Suite suite, boolean v6Inner, boolean v6Outer, UdpEncapsulation udp, boolean esn) {
    }

    @Test
    void encapsulateThenDecapsulateIsTheIdentity() {
        final Gen<Shape> shapes = suites().zip(booleans().all(), booleans().all(), encaps(), booleans().all(), Shape::new);
        qt().withExamples(400).forAll(shapes, integers().between(0, 1300), longs().all())
                .checkAssert(RoundTripPropertiesTest::roundTrip);
    }

    private static void roundTrip(final Shape shape, final int payload, final long seed) {
        final Fixtures.Suite suite = shape.suite();
        final boolean v6Inner = shape.v6Inner();
        final boolean v6Outer = shape.v6Outer();
        final UdpEncapsulation udp = shape.udp();
        final boolean esn = shape.esn();
        final EspSa sa = Fixtures.sa(suite, v6Outer, seed).udp(udp).esn(esn).tunnelIsHop(false).tunnelMtu(1500).build();
        final EspCounters txc = new EspCounters();
        final EspCounters rxc = new EspCounters();
        final OutboundPath out = new OutboundPath(sa, txc, OutboundPath.OutputForm.IP_PACKET);
        final EspInbound in = new EspInbound(rxc);
        in.install(new InboundPath(sa, rxc));
        final byte[] buf = v6Inner ? Fixtures.innerV6(payload, seed) : Fixtures.innerV4(payload, false, seed);
        final int len = Fixtures.innerLength(buf);
        final byte[] original = Arrays.copyOfRange(buf, Fixtures.HEAD, Fixtures.HEAD + len);
        final OutboundBatch batch = new OutboundBatch();
        final InboundResult result = new InboundResult();

        assertEquals(OutboundPath.Outcome.SENT, out.encapsulate(buf, Fixtures.HEAD, len, batch));
        final Ipv4Reassembler reassembler = new Ipv4Reassembler(2, 1_000_000_000L);
        final byte[] whole = new byte[70_000];
        byte[] got = null;
        for (int i = 0; i < batch.count(); i++) {
            assertTrue(batch.length(i) <= sa.tunnelMtu() || (v6Inner && len <= 1280), "outer fits tunnel MTU");
            final byte[] wire = Arrays.copyOfRange(batch.buffer(i), batch.offset(i), batch.offset(i) + batch.length(i));
            assertEquals(InboundResult.Kind.INNER,
                    in.receive(wire, 0, wire.length, EspInbound.InputForm.IP_PACKET, result), () -> "" + result.drop());
            final byte[] inner = Arrays.copyOfRange(wire, result.innerOffset(), result.innerOffset() + result.innerLength());
            if (batch.count() == 1) {
                got = inner;
            } else {
                final int n = reassembler.offer(inner, 0, inner.length, 0, whole, 0);
                if (n > 0) {
                    got = Arrays.copyOf(whole, n);
                }
            }
        }
        assertArrayEquals(original, got);
        assertEquals(0, rxc.totalDrops());
        assertEquals(batch.count(), rxc.get(EspStat.DECRYPTED_PACKETS));
    }

    @Test
    void oversizeWithoutDfIsFragmentedBeforeEncapsulation() {
        qt().withExamples(100).forAll(suites(), integers().between(1500, 8000), longs().all())
                .checkAssert(RoundTripPropertiesTest::fragmentedRoundTrip);
    }

    private static void fragmentedRoundTrip(final Fixtures.Suite suite, final int payload, final long seed) {
        final EspSa sa = Fixtures.sa(suite, false, seed).tunnelIsHop(false).build();
        final EspCounters c = new EspCounters();
        final OutboundPath out = new OutboundPath(sa, c, OutboundPath.OutputForm.IP_PACKET);
        final EspInbound in = new EspInbound(c);
        in.install(new InboundPath(sa, c));
        final byte[] buf = Fixtures.innerV4(payload, false, seed);
        final int len = Fixtures.innerLength(buf);
        final byte[] original = Arrays.copyOfRange(buf, Fixtures.HEAD, Fixtures.HEAD + len);
        final OutboundBatch batch = new OutboundBatch();
        assertEquals(OutboundPath.Outcome.SENT, out.encapsulate(buf, Fixtures.HEAD, len, batch));
        assertTrue(batch.count() > 1);
        final Ipv4Reassembler r = new Ipv4Reassembler(2, 1_000_000_000L);
        final byte[] whole = new byte[70_000];
        final InboundResult res = new InboundResult();
        int n = 0;
        for (int i = 0; i < batch.count(); i++) {
            assertTrue(batch.length(i) <= 1500);
            assertEquals(InboundResult.Kind.INNER,
                    in.receive(batch.buffer(i), batch.offset(i), batch.length(i), EspInbound.InputForm.IP_PACKET, res));
            n = r.offer(batch.buffer(i), res.innerOffset(), res.innerLength(), 0, whole, 0);
        }
        assertArrayEquals(original, Arrays.copyOf(whole, n));
        assertEquals(1, c.get(EspStat.FRAGMENTED_BEFORE_ENCRYPTION));
        assertTrue(new Ipv4View().wrap(whole, 0, n).checksumValid());
    }
}
