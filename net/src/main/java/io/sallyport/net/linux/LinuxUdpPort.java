package io.sallyport.net.linux;

import io.sallyport.net.HostNetworkException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet6Address;
import java.net.InetSocketAddress;

/**
 * UDP (IKE on 500/4500, ESP-in-UDP) on a native non-blocking socket through FFM:
 * {@code recvfrom}/{@code sendto} read and write the caller's heap array in place, and the
 * descriptor can join a {@link LinuxReadySet} with the worker's TUN queue. IPv4 and IPv6; an
 * IPv6 socket is IPv6-only, so separate IPv4 and IPv6 sockets can share a port.
 *
 * <p>The socket lives in the network namespace of the thread that binds it.
 */
public final class LinuxUdpPort extends LinuxSocketPort {

    private LinuxUdpPort(final NativeFd fd, final InetSocketAddress local) {
        super(fd, local);
    }

    @Override
    protected int destinationPort(final InetSocketAddress destination) {
        return destination.getPort();
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
        return bind(local, reuseAddress, receiveBufferBytes, Role.ALONE);
    }

    /**
     * As {@link #bind(InetSocketAddress, boolean, int)}, as the receiving socket of an
     * SO_REUSEPORT group: {@link #bindSender} may then bind more sockets to the same address and
     * port, each for one sending thread, and every datagram that arrives still comes here (a
     * classic BPF program steers the whole group to its first member).
     */
    public static LinuxUdpPort bindShared(final InetSocketAddress local, final boolean reuseAddress,
                                          final int receiveBufferBytes) {
        return bind(local, reuseAddress, receiveBufferBytes, Role.SHARED_RECEIVER);
    }

    /**
     * The receiving sockets of an SO_REUSEPORT group on {@code local}, one per worker, steered by
     * SPI: a classic BPF program ({@code SO_ATTACH_REUSEPORT_CBPF}) sends each datagram to socket
     * {@link io.sallyport.net.SpiSteering#receiverOf(byte[], int, int, int)} of the list, IKE and
     * keepalives to socket 0. The kernel takes the program's result as a position in the group,
     * which follows the order the sockets joined and closes a gap by moving the last member into
     * it: {@link #bindSender}s may join afterwards (they come after these), and the sockets must
     * close last first. With one socket, {@link #bindShared}.
     *
     * @throws HostNetworkException when a bind fails or the host refuses the program (every socket closed)
     */
    public static java.util.List<LinuxUdpPort> bindSteered(final InetSocketAddress local, final boolean reuseAddress,
                                                           final int receiveBufferBytes, final int sockets) {
        if (sockets == 1) {
            return java.util.List.of(bindShared(local, reuseAddress, receiveBufferBytes));
        }
        final long[] program = ClassicBpf.spiSteering(sockets);
        final java.util.List<LinuxUdpPort> bound = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < sockets; i++) {
                bound.add(bind(local, reuseAddress, receiveBufferBytes, Role.STEERED_RECEIVER));
            }
            try (Arena arena = Arena.ofConfined()) {
                Libc.attachProgram(Libc.newCallState(arena), bound.get(0).fd.fd(), Libc.SO_ATTACH_REUSEPORT_CBPF,
                        program, arena);
            }
            return java.util.List.copyOf(bound);
        } catch (final RuntimeException e) {
            closeLastFirst(bound);
            throw e;
        } catch (final Throwable t) {
            closeLastFirst(bound);
            throw new IllegalStateException("setsockopt downcall failed", t);
        }
    }

    private static void closeLastFirst(final java.util.List<LinuxUdpPort> ports) {
        for (int i = ports.size() - 1; i >= 0; i--) {
            ports.get(i).close();
        }
    }

    /** Whether this kernel takes the SPI steering program of {@link #bindSteered} (probed once). */
    public static boolean spiSteeringAvailable() {
        return SPI_STEERING;
    }

    private static final boolean SPI_STEERING = probeSpiSteering();

    /** A throw-away unbound SO_REUSEPORT socket takes the program (the kernel makes its group on attach). */
    private static boolean probeSpiSteering() {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment state = Libc.newCallState(arena);
            final int fd = (int) Libc.SOCKET.invokeExact(state, Libc.AF_INET, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0);
            if (fd < 0) {
                return false;
            }
            try {
                final MemorySegment one = arena.allocateFrom(ValueLayout.JAVA_INT, 1);
                if ((int) Libc.SETSOCKOPT.invokeExact(state, fd, Libc.SOL_SOCKET, Libc.SO_REUSEPORT, one, 4) < 0) {
                    return false;
                }
                Libc.attachProgram(state, fd, Libc.SO_ATTACH_REUSEPORT_CBPF, ClassicBpf.spiSteering(2), arena);
                return true;
            } finally {
                Libc.close(fd);
            }
        } catch (final Throwable t) {
            return false;
        }
    }

    /**
     * A send-only socket on the address and port of a {@link #bindShared} (or {@link #bindSteered})
     * socket, joining its group after the receivers: datagrams leave
     * with that source port (NAT-T's 4500), and it receives nothing (a filter drops whatever the
     * kernel would queue). Lets each worker send without sharing a socket, or a lock, with others.
     */
    public static LinuxUdpPort bindSender(final InetSocketAddress local) {
        return bind(local, false, 0, Role.SENDER);
    }

    /** Whether send batches of UDP and raw ESP ports use {@code sendmmsg} on this host (probed once). */
    public static boolean sendmmsgAvailable() {
        return batchSendAvailable();
    }

    /** Whether receive batches of UDP and raw ESP ports use {@code recvmmsg} on this host (probed once). */
    public static boolean recvmmsgAvailable() {
        return batchReceiveAvailable();
    }

    /** Whether this kernel takes {@code UDP_SEGMENT} (UDP GSO), probed once. */
    private static final boolean UDP_GSO = probeUdpOption(Libc.UDP_SEGMENT, 0);
    /** Whether this kernel takes {@code UDP_GRO}, probed once. */
    private static final boolean UDP_GRO = probeUdpOption(Libc.UDP_GRO, 1);

    /** Whether send batches of UDP ports send runs of equal datagrams as one GSO send ({@code UDP_SEGMENT}). */
    public static boolean segmentationOffloadAvailable() {
        return UDP_GSO && batchSendAvailable();
    }

    /** Whether receive batches of UDP ports take coalesced datagrams ({@code UDP_GRO}) and split them. */
    public static boolean receiveOffloadAvailable() {
        return UDP_GRO && batchReceiveAvailable();
    }

    @Override
    protected boolean segmentationOffload() {
        return UDP_GSO;
    }

    @Override
    protected boolean enableReceiveOffload() {
        if (!UDP_GRO) {
            return false;
        }
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment state = Libc.newCallState(arena);
            return Libc.setIntOption(state, fd.fd(), Libc.SOL_UDP, Libc.UDP_GRO, 1, arena) == 0;
        } catch (final Throwable t) {
            return false;
        }
    }

    /** A throw-away UDP socket takes {@code SOL_UDP} option {@code name} with {@code value}. */
    private static boolean probeUdpOption(final int name, final int value) {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment state = Libc.newCallState(arena);
            final int fd = (int) Libc.SOCKET.invokeExact(state, Libc.AF_INET, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0);
            if (fd < 0) {
                return false;
            }
            try {
                return Libc.setIntOption(state, fd, Libc.SOL_UDP, name, value, arena) == 0;
            } finally {
                Libc.close(fd);
            }
        } catch (final Throwable t) {
            return false;
        }
    }

    @Override
    protected boolean stripsIpv4Header() {
        return false;
    }

    private enum Role { ALONE, SHARED_RECEIVER, STEERED_RECEIVER, SENDER }

    private static LinuxUdpPort bind(final InetSocketAddress local, final boolean reuseAddress,
                                     final int receiveBufferBytes, final Role role) {
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
                if (role != Role.ALONE) {
                    setOption(state, fd, Libc.SOL_SOCKET, Libc.SO_REUSEPORT, one, what);
                }
                if (role == Role.SENDER) {
                    Libc.attachReturnProgram(state, fd, Libc.SO_ATTACH_FILTER, 0, arena);
                }
                final MemorySegment sa = arena.allocate(Libc.SOCKADDR_IN6_SIZE, 4);
                final int len = SockAddr.write(sa, local.getAddress(), local.getPort());
                if ((int) Libc.BIND.invokeExact(state, fd, sa, len) < 0) {
                    final int errno = Libc.errno(state);
                    throw new HostNetworkException(Libc.describe("bind " + what, errno) + bindHint(errno, local));
                }
                if (role == Role.SHARED_RECEIVER) {
                    Libc.attachReturnProgram(state, fd, Libc.SO_ATTACH_REUSEPORT_CBPF, 0, arena);
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
        final int n = receiveRaw(buf, off, maxLen);
        if (n >= 0) {
            counters.received(n);
        }
        return n;
    }

    @Override
    public String toString() {
        return "LinuxUdpPort[" + SockAddr.format(local) + "]";
    }
}
