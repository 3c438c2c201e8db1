package io.sallyport.gateway.runtime;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The positions of a bounded single-producer, single-consumer ring of records in one byte array,
 * shared by the handoffs ({@link TunHandoff}, {@link SpiHandoff}), which lay out their own records.
 * Records are 4-byte aligned and start with their length word (the packet's or datagram's length,
 * never {@link #PADDING}); a record that would run past the end of the array is preceded by a
 * padding marker and starts again at 0. Lock-free: the producer publishes its tail with a volatile
 * write after copying the record in, the consumer its head after copying it out.
 */
final class RecordRing {
    static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.nativeOrder());
    static final int PADDING = -1;

    private final int capacity;
    /** Written by the producer only (release), read by the consumer (acquire). */
    private volatile long tail;
    /** Written by the consumer only (release), read by the producer (acquire). */
    private volatile long head;
    /** The producer's own copies: its tail (claimed, not yet published) and the last head it saw. */
    private long producerTail;
    private long cachedHead;

    RecordRing(int capacity) {
        if (Integer.bitCount(capacity) != 1 || capacity < 4096) {
            throw new IllegalArgumentException("capacity must be a power of two of at least 4096: " + capacity);
        }
        this.capacity = capacity;
    }

    int capacity() {
        return capacity;
    }

    /** The bytes a record of {@code header} bytes and {@code length} more takes, aligned. */
    static int recordBytes(int header, int length) {
        return (header + length + 3) & ~3;
    }

    /**
     * The producer: room for a record of {@code bytes} (from {@link #recordBytes}) in {@code ring};
     * returns where it starts, writing the padding marker first if it wraps, or -1 when there is
     * no room (nothing written). The record is the consumer's once {@link #publish} ran.
     */
    int claim(byte[] ring, int bytes) {
        int at = (int) (producerTail & (capacity - 1));
        int padding = at + bytes > capacity ? capacity - at : 0;
        long needed = padding + bytes;
        if (needed > capacity) {
            return -1;
        }
        if (producerTail + needed - cachedHead > capacity) {
            cachedHead = head;
            if (producerTail + needed - cachedHead > capacity) {
                return -1;
            }
        }
        if (padding > 0) {
            INT.set(ring, at, PADDING);
            at = 0;
        }
        producerTail += needed;
        return at;
    }

    /** The producer, after copying the claimed record in: the consumer may take it. */
    void publish() {
        tail = producerTail;
    }

    /** The consumer: its position. */
    long head() {
        return head;
    }

    /** The consumer: the producer's published position (records up to it are complete). */
    long tail() {
        return tail;
    }

    /** The consumer: where the record at {@code position} starts in the array, skipping a padding marker. */
    long skipPadding(byte[] ring, long position) {
        int at = (int) (position & (capacity - 1));
        return (int) INT.get(ring, at) == PADDING ? position + capacity - at : position;
    }

    /** The array offset of {@code position}. */
    int offset(long position) {
        return (int) (position & (capacity - 1));
    }

    /** The consumer, after copying records out: their room is the producer's again. */
    void release(long newHead) {
        head = newHead;
    }

    boolean isEmpty() {
        return head == tail;
    }
}
