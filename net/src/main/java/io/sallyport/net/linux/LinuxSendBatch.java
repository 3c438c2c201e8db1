package io.sallyport.net.linux;

import io.sallyport.net.OuterHeader;
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
 *
 * <p>A datagram's outer header ({@link OuterHeader}) travels as control data of its message:
 * IP_TTL and IP_TOS (IPv4), IPV6_HOPLIMIT and IPV6_TCLASS (IPv6), and IPV6_DONTFRAG (IPv6
 * UDP). A GSO message has one set for all its datagrams, so a run ends where they differ. IPv4
 * has no per-message DF (the kernel's {@code ip_cmsg_send} takes TTL, ToS, options and the
 * source, not DF), and IPv6 raw sockets of protocol 50 ignore IPV6_DONTFRAG ({@code
 * __ip6_append_data} honours it for UDP, ICMPv6 and IPPROTO_RAW only): there the socket's
 * IP_MTU_DISCOVER / IPV6_MTU_DISCOVER decides, read when the message is sent, so this batch,
 * the socket's only sender, sends its messages in groups of one DF value and sets the option
 * between groups when it changes (one {@code setsockopt} per change, none while a tunnel's
 * policy stays): PROBE for DF (sized against the device, as an IP_HDRINCL packet with DF is),
 * DONT for no DF (a datagram beyond the path MTU is fragmented by the host).
 */
final class LinuxSendBatch implements SendBatch {
    static final int CAPACITY = 64;
    private static final int SLOT = 2048;
    private static final int MSGHDR = 64; // struct mmsghdr on x86-64 and aarch64
    private static final int IOVEC = 16;
    /** Payload bytes of one GSO send: a 64 KB IP packet less its IPv6 and UDP headers. */
    private static final int MAX_GSO_BYTES = 65535 - 40 - 8;
    /** Control data room per message: UDP_SEGMENT and three outer header values, one int each. */
    private static final int CONTROL_SLOT = 4 * Libc.CMSG_SPACE_INT;
    /** The socket's DF before this batch set it (never {@link SendRuns#ANY_DF}'s 0 or 1). */
    private static final int DF_UNKNOWN = -2;

    private final LinuxSocketPort port;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment messages = arena.allocate((long) MSGHDR * CAPACITY, 8);
    private final MemorySegment iovecs = arena.allocate((long) IOVEC * CAPACITY, 8);
    private final MemorySegment names = arena.allocate((long) Libc.SOCKADDR_IN6_SIZE * CAPACITY, 8);
    private final MemorySegment data = arena.allocate((long) SLOT * CAPACITY, 16);
    private final MemorySegment state = Libc.newCallState(arena);
    private final int[] lengths = new int[CAPACITY];
    /** Each queued datagram's outer header ({@link OuterHeader}). */
    private final int[] outers = new int[CAPACITY];
    /** The control data of each single-datagram message. */
    private final MemorySegment singleControls = arena.allocate((long) CONTROL_SLOT * CAPACITY, 8);
    /** The int a setsockopt reads. */
    private final MemorySegment option = arena.allocate(ValueLayout.JAVA_INT);
    /** The DF the socket's MTU discovery option gives now (0, 1), or {@link #DF_UNKNOWN} before this batch set it. */
    private int socketDf = DF_UNKNOWN;
    /** Each message's DF, and a group's, while a flush sends them. */
    private final int[] messageDf = new int[CAPACITY];
    private final int[] groupDf = new int[1];
    /** A datagram longer than a slot with an outer header of its own: native room made on first use. */
    private MemorySegment longMessage;
    /** Each queued datagram's destination, for the one the host refuses as too long (EMSGSIZE). */
    private final InetSocketAddress[] destinationAt = new InetSocketAddress[CAPACITY];
    /** Whether datagrams are whole IPv4 packets (IPPROTO_RAW): their ID is left 0 for the kernel to choose. */
    private final boolean ipHeader;
    /** Where a refused datagram is copied back to the heap to be sent again another way; made on first use. */
    private byte[] tooLong;
    private final boolean ipv6;
    /** DF by the socket's MTU discovery option (IPv4, raw IPv6), not per message (IPv6 UDP). */
    private final boolean dfBySocket;
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
        this.dfBySocket = !ipv6 || port instanceof LinuxRawEspPort;
        this.gso = port.segmentationOffload();
        this.ipHeader = port.takesIpHeader();
        this.runMessages = gso ? arena.allocate((long) MSGHDR * CAPACITY, 8) : null;
        this.controls = gso ? arena.allocate((long) CONTROL_SLOT * CAPACITY, 8) : null;
        for (int i = 0; i < CAPACITY; i++) {
            final long m = (long) i * MSGHDR;
            messages.set(ValueLayout.ADDRESS, m, names.asSlice((long) i * Libc.SOCKADDR_IN6_SIZE));
            messages.set(ValueLayout.ADDRESS, m + 16, iovecs.asSlice((long) i * IOVEC));
            messages.set(ValueLayout.JAVA_LONG, m + 24, 1L);
            iovecs.set(ValueLayout.ADDRESS, (long) i * IOVEC, data.asSlice((long) i * SLOT));
        }
    }

    @Override
    public boolean add(final byte[] buf, final int off, final int len, final InetSocketAddress destination,
                       final int outerHeader) {
        final int outer = ipHeader ? OuterHeader.KERNEL : outerHeader;
        if (len > SLOT || destination.isUnresolved() || (destination.getAddress() instanceof Inet6Address) != ipv6) {
            flush();
            return len > SLOT && OuterHeader.given(outer) && !destination.isUnresolved()
                    && (destination.getAddress() instanceof Inet6Address) == ipv6
                    ? sendLong(buf, off, len, destination, outer) : port.send(buf, off, len, destination);
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
        final long name = (long) i * Libc.SOCKADDR_IN6_SIZE;
        if (destination.equals(lastDestination) && i > 0) {
            // Segment to segment with offsets: a slice per datagram would be an allocation per packet.
            MemorySegment.copy(names, name - Libc.SOCKADDR_IN6_SIZE, names, name, Libc.SOCKADDR_IN6_SIZE);
        } else {
            lastNameLen = SockAddr.write(names.asSlice(name, Libc.SOCKADDR_IN6_SIZE), destination.getAddress(),
                    port.destinationPort(destination));
            lastDestination = destination;
            destinations++;
        }
        destinationOf[i] = destinations;
        messages.set(ValueLayout.JAVA_INT, (long) i * MSGHDR + 8, lastNameLen);
        lengths[i] = len;
        outers[i] = outer;
        control(messages, i, singleControls, 0, outer);
        count++;
        return true;
    }

    /**
     * Points message {@code k} of {@code msgs} at its control data in slot {@code k} of
     * {@code region}: UDP_SEGMENT when {@code segment} is set, then the outer header's values.
     */
    private void control(final MemorySegment msgs, final int k, final MemorySegment region, final int segment,
                         final int outer) {
        final long at = (long) k * CONTROL_SLOT;
        long n = 0;
        if (segment > 0) {
            n += cmsg(region, at, Libc.SOL_UDP, Libc.UDP_SEGMENT, segment, 2);
        }
        if (OuterHeader.given(outer)) {
            if (ipv6) {
                n += cmsg(region, at + n, Libc.IPPROTO_IPV6, Libc.IPV6_HOPLIMIT, OuterHeader.ttl(outer), 4);
                n += cmsg(region, at + n, Libc.IPPROTO_IPV6, Libc.IPV6_TCLASS, OuterHeader.tos(outer), 4);
                if (!dfBySocket) {
                    n += cmsg(region, at + n, Libc.IPPROTO_IPV6, Libc.IPV6_DONTFRAG,
                            OuterHeader.dontFragment(outer) ? 1 : 0, 4);
                }
            } else {
                n += cmsg(region, at + n, Libc.IPPROTO_IP, Libc.IP_TTL, OuterHeader.ttl(outer), 4);
                n += cmsg(region, at + n, Libc.IPPROTO_IP, Libc.IP_TOS, OuterHeader.tos(outer), 4);
            }
        }
        final long m = (long) k * MSGHDR;
        // The address as a number: no segment object per message on the data path.
        msgs.set(ValueLayout.JAVA_LONG, m + 32, n == 0 ? 0L : region.address() + at);
        msgs.set(ValueLayout.JAVA_LONG, m + 40, n);
    }

    /** One {@code struct cmsghdr} with a u16 or int of data; returns the room it takes. */
    private static long cmsg(final MemorySegment region, final long at, final int level, final int type,
                             final int value, final int size) {
        region.set(ValueLayout.JAVA_LONG, at, Libc.CMSG_HEADER + (long) size);
        region.set(ValueLayout.JAVA_INT, at + 8, level);
        region.set(ValueLayout.JAVA_INT, at + 12, type);
        if (size == 2) {
            region.set(ValueLayout.JAVA_SHORT_UNALIGNED, at + Libc.CMSG_HEADER, (short) value);
        } else {
            region.set(ValueLayout.JAVA_INT, at + Libc.CMSG_HEADER, value);
        }
        return Libc.CMSG_SPACE_INT;
    }

    /**
     * Sends messages {@code [0, messages)} of {@code msgs} in groups of one DF value where the
     * socket carries DF, setting its MTU discovery option before a group whose DF it does not give
     * yet. A group the socket cannot be set for is counted as failed, never sent with the other DF.
     */
    private void sendInDfGroups(final MemorySegment msgs, final int messages, final int[] runs) {
        for (int k = 0; k < messages; k++) {
            messageDf[k] = SendRuns.df(dfBySocket, outers[runs == null ? k : runStart[k]]);
        }
        int from = 0;
        while (from < messages) {
            final int to = SendRuns.dfGroupEnd(from, messages, messageDf, groupDf);
            if (setDf(groupDf[0])) {
                send(msgs, from, to, runs);
            } else {
                for (int k = from; k < to; k++) {
                    for (int d = 0; d < (runs == null ? 1 : runs[k]); d++) {
                        port.counters.failed(Libc.sendFailure(Libc.errno(state)), Libc.errno(state));
                    }
                }
            }
            from = to;
        }
    }

    /** Makes the socket's DF {@code df} (0, 1; {@link SendRuns#ANY_DF}: leaves it); false when the host refused. */
    private boolean setDf(final int df) {
        if (df == SendRuns.ANY_DF || df == socketDf) {
            return true;
        }
        option.set(ValueLayout.JAVA_INT, 0, df == 1 ? Libc.IP_PMTUDISC_PROBE : Libc.IP_PMTUDISC_DONT);
        final int rc;
        try {
            rc = ipv6 ? (int) Libc.SETSOCKOPT.invokeExact(state, port.fd.fd(), Libc.IPPROTO_IPV6,
                    Libc.IPV6_MTU_DISCOVER, option, 4)
                    : (int) Libc.SETSOCKOPT.invokeExact(state, port.fd.fd(), Libc.IPPROTO_IP, Libc.IP_MTU_DISCOVER,
                    option, 4);
        } catch (final Throwable t) {
            throw new IllegalStateException("setsockopt downcall failed", t);
        }
        if (rc < 0) {
            socketDf = DF_UNKNOWN;
            return false;
        }
        socketDf = df;
        return true;
    }

    /**
     * A datagram longer than a slot that carries outer header values: sent alone, as one message
     * from native room made on first use (the sockaddr, iovec and control data beside it).
     */
    private boolean sendLong(final byte[] buf, final int off, final int len, final InetSocketAddress destination,
                             final int outer) {
        if (longMessage == null) {
            longMessage = arena.allocate(MSGHDR + IOVEC + Libc.SOCKADDR_IN6_SIZE + CONTROL_SLOT + 65535L, 16);
        }
        final MemorySegment m = longMessage;
        final long iov = MSGHDR;
        final long name = iov + IOVEC;
        final long control = name + Libc.SOCKADDR_IN6_SIZE;
        final long payload = control + CONTROL_SLOT;
        MemorySegment.copy(buf, off, m, ValueLayout.JAVA_BYTE, payload, len);
        m.set(ValueLayout.ADDRESS, iov, m.asSlice(payload));
        m.set(ValueLayout.JAVA_LONG, iov + 8, len);
        final int nameLen = SockAddr.write(m.asSlice(name, Libc.SOCKADDR_IN6_SIZE), destination.getAddress(),
                port.destinationPort(destination));
        m.set(ValueLayout.ADDRESS, 0, m.asSlice(name));
        m.set(ValueLayout.JAVA_INT, 8, nameLen);
        m.set(ValueLayout.ADDRESS, 16, m.asSlice(iov));
        m.set(ValueLayout.JAVA_LONG, 24, 1L);
        m.set(ValueLayout.JAVA_INT, 48, 0);
        control(m, 0, m.asSlice(control, CONTROL_SLOT), 0, outer);
        if (dfBySocket && !setDf(OuterHeader.dontFragment(outer) ? 1 : 0)) {
            port.counters.failed(Libc.sendFailure(Libc.errno(state)), Libc.errno(state));
            return false;
        }
        final int n;
        try {
            n = (int) Libc.SENDMMSG.invokeExact(state, port.fd.fd(), m, 1, Libc.MSG_DONTWAIT);
        } catch (final Throwable t) {
            throw new IllegalStateException("sendmmsg downcall failed", t);
        }
        if (n == 1) {
            port.counters.sent(len);
            return true;
        }
        final int errno = Libc.errno(state);
        port.counters.failed(Libc.sendFailure(errno), errno);
        return false;
    }

    @Override
    public int flush() {
        if (gso && count > 1) {
            flushRuns();
        } else {
            sendInDfGroups(messages, count, null);
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
            final int j = SendRuns.runEnd(i, count, destinationOf, lengths, outers, MAX_GSO_BYTES);
            final long m = (long) runs * MSGHDR;
            // Addresses as numbers, as control() does: no segment object per run.
            runMessages.set(ValueLayout.JAVA_LONG, m, names.address() + (long) i * Libc.SOCKADDR_IN6_SIZE);
            runMessages.set(ValueLayout.JAVA_INT, m + 8, messages.get(ValueLayout.JAVA_INT, (long) i * MSGHDR + 8));
            runMessages.set(ValueLayout.JAVA_LONG, m + 16, iovecs.address() + (long) i * IOVEC);
            runMessages.set(ValueLayout.JAVA_LONG, m + 24, j - i);
            control(runMessages, runs, controls, j - i > 1 ? lengths[i] : 0, outers[i]);
            runMessages.set(ValueLayout.JAVA_INT, m + 48, 0);
            runStart[runs] = i;
            runLength[runs] = j - i;
            runs++;
            i = j;
        }
        sendInDfGroups(runMessages, runs, runLength);
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
