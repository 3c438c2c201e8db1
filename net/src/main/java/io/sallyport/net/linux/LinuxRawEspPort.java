package io.sallyport.net.linux;

import io.sallyport.net.DatagramPort;
import io.sallyport.net.HostNetworkException;
import io.sallyport.net.PortCounter;
import io.sallyport.net.PortCounters;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * Plain ESP (IP protocol 50): {@code socket(AF_INET or AF_INET6, SOCK_RAW, IPPROTO_ESP)} bound
 * to the local gateway address. The kernel builds the outer header on send. On receive, IPv4
 * raw sockets hand over the whole datagram, so this port moves the ESP packet down over the
 * IPv4 header; IPv6 raw sockets deliver the payload only. Either way callers see ESP at
 * {@code off}, and port numbers are 0.
 *
 * <p>IPv4 receive buffers need room for the outer header too: pass {@code maxLen} of at least
 * the largest ESP packet plus 60 bytes.
 */
public final class LinuxRawEspPort implements DatagramPort, NativePort {

    private static final int IPV4_MIN_HEADER = 20;

    private final NativeFd fd;
    private final InetSocketAddress local;
    private final boolean ipv6;
    private final PortCounters counters = new PortCounters();
    private final MemorySegment sourceAddr;
    private final MemorySegment previousSourceAddr;
    private final MemorySegment sourceLen;
    private final MemorySegment destAddr;
    private InetSocketAddress lastSource;
    private InetSocketAddress lastDestination;
    private int destLen;

    private LinuxRawEspPort(final NativeFd fd, final InetSocketAddress local) {
        this.fd = fd;
        this.local = local;
        this.ipv6 = local.getAddress() instanceof Inet6Address;
        final Arena arena = fd.arena();
        this.sourceAddr = arena.allocate(Libc.SOCKADDR_IN6_SIZE, 4);
        this.previousSourceAddr = arena.allocate(Libc.SOCKADDR_IN6_SIZE, 4);
        this.sourceLen = arena.allocate(ValueLayout.JAVA_INT);
        this.destAddr = arena.allocate(Libc.SOCKADDR_IN6_SIZE, 4);
    }

    /**
     * Opens a raw ESP socket bound to {@code localAddress} (IPv4 or IPv6; the wildcard for any).
     *
     * @throws HostNetworkException with the host's reason, for example a missing CAP_NET_RAW
     */
    public static LinuxRawEspPort open(final InetAddress localAddress) {
        return open(localAddress, 0);
    }

    /**
     * As {@link #open(InetAddress)}, with a receive buffer of {@code receiveBufferBytes} (0 for the
     * kernel default, which overflows under a tunnel's bursts).
     */
    public static LinuxRawEspPort open(final InetAddress localAddress, final int receiveBufferBytes) {
        final boolean v6 = localAddress instanceof Inet6Address;
        final String family = v6 ? "AF_INET6" : "AF_INET";
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment state = Libc.newCallState(arena);
            final int fd = (int) Libc.SOCKET.invokeExact(state, v6 ? Libc.AF_INET6 : Libc.AF_INET,
                    Libc.SOCK_RAW | Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC, Libc.IPPROTO_ESP);
            if (fd < 0) {
                final int errno = Libc.errno(state);
                throw new HostNetworkException(Libc.describe("socket(" + family + ", SOCK_RAW, 50)", errno)
                        + (errno == Libc.EPERM ? "; raw ESP needs CAP_NET_RAW" : ""));
            }
            if (receiveBufferBytes > 0) {
                Libc.setReceiveBuffer(state, fd, receiveBufferBytes, arena);
            }
            final MemorySegment sa = arena.allocate(Libc.SOCKADDR_IN6_SIZE, 4);
            final int len = SockAddr.write(sa, localAddress, 0);
            final int rc = (int) Libc.BIND.invokeExact(state, fd, sa, len);
            if (rc < 0) {
                final int errno = Libc.errno(state);
                Libc.close(fd);
                throw new HostNetworkException(Libc.describe("bind raw ESP socket to "
                        + localAddress.getHostAddress(), errno) + "; the address must exist on the host");
            }
            return new LinuxRawEspPort(new NativeFd(fd), new InetSocketAddress(localAddress, 0));
        } catch (final HostNetworkException e) {
            throw e;
        } catch (final Throwable t) {
            throw new IllegalStateException("raw socket downcall failed", t);
        }
    }

    @Override
    public int receive(final byte[] buf, final int off, final int maxLen) {
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
        final int espLen;
        if (ipv6) {
            espLen = (int) n;
        } else {
            final int total = (int) n;
            final int headerLen = total >= IPV4_MIN_HEADER && (buf[off] & 0xf0) == 0x40
                    ? (buf[off] & 0x0f) * 4 : -1;
            if (headerLen < IPV4_MIN_HEADER || headerLen > total) {
                counters.increment(PortCounter.RECEIVE_MALFORMED);
                return -1;
            }
            espLen = total - headerLen;
            System.arraycopy(buf, off + headerLen, buf, off, espLen);
        }
        if (lastSource == null || sourceAddr.mismatch(previousSourceAddr) >= 0) {
            // The kernel leaves the port field 0 for raw sockets; only the address matters.
            lastSource = SockAddr.read(sourceAddr);
            previousSourceAddr.copyFrom(sourceAddr);
        }
        counters.received(espLen);
        return espLen;
    }

    @Override
    public InetSocketAddress lastSource() {
        return lastSource;
    }

    @Override
    public boolean send(final byte[] buf, final int off, final int len, final InetSocketAddress destination) {
        Objects.checkFromIndexSize(off, len, buf.length);
        if (!destination.equals(lastDestination)) {
            if (destination.isUnresolved() || (destination.getAddress() instanceof Inet6Address) != ipv6) {
                counters.failed(PortCounter.SEND_DROPPED_UNROUTABLE, 0);
                return false;
            }
            destLen = SockAddr.write(destAddr, destination.getAddress(), 0);
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
        counters.failed(Libc.sendFailure(errno), errno);
        return false;
    }

    @Override
    public boolean awaitReadable(final long timeoutMillis) {
        return fd.awaitReadable(timeoutMillis);
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
    public NativeFd nativeFd() {
        return fd;
    }

    @Override
    public void close() {
        fd.close();
    }
}
