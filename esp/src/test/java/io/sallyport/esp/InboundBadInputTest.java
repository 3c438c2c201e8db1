package io.sallyport.esp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import io.sallyport.crypto.EncryptionAlgorithm;
import io.sallyport.crypto.EspCipher;
import io.sallyport.crypto.IntegrityAlgorithm;
import io.sallyport.packet.Bytes;
import java.util.Arrays;
import java.util.Random;
import org.quicktheories.generators.Generate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class InboundBadInputTest {
    private static final Fixtures.Suite CBC = new Fixtures.Suite(EncryptionAlgorithm.AES_256_CBC,
            IntegrityAlgorithm.HMAC_SHA1_96);

    private EspSa sa;
    private EspCounters counters;
    private EspInbound inbound;
    private OutboundPath outbound;
    private final OutboundBatch batch = new OutboundBatch();
    private final InboundResult result = new InboundResult();

    @BeforeEach
    void setUp() {
        sa = Fixtures.sa(CBC, false, 7).udp(UdpEncapsulation.natT()).build();
        counters = new EspCounters();
        inbound = new EspInbound(counters);
        inbound.install(new InboundPath(sa, counters));
        outbound = new OutboundPath(sa, new EspCounters(), OutboundPath.OutputForm.TRANSPORT_PAYLOAD);
    }

    /** One valid ESP packet (UDP payload form) as its own array. */
    private byte[] packet(final int payload, final long seed) {
        final byte[] buf = Fixtures.innerV4(payload, false, seed);
        outbound.encapsulate(buf, Fixtures.HEAD, Fixtures.innerLength(buf), batch);
        return Arrays.copyOfRange(batch.buffer(0), batch.offset(0), batch.offset(0) + batch.length(0));
    }

    private DropReason receive(final byte[] p) {
        inbound.receive(p, 0, p.length, EspInbound.InputForm.UDP_PAYLOAD, result);
        return result.drop();
    }

    @Test
    void validPacketPasses() {
        final byte[] p = packet(100, 1);
        assertEquals(8 + 16 + 144 + 12, p.length);
        assertEquals(InboundResult.Kind.INNER, inbound.receive(p, 0, p.length, EspInbound.InputForm.UDP_PAYLOAD, result));
        assertEquals(128, result.innerLength());
        assertEquals(128, counters.get(EspStat.DECRYPTED_BYTES));
    }

    @Test
    void truncatedIsABadLength() {
        final byte[] p = packet(100, 1);
        assertEquals(DropReason.BAD_LENGTH, receive(Arrays.copyOf(p, p.length - 1)));
        assertEquals(DropReason.BAD_LENGTH, receive(Arrays.copyOf(p, 20)));
        assertEquals(DropReason.BAD_LENGTH, receive(Arrays.copyOf(p, 7)));
        assertEquals(3, counters.get(DropReason.BAD_LENGTH));
    }

    @Test
    void corruptedIsAnAuthenticationFailureAndDoesNotMoveTheWindow() {
        final byte[] p = packet(100, 1);
        final byte[] bad = p.clone();
        bad[40] ^= 1;
        assertEquals(DropReason.AUTHENTICATION, receive(bad));
        assertEquals(1, counters.get(DropReason.AUTHENTICATION));
        assertEquals(null, receive(p));
    }

    @Test
    @DisplayName("RFC 4303 §3.4.2: unknown SPI dropped and counted")
    void wrongSpi() {
        final byte[] p = packet(100, 1);
        p[0] ^= 0x40;
        assertEquals(DropReason.INVALID_SPI, receive(p));
        assertEquals(1, counters.showField("invalid-spi-errors"));
    }

    @Test
    @DisplayName("RFC 4303 §3.4.3: a replayed packet is dropped before its ICV is checked")
    void replay() {
        final byte[] p = packet(100, 1);
        assertEquals(null, receive(p.clone()));
        assertEquals(DropReason.REPLAY, receive(p));
        assertEquals(1, counters.get(DropReason.REPLAY));
        for (int i = 0; i < 200; i++) {
            packet(10, i);
        }
        final byte[] late = packet(10, 1);
        final byte[] old = p.clone();
        receive(late);
        Bytes.put32(old, 4, 1);
        assertEquals(DropReason.REPLAY_BEFORE_WINDOW, receive(old));
    }

    @Test
    @DisplayName("RFC 4303 §2.4: padding must read 1, 2, 3, ...")
    void wrongPadding() {
        final EspCipher c = EspCipher.create(sa.encryption(), sa.integrity(), sa.encryptionKey(), sa.integrityKey(), 1);
        final byte[] inner = Fixtures.innerV4(100, false, 3);
        final byte[] p = new byte[8 + 16 + 144 + 12];
        Bytes.put32(p, 0, sa.spi());
        Bytes.put32(p, 4, 5);
        System.arraycopy(inner, Fixtures.HEAD, p, 24, 128);
        for (int i = 0; i < 14; i++) {
            p[24 + 128 + i] = (byte) (i + 1);
        }
        p[24 + 128 + 3] = 9;
        p[24 + 142] = 14;
        p[24 + 143] = 4;
        c.seal(p, 0, 144, 5, false);
        assertEquals(DropReason.BAD_PADDING, receive(p));

        final byte[] q = p.clone();
        Bytes.put32(q, 4, 6);
        System.arraycopy(inner, Fixtures.HEAD, q, 24, 128);
        for (int i = 0; i < 14; i++) {
            q[24 + 128 + i] = (byte) (i + 1);
        }
        q[24 + 142] = (byte) 200; // pad length beyond the payload
        q[24 + 143] = 4;
        c.seal(q, 0, 144, 6, false);
        assertEquals(DropReason.BAD_PADDING, receive(q));
        assertEquals(2, counters.showField("bad-trailers"));
    }

    @Test
    void natTMarkerAndKeepalive() {
        assertEquals(InboundResult.Kind.KEEPALIVE, inbound.receive(new byte[] {(byte) 0xFF}, 0, 1,
                EspInbound.InputForm.UDP_PAYLOAD, result));
        final byte[] ike = new byte[40];
        assertEquals(InboundResult.Kind.IKE, inbound.receive(ike, 0, 40, EspInbound.InputForm.UDP_PAYLOAD, result));
        assertEquals(4, result.innerOffset());
        assertEquals(36, result.innerLength());
        assertEquals(NonEspMarker.Kind.ESP, NonEspMarker.classify(packet(10, 1), 0, 50));
        assertEquals(NonEspMarker.Kind.INVALID, NonEspMarker.classify(new byte[3], 0, 3));
    }

    @Test
    @DisplayName("ESN (RFC 4304): the receiver infers the high half across a 2^32 boundary")
    void esnAcrossTheBoundary() {
        final EspSa esn = Fixtures.sa(CBC, false, 8).esn(true).build();
        final OutboundPath out = new OutboundPath(esn, new EspCounters(), new SaBytes(), OutboundPath.OutputForm.TRANSPORT_PAYLOAD,
                0xFFFF_FFF0L);
        final InboundPath in = new InboundPath(esn, counters, new SaBytes(), 0xFFFF_FFE0L);
        for (int i = 0; i < 40; i++) {
            final byte[] buf = Fixtures.innerV4(10, false, i);
            out.encapsulate(buf, Fixtures.HEAD, 38, batch);
            assertEquals(InboundResult.Kind.INNER, in.decapsulate(batch.buffer(0), batch.offset(0), batch.length(0), result));
        }
        assertEquals(0xFFFF_FFF0L + 40, in.highestSequence());
    }

    @Test
    void garbageNeverThrowsAndIsAlwaysCounted() {
        qt().withExamples(500)
                .forAll(Generate.byteArrays(integers().between(0, 255), Generate.bytes(Byte.MIN_VALUE, Byte.MAX_VALUE, (byte) 0)),
                        longs().all(), integers().between(0, 2))
                .checkAssert(this::garbage);
    }

    private void garbage(final byte[] junk, final long seed, final int formIndex) {
        setUp();
        final byte[] p = junk.length > 8 && seed % 2 == 0 ? withSpi(junk, sa.spi()) : junk;
        final EspInbound.InputForm form = EspInbound.InputForm.values()[formIndex];
        final InboundResult.Kind kind = inbound.receive(p, 0, p.length, form, result);
        assertEquals(kind == InboundResult.Kind.DROPPED ? 1 : 0, counters.totalDrops(), () -> kind + " " + result.drop());
        final byte[] inner = new byte[Fixtures.HEAD + p.length + Fixtures.TAIL];
        new Random(seed).nextBytes(inner);
        System.arraycopy(p, 0, inner, Fixtures.HEAD, p.length);
        final EspCounters oc = new EspCounters();
        final OutboundPath o = new OutboundPath(sa, oc, OutboundPath.OutputForm.IP_PACKET);
        final OutboundPath.Outcome outcome = o.encapsulate(inner, Fixtures.HEAD, p.length, batch);
        assertEquals(outcome == OutboundPath.Outcome.DROPPED ? 1 : 0, oc.totalDrops(), outcome::toString);
    }

    private static byte[] withSpi(final byte[] b, final int spi) {
        final byte[] c = b.clone();
        Bytes.put32(c, 0, spi);
        return c;
    }
}
