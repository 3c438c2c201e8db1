package io.sallyport.net.linux;

import io.sallyport.net.HostNetworkException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Whole Ethernet frames out of one device, {@value #CAPACITY} per {@code sendmmsg}: a packet
 * socket ({@code AF_PACKET, SOCK_RAW}) of protocol 0, so it receives nothing, with
 * {@code PACKET_QDISC_BYPASS} (the frame goes to the driver as written: no routing, no netfilter,
 * no neighbour lookup, no queueing discipline). What the kernel does per frame is what an AF_XDP
 * socket's copy-mode transmit does (an skb, a copy, {@code dev_direct_xmit}), but each sending
 * thread owns a socket of its own, where an AF_XDP socket's TX ring has one producer and a
 * device queue one socket. Built once per sending thread; nothing is allocated per frame.
 */
final class LinuxFrameSender implements FrameOut {
    static final int CAPACITY = 64;
    static final int SLOT = 4096;
    private static final int AF_PACKET = 17;
    private static final int SOL_PACKET = 263;
    private static final int PACKET_QDISC_BYPASS = 20;
    private static final int SOCKADDR_LL = 20;
    private static final int MSGHDR = 64;
    private static final int IOVEC = 16;

    private final NativeFd fd;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment messages = arena.allocate((long) MSGHDR * CAPACITY, 8);
    private final MemorySegment iovecs = arena.allocate((long) IOVEC * CAPACITY, 8);
    private final MemorySegment data = arena.allocate((long) SLOT * CAPACITY, 16);
    private final MemorySegment state = Libc.newCallState(arena);
    /** Each slot's segment, made once: a slice made per frame was an object per frame (JFR: XskEspCost). */
    private final MemorySegment[] slots = new MemorySegment[CAPACITY];
    private int count;
    private int refusedSinceSend;

    private LinuxFrameSender(final int fd) {
        this.fd = new NativeFd(fd);
        for (int i = 0; i < CAPACITY; i++) {
            final long m = (long) i * MSGHDR;
            messages.set(ValueLayout.ADDRESS, m + 16, iovecs.asSlice((long) i * IOVEC));
            messages.set(ValueLayout.JAVA_LONG, m + 24, 1L);
            slots[i] = data.asSlice((long) i * SLOT, SLOT);
            iovecs.set(ValueLayout.ADDRESS, (long) i * IOVEC, slots[i]);
        }
    }

    /**
     * A sender on device {@code ifindex} (of the calling thread's network namespace).
     *
     * @throws HostNetworkException with the host's reason (not permitted: CAP_NET_RAW, no such device, ...)
     */
    static LinuxFrameSender open(final int ifindex) {
        try (Arena scratch = Arena.ofConfined()) {
            final MemorySegment st = Libc.newCallState(scratch);
            final int fd = (int) Libc.SOCKET.invokeExact(st, AF_PACKET,
                    Libc.SOCK_RAW | Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC, 0);
            if (fd < 0) {
                throw new HostNetworkException(Libc.describe("socket(AF_PACKET)", Libc.errno(st)));
            }
            final LinuxFrameSender sender = new LinuxFrameSender(fd);
            try {
                if (Libc.setIntOption(st, fd, SOL_PACKET, PACKET_QDISC_BYPASS, 1, scratch) < 0) {
                    throw new HostNetworkException(Libc.describe("setsockopt(PACKET_QDISC_BYPASS)", Libc.errno(st)));
                }
                // struct sockaddr_ll: family, protocol 0 (receive nothing), ifindex; the rest unused for a bind.
                final MemorySegment ll = scratch.allocate(SOCKADDR_LL, 4);
                ll.set(ValueLayout.JAVA_SHORT, 0, (short) AF_PACKET);
                ll.set(ValueLayout.JAVA_INT, 4, ifindex);
                if ((int) Libc.BIND.invokeExact(st, fd, ll, SOCKADDR_LL) < 0) {
                    throw new HostNetworkException(Libc.describe("bind AF_PACKET socket to ifindex " + ifindex,
                            Libc.errno(st)));
                }
                return sender;
            } catch (final RuntimeException e) {
                sender.close();
                throw e;
            }
        } catch (final HostNetworkException e) {
            throw e;
        } catch (final Throwable t) {
            throw new IllegalStateException("packet socket downcall failed", t);
        }
    }

    /**
     * The next slot, to write a frame of at most {@value #SLOT} bytes into (the caller writes the
     * link header and copies the packet in place, one copy); {@link #commit} queues it. When all
     * {@value #CAPACITY} are queued, they are sent first.
     */
    @Override
    public MemorySegment slot() {
        if (count == CAPACITY) {
            refusedSinceSend += flush();
        }
        return slots[count];
    }

    @Override
    public void commit(final int length) {
        iovecs.set(ValueLayout.JAVA_LONG, (long) count * IOVEC + 8, length);
        count++;
    }

    @Override
    public int send() {
        final int refused = refusedSinceSend + flush();
        refusedSinceSend = 0;
        return refused;
    }

    /** Sends the queued frames; returns how many the host refused (a refused frame is skipped, the rest sent). */
    private int flush() {
        int next = 0;
        int refused = 0;
        while (next < count) {
            final int n;
            try {
                n = (int) Libc.SENDMMSG.invokeExact(state, fd.fd(), messages.asSlice((long) next * MSGHDR),
                        count - next, 0);
            } catch (final Throwable t) {
                throw new IllegalStateException("sendmmsg downcall failed", t);
            }
            if (n > 0) {
                next += n;
            } else if (Libc.errno(state) != Libc.EINTR) {
                next++;
                refused++;
            }
        }
        count = 0;
        return refused;
    }

    @Override
    public void close() {
        fd.close();
        arena.close();
    }
}
