package io.sallyport.net.linux;

import io.sallyport.net.DatagramPort;
import io.sallyport.net.PortCounter;
import io.sallyport.net.PortCounters;
import io.sallyport.net.ReceiveBatch;
import io.sallyport.net.SendBatch;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * What UDP and raw ESP sockets share: {@code recvfrom}/{@code sendto} on the caller's heap array
 * in place, the source of the last datagram (read again only when the peer changes), and the
 * destination sockaddr (written again only when the destination changes).
 */
abstract sealed class LinuxSocketPort implements DatagramPort, NativePort permits LinuxUdpPort, LinuxRawEspPort {

    protected final NativeFd fd;
    protected final InetSocketAddress local;
    protected final PortCounters counters = new PortCounters();
    private static final boolean BATCH_SEND = LinuxSendBatch.available();
    private static final boolean BATCH_RECEIVE = LinuxReceiveBatch.available();
    private final java.util.List<LinuxReceiveBatch> receiveBatches = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** The batches made for this port's sending thread, freed when the port closes. */
    private final java.util.List<LinuxSendBatch> batches = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final MemorySegment sourceAddr;
    private final MemorySegment previousSourceAddr;
    private final MemorySegment sourceLen;
    private final MemorySegment destAddr;
    private InetSocketAddress lastSource;
    private InetSocketAddress lastDestination;
    private int destLen;
    /** SO_MARK, once {@link #mark} set it (0: none): what the port sends is routed by it. */
    protected int mark;

    LinuxSocketPort(final NativeFd fd, final InetSocketAddress local) {
        this.fd = fd;
        this.local = local;
        final Arena arena = fd.arena();
        this.sourceAddr = arena.allocate(Libc.SOCKADDR_IN6_SIZE, 4);
        this.previousSourceAddr = arena.allocate(Libc.SOCKADDR_IN6_SIZE, 4);
        this.sourceLen = arena.allocate(ValueLayout.JAVA_INT);
        this.destAddr = arena.allocate(Libc.SOCKADDR_IN6_SIZE, 4);
    }

    /**
     * Sets SO_MARK: what this socket sends is routed by the policy rules matching {@code mark}
     * ({@code ip rule fwmark MARK lookup TABLE}), as a VRF routing instance's sockets are.
     */
    public final void mark(final int mark) {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment state = Libc.newCallState(arena);
            if (Libc.setIntOption(state, fd.fd(), Libc.SOL_SOCKET, Libc.SO_MARK, mark, arena) < 0) {
                throw new io.sallyport.net.HostNetworkException(Libc.describe("setsockopt(SOL_SOCKET, SO_MARK, " + mark
                        + ") on " + local, Libc.errno(state)));
            }
            this.mark = mark;
        } catch (final RuntimeException e) {
            throw e;
        } catch (final Throwable t) {
            throw new IllegalStateException("setsockopt downcall failed", t);
        }
    }

    /** The port number written into a destination sockaddr (0 for raw sockets). */
    protected abstract int destinationPort(InetSocketAddress destination);

    /**
     * One {@code recvfrom} into {@code buf[off, off + maxLen)}: the byte count, or -1 when nothing
     * waits (other errors are counted). Remembers the source only when it changed.
     */
    protected final int receiveRaw(final byte[] buf, final int off, final int maxLen) {
        Objects.checkFromIndexSize(off, maxLen, buf.length);
        sourceLen.set(ValueLayout.JAVA_INT, 0, Libc.SOCKADDR_IN6_SIZE);
        final long n;
        try {
            n = (long) Libc.RECVFROM.invokeExact(fd.receiveState, fd.fd(),
                    MemorySegment.ofArray(buf).asSlice(off, maxLen), (long) maxLen,
                    Libc.MSG_DONTWAIT, sourceAddr, sourceLen);
        } catch (final Throwable t) {
            throw new IllegalStateException("recvfrom downcall failed", t);
        }
        if (n < 0) {
            final int errno = Libc.errno(fd.receiveState);
            if (errno != Libc.EAGAIN && errno != Libc.EINTR) {
                counters.failed(PortCounter.RECEIVE_ERROR, errno);
            }
            return -1;
        }
        // Allocate a new source address only when the peer changed.
        if (lastSource == null || sourceAddr.mismatch(previousSourceAddr) >= 0) {
            lastSource = SockAddr.read(sourceAddr);
            previousSourceAddr.copyFrom(sourceAddr);
        }
        return (int) n;
    }

    @Override
    public final InetSocketAddress lastSource() {
        return lastSource;
    }

    /**
     * Sends {@code buf[off, off + len)}. A whole IPv4 packet ({@link #takesIpHeader}) leaves with
     * its ID zeroed in {@code buf} first: the kernel then picks it (RFC 6864: unique per source,
     * destination and protocol, which counters of our own per SA are not).
     */
    @Override
    public final boolean send(final byte[] buf, final int off, final int len, final InetSocketAddress destination) {
        Objects.checkFromIndexSize(off, len, buf.length);
        if (len >= 20 && takesIpHeader()) {
            buf[off + 4] = 0;
            buf[off + 5] = 0;
        }
        return sendAsIs(buf, off, len, destination);
    }

    /** {@link #send} without touching the datagram. */
    protected final boolean sendAsIs(final byte[] buf, final int off, final int len, final InetSocketAddress destination) {
        if (!destination.equals(lastDestination)) {
            if (destination.isUnresolved()
                    || (destination.getAddress() instanceof Inet6Address) != (local.getAddress() instanceof Inet6Address)) {
                counters.failed(PortCounter.SEND_DROPPED_UNROUTABLE, 0);
                return false;
            }
            destLen = SockAddr.write(destAddr, destination.getAddress(), destinationPort(destination));
            lastDestination = destination;
        }
        final long n;
        try {
            n = (long) Libc.SENDTO.invokeExact(fd.sendState, fd.fd(),
                    MemorySegment.ofArray(buf).asSlice(off, len), (long) len,
                    Libc.MSG_DONTWAIT, destAddr, destLen);
        } catch (final Throwable t) {
            throw new IllegalStateException("sendto downcall failed", t);
        }
        if (n == len) {
            counters.sent(len);
            return true;
        }
        final int errno = n < 0 ? Libc.errno(fd.sendState) : 0;
        if (errno == Libc.EMSGSIZE && sendTooLong(buf, off, len, destination)) {
            return true;
        }
        counters.failed(Libc.sendFailure(errno), errno);
        return false;
    }

    /**
     * A datagram the host refused as longer than the route's MTU (EMSGSIZE), once more: true when
     * the port sent it another way (counted then), false to count it as dropped. The default: false.
     */
    protected boolean sendTooLong(final byte[] buf, final int off, final int len, final InetSocketAddress destination) {
        return false;
    }

    @Override
    public final boolean awaitReadable(final long timeoutMillis) {
        return fd.awaitReadable(timeoutMillis);
    }

    @Override
    public final PortCounters counters() {
        return counters;
    }

    @Override
    public final InetSocketAddress localAddress() {
        return local;
    }

    @Override
    public final NativeFd nativeFd() {
        return fd;
    }

    /**
     * Whether {@link #newSendBatch} uses {@code sendmmsg} on this host (probed once); otherwise
     * batches send each datagram at once.
     */
    static boolean batchSendAvailable() {
        return BATCH_SEND;
    }

    @Override
    public final SendBatch newSendBatch() {
        if (!BATCH_SEND) {
            return SendBatch.immediate(this);
        }
        final LinuxSendBatch batch = new LinuxSendBatch(this);
        batches.add(batch);
        return batch;
    }

    static boolean batchReceiveAvailable() {
        return BATCH_RECEIVE;
    }

    /** Whether received datagrams start with an IPv4 header the port strips (raw IPv4 sockets). */
    protected abstract boolean stripsIpv4Header();

    /** Whether send batches may hand the kernel runs of equal datagrams as one UDP GSO send. */
    protected abstract boolean segmentationOffload();

    /** Asks the kernel to deliver coalesced datagrams (UDP GRO); true when it will. */
    protected abstract boolean enableReceiveOffload();

    @Override
    public final ReceiveBatch newReceiveBatch() {
        if (!BATCH_RECEIVE) {
            return ReceiveBatch.single(this, 65535);
        }
        final LinuxReceiveBatch batch = new LinuxReceiveBatch(this, stripsIpv4Header(), enableReceiveOffload());
        receiveBatches.add(batch);
        return batch;
    }

    @Override
    public final void close() {
        fd.close();
        batches.forEach(LinuxSendBatch::close);
        batches.clear();
        receiveBatches.forEach(LinuxReceiveBatch::close);
        receiveBatches.clear();
    }
}
