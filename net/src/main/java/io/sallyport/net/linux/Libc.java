package io.sallyport.net.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The few libc calls the Linux adapters need, as FFM downcalls (no JNI).
 *
 * <p>{@code read}, {@code write}, {@code recvfrom} and {@code sendto} are critical downcalls
 * allowed to touch heap segments: the packet goes straight into or out of the caller's
 * {@code byte[]} without a copy. They only ever run on non-blocking descriptors, so they never
 * hold the thread in native code for long. {@code poll} is an ordinary downcall because it
 * blocks. Every handle captures {@code errno} into a caller-supplied segment.
 */
final class Libc {

    static final int O_RDWR = 2;
    static final int O_NONBLOCK = 0x800;
    static final int O_CLOEXEC = 0x80000;

    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    static final int AF_NETLINK = 16;
    static final int SOL_SOCKET = 1;
    static final int SO_REUSEADDR = 2;
    static final int SO_RCVBUF = 8;
    static final int SO_REUSEPORT = 15;
    /** A socket's packets carry this firewall mark, which {@code ip rule fwmark} matches (CAP_NET_ADMIN). */
    static final int SO_MARK = 36;
    static final int SO_ATTACH_FILTER = 26;
    static final int SO_ATTACH_REUSEPORT_CBPF = 51;
    static final int EFD_NONBLOCK = 0x800;
    static final int EFD_CLOEXEC = 0x80000;
    /** The counter a failed sendto() counts under, by errno. */
    static io.sallyport.net.PortCounter sendFailure(final int errno) {
        return switch (errno) {
            case EAGAIN, ENOBUFS -> io.sallyport.net.PortCounter.SEND_DROPPED_BUSY;
            case ENETUNREACH, EHOSTUNREACH, EINVAL, EMSGSIZE, EACCES -> io.sallyport.net.PortCounter.SEND_DROPPED_UNROUTABLE;
            default -> io.sallyport.net.PortCounter.SEND_DROPPED_ERROR;
        };
    }

    /** Like SO_RCVBUF but past net.core.rmem_max; needs CAP_NET_ADMIN. */
    static final int SO_RCVBUFFORCE = 33;

    /**
     * Sets a socket's receive buffer: SO_RCVBUFFORCE first (a gateway has CAP_NET_ADMIN, and
     * rmem_max is only 208 KiB by default and read-only inside a network namespace), SO_RCVBUF
     * (capped by rmem_max) when that is refused.
     */
    static void setReceiveBuffer(final MemorySegment state, final int fd, final int bytes, final Arena arena)
            throws Throwable {
        if (setIntOption(state, fd, SOL_SOCKET, SO_RCVBUFFORCE, bytes, arena) < 0) {
            final int ignored = setIntOption(state, fd, SOL_SOCKET, SO_RCVBUF, bytes, arena);
        }
    }

    /** {@code setsockopt(fd, level, name, &value, sizeof(int))}: its return value (errno in {@code state}). */
    static int setIntOption(final MemorySegment state, final int fd, final int level, final int name, final int value,
                            final Arena arena) throws Throwable {
        final MemorySegment v = arena.allocateFrom(ValueLayout.JAVA_INT, value);
        return (int) SETSOCKOPT.invokeExact(state, fd, level, name, v, (int) v.byteSize());
    }
    static final int IPPROTO_IPV6 = 41;
    /** {@code SOL_UDP} and its offload options (Linux 4.18 / 5.0). */
    static final int SOL_UDP = 17;
    static final int UDP_SEGMENT = 103;
    static final int UDP_GRO = 104;
    /** {@code struct cmsghdr} header (length, level, type) on 64-bit Linux, and the room for one int/u16 of data. */
    static final int CMSG_HEADER = 16;
    static final int CMSG_SPACE_INT = 24;
    static final int IPV6_V6ONLY = 26;
    /** Per-message outer header control data ({@code sendmsg} cmsgs) and IPv4's per-socket DF. */
    static final int IP_TOS = 1;
    static final int IP_TTL = 2;
    static final int IP_MTU_DISCOVER = 10;
    /** DF clear; a datagram longer than the path MTU is fragmented by the host. */
    static final int IP_PMTUDISC_DONT = 0;
    /** DF set, sized against the device MTU, not a learned path MTU (as an IP_HDRINCL packet with DF is). */
    static final int IP_PMTUDISC_PROBE = 3;
    static final int IPV6_MTU_DISCOVER = 23;
    static final int IPV6_HOPLIMIT = 52;
    static final int IPV6_DONTFRAG = 62;
    static final int IPV6_TCLASS = 67;
    static final int EADDRINUSE = 98;
    static final int EADDRNOTAVAIL = 99;
    static final int SOCK_DGRAM = 2;
    static final int SOCK_RAW = 3;
    static final int SOCK_NONBLOCK = 0x800;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int IPPROTO_ESP = 50;
    /** A raw IPv4 socket of this protocol sends whole packets (IP_HDRINCL implied) and receives nothing. */
    static final int IPPROTO_RAW = 255;
    static final int IPPROTO_IP = 0;
    /** {@code getsockopt(IPPROTO_IP, IP_MTU)}: the path MTU of a connected socket's route. */
    static final int IP_MTU = 14;
    static final int MSG_DONTWAIT = 0x40;

    static final short POLLIN = 0x1;
    static final short POLLERR = 0x8;
    static final short POLLHUP = 0x10;

    static final int EINTR = 4;
    static final int EAGAIN = 11;
    static final int ENOBUFS = 105;
    static final int ENETUNREACH = 101;
    static final int EHOSTUNREACH = 113;
    static final int EINVAL = 22;
    static final int EIO = 5;
    /** A TUN queue whose device was deleted under it. */
    static final int EBADFD = 77;
    static final int EBUSY = 16;
    static final int EMSGSIZE = 90;
    static final int EACCES = 13;
    static final int EPERM = 1;
    static final int ENODEV = 19;
    static final int EOPNOTSUPP = 95;

    static final int CLONE_NEWNET = 0x40000000;

    /** {@code struct ifreq} is 40 bytes on x86-64 and aarch64: a 16-byte name, then a union. */
    static final int IFREQ_SIZE = 40;
    static final int IFNAMSIZ = 16;
    static final int IFREQ_UNION_OFFSET = 16;

    static final long TUNSETIFF = 0x400454caL;
    /** {@code _IOW('T', 208, unsigned int)}: the offloads the reader of a TUN queue handles. */
    static final long TUNSETOFFLOAD = 0x400454d0L;
    static final int TUN_F_CSUM = 0x01;
    static final int TUN_F_TSO4 = 0x02;
    static final int TUN_F_TSO6 = 0x04;
    /**
     * {@code _IOR('T', 224, int)}: the eBPF program (a descriptor from {@code bpf(BPF_PROG_LOAD)},
     * type socket filter) whose return value, modulo the queue count, picks the queue of a
     * multi-queue TUN device that each packet the host routes into it goes to.
     */
    static final long TUNSETSTEERINGEBPF = 0x800454e0L;
    static final long SIOCGIFFLAGS = 0x8913L;
    static final long SIOCGIFINDEX = 0x8933L;
    static final long SIOCSIFFLAGS = 0x8914L;
    static final long SIOCGIFMTU = 0x8921L;
    static final long SIOCSIFMTU = 0x8922L;

    static final short IFF_TUN = 0x0001;
    static final short IFF_NO_PI = 0x1000;
    static final short IFF_MULTI_QUEUE = 0x0100;
    static final short IFF_VNET_HDR = 0x4000;
    static final short IFF_UP = 0x1;

    static final int SOCKADDR_IN_SIZE = 16;
    static final int SOCKADDR_IN6_SIZE = 28;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
    private static final Linker.Option HEAP = Linker.Option.critical(true);

    static final MemoryLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO_HANDLE =
            CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    /** {@code int open(const char *path, int flags, ...)}. */
    static final MethodHandle OPEN = handle("open",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), ERRNO);
    /** {@code int ioctl(int fd, unsigned long request, void *arg)}, variadic after request. */
    static final MethodHandle IOCTL = handle("ioctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS),
            ERRNO, Linker.Option.firstVariadicArg(2));
    static final MethodHandle CLOSE = handle("close",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT), ERRNO);
    /** {@code ssize_t read(int, void *, size_t)} on heap arrays. */
    static final MethodHandle READ = handle("read",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), ERRNO, HEAP);
    static final MethodHandle WRITE = handle("write",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), ERRNO, HEAP);
    /** {@code int poll(struct pollfd *, nfds_t, int timeout)}: blocks, so not critical. */
    static final MethodHandle POLL = handle("poll",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT), ERRNO);
    static final MethodHandle SOCKET = handle("socket",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), ERRNO);
    static final MethodHandle BIND = handle("bind",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), ERRNO);
    /** {@code recvfrom} into a heap array; the sockaddr and its length live off-heap per port. */
    static final MethodHandle RECVFROM = handle("recvfrom",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS),
            ERRNO, HEAP);
    static final MethodHandle SENDTO = handle("sendto",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT),
            ERRNO, HEAP);
    static final MethodHandle SETSOCKOPT = handle("setsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), ERRNO);
    static final MethodHandle GETSOCKOPT = handle("getsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), ERRNO);
    static final MethodHandle CONNECT = handle("connect",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), ERRNO);
    static final MethodHandle GETSOCKNAME = handle("getsockname",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), ERRNO);
    static final MethodHandle SETNS = handle("setns",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), ERRNO);
    /** {@code int sendmmsg(int, struct mmsghdr *, unsigned int, int)} on native memory; null where libc lacks it. */
    static final MethodHandle SENDMMSG = LIBC.find("sendmmsg").map(symbol -> LINKER.downcallHandle(symbol,
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), ERRNO)).orElse(null);
    /** {@code int recvmmsg(int, struct mmsghdr *, unsigned int, int, struct timespec *)}; null where libc lacks it. */
    static final MethodHandle RECVMMSG = LIBC.find("recvmmsg").map(symbol -> LINKER.downcallHandle(symbol,
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS), ERRNO)).orElse(null);
    /** {@code int eventfd(unsigned int initval, int flags)}. */
    static final MethodHandle EVENTFD = handle("eventfd",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), ERRNO);
    /**
     * {@code long syscall(long number, ...)}, every argument passed as a long (glibc reads them so):
     * for {@code bpf(2)}, which glibc has no wrapper for.
     */
    static final MethodHandle SYSCALL = handle("syscall",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
            ERRNO, Linker.Option.firstVariadicArg(1));
    /** {@code void *mmap(void *, size_t, int prot, int flags, int fd, off_t)}: an AF_XDP socket's rings. */
    static final MethodHandle MMAP = handle("mmap",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG), ERRNO);
    static final MethodHandle MUNMAP = handle("munmap",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG), ERRNO);
    /** {@code int epoll_create1(int flags)}: one descriptor that is readable when any of several is (an AF_XDP port's socket and raw socket). */
    static final MethodHandle EPOLL_CREATE1 = handle("epoll_create1",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT), ERRNO);
    /** {@code int epoll_ctl(int epfd, int op, int fd, struct epoll_event *)}. */
    static final MethodHandle EPOLL_CTL = handle("epoll_ctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS), ERRNO);
    static final int EPOLL_CLOEXEC = 0x80000;
    static final int EPOLL_CTL_ADD = 1;
    /** {@code __NR_bpf} on x86-64 and aarch64 (the only architectures this module's layouts are for). */
    static final long SYS_BPF = "aarch64".equals(System.getProperty("os.arch")) ? 280 : 321;
    static final MethodHandle STRERROR = handle("strerror",
            FunctionDescriptor.of(ADDRESS, JAVA_INT));

    private Libc() {
    }

    private static MethodHandle handle(final String name, final FunctionDescriptor fd,
                                       final Linker.Option... options) {
        final MemorySegment symbol = LIBC.find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc has no symbol " + name));
        return LINKER.downcallHandle(symbol, fd, options);
    }

    /** A call-state segment to pass as the first argument of every errno-capturing handle. */
    static MemorySegment newCallState(final Arena arena) {
        return arena.allocate(CALL_STATE);
    }

    static int errno(final MemorySegment callState) {
        return (int) ERRNO_HANDLE.get(callState, 0L);
    }

    /** The C library's text for {@code errno}, for error messages. */
    static String strerror(final int errno) {
        try {
            final MemorySegment text = (MemorySegment) STRERROR.invokeExact(errno);
            return text.reinterpret(256).getString(0);
        } catch (final Throwable t) {
            return "errno " + errno;
        }
    }

    /** {@code "open /dev/net/tun: Operation not permitted (errno 1)"}. */
    static String describe(final String call, final int errno) {
        return call + ": " + strerror(errno) + " (errno " + errno + ")";
    }

    /**
     * Attaches a one-instruction classic BPF program {@code ret #k} as socket option {@code option}:
     * with {@link #SO_ATTACH_FILTER} and k = 0 the socket accepts nothing; with
     * {@link #SO_ATTACH_REUSEPORT_CBPF} and k = 0 its SO_REUSEPORT group hands every datagram to the
     * socket that joined first.
     */
    static void attachReturnProgram(final MemorySegment state, final int fd, final int option, final int k,
                                    final Arena arena) throws Throwable {
        attachProgram(state, fd, option, new long[] {ClassicBpf.ret(k)}, arena);
    }

    /** Attaches the classic BPF program {@code insns} ({@link ClassicBpf} instructions) as socket option {@code option}. */
    static void attachProgram(final MemorySegment state, final int fd, final int option, final long[] insns,
                              final Arena arena) throws Throwable {
        final MemorySegment filter = arena.allocate(8L * insns.length, 8);
        for (int i = 0; i < insns.length; i++) {
            ClassicBpf.write(insns[i], filter, 8L * i);
        }
        final MemorySegment prog = arena.allocate(16, 8); // struct sock_fprog { u16 len; filter* }
        prog.set(ValueLayout.JAVA_SHORT, 0, (short) insns.length);
        prog.set(ValueLayout.ADDRESS, 8, filter);
        if ((int) SETSOCKOPT.invokeExact(state, fd, SOL_SOCKET, option, prog, (int) prog.byteSize()) < 0) {
            throw new io.sallyport.net.HostNetworkException(describe("setsockopt(SOL_SOCKET, " + option
                    + ") with a BPF program", errno(state)));
        }
    }

    /** Closes {@code fd}; returns 0 or the errno, which callers on a shutdown path ignore. */
    static int close(final int fd) {
        if (fd < 0) {
            return 0;
        }
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment state = newCallState(arena);
            final int rc = (int) CLOSE.invokeExact(state, fd);
            return rc == 0 ? 0 : errno(state);
        } catch (final Throwable t) {
            throw new IllegalStateException("close downcall failed", t);
        }
    }

    /** Writes {@code name} NUL-terminated into the first {@link #IFNAMSIZ} bytes of an ifreq. */
    static void putIfName(final MemorySegment ifreq, final String name) {
        final byte[] bytes = name.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        if (bytes.length >= IFNAMSIZ) {
            throw new IllegalArgumentException("device name longer than 15 bytes: " + name);
        }
        MemorySegment.copy(bytes, 0, ifreq, ValueLayout.JAVA_BYTE, 0, bytes.length);
        ifreq.set(ValueLayout.JAVA_BYTE, bytes.length, (byte) 0);
    }
}
