package io.sallyport.gateway.runtime;

import io.sallyport.net.TunPort;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Decrypted packets on their way from one inbound worker (the only producer) to the worker that
 * owns the TUN device (the only consumer and the only writer of that device), or packets read by
 * one device worker on their way to the device worker that holds their tunnel
 * ({@link OutboundAgent}, several read queues per device): a bounded ring of
 * length-prefixed records in one preallocated array. Lock-free and allocation-free; a packet that
 * does not fit is refused (the producer counts it). The consumer says when it sleeps
 * ({@link #consumerSleeping}); the producer wakes it then, once per burst of packets.
 *
 * <p>Records are 4-byte aligned: a length, then the packet. A record that would run past the end
 * of the array is preceded by a padding marker (-1) and starts again at 0.
 */
final class TunHandoff implements DeviceInlet {
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.nativeOrder());
    private static final int HEADER = 4;
    private static final int PADDING = -1;

    private final byte[] ring;
    private final int capacity;
    private final OutboundAgent consumer;
    /** Written by the producer only (release), read by the consumer (acquire). */
    private volatile long tail;
    /** Written by the consumer only (release), read by the producer (acquire). */
    private volatile long head;
    /** The producer's own copies: its tail and the last head it saw. */
    private long producerTail;
    private long cachedHead;

    TunHandoff(int capacity, OutboundAgent consumer) {
        if (Integer.bitCount(capacity) != 1 || capacity < 4096) {
            throw new IllegalArgumentException("capacity must be a power of two of at least 4096: " + capacity);
        }
        this.ring = new byte[capacity];
        this.capacity = capacity;
        this.consumer = consumer;
    }

    /** The producer: copies {@code buf[off, off + len)} in; false when there is no room (nothing written). */
    @Override
    public boolean offer(byte[] buf, int off, int len) {
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
        if (padding > 0) {
            INT.set(ring, at, PADDING);
            at = 0;
        }
        INT.set(ring, at, len);
        System.arraycopy(buf, off, ring, at + HEADER, len);
        producerTail += needed;
        tail = producerTail;
        return true;
    }

    /** Where the consumer puts each packet it takes out: a TUN port's write, or a worker's own path. */
    @FunctionalInterface
    interface Sink {
        /** One packet at {@code buf[off, off + len)}, valid only during the call. */
        boolean accept(byte[] buf, int off, int len);
    }

    /**
     * The consumer: writes up to {@code max} waiting packets into {@code tun} and flushes it (a TUN
     * with offloads joins a burst's TCP segments into one write); returns how many.
     */
    int drainTo(TunPort tun, int max) {
        int n = drainTo(tun::write, max);
        if (n > 0) {
            tun.flush();
        }
        return n;
    }

    /** The consumer: hands up to {@code max} waiting packets to {@code sink}; returns how many. */
    int drainTo(Sink sink, int max) {
        long h = head;
        long t = tail;
        int n = 0;
        while (h < t && n < max) {
            int at = (int) (h & (capacity - 1));
            int len = (int) INT.get(ring, at);
            if (len == PADDING) {
                h += capacity - at;
                continue;
            }
            // A refused write is counted by the TUN port (or the sink).
            sink.accept(ring, at + HEADER, len);
            h += (HEADER + len + 3) & ~3;
            n++;
        }
        head = h;
        return n;
    }

    boolean isEmpty() {
        return head == tail;
    }

    /** The producer, after {@link #offer}: whether the consumer sleeps and needs waking. */
    boolean consumerSleeping() {
        return consumer.sleeping();
    }

    /** The producer, once per burst (not per packet): the owner writes the burst at once. */
    @Override
    public void endOfBurst() {
        if (consumerSleeping()) {
            consumer.wake();
        }
    }
}
