package io.sallyport.net.linux;

import io.sallyport.net.HostNetworkException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * An rtnetlink socket ({@code NETLINK_ROUTE}) subscribed to link and address changes
 * ({@code RTMGRP_LINK}, {@code RTMGRP_IPV4_IFADDR}, {@code RTMGRP_IPV6_IFADDR}) of the network
 * namespace it is opened in: a watcher sleeps on it and wakes when the kernel reports a change,
 * instead of only on a fixed period. It says only that something changed; the watcher reads the
 * state again ({@link LinuxNetworkControl#addresses}, {@link LinuxNetworkControl#links}), so no
 * message is parsed. Owned by one thread.
 */
public final class LinuxRouteEvents implements AutoCloseable {

    private static final int NETLINK_ROUTE = 0;
    private static final int RTMGRP_LINK = 0x1;
    private static final int RTMGRP_IPV4_IFADDR = 0x10;
    private static final int RTMGRP_IPV6_IFADDR = 0x100;
    /** {@code struct sockaddr_nl}: family, pad, pid, groups. */
    private static final int SOCKADDR_NL_SIZE = 12;

    private final NativeFd fd;
    private final byte[] buf = new byte[16 * 1024];

    private LinuxRouteEvents(final NativeFd fd) {
        this.fd = fd;
    }

    /**
     * Subscribes in the caller's network namespace.
     *
     * @throws HostNetworkException when the host has no rtnetlink for this process (the caller
     *     then falls back to polling)
     */
    public static LinuxRouteEvents open() {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment state = Libc.newCallState(arena);
            final int fd = (int) Libc.SOCKET.invokeExact(state, Libc.AF_NETLINK,
                    Libc.SOCK_RAW | Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC,
                    NETLINK_ROUTE);
            if (fd < 0) {
                throw new HostNetworkException(Libc.describe("socket NETLINK_ROUTE", Libc.errno(state)));
            }
            final MemorySegment address = arena.allocate(SOCKADDR_NL_SIZE, 4);
            address.set(ValueLayout.JAVA_SHORT, 0, (short) Libc.AF_NETLINK);
            address.set(ValueLayout.JAVA_INT, 8, RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR);
            if ((int) Libc.BIND.invokeExact(state, fd, address, SOCKADDR_NL_SIZE) < 0) {
                final int errno = Libc.errno(state);
                Libc.close(fd);
                throw new HostNetworkException(Libc.describe("bind NETLINK_ROUTE link and address groups", errno));
            }
            return new LinuxRouteEvents(new NativeFd(fd));
        } catch (final HostNetworkException e) {
            throw e;
        } catch (final Throwable t) {
            throw new IllegalStateException("netlink downcall failed", t);
        }
    }

    /**
     * Waits at most {@code timeoutMillis} for a change, then takes every notification waiting.
     *
     * @return true when the kernel reported a change (or dropped notifications because the socket
     *     overflowed, which means changes too) since the previous call
     */
    public boolean await(final long timeoutMillis) {
        fd.awaitReadable(timeoutMillis);
        boolean changed = false;
        while (true) {
            final long n;
            try {
                n = (long) Libc.READ.invokeExact(fd.receiveState, fd.fd(), MemorySegment.ofArray(buf), (long) buf.length);
            } catch (final Throwable t) {
                throw new IllegalStateException("netlink read failed", t);
            }
            if (n > 0) {
                changed = true;
                continue;
            }
            final int errno = n < 0 ? Libc.errno(fd.receiveState) : 0;
            if (errno == Libc.ENOBUFS) {
                changed = true;
                continue;
            }
            if (errno == Libc.EINTR) {
                continue;
            }
            return changed;
        }
    }

    @Override
    public void close() {
        fd.close();
    }
}
