package io.sallyport.net;

/**
 * One queue of a layer-3 tunnel device (Linux TUN with IFF_NO_PI, or a virtual twin): whole IP
 * packets in, whole IP packets out.
 *
 * <p>Reads never block: a worker loop calls {@link #read} until it returns {@code -1}, then
 * {@link #awaitReadable} with a timeout (or steps other work). A port is owned by one thread;
 * a second thread may only {@link #close} it after the owner stopped.
 */
public interface TunPort extends AutoCloseable {

    /**
     * Copies the next packet into {@code buf[off, off + maxLen)}.
     *
     * @return the packet length, or {@code -1} when no packet is waiting. A packet longer than
     *     {@code maxLen} is truncated by the device; callers size buffers to the MTU.
     */
    int read(byte[] buf, int off, int maxLen);

    /**
     * Hands one IP packet to the host (or holds it to join it with the next ones; {@link #flush}).
     *
     * @return {@code false} when the device dropped it (queue full, device down, malformed);
     *     the port counts the reason.
     */
    boolean write(byte[] buf, int off, int len);

    /**
     * Writes what {@link #write} held back to join into one larger write (TUN offloads); a port
     * without offloads holds nothing. The owner calls it at the end of each burst of writes.
     */
    default void flush() {
    }

    /** Waits until a packet is readable or the timeout passes; {@code true} when readable. */
    boolean awaitReadable(long timeoutMillis);

    /**
     * Whether the host deleted the device under this queue ({@code ip link del}): the last
     * {@link #read} returned {@code -1} because there is no device any more, and every read and
     * write fails until {@link #reattach}. The owner thread, after a read.
     */
    boolean deleted();

    /**
     * Creates the {@linkplain #deleted deleted} device again on this same queue: same name, MTU
     * and mode, up. Its addresses and routes went with the old device. Any thread, while the
     * owner does not read this port.
     *
     * @throws HostNetworkException with the host's reason (the name taken by another device, ...)
     */
    void reattach();

    /** Packet and drop counters of this port, written by the owner thread only. */
    PortCounters counters();

    /** The device name on the host, for example {@code ms-1_2_0.1}. */
    String name();

    /** The device MTU in bytes. */
    int mtu();

    @Override
    void close();
}
