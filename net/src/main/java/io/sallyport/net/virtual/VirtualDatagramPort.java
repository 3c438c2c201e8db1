package io.sallyport.net.virtual;

import io.sallyport.net.DatagramPort;
import io.sallyport.net.PortCounter;
import io.sallyport.net.PortCounters;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Objects;

/**
 * A UDP or raw ESP endpoint on a {@link VirtualNetwork}, with a bounded receive queue like a
 * socket buffer. {@link #awaitReadable} never sleeps: virtual time only moves when the network
 * is advanced, so it just reports whether a datagram waits.
 */
public final class VirtualDatagramPort implements DatagramPort {

    private final VirtualNetwork network;
    private final VirtualDatagram.Protocol protocol;
    private final InetSocketAddress local;
    private final int capacity;
    private final ArrayDeque<VirtualDatagram> inbox = new ArrayDeque<>();
    private final PortCounters counters = new PortCounters();
    private InetSocketAddress lastSource;
    private boolean closed;

    VirtualDatagramPort(final VirtualNetwork network, final VirtualDatagram.Protocol protocol,
                        final InetSocketAddress local, final int capacity) {
        this.network = network;
        this.protocol = protocol;
        this.local = local;
        this.capacity = capacity;
    }

    VirtualDatagram.Protocol protocol() {
        return protocol;
    }

    boolean offer(final VirtualDatagram d) {
        if (inbox.size() >= capacity) {
            counters.increment(PortCounter.RECEIVE_DROPPED_QUEUE_FULL);
            return false;
        }
        inbox.add(d);
        return true;
    }

    @Override
    public int receive(final byte[] buf, final int off, final int maxLen) {
        Objects.checkFromIndexSize(off, maxLen, buf.length);
        final VirtualDatagram d = inbox.poll();
        if (d == null) {
            return -1;
        }
        final int n = Math.min(maxLen, d.payload().length);
        System.arraycopy(d.payload(), 0, buf, off, n);
        lastSource = d.source();
        counters.received(n);
        return n;
    }

    @Override
    public InetSocketAddress lastSource() {
        return lastSource;
    }

    @Override
    public boolean send(final byte[] buf, final int off, final int len, final InetSocketAddress destination) {
        Objects.checkFromIndexSize(off, len, buf.length);
        if (closed) {
            throw new IllegalStateException("virtual port " + local + " is closed");
        }
        final InetSocketAddress to = protocol == VirtualDatagram.Protocol.ESP
                ? new InetSocketAddress(destination.getAddress(), 0) : destination;
        if (network.send(new VirtualDatagram(protocol, local, to, Arrays.copyOfRange(buf, off, off + len)))) {
            counters.sent(len);
            return true;
        }
        counters.failed(PortCounter.SEND_DROPPED_UNROUTABLE, 0);
        return false;
    }

    @Override
    public boolean awaitReadable(final long timeoutMillis) {
        return !inbox.isEmpty();
    }

    @Override
    public PortCounters counters() {
        return counters;
    }

    @Override
    public InetSocketAddress localAddress() {
        return local;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            inbox.clear();
            network.unbind(this);
        }
    }

    @Override
    public String toString() {
        return "VirtualDatagramPort[" + protocol + " " + local + "]";
    }
}
