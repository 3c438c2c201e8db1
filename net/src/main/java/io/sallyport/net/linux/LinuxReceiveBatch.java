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
 *
 * <p>With UDP GRO on ({@code UDP_GRO}; the port turns it on when the kernel has it) one message
 * may hold several datagrams of the size a {@code UDP_GRO} control message gives (the last may be
 * shorter); {@link #receive} counts each as its own entry and {@link #copy} hands them out one by
 * one, as the sender sent them.
 */
final class LinuxReceiveBatch implements ReceiveBatch {
    static final int CAPACITY = 32;
    /** Room for the largest datagram either kind of socket delivers, so none is ever truncated. */
    private static final int SLOT = 65536;
    private static final int MSGHDR = 64;
    private static final int IOVEC = 16;
    private static final int IPV4_MIN_HEADER = 20;
    /** Most datagrams the kernel coalesces into one GRO message (UDP_GRO_CNT_MAX is 64). */
    private static final int MAX_SEGMENTS = 64;

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
    /** Messages the last {@link #receive} took: fewer than its datagrams when the kernel coalesced them. */
    private int lastMessages;
    private final boolean gro;
    private final MemorySegment controls;
    /** Per entry (datagram): its message, its offset in the message's slot and its length. */
    private final int[] entryMessage = new int[CAPACITY * MAX_SEGMENTS];
    private final int[] entryOffset = new int[CAPACITY * MAX_SEGMENTS];
    private final int[] entryLength = new int[CAPACITY * MAX_SEGMENTS];

    LinuxReceiveBatch(final LinuxSocketPort port, final boolean stripIpv4Header, final boolean gro) {
        this.port = port;
        this.stripIpv4Header = stripIpv4Header;
        this.gro = gro;
        this.controls = gro ? arena.allocate((long) Libc.CMSG_SPACE_INT * CAPACITY, 8) : null;
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
            if (gro) {
                // The address as a number: a slice per message would be an allocation per call.
                messages.set(ValueLayout.JAVA_LONG, (long) i * MSGHDR + 32, controls.address() + (long) i * Libc.CMSG_SPACE_INT);
                messages.set(ValueLayout.JAVA_LONG, (long) i * MSGHDR + 40, Libc.CMSG_SPACE_INT);
            }
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
        lastMessages = n;
        int entries = 0;
        for (int m = 0; m < n; m++) {
            final int length = messages.get(ValueLayout.JAVA_INT, (long) m * MSGHDR + 56);
            final int size = gro ? segmentSize(m) : 0;
            if (size <= 0 || size >= length) {
                entries = entry(entries, m, 0, length);
                continue;
            }
            for (int at = 0; at < length && entries < entryMessage.length; at += size) {
                entries = entry(entries, m, at, Math.min(size, length - at));
            }
        }
        count = entries;
        return entries;
    }

    int lastMessages() {
        return lastMessages;
    }

    private int entry(final int e, final int message, final int offset, final int length) {
        entryMessage[e] = message;
        entryOffset[e] = offset;
        entryLength[e] = length;
        return e + 1;
    }

    /** The datagram size of message {@code m} from its UDP_GRO control message, or 0 without one. */
    private int segmentSize(final int m) {
        final long controlLength = messages.get(ValueLayout.JAVA_LONG, (long) m * MSGHDR + 40);
        final long c = (long) m * Libc.CMSG_SPACE_INT;
        if (controlLength < Libc.CMSG_HEADER + 4
                || controls.get(ValueLayout.JAVA_INT, c + 8) != Libc.SOL_UDP
                || controls.get(ValueLayout.JAVA_INT, c + 12) != Libc.UDP_GRO) {
            return 0;
        }
        return controls.get(ValueLayout.JAVA_INT, c + Libc.CMSG_HEADER);
    }

    @Override
    public int copy(final int i, final byte[] buf, final int off, final int maxLen) {
        final int message = entryMessage[i];
        final long slot = (long) message * SLOT + entryOffset[i];
        int length = entryLength[i];
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
        final long name = (long) entryMessage[i] * Libc.SOCKADDR_IN6_SIZE;
        // Compared in place: a slice per datagram would be an allocation per packet; a new source costs one.
        if (previousSource == null || MemorySegment.mismatch(names, name, name + Libc.SOCKADDR_IN6_SIZE,
                previousName, 0, Libc.SOCKADDR_IN6_SIZE) >= 0) {
            previousSource = SockAddr.read(names.asSlice(name, Libc.SOCKADDR_IN6_SIZE));
            MemorySegment.copy(names, name, previousName, 0, Libc.SOCKADDR_IN6_SIZE);
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
