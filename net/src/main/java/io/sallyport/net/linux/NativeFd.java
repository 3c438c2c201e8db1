package io.sallyport.net.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A non-blocking file descriptor with the off-heap scratch a port needs, allocated once: one
 * errno slot for the receive side, one for the send side (so a reader and a writer thread do
 * not share one), and a {@code struct pollfd}.
 */
final class NativeFd {

    private static final long POLLFD_EVENTS = 4;
    private static final long POLLFD_REVENTS = 6;

    private final int fd;
    private final Arena arena = Arena.ofShared();
    final MemorySegment receiveState = Libc.newCallState(arena);
    final MemorySegment sendState = Libc.newCallState(arena);
    private final MemorySegment pollState = Libc.newCallState(arena);
    private final MemorySegment pollFd = arena.allocate(8, 4);
    private volatile boolean closed;

    NativeFd(final int fd) {
        this.fd = fd;
        pollFd.set(ValueLayout.JAVA_INT, 0, fd);
        pollFd.set(ValueLayout.JAVA_SHORT, POLLFD_EVENTS, Libc.POLLIN);
    }

    int fd() {
        return fd;
    }

    Arena arena() {
        return arena;
    }

    /** Blocks in {@code poll} for at most {@code timeoutMillis}; true when readable. */
    boolean awaitReadable(final long timeoutMillis) {
        if (closed) {
            return false;
        }
        final int timeout = (int) Math.clamp(timeoutMillis, 0L, Integer.MAX_VALUE);
        pollFd.set(ValueLayout.JAVA_SHORT, POLLFD_REVENTS, (short) 0);
        final int rc;
        try {
            rc = (int) Libc.POLL.invokeExact(pollState, pollFd, 1L, timeout);
        } catch (final Throwable t) {
            throw new IllegalStateException("poll downcall failed", t);
        }
        // EINTR and a timeout both mean "nothing yet": the worker loop simply polls again.
        return rc > 0 && (pollFd.get(ValueLayout.JAVA_SHORT, POLLFD_REVENTS) & Libc.POLLIN) != 0;
    }

    void close() {
        if (closed) {
            return;
        }
        closed = true;
        Libc.close(fd);
        arena.close();
    }
}
