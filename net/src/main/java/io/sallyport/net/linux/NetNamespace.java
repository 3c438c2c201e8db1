package io.sallyport.net.linux;

import io.sallyport.net.HostNetworkException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs code in a named network namespace ({@code /var/run/netns/NAME}) on a fresh platform
 * thread that calls {@code setns}. Sockets and TUN devices created there belong to that
 * namespace and keep working from any thread afterwards; the JVM's other threads are untouched.
 * Used by tests and by tools that drive a gateway inside the interop topology.
 */
public final class NetNamespace {

    private NetNamespace() {
    }

    public static <T> T call(final String name, final Callable<T> body) {
        final AtomicReference<T> value = new AtomicReference<>();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final Thread thread = Thread.ofPlatform().name("netns-" + name).unstarted(() -> {
            try {
                enter(name);
                value.set(body.call());
            } catch (final Throwable t) {
                failure.set(t);
            }
        });
        thread.start();
        try {
            thread.join();
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HostNetworkException("interrupted while running in namespace " + name, e);
        }
        final Throwable t = failure.get();
        if (t instanceof RuntimeException re) {
            throw re;
        }
        if (t instanceof Error err) {
            throw err;
        }
        if (t != null) {
            throw new HostNetworkException("failed in namespace " + name + ": " + t.getMessage(),
                    new ExecutionException(t));
        }
        return value.get();
    }

    private static void enter(final String name) {
        final String path = "/var/run/netns/" + name;
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment state = Libc.newCallState(arena);
            final int fd = (int) Libc.OPEN.invokeExact(state, arena.allocateFrom(path), Libc.O_CLOEXEC);
            if (fd < 0) {
                throw new HostNetworkException(Libc.describe("open " + path, Libc.errno(state)));
            }
            final int rc = (int) Libc.SETNS.invokeExact(state, fd, Libc.CLONE_NEWNET);
            final int errno = Libc.errno(state);
            Libc.close(fd);
            if (rc < 0) {
                throw new HostNetworkException(Libc.describe("setns " + name, errno)
                        + (errno == Libc.EPERM ? "; this needs CAP_SYS_ADMIN" : ""));
            }
        } catch (final HostNetworkException e) {
            throw e;
        } catch (final Throwable t) {
            throw new IllegalStateException("setns downcall failed", t);
        }
    }
}
