package io.sallyport.gateway.runtime;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * ESP datagrams on their way from one inbound worker of a steered group (the only producer) to
 * the worker of the same group that owns their SPI (the only consumer): UDP GRO joins the
 * datagrams of one address pair before the host steers, so a worker can receive segments of
 * another worker's SAs. A bounded ring of records in one array, made on the first offer (most
 * pairs of workers never need one; {@link RecordRing}); lock-free; a datagram that does not fit
 * is refused (the producer counts it). The producer wakes the consumer once per burst, and only when it sleeps.
 *
 * <p>A record is the datagram's length, the source port, the source address's length (4 or 16)
 * and 16 bytes for it, then the datagram.
 */
final class SpiHandoff {
    /** Bytes of ring per pair of workers that needs one: a few hundred full-size segments. */
    static final int CAPACITY = 1 << 20;
    private static final int HEADER = 28;

    private final RecordRing positions;
    private final InboundAgent consumer;
    /** Made by the producer before its first published record; the consumer reads it only after seeing one. */
    private byte[] ring;
    /**
     * The producer's: the source last offered and its address bytes ({@code getAddress()} copies
     * them on each call; a receive batch gives the same source object for a run of one peer's datagrams).
     */
    private InetSocketAddress lastSource;
    private byte[] lastAddress;
    /** The consumer's: the source of the datagram {@link #poll} last returned. */
    private final byte[] sourceAddress = new byte[16];
    private int sourceLength;
    private int sourcePort;

    SpiHandoff(InboundAgent consumer) {
        this(CAPACITY, consumer);
    }

    SpiHandoff(int capacity, InboundAgent consumer) {
        this.positions = new RecordRing(capacity);
        this.consumer = consumer;
    }

    InboundAgent consumer() {
        return consumer;
    }

    /** The producer: copies the datagram {@code buf[off, off + len)} from {@code source} in; false when there is no room. */
    boolean offer(byte[] buf, int off, int len, InetSocketAddress source) {
        if (ring == null) {
            ring = new byte[positions.capacity()];
        }
        int at = positions.claim(ring, RecordRing.recordBytes(HEADER, len));
        if (at < 0) {
            return false;
        }
        if (source != lastSource) {
            lastSource = source;
            lastAddress = source.getAddress().getAddress();
        }
        byte[] address = lastAddress;
        RecordRing.INT.set(ring, at, len);
        RecordRing.INT.set(ring, at + 4, source.getPort());
        RecordRing.INT.set(ring, at + 8, address.length);
        System.arraycopy(address, 0, ring, at + 12, address.length);
        System.arraycopy(buf, off, ring, at + HEADER, len);
        positions.publish();
        return true;
    }

    /** The consumer: copies the next datagram into {@code buf} at 0 and returns its length, or -1 when none waits. */
    int poll(byte[] buf) {
        long h = positions.head();
        if (h == positions.tail()) {
            return -1;
        }
        h = positions.skipPadding(ring, h);
        int at = positions.offset(h);
        int len = (int) RecordRing.INT.get(ring, at);
        sourcePort = (int) RecordRing.INT.get(ring, at + 4);
        sourceLength = (int) RecordRing.INT.get(ring, at + 8);
        System.arraycopy(ring, at + 12, sourceAddress, 0, sourceLength);
        System.arraycopy(ring, at + HEADER, buf, 0, len);
        positions.release(h + RecordRing.recordBytes(HEADER, len));
        return len;
    }

    /** The consumer: where the datagram {@link #poll} last returned came from (made only when asked: unknown SPIs). */
    InetSocketAddress source() {
        try {
            InetAddress a = sourceLength == 16
                    ? Inet6Address.getByAddress(null, java.util.Arrays.copyOf(sourceAddress, 16), null)
                    : InetAddress.getByAddress(java.util.Arrays.copyOf(sourceAddress, sourceLength));
            return new InetSocketAddress(a, sourcePort);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a handed-off datagram's source has " + sourceLength + " bytes", e);
        }
    }

    boolean isEmpty() {
        return positions.isEmpty();
    }
}
