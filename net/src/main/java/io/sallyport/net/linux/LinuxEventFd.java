package io.sallyport.net.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A Linux {@code eventfd}: the doorbell of a worker that sleeps in {@code poll} on its ports
 * (a {@link LinuxReadySet} holding this too). Any thread may {@link #signal}; only the worker
 * {@link #drain}s. Non-blocking; a signal on an already signalled eventfd just adds to its count.
 */
public final class LinuxEventFd implements NativePort, AutoCloseable {

    private final NativeFd fd;
    private final MemorySegment one;
    private final MemorySegment drained;
    private final MemorySegment signalState;
    private final MemorySegment drainState;

    private LinuxEventFd(final NativeFd fd) {
        this.fd = fd;
        final Arena arena = fd.arena();
        this.one = arena.allocateFrom(ValueLayout.JAVA_LONG, 1L);
        this.drained = arena.allocate(ValueLayout.JAVA_LONG);
        this.signalState = Libc.newCallState(arena);
        this.drainState = Libc.newCallState(arena);
    }

    public static LinuxEventFd open() {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment state = Libc.newCallState(arena);
            final int fd = (int) Libc.EVENTFD.invokeExact(state, 0, Libc.EFD_NONBLOCK | Libc.EFD_CLOEXEC);
            if (fd < 0) {
                throw new io.sallyport.net.HostNetworkException(Libc.describe("eventfd", Libc.errno(state)));
            }
            return new LinuxEventFd(new NativeFd(fd));
        } catch (final RuntimeException e) {
            throw e;
        } catch (final Throwable t) {
            throw new IllegalStateException("eventfd downcall failed", t);
        }
    }

    /** Makes the descriptor readable, waking a {@code poll} on it. Any thread. */
    public void signal() {
        try {
            final long ignored = (long) Libc.WRITE.invokeExact(signalState, fd.fd(), one, 8L);
        } catch (final Throwable t) {
            throw new IllegalStateException("eventfd write failed", t);
        }
    }

    /** Resets the count, so the next {@code poll} sleeps again. The owner thread only. */
    public void drain() {
        try {
            final long ignored = (long) Libc.READ.invokeExact(drainState, fd.fd(), drained, 8L);
        } catch (final Throwable t) {
            throw new IllegalStateException("eventfd read failed", t);
        }
    }

    @Override
    public NativeFd nativeFd() {
        return fd;
    }

    @Override
    public void close() {
        fd.close();
    }
}
