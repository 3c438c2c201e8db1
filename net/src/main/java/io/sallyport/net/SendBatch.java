package io.sallyport.net;

import java.net.InetSocketAddress;

/**
 * Datagrams for one port gathered so that {@link #flush} hands them to the host in as few calls
 * as it allows ({@code sendmmsg} on Linux). Owned by the port's sending thread; the data is
 * copied in, so the caller may reuse its buffer at once. Where the host has no batch call, each
 * {@link #add} simply sends.
 */
public interface SendBatch {

    /**
     * Queues (or sends) {@code buf[off, off + len)} for {@code destination}, with the host's own
     * outer header.
     *
     * @return false when the datagram was dropped locally (counted by the port)
     */
    default boolean add(byte[] buf, int off, int len, InetSocketAddress destination) {
        return add(buf, off, len, destination, OuterHeader.KERNEL);
    }

    /**
     * As {@link #add(byte[], int, int, InetSocketAddress)}, with the outer header's TTL, ToS and
     * DF ({@link OuterHeader}) this datagram must leave with. Linux batches send them as
     * per-message control data (DF for IPv4 as the socket's IP_MTU_DISCOVER); datagrams that
     * differ in them never share one GSO send. A port that builds the header itself
     * ({@link DatagramPort#takesIpHeader}) and the immediate batch (hosts without
     * {@code sendmmsg}, the lab's virtual ports, which have no outer header) ignore them.
     */
    boolean add(byte[] buf, int off, int len, InetSocketAddress destination, int outerHeader);

    /** Sends whatever is queued; returns how many datagrams left. Drops are counted by the port. */
    int flush();

    /** A batch that sends at once, one datagram per call: for ports without a batch call. */
    static SendBatch immediate(final DatagramPort port) {
        return new SendBatch() {
            @Override
            public boolean add(final byte[] buf, final int off, final int len, final InetSocketAddress destination,
                               final int outerHeader) {
                return port.send(buf, off, len, destination);
            }

            @Override
            public int flush() {
                return 0;
            }
        };
    }
}
