package io.sallyport.net.linux;

import io.sallyport.net.ReadySet;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

/**
 * One {@code poll()} over several Linux ports (TUN queues, UDP and raw ESP sockets): a worker
 * sleeps until any of them has a packet. The pollfd array is built once. Owned by one thread.
 */
public final class LinuxReadySet implements ReadySet, AutoCloseable {

    private static final int POLLFD_SIZE = 8;
    private static final short READY_MASK = Libc.POLLIN | Libc.POLLERR | Libc.POLLHUP;

    private final Arena arena = Arena.ofShared();
    private final MemorySegment pollFds;
    private final MemorySegment state = Libc.newCallState(arena);
    private final int count;
    private final int[] fds;

    private LinuxReadySet(final List<NativePort> ports) {
        count = ports.size();
        fds = new int[count];
        pollFds = arena.allocate((long) POLLFD_SIZE * count, 4);
        for (int i = 0; i < count; i++) {
            fds[i] = ports.get(i).nativeFd().fd();
            pollFds.set(ValueLayout.JAVA_INT, (long) i * POLLFD_SIZE, fds[i]);
            pollFds.set(ValueLayout.JAVA_SHORT, (long) i * POLLFD_SIZE + 4, Libc.POLLIN);
        }
    }

    /**
     * A set over {@code ports}, each a {@link LinuxTun}, {@link LinuxUdpPort} or
     * {@link LinuxRawEspPort}; bit {@code i} of {@link #await} stands for {@code ports.get(i)}.
     */
    public static LinuxReadySet of(final List<?> ports) {
        if (ports.isEmpty() || ports.size() > Long.SIZE) {
            throw new IllegalArgumentException("a ready set holds 1 to 64 ports, not " + ports.size());
        }
        return new LinuxReadySet(ports.stream().map(p -> {
            if (p instanceof NativePort n) {
                return n;
            }
            throw new IllegalArgumentException("not a Linux native port: " + p);
        }).toList());
    }

    @Override
    public long await(final long timeoutMillis) {
        for (int i = 0; i < count; i++) {
            pollFds.set(ValueLayout.JAVA_SHORT, (long) i * POLLFD_SIZE + 6, (short) 0);
        }
        final int rc;
        try {
            rc = (int) Libc.POLL.invokeExact(state, pollFds, (long) count,
                    (int) Math.clamp(timeoutMillis, 0L, Integer.MAX_VALUE));
        } catch (final Throwable t) {
            throw new IllegalStateException("poll downcall failed", t);
        }
        if (rc <= 0) {
            return 0;
        }
        long ready = 0;
        for (int i = 0; i < count; i++) {
            if ((pollFds.get(ValueLayout.JAVA_SHORT, (long) i * POLLFD_SIZE + 6) & READY_MASK) != 0) {
                ready |= 1L << i;
            }
        }
        return ready;
    }

    /**
     * Leaves port {@code index} out of the next waits (poll skips a negative descriptor), or takes
     * it back: a TUN queue whose device was deleted reports POLLERR on every poll until it is
     * recreated. The owner thread only.
     */
    public void ignore(final int index, final boolean ignored) {
        pollFds.set(ValueLayout.JAVA_INT, (long) index * POLLFD_SIZE, ignored ? ~fds[index] : fds[index]);
    }

    @Override
    public int size() {
        return count;
    }

    @Override
    public void close() {
        arena.close();
    }
}
