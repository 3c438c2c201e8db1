package io.sallyport.net.linux;

import io.sallyport.net.HostNetworkException;
import io.sallyport.net.PortCounter;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
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
 */
public final class LinuxRawEspPort extends LinuxSocketPort {

    private static final int IPV4_MIN_HEADER = 20;

    private final boolean ipv6;

    private LinuxRawEspPort(final NativeFd fd, final InetSocketAddress local) {
        super(fd, local);
        this.ipv6 = local.getAddress() instanceof Inet6Address;
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

    private static LinuxRawEspPort open(final InetAddress localAddress, final int receiveBufferBytes,
                                        final boolean sendOnly) {
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
            if (sendOnly) {
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
            return new LinuxRawEspPort(new NativeFd(fd), new InetSocketAddress(localAddress, 0));
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
}
