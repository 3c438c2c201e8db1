package io.sallyport.net.linux;

import io.sallyport.net.SendBatch;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet6Address;
import java.net.InetSocketAddress;

/**
 * {@code sendmmsg} for one Linux socket: up to {@value #CAPACITY} datagrams copied into native
 * memory (the kernel needs stable addresses in its {@code iovec}s, which heap arrays do not
 * have), then sent in one call. Built once per port and sending thread; nothing is allocated per
 * datagram. A datagram longer than a slot is sent on its own after the queued ones.
 */
final class LinuxSendBatch implements SendBatch {
    static final int CAPACITY = 64;
    private static final int SLOT = 2048;
    private static final int MSGHDR = 64; // struct mmsghdr on x86-64 and aarch64
    private static final int IOVEC = 16;

    private final LinuxSocketPort port;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment messages = arena.allocate((long) MSGHDR * CAPACITY, 8);
    private final MemorySegment iovecs = arena.allocate((long) IOVEC * CAPACITY, 8);
    private final MemorySegment names = arena.allocate((long) Libc.SOCKADDR_IN6_SIZE * CAPACITY, 8);
    private final MemorySegment data = arena.allocate((long) SLOT * CAPACITY, 16);
    private final MemorySegment state = Libc.newCallState(arena);
    private final int[] lengths = new int[CAPACITY];
    private final boolean ipv6;
    private InetSocketAddress lastDestination;
    private int lastNameLen;
    private int count;

    LinuxSendBatch(final LinuxSocketPort port) {
        this.port = port;
        this.ipv6 = port.localAddress().getAddress() instanceof Inet6Address;
        for (int i = 0; i < CAPACITY; i++) {
            final long m = (long) i * MSGHDR;
            messages.set(ValueLayout.ADDRESS, m, names.asSlice((long) i * Libc.SOCKADDR_IN6_SIZE));
            messages.set(ValueLayout.ADDRESS, m + 16, iovecs.asSlice((long) i * IOVEC));
            messages.set(ValueLayout.JAVA_LONG, m + 24, 1L);
            iovecs.set(ValueLayout.ADDRESS, (long) i * IOVEC, data.asSlice((long) i * SLOT));
        }
    }

    @Override
    public boolean add(final byte[] buf, final int off, final int len, final InetSocketAddress destination) {
        if (len > SLOT || destination.isUnresolved() || (destination.getAddress() instanceof Inet6Address) != ipv6) {
            flush();
            return port.send(buf, off, len, destination);
        }
        if (count == CAPACITY) {
            flush();
        }
        final int i = count;
        MemorySegment.copy(buf, off, data, ValueLayout.JAVA_BYTE, (long) i * SLOT, len);
        iovecs.set(ValueLayout.JAVA_LONG, (long) i * IOVEC + 8, len);
        final MemorySegment name = names.asSlice((long) i * Libc.SOCKADDR_IN6_SIZE, Libc.SOCKADDR_IN6_SIZE);
        if (destination.equals(lastDestination) && i > 0) {
            MemorySegment.copy(names, (long) (i - 1) * Libc.SOCKADDR_IN6_SIZE, name, 0, Libc.SOCKADDR_IN6_SIZE);
        } else {
            lastNameLen = SockAddr.write(name, destination.getAddress(), port.destinationPort(destination));
            lastDestination = destination;
        }
        messages.set(ValueLayout.JAVA_INT, (long) i * MSGHDR + 8, lastNameLen);
        lengths[i] = len;
        count++;
        return true;
    }

    @Override
    public int flush() {
        int sent = 0;
        while (sent < count) {
            final int n;
            try {
                n = (int) Libc.SENDMMSG.invokeExact(state, port.fd.fd(),
                        messages.asSlice((long) sent * MSGHDR), count - sent, Libc.MSG_DONTWAIT);
            } catch (final Throwable t) {
                throw new IllegalStateException("sendmmsg downcall failed", t);
            }
            if (n > 0) {
                for (int i = sent; i < sent + n; i++) {
                    port.counters.sent(lengths[i]);
                }
                sent += n;
            } else {
                // The datagram at 'sent' was refused: count it and go on with the rest.
                final int errno = Libc.errno(state);
                port.counters.failed(Libc.sendFailure(errno), errno);
                sent++;
            }
        }
        final int queued = count;
        count = 0;
        lastDestination = null;
        return queued;
    }

    void close() {
        arena.close();
    }

    /**
     * Whether this kernel and C library have {@code sendmmsg}: an empty call on a fresh socket
     * returns 0 where it exists and fails with ENOSYS where it does not.
     */
    static boolean available() {
        if (Libc.SENDMMSG == null) {
            return false;
        }
        try (Arena probe = Arena.ofConfined()) {
            final MemorySegment st = Libc.newCallState(probe);
            final int fd = (int) Libc.SOCKET.invokeExact(st, Libc.AF_INET, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0);
            if (fd < 0) {
                return false;
            }
            try {
                final int rc = (int) Libc.SENDMMSG.invokeExact(st, fd, probe.allocate(MSGHDR, 8), 0, Libc.MSG_DONTWAIT);
                return rc == 0;
            } finally {
                Libc.close(fd);
            }
        } catch (final Throwable t) {
            return false;
        }
    }
}
