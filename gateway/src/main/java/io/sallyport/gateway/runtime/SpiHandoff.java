package io.sallyport.gateway.runtime;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;

/**
 * ESP datagrams on their way from one inbound worker of a steered group (the only producer) to
 * the worker of the same group that owns their SPI (the only consumer): UDP GRO joins the
 * datagrams of one address pair before the host steers, so a worker can receive segments of
 * another worker's SAs. A bounded ring of records in one array, made on the first offer (most
 * pairs of workers never need one); lock-free; a datagram that does not fit is refused (the
 * producer counts it). The producer wakes the consumer once per burst, and only when it sleeps.
 *
 * <p>Records are 4-byte aligned: the datagram's length, the source port, the source address's
 * length (4 or 16) and 16 bytes for it, then the datagram. A record that would run past the end
 * of the array is preceded by a padding marker (-1) and starts again at 0.
 */
final class SpiHandoff {
    /** Bytes of ring per pair of workers that needs one: a few hundred full-size segments. */
    static final int CAPACITY = 1 << 20;
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.nativeOrder());
    private static final int HEADER = 28;
    private static final int PADDING = -1;

    private final int capacity;
    private final InboundAgent consumer;
    /** Made by the producer before its first tail write; the consumer reads it only after seeing that write. */
    private byte[] ring;
    /** Written by the producer only (release), read by the consumer (acquire). */
    private volatile long tail;
    /** Written by the consumer only (release), read by the producer (acquire). */
    private volatile long head;
    private long producerTail;
    private long cachedHead;
    /** The consumer's: the source of the datagram {@link #poll} last returned. */
    private final byte[] sourceAddress = new byte[16];
    private int sourceLength;
    private int sourcePort;

    SpiHandoff(InboundAgent consumer) {
        this(CAPACITY, consumer);
    }

    SpiHandoff(int capacity, InboundAgent consumer) {
        if (Integer.bitCount(capacity) != 1 || capacity < 4096) {
            throw new IllegalArgumentException("capacity must be a power of two of at least 4096: " + capacity);
        }
        this.capacity = capacity;
        this.consumer = consumer;
    }

    InboundAgent consumer() {
        return consumer;
    }

    /** The producer: copies the datagram {@code buf[off, off + len)} from {@code source} in; false when there is no room. */
    boolean offer(byte[] buf, int off, int len, InetSocketAddress source) {
        int record = (HEADER + len + 3) & ~3;
        int at = (int) (producerTail & (capacity - 1));
        int padding = at + record > capacity ? capacity - at : 0;
        long needed = padding + record;
        if (needed > capacity) {
            return false;
        }
        if (producerTail + needed - cachedHead > capacity) {
            cachedHead = head;
            if (producerTail + needed - cachedHead > capacity) {
                return false;
            }
        }
        if (ring == null) {
            ring = new byte[capacity];
        }
        if (padding > 0) {
            INT.set(ring, at, PADDING);
            at = 0;
        }
        byte[] address = source.getAddress().getAddress();
        INT.set(ring, at, len);
        INT.set(ring, at + 4, source.getPort());
        INT.set(ring, at + 8, address.length);
        System.arraycopy(address, 0, ring, at + 12, address.length);
        System.arraycopy(buf, off, ring, at + HEADER, len);
        producerTail += needed;
        tail = producerTail;
        return true;
    }

    /** The consumer: copies the next datagram into {@code buf} at 0 and returns its length, or -1 when none waits. */
    int poll(byte[] buf) {
        long h = head;
        if (h == tail) {
            return -1;
        }
        int at = (int) (h & (capacity - 1));
        int len = (int) INT.get(ring, at);
        if (len == PADDING) {
            h += capacity - at;
            at = 0;
            len = (int) INT.get(ring, 0);
        }
        sourcePort = (int) INT.get(ring, at + 4);
        sourceLength = (int) INT.get(ring, at + 8);
        System.arraycopy(ring, at + 12, sourceAddress, 0, sourceLength);
        System.arraycopy(ring, at + HEADER, buf, 0, len);
        head = h + ((HEADER + len + 3) & ~3);
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
        return head == tail;
    }
}
