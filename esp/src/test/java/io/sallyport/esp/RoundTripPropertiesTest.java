package io.sallyport.esp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sallyport.crypto.EncryptionAlgorithm;
import io.sallyport.crypto.IntegrityAlgorithm;
import io.sallyport.packet.Ipv4Reassembler;
import io.sallyport.packet.Ipv4View;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class RoundTripPropertiesTest {

    @Provide
    Arbitrary<Fixtures.Suite> suites() {
        final var aead = Arbitraries.of(EncryptionAlgorithm.AES_128_GCM, EncryptionAlgorithm.AES_192_GCM,
                EncryptionAlgorithm.AES_256_GCM).map(e -> new Fixtures.Suite(e, null));
        final var classic = Arbitraries.of(EncryptionAlgorithm.NULL, EncryptionAlgorithm.TRIPLE_DES_CBC,
                        EncryptionAlgorithm.AES_128_CBC, EncryptionAlgorithm.AES_192_CBC, EncryptionAlgorithm.AES_256_CBC)
                .flatMap(e -> Arbitraries.of(IntegrityAlgorithm.values()).map(i -> new Fixtures.Suite(e, i)));
        return Arbitraries.oneOf(aead, classic);
    }

    @Provide
    Arbitrary<UdpEncapsulation> encaps() {
        return Arbitraries.of(UdpEncapsulation.NONE, UdpEncapsulation.natT(), new UdpEncapsulation.Multipath(4565));
    }

    @Property(tries = 400)
    void encapsulateThenDecapsulateIsTheIdentity(@ForAll("suites") final Fixtures.Suite suite,
                                                 @ForAll final boolean v6Inner, @ForAll final boolean v6Outer,
                                                 @ForAll("encaps") final UdpEncapsulation udp,
                                                 @ForAll final boolean esn,
                                                 @ForAll @IntRange(min = 0, max = 1300) final int payload,
                                                 @ForAll final long seed) {
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

    @Property(tries = 100)
    void oversizeWithoutDfIsFragmentedBeforeEncapsulation(@ForAll("suites") final Fixtures.Suite suite,
                                                          @ForAll @IntRange(min = 1500, max = 8000) final int payload,
                                                          @ForAll final long seed) {
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
