package io.sallyport.net.linux;

import io.sallyport.net.HostNetworkException;
import io.sallyport.net.PortCounter;
import io.sallyport.packet.Bytes;
import io.sallyport.packet.Ipv4Fragmenter;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Plain ESP (IP protocol 50): {@code socket(AF_INET or AF_INET6, SOCK_RAW, IPPROTO_ESP)} bound
 * to the local gateway address. The kernel builds the outer header on send. On receive, IPv4
 * raw sockets hand over the whole datagram, so this port moves the ESP packet down over the
 * IPv4 header; IPv6 raw sockets deliver the payload only. Either way callers see ESP at
 * {@code off}, and port numbers are 0.
 *
 * <p>IPv4 receive buffers need room for the outer header too: pass {@code maxLen} of at least
 * the largest ESP packet plus 60 bytes.
 *
 * <p>{@link #openHeaderSender} opens the other kind, for sending IPv4 only: {@code IPPROTO_RAW},
 * whose datagrams are whole IPv4 packets ({@link #takesIpHeader}). The sender sets DF, TTL and
 * ToS; the kernel fills in the ID, length and header checksum, copies the packet without
 * checksumming it, and delivers nothing to such a socket, so no receiver of ESP pays for it.
 */
public final class LinuxRawEspPort extends LinuxSocketPort {

    private static final int IPV4_MIN_HEADER = 20;

    private static final int IPV4_DF = 0x4000;

    private final boolean ipv6;
    /** An IPPROTO_RAW sender: datagrams carry their IPv4 header. */
    private final boolean headerIncluded;
    /** Fragments of a packet too long for its route, made on first use (sending thread only). */
    private byte[] fragment;
    private int fragmentId;
    /** Set while fragments are sent: a fragment refused again is dropped, not fragmented again. */
    private boolean fragmenting;

    private LinuxRawEspPort(final NativeFd fd, final InetSocketAddress local, final boolean headerIncluded) {
        super(fd, local);
        this.ipv6 = local.getAddress() instanceof Inet6Address;
        this.headerIncluded = headerIncluded;
    }

    @Override
    public boolean takesIpHeader() {
        return headerIncluded;
    }

    /** Raw sockets have no segmentation offload: each ESP packet is its own send. */
    @Override
    protected boolean segmentationOffload() {
        return false;
    }

    @Override
    protected boolean enableReceiveOffload() {
        return false;
    }

    @Override
    protected boolean stripsIpv4Header() {
        return !ipv6;
    }

    /** Raw sockets have no ports; the kernel wants 0 in the sockaddr. */
    @Override
    protected int destinationPort(final InetSocketAddress destination) {
        return 0;
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
        return open(localAddress, receiveBufferBytes, false);
    }

    /**
     * A send-only raw ESP socket on {@code localAddress}, for one sending thread: the kernel gives
     * every raw socket of protocol 50 a copy of each ESP packet, so this one carries a filter that
     * accepts none (nothing is queued or copied for it).
     */
    public static LinuxRawEspPort openSender(final InetAddress localAddress) {
        return open(localAddress, 0, true);
    }

    /**
     * A send-only IPv4 socket on {@code localAddress} for whole ESP packets, outer header included
     * ({@code socket(AF_INET, SOCK_RAW, IPPROTO_RAW)}, which implies IP_HDRINCL), for one sending
     * thread. Nothing is ever delivered to it.
     *
     * @throws HostNetworkException with the host's reason, for example a missing CAP_NET_RAW
     */
    public static LinuxRawEspPort openHeaderSender(final Inet4Address localAddress) {
        return open(localAddress, 0, true, Libc.IPPROTO_RAW);
    }

    private static LinuxRawEspPort open(final InetAddress localAddress, final int receiveBufferBytes,
                                        final boolean sendOnly) {
        return open(localAddress, receiveBufferBytes, sendOnly, Libc.IPPROTO_ESP);
    }

    private static LinuxRawEspPort open(final InetAddress localAddress, final int receiveBufferBytes,
                                        final boolean sendOnly, final int protocol) {
        final boolean v6 = localAddress instanceof Inet6Address;
        final String family = v6 ? "AF_INET6" : "AF_INET";
        final boolean headerIncluded = protocol == Libc.IPPROTO_RAW;
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment state = Libc.newCallState(arena);
            final int fd = (int) Libc.SOCKET.invokeExact(state, v6 ? Libc.AF_INET6 : Libc.AF_INET,
                    Libc.SOCK_RAW | Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC, protocol);
            if (fd < 0) {
                final int errno = Libc.errno(state);
                throw new HostNetworkException(Libc.describe("socket(" + family + ", SOCK_RAW, " + protocol + ")", errno)
                        + (errno == Libc.EPERM ? "; raw ESP needs CAP_NET_RAW" : ""));
            }
            if (receiveBufferBytes > 0) {
                Libc.setReceiveBuffer(state, fd, receiveBufferBytes, arena);
            }
            if (sendOnly && !headerIncluded) {
                try {
                    Libc.attachReturnProgram(state, fd, Libc.SO_ATTACH_FILTER, 0, arena);
                } catch (final HostNetworkException e) {
                    Libc.close(fd);
                    throw e;
                }
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
            return new LinuxRawEspPort(new NativeFd(fd), new InetSocketAddress(localAddress, 0), headerIncluded);
        } catch (final HostNetworkException e) {
            throw e;
        } catch (final Throwable t) {
            throw new IllegalStateException("raw socket downcall failed", t);
        }
    }

    @Override
    public int receive(final byte[] buf, final int off, final int maxLen) {
        final int n = receiveRaw(buf, off, maxLen);
        if (n < 0) {
            return -1;
        }
        final int espLen;
        if (ipv6) {
            espLen = n;
        } else {
            final int headerLen = n >= IPV4_MIN_HEADER && (buf[off] & 0xf0) == 0x40 ? (buf[off] & 0x0f) * 4 : -1;
            if (headerLen < IPV4_MIN_HEADER || headerLen > n) {
                counters.increment(PortCounter.RECEIVE_MALFORMED);
                return -1;
            }
            espLen = n - headerLen;
            System.arraycopy(buf, off + headerLen, buf, off, espLen);
        }
        counters.received(espLen);
        return espLen;
    }

    /**
     * A whole IPv4 packet longer than its route's MTU: the kernel does not fragment what an
     * IPPROTO_RAW socket sends, so this port does, as the host would have done for a packet
     * without DF (RFC 791; every fragment keeps the header's TTL and ToS). With DF set it is
     * dropped (counted by the caller), as a router on the path would drop it.
     */
    @Override
    protected boolean sendTooLong(final byte[] buf, final int off, final int len, final InetSocketAddress destination) {
        if (!headerIncluded || fragmenting || len < IPV4_MIN_HEADER
                || (Bytes.u16(buf, off + 6) & IPV4_DF) != 0 || Bytes.u16(buf, off + 2) != len) {
            return false;
        }
        final int mtu = routeMtu(destination.getAddress());
        final int n = mtu <= 0 ? 0 : Ipv4Fragmenter.count(buf, off, mtu);
        if (n < 2) {
            return false;
        }
        if (fragment == null) {
            fragment = new byte[65535];
        }
        // One ID for all fragments, chosen here (a 0 would have the kernel pick one per fragment).
        fragmentId = fragmentId % 0xFFFF + 1;
        Bytes.put16(buf, off + 4, fragmentId);
        fragmenting = true;
        try {
            for (int i = 0; i < n; i++) {
                final int fragLen = Ipv4Fragmenter.write(buf, off, mtu, i, fragment, 0);
                if (!sendAsIs(fragment, 0, fragLen, destination)) {
                    break; // counted; the remaining fragments could not be reassembled
                }
            }
            return true;
        } finally {
            fragmenting = false;
        }
    }

    /**
     * The MTU of the route to {@code destination} (with this socket's mark), from a connected UDP
     * socket's {@code IP_MTU}: a few system calls, paid only for a packet the kernel refused as too
     * long. 0 when the host will not say.
     */
    private int routeMtu(final InetAddress destination) {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment state = Libc.newCallState(arena);
            final int fd = (int) Libc.SOCKET.invokeExact(state, Libc.AF_INET, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0);
            if (fd < 0) {
                return 0;
            }
            try {
                if (mark != 0) {
                    final int ignored = Libc.setIntOption(state, fd, Libc.SOL_SOCKET, Libc.SO_MARK, mark, arena);
                }
                final MemorySegment sa = arena.allocate(Libc.SOCKADDR_IN6_SIZE, 4);
                final int saLen = SockAddr.write(sa, destination, 9);
                if ((int) Libc.CONNECT.invokeExact(state, fd, sa, saLen) < 0) {
                    return 0;
                }
                final MemorySegment value = arena.allocate(ValueLayout.JAVA_INT);
                final MemorySegment valueLen = arena.allocateFrom(ValueLayout.JAVA_INT, 4);
                if ((int) Libc.GETSOCKOPT.invokeExact(state, fd, Libc.IPPROTO_IP, Libc.IP_MTU, value, valueLen) < 0) {
                    return 0;
                }
                return value.get(ValueLayout.JAVA_INT, 0);
            } finally {
                Libc.close(fd);
            }
        } catch (final Throwable t) {
            return 0;
        }
    }
}
