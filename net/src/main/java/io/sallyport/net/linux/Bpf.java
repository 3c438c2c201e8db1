package io.sallyport.net.linux;

import io.sallyport.net.HostNetworkException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * {@code bpf(2)} through FFM ({@code syscall(__NR_bpf, cmd, attr, size)}; glibc has no wrapper),
 * for the TUN steering program ({@link TunSteering}) and its queue table ({@link BpfLpmMap}), and
 * the XDP program that hands plain ESP to AF_XDP sockets ({@link XdpEspRedirect}).
 */
final class Bpf {
    static final long MAP_CREATE = 0;
    static final long MAP_LOOKUP_ELEM = 1;
    static final long MAP_UPDATE_ELEM = 2;
    static final long MAP_DELETE_ELEM = 3;
    static final long PROG_LOAD = 5;
    /** A link of a program to a hook (here: a device's XDP hook) that lasts as long as its descriptor. */
    static final long LINK_CREATE = 28;
    /** {@code union bpf_attr} as these calls pass it: zeroed past the fields set (the kernel checks). */
    static final int ATTR_SIZE = 128;
    static final int ENOENT = 2;

    private Bpf() {
    }

    /** A zeroed {@code union bpf_attr}. */
    static MemorySegment attr(final Arena arena) {
        return arena.allocate(ATTR_SIZE, 8);
    }

    /**
     * One call; its result (a descriptor for the creating commands, 0 otherwise), or minus the
     * errno when the host refused it.
     */
    static long call(final long cmd, final MemorySegment attr) {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment state = Libc.newCallState(arena);
            final long rc = (long) Libc.SYSCALL.invokeExact(state, Libc.SYS_BPF, cmd, attr.address(), (long) ATTR_SIZE);
            return rc < 0 ? -Libc.errno(state) : rc;
        } catch (final Throwable t) {
            throw new IllegalStateException("bpf downcall failed", t);
        }
    }

    /** Like {@link #call}, throwing with the host's reason, {@code what} naming the call. */
    static long check(final long cmd, final MemorySegment attr, final String what) {
        final long rc = call(cmd, attr);
        if (rc < 0) {
            throw new HostNetworkException(Libc.describe(what, (int) -rc));
        }
        return rc;
    }

    /** {@code BPF_MAP_CREATE}: the new map's descriptor; {@code what} names the map in the host's refusal. */
    static int createMap(final int type, final int keySize, final int valueSize, final int maxEntries, final int flags,
                         final String what) {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment attr = attr(arena);
            attr.set(ValueLayout.JAVA_INT, 0, type);
            attr.set(ValueLayout.JAVA_INT, 4, keySize);
            attr.set(ValueLayout.JAVA_INT, 8, valueSize);
            attr.set(ValueLayout.JAVA_INT, 12, maxEntries);
            attr.set(ValueLayout.JAVA_INT, 16, flags);
            return (int) check(MAP_CREATE, attr, "bpf(BPF_MAP_CREATE) of " + what);
        }
    }

    /** {@code BPF_MAP_UPDATE_ELEM} of {@code key} to {@code value} (both in native memory) in map {@code mapFd}. */
    static void update(final int mapFd, final MemorySegment key, final MemorySegment value, final String what) {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment attr = attr(arena);
            attr.set(ValueLayout.JAVA_INT, 0, mapFd);
            attr.set(ValueLayout.JAVA_LONG, 8, key.address());
            attr.set(ValueLayout.JAVA_LONG, 16, value.address());
            check(MAP_UPDATE_ELEM, attr, "bpf(BPF_MAP_UPDATE_ELEM) " + what);
        }
    }
}
