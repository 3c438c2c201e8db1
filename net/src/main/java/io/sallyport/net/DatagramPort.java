package io.sallyport.net;

import java.net.InetSocketAddress;

/**
 * A bound datagram endpoint: UDP (IKE 500, NAT-T 4500, udp-encapsulate ports) or raw ESP, where
 * the port numbers are 0 and datagrams are whole ESP packets without the outer IP header.
 *
 * <p>Non-blocking like {@link TunPort}. At most one thread receives and at most one thread sends
 * (a gateway's IKE sockets: its inbound worker receives, kmd sends); each side keeps its own
 * native scratch. The source of the last datagram
 * is kept in the port, so receiving allocates nothing per packet when the peer does not change.
 */
public interface DatagramPort extends AutoCloseable {

    /**
     * Copies the next datagram's payload into {@code buf[off, off + maxLen)}.
     *
     * @return the payload length (truncated to {@code maxLen}), or {@code -1} when none waits
     */
    int receive(byte[] buf, int off, int maxLen);

    /** The source of the datagram the last successful {@link #receive} returned. */
    InetSocketAddress lastSource();

    /**
     * Sends {@code buf[off, off + len)} to {@code destination}.
     *
     * @return {@code false} when the datagram was dropped locally (buffer full, unreachable);
     *     the port counts the reason
     */
    boolean send(byte[] buf, int off, int len, InetSocketAddress destination);

    /**
     * A batch for sending many datagrams in few host calls, for the port's sending thread. The
     * default sends each at once; hosts with a batch call ({@code sendmmsg}) override it.
     */
    default SendBatch newSendBatch() {
        return SendBatch.immediate(this);
    }

    /**
     * A batch for receiving many datagrams in few host calls, for the port's receiving thread.
     * The default takes one per call; hosts with a batch call ({@code recvmmsg}) override it.
     */
    default ReceiveBatch newReceiveBatch() {
        return ReceiveBatch.single(this, 65535);
    }

    /**
     * Whether datagrams given to {@link #send} are whole IPv4 packets, outer header included, as
     * a raw IP socket sends them ({@code IPPROTO_RAW}): the sender then sets DF, TTL and ToS
     * itself. The default, false: datagrams are the payload and the host builds the header.
     */
    default boolean takesIpHeader() {
        return false;
    }

    /** Waits until a datagram is readable or the timeout passes; {@code true} when readable. */
    boolean awaitReadable(long timeoutMillis);

    /** Packet and drop counters of this port: receive counters written by the receiving thread, send counters by the sending one. */
    PortCounters counters();

    /** The bound local address and port (port 0 for raw ESP). */
    InetSocketAddress localAddress();

    @Override
    void close();
}
