package io.sallyport.net.linux;

import io.sallyport.net.PortCounter;
import io.sallyport.net.ReceiveBatch;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;

/**
 * {@code recvmmsg} for one Linux socket: up to {@value #CAPACITY} datagrams in one call into
 * native slots of 64 KiB (2 MiB per batch: no datagram is ever truncated) (the kernel needs stable addresses in its {@code iovec}s), then copied one by one
 * into the worker's heap buffer, where the JCA works fastest. Built once per port and receiving
 * thread; nothing is allocated per datagram except a source address that changed, and only when
 * asked for.
 */
final class LinuxReceiveBatch implements ReceiveBatch {
    static final int CAPACITY = 32;
    /** Room for the largest datagram either kind of socket delivers, so none is ever truncated. */
    private static final int SLOT = 65536;
    private static final int MSGHDR = 64;
    private static final int IOVEC = 16;
    private static final int IPV4_MIN_HEADER = 20;

    private final LinuxSocketPort port;
    private final boolean stripIpv4Header;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment messages = arena.allocate((long) MSGHDR * CAPACITY, 8);
    private final MemorySegment iovecs = arena.allocate((long) IOVEC * CAPACITY, 8);
    private final MemorySegment names = arena.allocate((long) Libc.SOCKADDR_IN6_SIZE * CAPACITY, 8);
    private final MemorySegment data = arena.allocate((long) SLOT * CAPACITY, 16);
    private final MemorySegment state = Libc.newCallState(arena);
    private final MemorySegment previousName = arena.allocate(Libc.SOCKADDR_IN6_SIZE, 8);
    private InetSocketAddress previousSource;
    private int count;

    LinuxReceiveBatch(final LinuxSocketPort port, final boolean stripIpv4Header) {
        this.port = port;
        this.stripIpv4Header = stripIpv4Header;
        for (int i = 0; i < CAPACITY; i++) {
            final long m = (long) i * MSGHDR;
            messages.set(ValueLayout.ADDRESS, m, names.asSlice((long) i * Libc.SOCKADDR_IN6_SIZE));
            messages.set(ValueLayout.ADDRESS, m + 16, iovecs.asSlice((long) i * IOVEC));
            messages.set(ValueLayout.JAVA_LONG, m + 24, 1L);
            iovecs.set(ValueLayout.ADDRESS, (long) i * IOVEC, data.asSlice((long) i * SLOT));
            iovecs.set(ValueLayout.JAVA_LONG, (long) i * IOVEC + 8, SLOT);
        }
    }

    @Override
    public int receive() {
        for (int i = 0; i < CAPACITY; i++) {
            messages.set(ValueLayout.JAVA_INT, (long) i * MSGHDR + 8, Libc.SOCKADDR_IN6_SIZE);
        }
        final int n;
        try {
            n = (int) Libc.RECVMMSG.invokeExact(state, port.fd.fd(), messages, CAPACITY, Libc.MSG_DONTWAIT,
                    MemorySegment.NULL);
        } catch (final Throwable t) {
            throw new IllegalStateException("recvmmsg downcall failed", t);
        }
        if (n < 0) {
            final int errno = Libc.errno(state);
            if (errno != Libc.EAGAIN && errno != Libc.EINTR) {
                port.counters.failed(PortCounter.RECEIVE_ERROR, errno);
            }
            count = 0;
            return 0;
        }
        count = n;
        return n;
    }

    @Override
    public int copy(final int i, final byte[] buf, final int off, final int maxLen) {
        final long slot = (long) i * SLOT;
        int length = messages.get(ValueLayout.JAVA_INT, (long) i * MSGHDR + 56);
        int start = 0;
        if (stripIpv4Header) {
            final int first = length > 0 ? data.get(ValueLayout.JAVA_BYTE, slot) : 0;
            final int header = length >= IPV4_MIN_HEADER && (first & 0xf0) == 0x40 ? (first & 0x0f) * 4 : -1;
            if (header < IPV4_MIN_HEADER || header > length) {
                port.counters.increment(PortCounter.RECEIVE_MALFORMED);
                return -1;
            }
            start = header;
            length -= header;
        }
        final int n = Math.min(length, maxLen);
        MemorySegment.copy(data, ValueLayout.JAVA_BYTE, slot + start, buf, off, n);
        port.counters.received(n);
        return n;
    }

    @Override
    public InetSocketAddress source(final int i) {
        final MemorySegment name = names.asSlice((long) i * Libc.SOCKADDR_IN6_SIZE, Libc.SOCKADDR_IN6_SIZE);
        if (previousSource == null || name.mismatch(previousName) >= 0) {
            previousSource = SockAddr.read(name);
            previousName.copyFrom(name);
        }
        return previousSource;
    }

    void close() {
        arena.close();
    }

    /** Whether this kernel and C library have {@code recvmmsg} (an empty call returns 0 where they do). */
    static boolean available() {
        if (Libc.RECVMMSG == null) {
            return false;
        }
        try (Arena probe = Arena.ofConfined()) {
            final MemorySegment st = Libc.newCallState(probe);
            final int fd = (int) Libc.SOCKET.invokeExact(st, Libc.AF_INET,
                    Libc.SOCK_DGRAM | Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC, 0);
            if (fd < 0) {
                return false;
            }
            try {
                final int rc = (int) Libc.RECVMMSG.invokeExact(st, fd, probe.allocate(MSGHDR, 8), 0,
                        Libc.MSG_DONTWAIT, MemorySegment.NULL);
                return rc == 0 || (rc < 0 && Libc.errno(st) == Libc.EAGAIN);
            } finally {
                Libc.close(fd);
            }
        } catch (final Throwable t) {
            return false;
        }
    }
}
