package io.sallyport.net.virtual;

import io.sallyport.net.PortCounter;
import io.sallyport.net.PortCounters;
import io.sallyport.net.TunPort;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * An in-memory TUN device. The engine side is the {@link TunPort}; the host side is
 * {@link #inject} (the host routes a packet into the device) and {@link #pollWritten} or a
 * {@link #hostSink} (packets the engine hands to the host). Both queues are bounded; a full
 * queue drops and counts, as the kernel's TUN queue does. Single-threaded, like the lab.
 */
public final class VirtualTun implements TunPort {

    private final String name;
    private final int mtu;
    private final int capacity;
    private final ArrayDeque<byte[]> toEngine = new ArrayDeque<>();
    private final ArrayDeque<byte[]> toHost = new ArrayDeque<>();
    private final PortCounters counters = new PortCounters();
    private Consumer<byte[]> sink;
    private long hostDrops;
    private boolean up = true;
    private boolean closed;
    private boolean deleted;

    public VirtualTun(final String name, final int mtu, final int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("queue capacity must be at least 1");
        }
        this.name = name;
        this.mtu = mtu;
        this.capacity = capacity;
    }

    /**
     * The host routes {@code packet} into the device. Returns false (and counts a host-side drop)
     * when the device is down, closed or its queue is full.
     *
     * @throws IllegalArgumentException for a packet over the MTU: the host would not send it
     */
    public boolean inject(final byte[] packet, final int off, final int len) {
        Objects.checkFromIndexSize(off, len, packet.length);
        if (len > mtu) {
            throw new IllegalArgumentException("packet of " + len + " bytes over MTU " + mtu + " of " + name);
        }
        if (!up || closed || deleted || toEngine.size() >= capacity) {
            hostDrops++;
            return false;
        }
        toEngine.add(Arrays.copyOfRange(packet, off, off + len));
        return true;
    }

    /** The next packet the engine wrote, or null; empty while a {@link #hostSink} is set. */
    public byte[] pollWritten() {
        return toHost.poll();
    }

    /** Sends every packet the engine writes from now on to {@code consumer} instead of the queue. */
    public void hostSink(final Consumer<byte[]> consumer) {
        sink = consumer;
    }

    /** Packets the host could not put into the device. */
    public long hostDrops() {
        return hostDrops;
    }

    /** Administrative state: a down device refuses both directions. */
    public void setUp(final boolean isUp) {
        up = isUp;
    }

    /** The host deletes the device ({@code ip link del}): what it queued is gone, both directions fail. */
    public void delete() {
        deleted = true;
        toEngine.clear();
    }

    @Override
    public boolean deleted() {
        return deleted;
    }

    @Override
    public void reattach() {
        if (closed) {
            throw new IllegalStateException(name + " is closed");
        }
        deleted = false;
        up = true;
    }

    @Override
    public int read(final byte[] buf, final int off, final int maxLen) {
        Objects.checkFromIndexSize(off, maxLen, buf.length);
        if (deleted) {
            counters.failed(PortCounter.RECEIVE_ERROR, 0);
            return -1;
        }
        final byte[] p = toEngine.poll();
        if (p == null) {
            return -1;
        }
        final int n = Math.min(maxLen, p.length);
        System.arraycopy(p, 0, buf, off, n);
        counters.received(n);
        return n;
    }

    @Override
    public boolean write(final byte[] buf, final int off, final int len) {
        Objects.checkFromIndexSize(off, len, buf.length);
        if (!up || closed || deleted) {
            counters.failed(PortCounter.SEND_DROPPED_ERROR, 0);
            return false;
        }
        final byte[] copy = Arrays.copyOfRange(buf, off, off + len);
        if (sink != null) {
            sink.accept(copy);
        } else if (toHost.size() >= capacity) {
            counters.failed(PortCounter.SEND_DROPPED_BUSY, 0);
            return false;
        } else {
            toHost.add(copy);
        }
        counters.sent(len);
        return true;
    }

    @Override
    public boolean awaitReadable(final long timeoutMillis) {
        return !toEngine.isEmpty();
    }

    @Override
    public PortCounters counters() {
        return counters;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int mtu() {
        return mtu;
    }

    @Override
    public void close() {
        closed = true;
        toEngine.clear();
        toHost.clear();
    }
}
