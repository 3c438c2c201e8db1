package io.sallyport.bench;

import io.sallyport.packet.Checksum;
import io.sallyport.packet.TcpCoalescer;
import io.sallyport.packet.TcpSegmenter;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Sallyport's own work on the inner TCP segments of a tunnelled stream (issue 14), without ESP and
 * the kernel: the device worker splits each TUN super-packet into MSS-sized segments with full
 * checksums ({@link TcpSegmenter#write}), an inbound worker verifies each decrypted segment's
 * checksums and joins it to the super-packet it writes to TUN ({@link TcpCoalescer#offer}). One
 * invocation is one 64 KB burst of {@value #SEGMENTS} segments of 1,448 payload bytes (an IPv4
 * header and a TCP header with timestamps: 1,500-byte segments), timed per segment. Sample mode
 * (medians) suits a loaded machine: a burst takes microseconds, well above the timer's resolution.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class InnerTcpBenchmark {
    static final int SEGMENTS = 44;
    private static final int MSS = 1448;
    private static final int HEADERS = 20 + 32;

    private byte[] superPacket;
    private final byte[] out = new byte[2048];
    private final byte[][] segments = new byte[SEGMENTS][];
    private final TcpCoalescer coalescer = new TcpCoalescer(12);

    @Setup
    public void setUp() {
        final Random random = new Random(14);
        final int len = HEADERS + SEGMENTS * MSS;
        superPacket = new byte[len];
        random.nextBytes(superPacket);
        // IPv4, IHL 5, total length, ID, DF, TTL 64, TCP, 198.18.0.1 -> 198.18.1.1
        superPacket[0] = 0x45;
        superPacket[1] = 0;
        superPacket[2] = (byte) (len >>> 8);
        superPacket[3] = (byte) len;
        superPacket[6] = 0x40;
        superPacket[7] = 0;
        superPacket[8] = 64;
        superPacket[9] = 6;
        final byte[] addrs = {(byte) 198, 18, 0, 1, (byte) 198, 18, 1, 1};
        System.arraycopy(addrs, 0, superPacket, 12, 8);
        superPacket[20 + 12] = (byte) 0x80; // data offset 8 words: 32-byte TCP header
        superPacket[20 + 13] = 0x10;        // ACK
        for (int i = 0; i < SEGMENTS; i++) {
            final int n = TcpSegmenter.write(superPacket, 0, len, MSS, i, out, 0);
            segments[i] = java.util.Arrays.copyOf(out, n);
        }
    }

    /** The RFC 1071 sum of each segment's TCP part (1,480 bytes, from its header on), pseudo-header aside. */
    @Benchmark
    @OperationsPerInvocation(SEGMENTS)
    public long checksum() {
        long n = 0;
        for (final byte[] s : segments) {
            n += Checksum.add(0, s, 20, s.length - 20);
        }
        return n;
    }

    /** The device worker's split: 44 segments with their IPv4 and TCP checksums. */
    @Benchmark
    @OperationsPerInvocation(SEGMENTS)
    public int segment() {
        int n = 0;
        for (int i = 0; i < SEGMENTS; i++) {
            n += TcpSegmenter.write(superPacket, 0, superPacket.length, MSS, i, out, 0);
        }
        return n;
    }

    /** An inbound worker's join: 44 segments checked and joined, then the super-packet finished. */
    @Benchmark
    @OperationsPerInvocation(SEGMENTS)
    public int coalesce() {
        for (final byte[] s : segments) {
            if (!coalescer.offer(s, 0, s.length)) {
                throw new AssertionError("a segment did not join");
            }
        }
        coalescer.finish();
        final int n = coalescer.length();
        coalescer.clear();
        return n;
    }
}
