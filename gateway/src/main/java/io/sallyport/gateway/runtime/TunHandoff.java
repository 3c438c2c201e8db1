package io.sallyport.gateway.runtime;

import io.sallyport.net.TunPort;

/**
 * Decrypted packets on their way from one inbound worker (the only producer) to the worker that
 * owns the TUN device (the only consumer and the only writer of that device), or packets read by
 * one device worker on their way to the device worker that holds their tunnel
 * ({@link OutboundAgent}, several read queues per device): a bounded ring of
 * length-prefixed records in one preallocated array ({@link RecordRing}). Lock-free and
 * allocation-free; a packet that does not fit is refused (the producer counts it). The consumer says when it sleeps
 * ({@link #consumerSleeping}); the producer wakes it then, once per burst of packets.
 *
 * <p>A record is the packet's length, then the packet.
 */
final class TunHandoff implements DeviceInlet {
    private static final int HEADER = 4;

    private final byte[] ring;
    private final RecordRing positions;
    private final OutboundAgent consumer;

    TunHandoff(int capacity, OutboundAgent consumer) {
        this.positions = new RecordRing(capacity);
        this.ring = new byte[capacity];
        this.consumer = consumer;
    }

    /** The producer: copies {@code buf[off, off + len)} in; false when there is no room (nothing written). */
    @Override
    public boolean offer(byte[] buf, int off, int len) {
        int at = positions.claim(ring, RecordRing.recordBytes(HEADER, len));
        if (at < 0) {
            return false;
        }
        RecordRing.INT.set(ring, at, len);
        System.arraycopy(buf, off, ring, at + HEADER, len);
        positions.publish();
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
        long h = positions.head();
        long t = positions.tail();
        int n = 0;
        while (h < t && n < max) {
            h = positions.skipPadding(ring, h);
            int at = positions.offset(h);
            int len = (int) RecordRing.INT.get(ring, at);
            // A refused write is counted by the TUN port (or the sink).
            sink.accept(ring, at + HEADER, len);
            h += RecordRing.recordBytes(HEADER, len);
            n++;
        }
        positions.release(h);
        return n;
    }

    boolean isEmpty() {
        return positions.isEmpty();
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
