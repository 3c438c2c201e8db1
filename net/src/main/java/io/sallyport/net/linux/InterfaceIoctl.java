package io.sallyport.net.linux;

import io.sallyport.net.HostNetworkException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Interface MTU and up/down through {@code SIOC[GS]IFMTU} and {@code SIOC[GS]IFFLAGS}, and the
 * receive queue count through {@code SIOCETHTOOL}, on a throw-away {@code AF_INET} datagram
 * socket, in the calling thread's network namespace.
 */
public final class InterfaceIoctl {

    private InterfaceIoctl() {
    }

    public static void setMtu(final String device, final int mtu) {
        withIfreq(device, (fd, ifreq, state) -> {
            ifreq.set(ValueLayout.JAVA_INT, Libc.IFREQ_UNION_OFFSET, mtu);
            check(ioctl(state, fd, Libc.SIOCSIFMTU, ifreq), state, "ioctl SIOCSIFMTU " + device + " " + mtu);
            return 0;
        });
    }

    /** The device's interface index ({@code SIOCGIFINDEX}): a device created anew gets a new one. */
    public static int index(final String device) {
        return withIfreq(device, (fd, ifreq, state) -> {
            check(ioctl(state, fd, Libc.SIOCGIFINDEX, ifreq), state, "ioctl SIOCGIFINDEX " + device);
            return ifreq.get(ValueLayout.JAVA_INT, Libc.IFREQ_UNION_OFFSET);
        });
    }

    public static int mtu(final String device) {
        return withIfreq(device, (fd, ifreq, state) -> {
            check(ioctl(state, fd, Libc.SIOCGIFMTU, ifreq), state, "ioctl SIOCGIFMTU " + device);
            return ifreq.get(ValueLayout.JAVA_INT, Libc.IFREQ_UNION_OFFSET);
        });
    }

    /** Sets or clears IFF_UP, keeping the other flags. */
    public static void setUp(final String device, final boolean up) {
        withIfreq(device, (fd, ifreq, state) -> {
            check(ioctl(state, fd, Libc.SIOCGIFFLAGS, ifreq), state, "ioctl SIOCGIFFLAGS " + device);
            final short flags = ifreq.get(ValueLayout.JAVA_SHORT, Libc.IFREQ_UNION_OFFSET);
            ifreq.set(ValueLayout.JAVA_SHORT, Libc.IFREQ_UNION_OFFSET,
                    (short) (up ? flags | Libc.IFF_UP : flags & ~Libc.IFF_UP));
            check(ioctl(state, fd, Libc.SIOCSIFFLAGS, ifreq), state,
                    "ioctl SIOCSIFFLAGS " + device + (up ? " up" : " down"));
            return 0;
        });
    }

    public static boolean isUp(final String device) {
        return withIfreq(device, (fd, ifreq, state) -> {
            check(ioctl(state, fd, Libc.SIOCGIFFLAGS, ifreq), state, "ioctl SIOCGIFFLAGS " + device);
            return (ifreq.get(ValueLayout.JAVA_SHORT, Libc.IFREQ_UNION_OFFSET) & Libc.IFF_UP) != 0 ? 1 : 0;
        }) == 1;
    }

    /** {@code SIOCETHTOOL}, and its command {@code ETHTOOL_GCHANNELS} (include/uapi/linux/ethtool.h). */
    private static final long SIOCETHTOOL = 0x8946L;
    private static final int ETHTOOL_GCHANNELS = 0x3c;

    /**
     * How many receive queues {@code device} has ({@code SIOCETHTOOL ETHTOOL_GCHANNELS}: its RX
     * and combined channels), 1 for a driver that does not say (EOPNOTSUPP). Asked of the calling
     * thread's namespace, as the other calls here, not of the process's {@code /sys}.
     */
    public static int receiveQueues(final String device) {
        return withIfreq(device, (fd, ifreq, state) -> {
            try (Arena arena = Arena.ofConfined()) {
                // struct ethtool_channels: cmd, max_rx, max_tx, max_other, max_combined, rx_count,
                // tx_count, other_count, combined_count (u32 each).
                final MemorySegment channels = arena.allocate(36, 4);
                channels.set(ValueLayout.JAVA_INT, 0, ETHTOOL_GCHANNELS);
                ifreq.set(ValueLayout.ADDRESS, Libc.IFREQ_UNION_OFFSET, channels);
                if (ioctl(state, fd, SIOCETHTOOL, ifreq) < 0) {
                    if (Libc.errno(state) == Libc.EOPNOTSUPP) {
                        return 1;
                    }
                    check(-1, state, "ioctl SIOCETHTOOL ETHTOOL_GCHANNELS " + device);
                }
                return Math.max(1, channels.get(ValueLayout.JAVA_INT, 20) + channels.get(ValueLayout.JAVA_INT, 32));
            }
        });
    }

    @FunctionalInterface
    private interface IfreqCall {
        int apply(int fd, MemorySegment ifreq, MemorySegment state);
    }

    private static int withIfreq(final String device, final IfreqCall call) {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment state = Libc.newCallState(arena);
            final int fd = (int) Libc.SOCKET.invokeExact(state, Libc.AF_INET,
                    Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0);
            check(fd, state, "socket(AF_INET, SOCK_DGRAM) for interface ioctls");
            try {
                final MemorySegment ifreq = arena.allocate(Libc.IFREQ_SIZE);
                Libc.putIfName(ifreq, device);
                return call.apply(fd, ifreq, state);
            } finally {
                Libc.close(fd);
            }
        } catch (final HostNetworkException | IllegalArgumentException e) {
            throw e;
        } catch (final Throwable t) {
            throw new IllegalStateException("interface ioctl downcall failed", t);
        }
    }

    private static int ioctl(final MemorySegment state, final int fd, final long request,
                             final MemorySegment ifreq) {
        try {
            return (int) Libc.IOCTL.invokeExact(state, fd, request, ifreq);
        } catch (final Throwable t) {
            throw new IllegalStateException("ioctl downcall failed", t);
        }
    }

    private static void check(final int rc, final MemorySegment state, final String what) {
        if (rc < 0) {
            final int errno = Libc.errno(state);
            throw new HostNetworkException(Libc.describe(what, errno)
                    + (errno == Libc.EPERM ? "; this needs CAP_NET_ADMIN" : ""));
        }
    }
}
