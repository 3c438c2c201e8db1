package io.sallyport.net.linux;

import io.sallyport.net.HostNetworkException;
import io.sallyport.net.PortCounter;
import io.sallyport.net.PortCounters;
import io.sallyport.net.TunNames;
import io.sallyport.net.TunPort;

import io.sallyport.packet.Checksum;
import io.sallyport.packet.TcpCoalescer;
import io.sallyport.packet.TcpSegmenter;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
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
 *
 * <p>With offloads ({@link #openWithOffloads}: {@code IFF_VNET_HDR} and {@code TUNSETOFFLOAD}
 * checksum + TSO for IPv4 and IPv6) every read and write carries a 10-byte {@code virtio_net_hdr}
 * and the host hands over TCP super-packets of up to 64 KB with partial checksums. This class
 * hides that: {@link #read} still returns one IP packet per call, the super-packet's MSS-sized
 * segments one after another ({@link TcpSegmenter}, complete checksums), and {@link #write} joins
 * consecutive segments of a TCP flow ({@link TcpCoalescer}) into one super-packet that
 * {@link #flush} (or the next packet that does not join) writes. Callers see the packets the
 * host would have sent and received without offloads.
 *
 * <p>A steered device ({@link #openSteered}) is multi-queue with a steering program that sends
 * everything the host routes into it to this first queue, or, with several read queues, to the
 * read queue a table of destination prefixes gives ({@link #steer}; queue 0 for the rest);
 * {@link #openWriteQueue} adds queues that other threads write (each its own, with its own
 * coalescer) and nobody reads. The kernel numbers a device's queues in the order they attach and
 * gives a closing queue's number to the last one: the read queues attach first (numbers 0 to n - 1),
 * the write queues after them, and only write queues close before the device does, so the read
 * queues keep their numbers and the table's values only ever name them.
 */
public final class LinuxTun implements TunPort, NativePort {

    /** A TUN device has at most 256 queues (MAX_TAP_QUEUES); the write queues need some of them. */
    public static final int MAX_READ_QUEUES = 64;

    private static final int MIN_MTU = 68;
    private static final int MAX_MTU = 65535;

    /** {@code struct virtio_net_hdr} (no mergeable buffers), in the host's byte order. */
    private static final int VNET_HDR = 10;
    private static final int VNET_F_NEEDS_CSUM = 1;
    private static final int VNET_GSO_NONE = 0;
    private static final int VNET_GSO_TCPV4 = 1;
    private static final int VNET_GSO_TCPV6 = 4;
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.nativeOrder());
    private static final int MAX_PACKET = 65535;
    private static final int OFFLOADS = Libc.TUN_F_CSUM | Libc.TUN_F_TSO4 | Libc.TUN_F_TSO6;

    private final NativeFd fd;
    private final String name;
    private final int mtu;
    private final short flags;
    private final PortCounters counters = new PortCounters();
    /** Set by a read the kernel answers EBADFD (the device was deleted), cleared by {@link #reattach}. */
    private volatile boolean deleted;
    /** Offloads on: the reads and writes below carry virtio_net_hdr. */
    private final boolean offloads;
    /** The last read super-packet (after its header) and the next segment to hand out. */
    private final byte[] rx;
    private final MemorySegment rxSegment;
    private int rxLength;
    private int rxMss;
    private int rxSegments;
    private int rxNext;
    /** A packet written alone: a zero header, then the packet. */
    private final byte[] tx;
    private final MemorySegment txSegment;
    private final TcpCoalescer coalescer;
    private final MemorySegment coalescedSegment;
    /** Queue 0 of a steered device: the steering program is attached again when the device is recreated. */
    private final boolean steered;
    /** Queue 0 of a steered device: the write queues opened on it (the opening thread's, not the I/O thread's). */
    private final List<LinuxTun> writeQueues = new ArrayList<>();
    /** Queue 0 of a steered device: the interface index of the device it is attached to (opening thread). */
    private int deviceIndex;
    /** Queue 0 of a steered device: every read queue, this one first (queue n is the n-th). */
    private List<LinuxTun> readQueues = List.of(this);
    /** Queue 0 of a device with several read queues: the table its steering program looks destinations up in. */
    private BpfLpmMap queueTable;

    private LinuxTun(final NativeFd fd, final String name, final int mtu, final short flags, final boolean offloads) {
        this(fd, name, mtu, flags, offloads, false);
    }

    private LinuxTun(final NativeFd fd, final String name, final int mtu, final short flags, final boolean offloads,
                     final boolean steered) {
        this.fd = fd;
        this.name = name;
        this.mtu = mtu;
        this.flags = flags;
        this.offloads = offloads;
        this.steered = steered;
        this.rx = offloads ? new byte[VNET_HDR + MAX_PACKET + 1] : null;
        this.tx = offloads ? new byte[VNET_HDR + MAX_PACKET] : null;
        this.rxSegment = offloads ? MemorySegment.ofArray(rx) : null;
        this.txSegment = offloads ? MemorySegment.ofArray(tx) : null;
        this.coalescer = offloads ? new TcpCoalescer(VNET_HDR) : null;
        this.coalescedSegment = offloads ? MemorySegment.ofArray(coalescer.packet()) : null;
    }

    /**
     * Creates device {@code name} (or attaches to it if this process already holds it), sets its
     * MTU and brings it up.
     *
     * @throws HostNetworkException with the host's reason, for example a missing CAP_NET_ADMIN
     */
    public static LinuxTun open(final String name, final int mtu) {
        return openQueues(name, mtu, 1, false).getFirst();
    }

    /**
     * Like {@link #open}, with checksum and TCP segmentation offloads.
     *
     * @throws HostNetworkException when the host refuses them (or the device): the caller falls
     *     back to {@link #open} and says so
     */
    public static LinuxTun openWithOffloads(final String name, final int mtu) {
        return openQueues(name, mtu, 1, true).getFirst();
    }

    /**
     * Like {@link #open} (with offloads if asked), as the first queue of a multi-queue device whose
     * steering program ({@link TunSteering}) sends everything the host routes into the device to
     * this queue: further queues ({@link #openWriteQueue}) are only written.
     *
     * @throws HostNetworkException when the host refuses multi-queue, the offloads, the program
     *     (bpf(2) not permitted, ...) or its attachment: the caller falls back to a plain device
     */
    public static LinuxTun openSteered(final String name, final int mtu, final boolean offloads) {
        return openSteered(name, mtu, offloads, 1, 0);
    }

    /**
     * Like {@link #openSteered(String, int, boolean)} with {@code readQueues} read queues
     * ({@link #readQueues}, this one first): the steering program looks each packet's destination
     * up in a table of at most {@code maxPrefixes} prefixes ({@link #steer}) and sends it to the
     * read queue found there, to queue 0 when none is.
     *
     * @throws HostNetworkException as above, and when the host refuses the table (an LPM-trie BPF
     *     map) or the program that reads it: the caller falls back to one read queue
     */
    public static LinuxTun openSteered(final String name, final int mtu, final boolean offloads, final int readQueues,
                                       final int maxPrefixes) {
        checkArguments(name, mtu);
        if (readQueues < 1 || readQueues > MAX_READ_QUEUES) {
            throw new IllegalArgumentException("read queues " + readQueues + " outside 1.." + MAX_READ_QUEUES);
        }
        final short flags = (short) (Libc.IFF_TUN | Libc.IFF_NO_PI | Libc.IFF_MULTI_QUEUE
                | (offloads ? Libc.IFF_VNET_HDR : 0));
        final LinuxTun tun = new LinuxTun(new NativeFd(attach(name, flags)), name, mtu, flags, offloads, true);
        try {
            if (offloads) {
                setOffload(tun.fd.fd(), name, OFFLOADS);
            }
            if (readQueues > 1) {
                tun.queueTable = BpfLpmMap.create(maxPrefixes);
            }
            tun.attachSteering();
            final List<LinuxTun> queues = new ArrayList<>(readQueues);
            queues.add(tun);
            tun.readQueues = queues;
            for (int q = 1; q < readQueues; q++) {
                queues.add(new LinuxTun(new NativeFd(attach(name, flags)), name, mtu, flags, offloads, false));
            }
            tun.readQueues = List.copyOf(queues);
            InterfaceIoctl.setMtu(name, mtu);
            InterfaceIoctl.setUp(name, true);
            tun.deviceIndex = InterfaceIoctl.index(name);
        } catch (final RuntimeException e) {
            tun.close();
            throw e;
        }
        return tun;
    }

    /** Loads the steering program (by destination where there is a table) and attaches it to this queue. */
    private void attachSteering() {
        final int program = queueTable == null ? TunSteering.loadQueueZero() : TunSteering.loadByDestination(queueTable);
        try {
            TunSteering.attach(fd.fd(), program, name);
        } finally {
            // The device holds its own reference to the program (and the program to the table) once attached.
            Libc.close(program);
        }
    }

    /** Every read queue of this steered device, this one (queue 0) first; the others' readers close them with it ({@link #close}). */
    public List<LinuxTun> readQueues() {
        return readQueues;
    }

    /**
     * Packets the host routes into the device towards {@code prefix} go to read queue {@code queue}
     * from now on (the longest prefix holding a destination wins; none: queue 0). The opening thread.
     *
     * @throws IllegalStateException when this device has one read queue, or {@code queue} is not a read queue
     * @throws HostNetworkException with the host's reason (the table is full: E2BIG)
     */
    public void steer(final io.sallyport.net.IpPrefix prefix, final int queue) {
        if (queueTable == null || queue < 0 || queue >= readQueues.size()) {
            throw new IllegalStateException(name + ": no read queue " + queue + " to steer " + prefix + " to");
        }
        queueTable.put(prefix, queue);
    }

    /** Packets towards {@code prefix} go where the table's other prefixes say, or to queue 0; false when it had no entry. */
    public boolean unsteer(final io.sallyport.net.IpPrefix prefix) {
        return queueTable != null && queueTable.remove(prefix);
    }

    /** The read queue the table gives {@code destination}, or empty (queue 0): what the steering program looks up. */
    public java.util.OptionalInt steeredQueue(final java.net.InetAddress destination) {
        return queueTable == null ? java.util.OptionalInt.empty() : queueTable.lookup(destination);
    }

    /**
     * Another queue of this steered device, for one writer thread: what it writes enters the host
     * as what this queue writes does (offloads and joining alike); the host sends nothing to it.
     * Called on the thread that opened the device (the queue list is that thread's); the new
     * queue is then its writer's, which closes it. {@link #reattach} attaches it again after the
     * host deleted the device, until {@link #forgetWriteQueue}.
     *
     * @throws IllegalStateException on a queue that is not the first of a steered device
     * @throws HostNetworkException with the host's reason
     */
    public LinuxTun openWriteQueue() {
        if (!steered) {
            throw new IllegalStateException(name + ": write queues need a steered device (openSteered)");
        }
        final LinuxTun queue = new LinuxTun(new NativeFd(attach(name, flags)), name, mtu, flags, offloads, false);
        // Deleted by the host and not recreated yet, the device would have been created anew by this
        // attach, with this queue as its queue 0: not this device, and not steered.
        final int index;
        try {
            index = InterfaceIoctl.index(name);
        } catch (final RuntimeException e) {
            queue.close();
            throw e;
        }
        if (index != deviceIndex) {
            queue.close();
            throw new HostNetworkException(name + ": deleted from the host, not recreated yet: no write queue");
        }
        writeQueues.add(queue);
        return queue;
    }

    /** The device's opening thread: {@code queue} is closing (by its writer) and is not to be attached again. */
    public void forgetWriteQueue(final LinuxTun queue) {
        writeQueues.remove(queue);
    }

    /** Whether this is the first queue of a steered device, which {@link #openWriteQueue} adds queues to. */
    public boolean steered() {
        return steered;
    }

    public static List<LinuxTun> openQueues(final String name, final int mtu, final int queues) {
        return openQueues(name, mtu, queues, false);
    }

    /**
     * Creates a multi-queue device with {@code queues} queues, one per worker, sets the MTU and
     * brings it up. If a later queue fails, the ones already opened are closed.
     */
    private static List<LinuxTun> openQueues(final String name, final int mtu, final int queues,
                                             final boolean offloads) {
        checkArguments(name, mtu);
        if (queues < 1) {
            throw new IllegalArgumentException("a TUN device needs at least one queue");
        }
        final short flags = (short) (Libc.IFF_TUN | Libc.IFF_NO_PI
                | (queues > 1 ? Libc.IFF_MULTI_QUEUE : 0) | (offloads ? Libc.IFF_VNET_HDR : 0));
        final List<LinuxTun> opened = new ArrayList<>(queues);
        try {
            for (int q = 0; q < queues; q++) {
                final int fd = attach(name, flags);
                final LinuxTun tun = new LinuxTun(new NativeFd(fd), name, mtu, flags, offloads);
                opened.add(tun);
                if (offloads) {
                    setOffload(fd, name, OFFLOADS);
                }
            }
            InterfaceIoctl.setMtu(name, mtu);
            InterfaceIoctl.setUp(name, true);
        } catch (final RuntimeException e) {
            opened.forEach(LinuxTun::close);
            throw e;
        }
        return List.copyOf(opened);
    }

    private static void checkArguments(final String name, final int mtu) {
        if (!TunNames.isValidDeviceName(name)) {
            throw new IllegalArgumentException("not a valid Linux device name: '" + name
                    + "' (use TunNames.forUnit for service units)");
        }
        if (mtu < MIN_MTU || mtu > MAX_MTU) {
            throw new IllegalArgumentException("MTU " + mtu + " outside " + MIN_MTU + ".." + MAX_MTU);
        }
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
     * the old device and are the caller's to restore. On a steered device: the steering program
     * again, then the write queues, after this one (the first attached is queue 0, which the
     * program picks).
     */
    @Override
    public void reattach() {
        setIff(fd.fd(), name, flags);
        if (offloads) {
            setOffload(fd.fd(), name, OFFLOADS);
        }
        if (steered) {
            attachSteering();
            for (final LinuxTun queue : readQueues.subList(1, readQueues.size())) {
                setIff(queue.fd.fd(), name, flags);
            }
            for (final LinuxTun queue : writeQueues) {
                setIff(queue.fd.fd(), name, flags);
            }
        }
        InterfaceIoctl.setMtu(name, mtu);
        InterfaceIoctl.setUp(name, true);
        if (steered) {
            deviceIndex = InterfaceIoctl.index(name);
        }
        deleted = false;
    }

    @Override
    public boolean deleted() {
        return deleted;
    }

    private static void setOffload(final int fd, final String name, final int offload) {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment state = Libc.newCallState(arena);
            // The argument is the flag word itself, passed where ioctl takes its pointer.
            final int rc = (int) Libc.IOCTL.invokeExact(state, fd, Libc.TUNSETOFFLOAD, MemorySegment.ofAddress(offload));
            if (rc < 0) {
                throw new HostNetworkException(Libc.describe("ioctl TUNSETOFFLOAD " + name, Libc.errno(state)));
            }
        } catch (final HostNetworkException e) {
            throw e;
        } catch (final Throwable t) {
            throw new IllegalStateException("TUN downcall failed", t);
        }
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
        if (!offloads) {
            final long n = readInto(buf, off, maxLen);
            if (n >= 0) {
                counters.received((int) n);
            }
            return (int) n;
        }
        while (true) {
            if (rxNext < rxSegments) {
                return nextSegment(buf, off, maxLen);
            }
            final long n = readInto(rx, 0, rx.length);
            if (n < 0) {
                return -1;
            }
            final int len = (int) n - VNET_HDR;
            if (len <= 0 || len > MAX_PACKET) {
                counters.increment(PortCounter.RECEIVE_MALFORMED);
                continue;
            }
            final int flags = rx[0] & 0xFF;
            final int gsoType = rx[1] & 0xFF;
            final int gsoSize = rxSegment.get(U16, 4) & 0xFFFF;
            final int csumStart = rxSegment.get(U16, 6) & 0xFFFF;
            final int csumOffset = rxSegment.get(U16, 8) & 0xFFFF;
            if (gsoType == VNET_GSO_TCPV4 || gsoType == VNET_GSO_TCPV6) {
                final int segments = TcpSegmenter.count(rx, VNET_HDR, len, gsoSize);
                if (segments < 1) {
                    counters.increment(PortCounter.RECEIVE_DROPPED_OFFLOAD);
                    continue;
                }
                counters.increment(PortCounter.OFFLOAD_SPLIT);
                rxLength = len;
                rxMss = gsoSize;
                rxSegments = segments;
                rxNext = 0;
                continue;
            }
            if (gsoType != VNET_GSO_NONE) {
                counters.increment(PortCounter.RECEIVE_DROPPED_OFFLOAD);
                continue;
            }
            if ((flags & VNET_F_NEEDS_CSUM) != 0) {
                if (csumStart + csumOffset + 2 > len) {
                    counters.increment(PortCounter.RECEIVE_MALFORMED);
                    continue;
                }
                Checksum.completePartial(rx, VNET_HDR + csumStart, VNET_HDR + len, csumOffset);
            }
            final int copied = Math.min(len, maxLen);
            System.arraycopy(rx, VNET_HDR, buf, off, copied);
            counters.received(copied);
            return copied;
        }
    }

    /** The next segment of the super-packet in {@code rx}, split with complete checksums. */
    private int nextSegment(final byte[] buf, final int off, final int maxLen) {
        final int index = rxNext++;
        if (TcpSegmenter.headerLength(rx, VNET_HDR, rxLength) + rxMss > maxLen) {
            counters.increment(PortCounter.RECEIVE_DROPPED_OFFLOAD);
            rxNext = rxSegments;
            return read(buf, off, maxLen);
        }
        final int len = TcpSegmenter.write(rx, VNET_HDR, rxLength, rxMss, index, buf, off);
        counters.received(len);
        return len;
    }

    /** One {@code read}: its length, or -1 (counted unless nothing was waiting). */
    private long readInto(final byte[] buf, final int off, final int maxLen) {
        final long n;
        try {
            n = (long) Libc.READ.invokeExact(fd.receiveState, fd.fd(),
                    MemorySegment.ofArray(buf).asSlice(off, maxLen), (long) maxLen);
        } catch (final Throwable t) {
            throw new IllegalStateException("read downcall failed", t);
        }
        if (n >= 0) {
            return n;
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
        if (!offloads) {
            return writeOut(MemorySegment.ofArray(buf).asSlice(off, len), len) && counted(len);
        }
        if (coalescer.offer(buf, off, len)) {
            counters.sent(len);
            return true;
        }
        flush();
        if (coalescer.offer(buf, off, len)) {
            counters.sent(len);
            return true;
        }
        if (len > MAX_PACKET) {
            counters.failed(PortCounter.SEND_DROPPED_UNROUTABLE, 0);
            return false;
        }
        java.util.Arrays.fill(tx, 0, VNET_HDR, (byte) 0);
        System.arraycopy(buf, off, tx, VNET_HDR, len);
        return writeOut(txSegment.asSlice(0, VNET_HDR + len), VNET_HDR + len) && counted(len);
    }

    private boolean counted(final int len) {
        counters.sent(len);
        return true;
    }

    /**
     * Writes the segments joined so far, as one super-packet when there are several. They were
     * counted as sent when they joined; a refused super-packet counts one drop.
     */
    @Override
    public void flush() {
        if (!offloads || coalescer.segments() == 0) {
            return;
        }
        final int segments = coalescer.segments();
        coalescer.finish();
        final byte[] p = coalescer.packet();
        java.util.Arrays.fill(p, 0, VNET_HDR, (byte) 0);
        if (segments > 1) {
            p[0] = VNET_F_NEEDS_CSUM;
            p[1] = (byte) (coalescer.isIpv4() ? VNET_GSO_TCPV4 : VNET_GSO_TCPV6);
            coalescedSegment.set(U16, 2, (short) coalescer.headerLength());
            coalescedSegment.set(U16, 4, (short) coalescer.segmentSize());
            coalescedSegment.set(U16, 6, (short) coalescer.ipHeaderLength());
            coalescedSegment.set(U16, 8, (short) 16);
        }
        final int total = VNET_HDR + coalescer.length();
        coalescer.clear();
        if (writeOut(coalescedSegment.asSlice(0, total), total) && segments > 1) {
            counters.increment(PortCounter.OFFLOAD_JOINED);
        }
    }

    /** One {@code write} of {@code len} bytes; a refused write is counted as a drop. */
    private boolean writeOut(final MemorySegment data, final int len) {
        final long n;
        try {
            n = (long) Libc.WRITE.invokeExact(fd.sendState, fd.fd(), data, (long) len);
        } catch (final Throwable t) {
            throw new IllegalStateException("write downcall failed", t);
        }
        if (n == len) {
            return true;
        }
        final int errno = n < 0 ? Libc.errno(fd.sendState) : 0;
        counters.failed(errno == Libc.EAGAIN || errno == Libc.ENOBUFS
                ? PortCounter.SEND_DROPPED_BUSY
                : errno == Libc.EINVAL ? PortCounter.SEND_DROPPED_UNROUTABLE : PortCounter.SEND_DROPPED_ERROR,
                errno);
        return false;
    }

    /** Whether this queue runs with checksum and TCP segmentation offloads (virtio_net_hdr). */
    public boolean offloads() {
        return offloads;
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

    /** Closes this queue; the first queue of a steered device closes its other read queues and its table with it. */
    @Override
    public void close() {
        fd.close();
        if (steered) {
            readQueues.subList(1, readQueues.size()).forEach(LinuxTun::close);
            if (queueTable != null) {
                queueTable.close();
            }
        }
    }

    @Override
    public String toString() {
        return "LinuxTun[" + name + ", fd " + fd.fd() + ", mtu " + mtu + "]";
    }
}
