package io.sallyport.bench;

import io.sallyport.crypto.EncryptionAlgorithm;
import io.sallyport.crypto.IntegrityAlgorithm;
import io.sallyport.esp.EspCounters;
import io.sallyport.esp.EspInbound;
import io.sallyport.esp.EspSa;
import io.sallyport.esp.InboundPath;
import io.sallyport.esp.InboundResult;
import io.sallyport.esp.OutboundBatch;
import io.sallyport.esp.OutboundPath;
import io.sallyport.esp.UdpEncapsulation;
import java.net.InetAddress;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * ESP tunnel mode, one SA, one thread: encapsulate an inner IPv4 packet of {@code size} bytes into
 * IPv4/UDP-4500/ESP, and decapsulate such a packet. Each operation first copies the packet into the
 * work buffer (the crypto runs in place and destroys its input), which a real worker would not do:
 * its input arrives fresh from the TUN device or socket.
 *
 * <p>Decapsulation runs with anti-replay off, so the same packet can be opened again and again;
 * the window check is a few nanoseconds (one bitmap read, one write).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class EspBenchmark {

    @Param({"aes-128-gcm", "aes-256-gcm", "aes-256-cbc+hmac-sha1-96"})
    public String suite;

    @Param({"64", "512", "1400"})
    public int size;

    private static final int HEAD = OutboundPath.MAX_HEADROOM;

    private OutboundPath outbound;
    private EspInbound inbound;
    private final OutboundBatch batch = new OutboundBatch();
    private final InboundResult result = new InboundResult();
    private byte[] inner;
    private byte[] work;
    private byte[] sealed;
    private int sealedLength;

    @Setup
    public void setUp() throws Exception {
        final String[] parts = suite.split("\\+");
        final EncryptionAlgorithm enc = EncryptionAlgorithm.fromKeyword(parts[0]).orElseThrow();
        final IntegrityAlgorithm integ = parts.length > 1 ? IntegrityAlgorithm.fromKeyword(parts[1]).orElseThrow() : null;
        final Random r = new Random(1);
        final byte[] ek = new byte[enc.keyMaterialSize()];
        r.nextBytes(ek);
        final byte[] ik = integ == null ? null : new byte[integ.keySize()];
        if (ik != null) {
            r.nextBytes(ik);
        }
        final EspSa.Builder b = EspSa.builder(0x01020304, enc, integ, ek, ik,
                        InetAddress.getByName("192.0.2.1"), InetAddress.getByName("198.51.100.2"))
                .udp(UdpEncapsulation.natT()).tunnelIsHop(false);
        outbound = new OutboundPath(b.build(), new EspCounters(), OutboundPath.OutputForm.IP_PACKET);
        final EspSa rxSa = b.noAntiReplay().build();
        inbound = new EspInbound(new EspCounters());
        inbound.install(new InboundPath(rxSa, inbound.counters()));

        inner = new byte[size];
        r.nextBytes(inner);
        inner[0] = 0x45;
        inner[1] = 0;
        inner[2] = (byte) (size >>> 8);
        inner[3] = (byte) size;
        inner[6] = 0;
        inner[7] = 0;
        inner[8] = 64;
        inner[9] = 17;
        final byte[] addrs = {(byte) 198, 18, 0, 1, (byte) 198, 19, 0, 2};
        System.arraycopy(addrs, 0, inner, 12, 8);
        inner[10] = 0;
        inner[11] = 0;
        final int c = io.sallyport.packet.Checksum.compute(inner, 0, 20);
        inner[10] = (byte) (c >>> 8);
        inner[11] = (byte) c;
        work = new byte[HEAD + size + OutboundPath.MAX_TAILROOM];

        System.arraycopy(inner, 0, work, HEAD, size);
        if (outbound.encapsulate(work, HEAD, size, batch) != OutboundPath.Outcome.SENT) {
            throw new IllegalStateException("setup encapsulation dropped: " + batch.drop());
        }
        sealedLength = batch.length(0);
        sealed = new byte[sealedLength];
        System.arraycopy(batch.buffer(0), batch.offset(0), sealed, 0, sealedLength);
        System.arraycopy(sealed, 0, work, 0, sealedLength);
        if (inbound.receive(work, 0, sealedLength, EspInbound.InputForm.IP_PACKET, result) != InboundResult.Kind.INNER) {
            throw new IllegalStateException("setup decapsulation dropped: " + result.drop());
        }
    }

    @Benchmark
    public int encapsulate() {
        System.arraycopy(inner, 0, work, HEAD, size);
        outbound.encapsulate(work, HEAD, size, batch);
        return batch.length(0);
    }

    @Benchmark
    public int decapsulate() {
        System.arraycopy(sealed, 0, work, 0, sealedLength);
        inbound.receive(work, 0, sealedLength, EspInbound.InputForm.IP_PACKET, result);
        return result.innerLength();
    }
}
