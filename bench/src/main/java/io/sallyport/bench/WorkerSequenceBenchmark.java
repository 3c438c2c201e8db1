package io.sallyport.bench;

import io.sallyport.crypto.EncryptionAlgorithm;
import io.sallyport.esp.EspCounters;
import io.sallyport.esp.EspInbound;
import io.sallyport.esp.EspSa;
import io.sallyport.esp.InboundPath;
import io.sallyport.esp.InboundResult;
import io.sallyport.esp.OutboundBatch;
import io.sallyport.esp.OutboundPath;
import io.sallyport.esp.UdpEncapsulation;
import io.sallyport.packet.Checksum;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The data workers' per-packet sequence around ESP, without the kernel (issue 14): does moving each
 * packet between native buffers and the worker's heap buffer cost more than {@link EspBenchmark}'s
 * hot-buffer loop shows? One invocation is one 64 KB burst of {@value #SEGMENTS} packets, timed per
 * packet.
 *
 * <ul>
 * <li>{@code outboundBurst}: like the device worker, each inner packet is copied out of a native
 *     64 KB buffer (the TUN super-packet, split) into the worker's heap buffer, encapsulated in
 *     place, and copied on into a native 64 KB buffer (the UDP GSO batch).
 * <li>{@code inboundBurst}: like an inbound worker, each ESP-in-UDP payload is copied out of a
 *     native 64 KB buffer (a GRO-joined receive) into the heap buffer, decapsulated, and its inner
 *     packet copied on into a native 64 KB buffer (the TUN write).
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class WorkerSequenceBenchmark {
    static final int SEGMENTS = 44;
    private static final int HEAD = OutboundPath.MAX_HEADROOM;

    /** Inner IPv4 packet bytes. */
    @Param({"1400"})
    public int size;

    private Arena arena;
    private MemorySegment tunRead;
    private MemorySegment gsoSend;
    private MemorySegment groReceive;
    private MemorySegment tunWrite;
    private final int[] sealedLength = new int[SEGMENTS];
    private int sealedStride;
    private OutboundPath outbound;
    private EspInbound inbound;
    private final OutboundBatch batch = new OutboundBatch();
    private final InboundResult result = new InboundResult();
    private final byte[] buf = new byte[HEAD + 65535 + OutboundPath.MAX_TAILROOM];

    @Setup
    public void setUp() throws Exception {
        final EncryptionAlgorithm enc = EncryptionAlgorithm.AES_128_GCM;
        final Random r = new Random(1);
        final byte[] ek = new byte[enc.keyMaterialSize()];
        r.nextBytes(ek);
        final EspSa.Builder b = EspSa.builder(0x01020304, enc, null, ek, null,
                        InetAddress.getByName("192.0.2.1"), InetAddress.getByName("198.51.100.2"))
                .udp(UdpEncapsulation.natT()).tunnelIsHop(false);
        outbound = new OutboundPath(b.build(), new EspCounters(), OutboundPath.OutputForm.TRANSPORT_PAYLOAD);
        inbound = new EspInbound(new EspCounters());
        inbound.install(new InboundPath(b.noAntiReplay().build(), inbound.counters()));

        arena = Arena.ofConfined();
        tunRead = arena.allocate(65536, 64);
        gsoSend = arena.allocate(65536, 64);
        groReceive = arena.allocate(65536, 64);
        tunWrite = arena.allocate(65536, 64);
        final byte[] inner = new byte[size];
        sealedStride = size + 64;
        final OutboundPath sealer = new OutboundPath(b.build(), new EspCounters(), OutboundPath.OutputForm.TRANSPORT_PAYLOAD);
        for (int i = 0; i < SEGMENTS; i++) {
            r.nextBytes(inner);
            inner[0] = 0x45;
            inner[1] = 0;
            inner[2] = (byte) (size >>> 8);
            inner[3] = (byte) size;
            inner[6] = 0;
            inner[7] = 0;
            inner[8] = 64;
            inner[9] = 6;
            System.arraycopy(new byte[] {(byte) 198, 18, 0, 1, (byte) 198, 19, 0, 2}, 0, inner, 12, 8);
            inner[10] = 0;
            inner[11] = 0;
            final int c = Checksum.compute(inner, 0, 20);
            inner[10] = (byte) (c >>> 8);
            inner[11] = (byte) c;
            MemorySegment.copy(inner, 0, tunRead, ValueLayout.JAVA_BYTE, (long) i * size, size);
            System.arraycopy(inner, 0, buf, HEAD, size);
            if (sealer.encapsulate(buf, HEAD, size, batch) != OutboundPath.Outcome.SENT) {
                throw new IllegalStateException("setup encapsulation dropped: " + batch.drop());
            }
            sealedLength[i] = batch.length(0);
            MemorySegment.copy(batch.buffer(0), batch.offset(0), groReceive, ValueLayout.JAVA_BYTE,
                    (long) i * sealedStride, sealedLength[i]);
        }
        if (inboundBurst() != SEGMENTS * size) {
            throw new IllegalStateException("setup: the burst did not decapsulate");
        }
    }

    @TearDown
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    @OperationsPerInvocation(SEGMENTS)
    public long outboundBurst() {
        long out = 0;
        for (int i = 0; i < SEGMENTS; i++) {
            MemorySegment.copy(tunRead, ValueLayout.JAVA_BYTE, (long) i * size, buf, HEAD, size);
            outbound.encapsulate(buf, HEAD, size, batch);
            final int len = batch.length(0);
            MemorySegment.copy(batch.buffer(0), batch.offset(0), gsoSend, ValueLayout.JAVA_BYTE, out, len);
            out += len;
        }
        return out;
    }

    @Benchmark
    @OperationsPerInvocation(SEGMENTS)
    public long inboundBurst() {
        long out = 0;
        for (int i = 0; i < SEGMENTS; i++) {
            MemorySegment.copy(groReceive, ValueLayout.JAVA_BYTE, (long) i * sealedStride, buf, 0, sealedLength[i]);
            inbound.receive(buf, 0, sealedLength[i], EspInbound.InputForm.UDP_PAYLOAD, result);
            final int len = result.innerLength();
            MemorySegment.copy(buf, result.innerOffset(), tunWrite, ValueLayout.JAVA_BYTE, out, len);
            out += len;
        }
        return out;
    }
}
