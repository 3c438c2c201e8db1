package io.sallyport.net.linux;

import io.sallyport.net.DatagramPort;
import io.sallyport.net.HostNetworkException;
import io.sallyport.net.PortCounter;
import io.sallyport.net.PortCounters;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * UDP (IKE on 500/4500, ESP-in-UDP) on a native non-blocking socket through FFM:
 * {@code recvfrom}/{@code sendto} read and write the caller's heap array in place, and the
 * descriptor can join a {@link LinuxReadySet} with the worker's TUN queue. IPv4 and IPv6; an
 * IPv6 socket is IPv6-only, so separate IPv4 and IPv6 sockets can share a port.
 *
 * <p>The socket lives in the network namespace of the thread that binds it.
 */
public final class LinuxUdpPort implements DatagramPort, NativePort {

    private final NativeFd fd;
    private final InetSocketAddress local;
    private final PortCounters counters = new PortCounters();
    private final MemorySegment sourceAddr;
    private final MemorySegment previousSourceAddr;
    private final MemorySegment sourceLen;
    private final MemorySegment destAddr;
    private InetSocketAddress lastSource;
    private InetSocketAddress lastDestination;
    private int destLen;

    private LinuxUdpPort(final NativeFd fd, final InetSocketAddress local) {
        this.fd = fd;
        this.local = local;
        final Arena arena = fd.arena();
        this.sourceAddr = arena.allocate(Libc.SOCKADDR_IN6_SIZE, 4);
        this.previousSourceAddr = arena.allocate(Libc.SOCKADDR_IN6_SIZE, 4);
        this.sourceLen = arena.allocate(ValueLayout.JAVA_INT);
        this.destAddr = arena.allocate(Libc.SOCKADDR_IN6_SIZE, 4);
    }

    /** Binds {@code local} with SO_REUSEADDR as given and the kernel's default receive buffer. */
    public static LinuxUdpPort bind(final InetSocketAddress local, final boolean reuseAddress) {
        return bind(local, reuseAddress, 0);
    }

    /**
     * Binds {@code local}: a specific address (the local gateway) or the wildcard, port 500, 4500
     * or any (0 picks one).
     *
     * @param receiveBufferBytes SO_RCVBUF, or 0 for the kernel default (a tunnel's ESP socket
     *     drops under bursts with the default; see the interop notes on RcvbufErrors)
     * @throws HostNetworkException naming the address, the host's reason and the likely cause
     */
    public static LinuxUdpPort bind(final InetSocketAddress local, final boolean reuseAddress,
                                    final int receiveBufferBytes) {
        if (local.isUnresolved()) {
            throw new IllegalArgumentException("local address is unresolved: " + local);
        }
        final boolean v6 = local.getAddress() instanceof Inet6Address;
        final String what = "UDP " + SockAddr.format(local);
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment state = Libc.newCallState(arena);
            final int fd = (int) Libc.SOCKET.invokeExact(state, v6 ? Libc.AF_INET6 : Libc.AF_INET,
                    Libc.SOCK_DGRAM | Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC, 0);
            if (fd < 0) {
                throw new HostNetworkException(Libc.describe("socket for " + what, Libc.errno(state)));
            }
            try {
                final MemorySegment one = arena.allocateFrom(ValueLayout.JAVA_INT, 1);
                if (reuseAddress) {
                    setOption(state, fd, Libc.SOL_SOCKET, Libc.SO_REUSEADDR, one, what);
                }
                if (v6) {
                    setOption(state, fd, Libc.IPPROTO_IPV6, Libc.IPV6_V6ONLY, one, what);
                }
                if (receiveBufferBytes > 0) {
                    Libc.setReceiveBuffer(state, fd, receiveBufferBytes, arena);
                }
                final MemorySegment sa = arena.allocate(Libc.SOCKADDR_IN6_SIZE, 4);
                final int len = SockAddr.write(sa, local.getAddress(), local.getPort());
                if ((int) Libc.BIND.invokeExact(state, fd, sa, len) < 0) {
                    final int errno = Libc.errno(state);
                    throw new HostNetworkException(Libc.describe("bind " + what, errno) + bindHint(errno, local));
                }
                final MemorySegment boundLen = arena.allocateFrom(ValueLayout.JAVA_INT, Libc.SOCKADDR_IN6_SIZE);
                if ((int) Libc.GETSOCKNAME.invokeExact(state, fd, sa, boundLen) < 0) {
                    throw new HostNetworkException(Libc.describe("getsockname " + what, Libc.errno(state)));
                }
                return new LinuxUdpPort(new NativeFd(fd), SockAddr.read(sa));
            } catch (final RuntimeException e) {
                Libc.close(fd);
                throw e;
            }
        } catch (final RuntimeException e) {
            throw e;
        } catch (final Throwable t) {
            throw new IllegalStateException("UDP socket downcall failed", t);
        }
    }

    private static void setOption(final MemorySegment state, final int fd, final int level, final int name,
                                  final MemorySegment value, final String what) throws Throwable {
        if ((int) Libc.SETSOCKOPT.invokeExact(state, fd, level, name, value, (int) value.byteSize()) < 0) {
            throw new HostNetworkException(Libc.describe("setsockopt " + level + "/" + name + " on " + what,
                    Libc.errno(state)));
        }
    }

    private static String bindHint(final int errno, final InetSocketAddress local) {
        return switch (errno) {
            case Libc.EACCES -> local.getPort() < 1024
                    ? "; ports below 1024 need CAP_NET_BIND_SERVICE" : "";
            case Libc.EADDRNOTAVAIL -> "; the address is not configured on this host";
            case Libc.EADDRINUSE -> "; another socket holds the port (strongSwan or a second daemon?)";
            default -> "";
        };
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
        // Allocate a new source address only when the peer changed.
        if (lastSource == null || sourceAddr.mismatch(previousSourceAddr) >= 0) {
            lastSource = SockAddr.read(sourceAddr);
            previousSourceAddr.copyFrom(sourceAddr);
        }
        counters.received((int) n);
        return (int) n;
    }

    @Override
    public InetSocketAddress lastSource() {
        return lastSource;
    }

    @Override
    public boolean send(final byte[] buf, final int off, final int len, final InetSocketAddress destination) {
        Objects.checkFromIndexSize(off, len, buf.length);
        if (!destination.equals(lastDestination)) {
            if (destination.isUnresolved()
                    || (destination.getAddress() instanceof Inet6Address) != (local.getAddress() instanceof Inet6Address)) {
                counters.failed(PortCounter.SEND_DROPPED_UNROUTABLE, 0);
                return false;
            }
            destLen = SockAddr.write(destAddr, destination.getAddress(), destination.getPort());
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

    @Override
    public String toString() {
        return "LinuxUdpPort[" + SockAddr.format(local) + "]";
    }
}
