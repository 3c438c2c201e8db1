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
 *
 * <p>On a UDP socket whose kernel takes {@code UDP_SEGMENT}, consecutive datagrams to the same
 * destination with the same length (the last of a run may be shorter) leave as one message: its
 * {@code iovec}s are the run's slots and a {@code UDP_SEGMENT} control message gives the datagram
 * size, so the kernel builds one 64 KB GSO packet and its stack runs once for the run; the
 * receiver sees the same datagrams. A run the kernel refuses is sent again one datagram each.
 */
final class LinuxSendBatch implements SendBatch {
    static final int CAPACITY = 64;
    private static final int SLOT = 2048;
    private static final int MSGHDR = 64; // struct mmsghdr on x86-64 and aarch64
    private static final int IOVEC = 16;
    /** Payload bytes of one GSO send: a 64 KB IP packet less its IPv6 and UDP headers. */
    private static final int MAX_GSO_BYTES = 65535 - 40 - 8;

    private final LinuxSocketPort port;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment messages = arena.allocate((long) MSGHDR * CAPACITY, 8);
    private final MemorySegment iovecs = arena.allocate((long) IOVEC * CAPACITY, 8);
    private final MemorySegment names = arena.allocate((long) Libc.SOCKADDR_IN6_SIZE * CAPACITY, 8);
    private final MemorySegment data = arena.allocate((long) SLOT * CAPACITY, 16);
    private final MemorySegment state = Libc.newCallState(arena);
    private final int[] lengths = new int[CAPACITY];
    /** Each queued datagram's destination, for the one the host refuses as too long (EMSGSIZE). */
    private final InetSocketAddress[] destinationAt = new InetSocketAddress[CAPACITY];
    /** Whether datagrams are whole IPv4 packets (IPPROTO_RAW): their ID is left 0 for the kernel to choose. */
    private final boolean ipHeader;
    /** Where a refused datagram is copied back to the heap to be sent again another way; made on first use. */
    private byte[] tooLong;
    private final boolean ipv6;
    /** UDP GSO: one message per run of equal datagrams, each with its UDP_SEGMENT control message. */
    private boolean gso;
    private final MemorySegment runMessages;
    private final MemorySegment controls;
    private final int[] runStart = new int[CAPACITY];
    private final int[] runLength = new int[CAPACITY];
    /** Destination index per datagram: the same value means the same destination. */
    private final int[] destinationOf = new int[CAPACITY];
    private int destinations;
    private InetSocketAddress lastDestination;
    private int lastNameLen;
    private int count;

    LinuxSendBatch(final LinuxSocketPort port) {
        this.port = port;
        this.ipv6 = port.localAddress().getAddress() instanceof Inet6Address;
        this.gso = port.segmentationOffload();
        this.ipHeader = port.takesIpHeader();
        this.runMessages = gso ? arena.allocate((long) MSGHDR * CAPACITY, 8) : null;
        this.controls = gso ? arena.allocate((long) Libc.CMSG_SPACE_INT * CAPACITY, 8) : null;
        for (int i = 0; gso && i < CAPACITY; i++) {
            final long c = (long) i * Libc.CMSG_SPACE_INT;
            controls.set(ValueLayout.JAVA_LONG, c, Libc.CMSG_HEADER + 2L);
            controls.set(ValueLayout.JAVA_INT, c + 8, Libc.SOL_UDP);
            controls.set(ValueLayout.JAVA_INT, c + 12, Libc.UDP_SEGMENT);
        }
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
        if (ipHeader && len >= 20) {
            // RFC 6864: the kernel picks the IPv4 ID per source, destination and protocol, unique across our SAs.
            data.set(ValueLayout.JAVA_SHORT_UNALIGNED, (long) i * SLOT + 4, (short) 0);
        }
        destinationAt[i] = destination;
        iovecs.set(ValueLayout.JAVA_LONG, (long) i * IOVEC + 8, len);
        final MemorySegment name = names.asSlice((long) i * Libc.SOCKADDR_IN6_SIZE, Libc.SOCKADDR_IN6_SIZE);
        if (destination.equals(lastDestination) && i > 0) {
            MemorySegment.copy(names, (long) (i - 1) * Libc.SOCKADDR_IN6_SIZE, name, 0, Libc.SOCKADDR_IN6_SIZE);
        } else {
            lastNameLen = SockAddr.write(name, destination.getAddress(), port.destinationPort(destination));
            lastDestination = destination;
            destinations++;
        }
        destinationOf[i] = destinations;
        messages.set(ValueLayout.JAVA_INT, (long) i * MSGHDR + 8, lastNameLen);
        lengths[i] = len;
        count++;
        return true;
    }

    @Override
    public int flush() {
        if (gso && count > 1) {
            flushRuns();
        } else {
            send(messages, 0, count, null);
        }
        final int queued = count;
        count = 0;
        lastDestination = null;
        return queued;
    }

    /**
     * Sends messages {@code [from, to)} of {@code msgs}; message k counts the datagrams of run k
     * when {@code runs} is set, else datagram k. A refused message is counted and skipped.
     */
    private void send(final MemorySegment msgs, final int from, final int to, final int[] runs) {
        int sent = from;
        while (sent < to) {
            final int n;
            try {
                n = (int) Libc.SENDMMSG.invokeExact(state, port.fd.fd(),
                        msgs.asSlice((long) sent * MSGHDR), to - sent, Libc.MSG_DONTWAIT);
            } catch (final Throwable t) {
                throw new IllegalStateException("sendmmsg downcall failed", t);
            }
            if (n > 0) {
                for (int k = sent; k < sent + n; k++) {
                    countSent(runs == null ? k : runStart[k], runs == null ? 1 : runs[k]);
                }
                sent += n;
                continue;
            }
            final int errno = Libc.errno(state);
            if (runs != null && runs[sent] > 1 && (errno == Libc.EIO || errno == Libc.EINVAL)) {
                // This kernel or route will not segment the run (no checksum offload, MTU): one datagram each, from now on.
                gso = false;
                send(messages, runStart[sent], runStart[sent] + runs[sent], null);
            } else if (!(runs == null && errno == Libc.EMSGSIZE && resendTooLong(sent))) {
                // (A datagram the port sent another way, as fragments, was counted as it sent them.)
                for (int d = 0; d < (runs == null ? 1 : runs[sent]); d++) {
                    port.counters.failed(Libc.sendFailure(errno), errno);
                }
            }
            sent++;
        }
    }

    /** Datagram {@code i}, refused as longer than its route's MTU, given to the port to send another way. */
    private boolean resendTooLong(final int i) {
        if (tooLong == null) {
            tooLong = new byte[SLOT];
        }
        MemorySegment.copy(data, ValueLayout.JAVA_BYTE, (long) i * SLOT, tooLong, 0, lengths[i]);
        return port.sendTooLong(tooLong, 0, lengths[i], destinationAt[i]);
    }

    private void countSent(final int first, final int datagrams) {
        for (int i = first; i < first + datagrams; i++) {
            port.counters.sent(lengths[i]);
        }
    }

    /** Groups the queued datagrams into runs (same destination, same length, a shorter last) and sends one message per run. */
    private void flushRuns() {
        int runs = 0;
        int i = 0;
        while (i < count) {
            int j = i + 1;
            int total = lengths[i];
            while (j < count && destinationOf[j] == destinationOf[i] && lengths[j] <= lengths[i]
                    && total + lengths[j] <= MAX_GSO_BYTES) {
                total += lengths[j];
                j++;
                if (lengths[j - 1] < lengths[i]) {
                    break;
                }
            }
            final long m = (long) runs * MSGHDR;
            runMessages.set(ValueLayout.ADDRESS, m, names.asSlice((long) i * Libc.SOCKADDR_IN6_SIZE));
            runMessages.set(ValueLayout.JAVA_INT, m + 8, messages.get(ValueLayout.JAVA_INT, (long) i * MSGHDR + 8));
            runMessages.set(ValueLayout.ADDRESS, m + 16, iovecs.asSlice((long) i * IOVEC));
            runMessages.set(ValueLayout.JAVA_LONG, m + 24, j - i);
            if (j - i > 1) {
                final long c = (long) runs * Libc.CMSG_SPACE_INT;
                controls.set(ValueLayout.JAVA_SHORT_UNALIGNED, c + Libc.CMSG_HEADER, (short) lengths[i]);
                runMessages.set(ValueLayout.ADDRESS, m + 32, controls.asSlice(c));
                runMessages.set(ValueLayout.JAVA_LONG, m + 40, Libc.CMSG_SPACE_INT);
            } else {
                runMessages.set(ValueLayout.ADDRESS, m + 32, MemorySegment.NULL);
                runMessages.set(ValueLayout.JAVA_LONG, m + 40, 0L);
            }
            runMessages.set(ValueLayout.JAVA_INT, m + 48, 0);
            runStart[runs] = i;
            runLength[runs] = j - i;
            runs++;
            i = j;
        }
        send(runMessages, 0, runs, runLength);
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
