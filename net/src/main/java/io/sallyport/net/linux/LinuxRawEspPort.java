package io.sallyport.net.linux;

import io.sallyport.net.DatagramPort;
import io.sallyport.net.HostNetworkException;
import io.sallyport.net.PortCounter;
import io.sallyport.net.PortCounters;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * Plain ESP (IP protocol 50) over IPv4: {@code socket(AF_INET, SOCK_RAW, IPPROTO_ESP)} bound to
 * the local gateway address. The kernel builds the outer IPv4 header on send; on receive it hands
 * over the whole datagram, and this port moves the ESP packet down over the header so callers
 * always see ESP at {@code off}. Port numbers are 0.
 *
 * <p>Receive buffers need room for the outer header too: pass {@code maxLen} of at least the
 * largest ESP packet plus 60 bytes.
 */
public final class LinuxRawEspPort implements DatagramPort, NativePort {

    private static final int IPV4_MIN_HEADER = 20;
    private static final ValueLayout.OfInt IPV4_ADDRESS_BITS = ValueLayout.JAVA_INT_UNALIGNED;

    private final NativeFd fd;
    private final InetSocketAddress local;
    private final PortCounters counters = new PortCounters();
    private final MemorySegment sourceAddr;
    private final MemorySegment sourceLen;
    private final MemorySegment destAddr;
    private InetSocketAddress lastSource;
    private int lastSourceBits;
    private InetSocketAddress lastDestination;

    private LinuxRawEspPort(final NativeFd fd, final InetSocketAddress local) {
        this.fd = fd;
        this.local = local;
        final Arena arena = fd.arena();
        this.sourceAddr = arena.allocate(Libc.SOCKADDR_IN6_SIZE, 4);
        this.sourceLen = arena.allocate(ValueLayout.JAVA_INT);
        this.destAddr = arena.allocate(Libc.SOCKADDR_IN6_SIZE, 4);
    }

    /**
     * Opens a raw ESP socket bound to {@code localAddress} (IPv4; use 0.0.0.0 for any).
     *
     * @throws HostNetworkException with the host's reason, for example a missing CAP_NET_RAW
     */
    public static LinuxRawEspPort open(final InetAddress localAddress) {
        final Inet4Address v4 = SockAddr.requireIpv4(localAddress, "raw ESP local address");
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment state = Libc.newCallState(arena);
            final int fd = (int) Libc.SOCKET.invokeExact(state, Libc.AF_INET,
                    Libc.SOCK_RAW | Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC, Libc.IPPROTO_ESP);
            if (fd < 0) {
                final int errno = Libc.errno(state);
                throw new HostNetworkException(Libc.describe("socket(AF_INET, SOCK_RAW, 50)", errno)
                        + (errno == Libc.EPERM ? "; raw ESP needs CAP_NET_RAW" : ""));
            }
            final MemorySegment sa = arena.allocate(Libc.SOCKADDR_IN6_SIZE, 4);
            SockAddr.write(sa, v4, 0);
            final int rc = (int) Libc.BIND.invokeExact(state, fd, sa, Libc.SOCKADDR_IN_SIZE);
            if (rc < 0) {
                final int errno = Libc.errno(state);
                Libc.close(fd);
                throw new HostNetworkException(Libc.describe("bind raw ESP socket to "
                        + v4.getHostAddress(), errno) + "; the address must exist on the host");
            }
            return new LinuxRawEspPort(new NativeFd(fd), new InetSocketAddress(v4, 0));
        } catch (final HostNetworkException e) {
            throw e;
        } catch (final Throwable t) {
            throw new IllegalStateException("raw socket downcall failed", t);
        }
    }

    @Override
    public int receive(final byte[] buf, final int off, final int maxLen) {
        Objects.checkFromIndexSize(off, maxLen, buf.length);
        sourceLen.set(ValueLayout.JAVA_INT, 0, Libc.SOCKADDR_IN_SIZE);
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
        final int total = (int) n;
        final int headerLen = total >= IPV4_MIN_HEADER && (buf[off] & 0xf0) == 0x40
                ? (buf[off] & 0x0f) * 4 : -1;
        if (headerLen < IPV4_MIN_HEADER || headerLen > total) {
            counters.increment(PortCounter.RECEIVE_MALFORMED);
            return -1;
        }
        final int espLen = total - headerLen;
        System.arraycopy(buf, off + headerLen, buf, off, espLen);
        final int bits = sourceAddr.get(IPV4_ADDRESS_BITS, 4);
        if (lastSource == null || bits != lastSourceBits) {
            lastSource = SockAddr.read(sourceAddr);
            lastSourceBits = bits;
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
            if (!(destination.getAddress() instanceof Inet4Address v4)) {
                counters.failed(PortCounter.SEND_DROPPED_UNROUTABLE, 0);
                return false;
            }
            SockAddr.write(destAddr, v4, 0);
            lastDestination = destination;
        }
        final long n;
        try {
            n = (long) Libc.SENDTO.invokeExact(fd.sendState, fd.fd(),
                    MemorySegment.ofArray(buf).asSlice(off, len), (long) len,
                    Libc.MSG_DONTWAIT, destAddr, Libc.SOCKADDR_IN_SIZE);
        } catch (final Throwable t) {
            throw new IllegalStateException("sendto downcall failed", t);
        }
        if (n == len) {
            counters.sent(len);
            return true;
        }
        final int errno = n < 0 ? Libc.errno(fd.sendState) : 0;
        counters.failed(switch (errno) {
            case Libc.EAGAIN, Libc.ENOBUFS -> PortCounter.SEND_DROPPED_BUSY;
            case Libc.ENETUNREACH, Libc.EHOSTUNREACH, Libc.EINVAL, Libc.EMSGSIZE ->
                    PortCounter.SEND_DROPPED_UNROUTABLE;
            default -> PortCounter.SEND_DROPPED_ERROR;
        }, errno);
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
