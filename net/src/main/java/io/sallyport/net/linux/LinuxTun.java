package io.sallyport.net.linux;

import io.sallyport.net.HostNetworkException;
import io.sallyport.net.PortCounter;
import io.sallyport.net.PortCounters;
import io.sallyport.net.TunNames;
import io.sallyport.net.TunPort;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A Linux TUN device queue: {@code open("/dev/net/tun")}, {@code ioctl(TUNSETIFF, IFF_TUN |
 * IFF_NO_PI)}, then non-blocking {@code read}/{@code write} straight on the caller's heap array.
 *
 * <p>The device is not persistent: it disappears when its last queue is closed, so a crashed
 * daemon leaves nothing behind. With several queues ({@code IFF_MULTI_QUEUE}) the kernel spreads
 * flows over them and each data-plane worker owns one queue.
 */
public final class LinuxTun implements TunPort, NativePort {

    private static final int MIN_MTU = 68;
    private static final int MAX_MTU = 65535;

    private final NativeFd fd;
    private final String name;
    private final int mtu;
    private final short flags;
    private final PortCounters counters = new PortCounters();
    /** Set by a read the kernel answers EBADFD (the device was deleted), cleared by {@link #reattach}. */
    private volatile boolean deleted;

    private LinuxTun(final NativeFd fd, final String name, final int mtu, final short flags) {
        this.fd = fd;
        this.name = name;
        this.mtu = mtu;
        this.flags = flags;
    }

    /**
     * Creates device {@code name} (or attaches to it if this process already holds it), sets its
     * MTU and brings it up.
     *
     * @throws HostNetworkException with the host's reason, for example a missing CAP_NET_ADMIN
     */
    public static LinuxTun open(final String name, final int mtu) {
        return openQueues(name, mtu, 1).getFirst();
    }

    /**
     * Creates a multi-queue device with {@code queues} queues, one per worker, sets the MTU and
     * brings it up. If a later queue fails, the ones already opened are closed.
     */
    public static List<LinuxTun> openQueues(final String name, final int mtu, final int queues) {
        if (!TunNames.isValidDeviceName(name)) {
            throw new IllegalArgumentException("not a valid Linux device name: '" + name
                    + "' (use TunNames.forUnit for service units)");
        }
        if (mtu < MIN_MTU || mtu > MAX_MTU) {
            throw new IllegalArgumentException("MTU " + mtu + " outside " + MIN_MTU + ".." + MAX_MTU);
        }
        if (queues < 1) {
            throw new IllegalArgumentException("a TUN device needs at least one queue");
        }
        final short flags = (short) (Libc.IFF_TUN | Libc.IFF_NO_PI
                | (queues > 1 ? Libc.IFF_MULTI_QUEUE : 0));
        final List<LinuxTun> opened = new ArrayList<>(queues);
        try {
            for (int q = 0; q < queues; q++) {
                opened.add(new LinuxTun(new NativeFd(attach(name, flags)), name, mtu, flags));
            }
            InterfaceIoctl.setMtu(name, mtu);
            InterfaceIoctl.setUp(name, true);
        } catch (final RuntimeException e) {
            opened.forEach(LinuxTun::close);
            throw e;
        }
        return List.copyOf(opened);
    }

    private static int attach(final String name, final short flags) {
        final int fd;
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment state = Libc.newCallState(arena);
            fd = (int) Libc.OPEN.invokeExact(state, arena.allocateFrom("/dev/net/tun"),
                    Libc.O_RDWR | Libc.O_NONBLOCK | Libc.O_CLOEXEC);
            if (fd < 0) {
                throw new HostNetworkException(
                        Libc.describe("open /dev/net/tun", Libc.errno(state)) + hint(Libc.errno(state)));
            }
        } catch (final HostNetworkException e) {
            throw e;
        } catch (final Throwable t) {
            throw new IllegalStateException("TUN downcall failed", t);
        }
        try {
            setIff(fd, name, flags);
        } catch (final RuntimeException e) {
            Libc.close(fd);
            throw e;
        }
        return fd;
    }

    /** {@code ioctl(TUNSETIFF)}: creates device {@code name} (or attaches to it) on queue {@code fd}. */
    private static void setIff(final int fd, final String name, final short flags) {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment state = Libc.newCallState(arena);
            final MemorySegment ifreq = arena.allocate(Libc.IFREQ_SIZE);
            Libc.putIfName(ifreq, name);
            ifreq.set(ValueLayout.JAVA_SHORT, Libc.IFREQ_UNION_OFFSET, flags);
            final int rc = (int) Libc.IOCTL.invokeExact(state, fd, Libc.TUNSETIFF, ifreq);
            if (rc < 0) {
                final int errno = Libc.errno(state);
                throw new HostNetworkException(
                        Libc.describe("ioctl TUNSETIFF " + name, errno) + hint(errno));
            }
        } catch (final HostNetworkException e) {
            throw e;
        } catch (final Throwable t) {
            throw new IllegalStateException("TUN downcall failed", t);
        }
    }

    /**
     * The kernel detaches a queue whose device is deleted ({@code ip link del}) but keeps the
     * descriptor: TUNSETIFF on it creates the device again, so the worker's poll set, counters
     * and port stay as they are. MTU and up as at {@link #open}; addresses and routes went with
     * the old device and are the caller's to restore.
     */
    @Override
    public void reattach() {
        setIff(fd.fd(), name, flags);
        InterfaceIoctl.setMtu(name, mtu);
        InterfaceIoctl.setUp(name, true);
        deleted = false;
    }

    @Override
    public boolean deleted() {
        return deleted;
    }

    private static String hint(final int errno) {
        return switch (errno) {
            case Libc.EPERM, Libc.EACCES -> "; creating TUN devices needs CAP_NET_ADMIN";
            case Libc.EINVAL -> "; the name may belong to a device of another type or queue mode";
            case Libc.EBUSY -> "; another process already holds this single-queue device";
            default -> "";
        };
    }

    @Override
    public int read(final byte[] buf, final int off, final int maxLen) {
        Objects.checkFromIndexSize(off, maxLen, buf.length);
        final long n;
        try {
            n = (long) Libc.READ.invokeExact(fd.receiveState, fd.fd(),
                    MemorySegment.ofArray(buf).asSlice(off, maxLen), (long) maxLen);
        } catch (final Throwable t) {
            throw new IllegalStateException("read downcall failed", t);
        }
        if (n >= 0) {
            counters.received((int) n);
            return (int) n;
        }
        final int errno = Libc.errno(fd.receiveState);
        if (errno == Libc.EBADFD) {
            deleted = true;
        }
        if (errno != Libc.EAGAIN && errno != Libc.EINTR) {
            counters.failed(PortCounter.RECEIVE_ERROR, errno);
        }
        return -1;
    }

    @Override
    public boolean write(final byte[] buf, final int off, final int len) {
        Objects.checkFromIndexSize(off, len, buf.length);
        final long n;
        try {
            n = (long) Libc.WRITE.invokeExact(fd.sendState, fd.fd(),
                    MemorySegment.ofArray(buf).asSlice(off, len), (long) len);
        } catch (final Throwable t) {
            throw new IllegalStateException("write downcall failed", t);
        }
        if (n == len) {
            counters.sent(len);
            return true;
        }
        final int errno = n < 0 ? Libc.errno(fd.sendState) : 0;
        counters.failed(errno == Libc.EAGAIN || errno == Libc.ENOBUFS
                ? PortCounter.SEND_DROPPED_BUSY
                : errno == Libc.EINVAL ? PortCounter.SEND_DROPPED_UNROUTABLE : PortCounter.SEND_DROPPED_ERROR,
                errno);
        return false;
    }

    @Override
    public boolean awaitReadable(final long timeoutMillis) {
        return fd.awaitReadable(timeoutMillis);
    }

    @Override
    public PortCounters counters() {
        return counters;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int mtu() {
        return mtu;
    }

    @Override
    public NativeFd nativeFd() {
        return fd;
    }

    @Override
    public void close() {
        fd.close();
    }

    @Override
    public String toString() {
        return "LinuxTun[" + name + ", fd " + fd.fd() + ", mtu " + mtu + "]";
    }
}
