package io.sallyport.net.linux;

import io.sallyport.net.HostNetworkException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * An AF_XDP socket ({@code AF_XDP}, Linux 4.18) bound to one receive queue of a device, in copy
 * mode: whole Ethernet frames in and out through four rings the kernel shares with us by
 * {@code mmap}, over a packet buffer area (the UMEM) registered with the socket. Receive: the
 * device's XDP program ({@link XdpEspRedirect}) redirects a frame into the socket, the kernel
 * copies it into a chunk we lent it through the fill ring and posts the chunk on the RX ring; we
 * copy it out and lend the chunk again. Send: we copy a frame into a free chunk, post it on the TX
 * ring, and {@code sendto} makes the kernel transmit it on the device (no routing, no netfilter, no
 * neighbour lookup: the frame is what goes on the wire); the chunk comes back on the completion ring.
 *
 * <p>Each ring has a producer and a consumer index (free-running u32) in the shared pages; the
 * side that produces writes its entries, then stores its index with release semantics, and the
 * other side loads it with acquire semantics before reading them (the kernel's
 * {@code smp_load_acquire}/{@code smp_store_release} pairing, include/net/xsk_buff_pool.h and
 * net/xdp/xsk_queue.h). One thread receives and one thread sends: the fill and RX rings belong to
 * the receiver, the TX and completion rings to the sender, and the chunk pools are split between
 * them, so neither needs a lock.
 */
final class XskSocket implements AutoCloseable {

    static final int AF_XDP = 44;
    private static final int SOL_XDP = 283;
    private static final int XDP_MMAP_OFFSETS = 1;
    private static final int XDP_RX_RING = 2;
    private static final int XDP_TX_RING = 3;
    private static final int XDP_UMEM_REG = 4;
    private static final int XDP_UMEM_FILL_RING = 5;
    private static final int XDP_UMEM_COMPLETION_RING = 6;
    private static final int XDP_STATISTICS = 7;
    /** Linux 6.17: how many frames one {@code sendto} transmits in copy mode (default 32). */
    private static final int XDP_MAX_TX_SKB_BUDGET = 9;
    private static final int XDP_COPY = 1 << 1;
    private static final long PGOFF_RX_RING = 0;
    private static final long PGOFF_TX_RING = 0x80000000L;
    private static final long PGOFF_FILL_RING = 0x100000000L;
    private static final long PGOFF_COMPLETION_RING = 0x180000000L;
    private static final int PROT_READ_WRITE = 0x3;
    private static final int MAP_SHARED_POPULATE = 0x01 | 0x8000;
    /** The UMEM comes from mmap, not malloc: pages the kernel still holds after close are never handed out again. */
    private static final int MAP_PRIVATE_ANONYMOUS = 0x02 | 0x20 | 0x8000;
    /** {@code struct xdp_desc}: u64 addr, u32 len, u32 options. */
    private static final int DESC = 16;
    /** {@code sendto} calls one {@link #flush} makes at most. */
    private static final int KICKS = 16;

    /** A chunk of the UMEM: one frame (copy mode keeps 256 bytes of it as headroom: 3840-byte frames). */
    static final int CHUNK = 4096;
    static final int MAX_FRAME = CHUNK - 256;

    private static final VarHandle U32 = ValueLayout.JAVA_INT.varHandle();

    private final NativeFd fd;
    private final Arena umemArena = Arena.ofShared();
    private final MemorySegment umem;
    private final Ring fill;
    private final Ring completion;
    private final Ring rx;
    private final Ring tx;
    /** Each send chunk's segment of {@link #MAX_FRAME} bytes, made once (index: chunk number minus {@link #rxRing}): a slice made per frame was an object per frame. */
    private final MemorySegment[] txSlots;
    /** The sender's free chunks (UMEM offsets), a stack. */
    private final long[] txFree;
    private int txFreeCount;
    private final int rxRing;
    private final int txRing;
    private final MemorySegment kickState = Libc.newCallState(umemArena);

    private XskSocket(final int fd, final int rxRing, final int txRing) {
        this.fd = new NativeFd(fd);
        this.rxRing = rxRing;
        this.txRing = txRing;
        this.txFree = new long[txRing];
        this.txSlots = new MemorySegment[txRing];
        try {
            umem = Ring.mapMemory(-1, (long) CHUNK * (rxRing + txRing), MAP_PRIVATE_ANONYMOUS, 0, "UMEM", umemArena);
            register();
            final MemorySegment offsets = mmapOffsets();
            fill = Ring.map(fd, offsets, 64, PGOFF_FILL_RING, rxRing, 8, "fill", umemArena);
            completion = Ring.map(fd, offsets, 96, PGOFF_COMPLETION_RING, txRing, 8, "completion", umemArena);
            rx = Ring.map(fd, offsets, 0, PGOFF_RX_RING, rxRing, DESC, "RX", umemArena);
            tx = Ring.map(fd, offsets, 32, PGOFF_TX_RING, txRing, DESC, "TX", umemArena);
        } catch (final RuntimeException e) {
            close();
            throw e;
        }
        // The first rxRing chunks of the UMEM are lent for receiving, the rest kept for sending.
        for (int i = 0; i < rxRing; i++) {
            fill.descs.set(ValueLayout.JAVA_LONG, 8L * i, (long) CHUNK * i);
        }
        for (int i = 0; i < txRing; i++) {
            txFree[i] = (long) CHUNK * (rxRing + i);
            txSlots[i] = umem.asSlice(txFree[i], MAX_FRAME);
        }
        txFreeCount = txRing;
        fill.cachedProducer = rxRing;
        U32.setRelease(fill.producer, 0L, rxRing);
    }

    /**
     * A socket on receive queue {@code queue} of device {@code ifindex} with {@code ringSize}
     * (a power of two) entries per ring and as many chunks each way.
     *
     * @throws HostNetworkException with the host's reason (no AF_XDP, not permitted, queue busy, ...)
     */
    static XskSocket open(final int ifindex, final int queue, final int ringSize) {
        return open(ifindex, queue, ringSize, ringSize);
    }

    /**
     * A socket on receive queue {@code queue} of device {@code ifindex} with {@code rxRing}
     * entries in its fill and RX rings and as many receive chunks, {@code txRing} in its TX and
     * completion rings and as many send chunks (powers of two; a socket only received from keeps
     * a small TX side, the kernel wanting a completion ring on every UMEM).
     *
     * @throws HostNetworkException with the host's reason (no AF_XDP, not permitted, queue busy,
     *                              the UMEM over RLIMIT_MEMLOCK without CAP_IPC_LOCK, ...)
     */
    static XskSocket open(final int ifindex, final int queue, final int rxRing, final int txRing) {
        if (Integer.bitCount(rxRing) != 1 || Integer.bitCount(txRing) != 1) {
            throw new IllegalArgumentException("ring sizes must be powers of two: " + rxRing + ", " + txRing);
        }
        final int fd;
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment state = Libc.newCallState(arena);
            fd = (int) Libc.SOCKET.invokeExact(state, AF_XDP, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, 0);
            if (fd < 0) {
                throw new HostNetworkException(Libc.describe("socket(AF_XDP)", Libc.errno(state)));
            }
        } catch (final HostNetworkException e) {
            throw e;
        } catch (final Throwable t) {
            throw new IllegalStateException("socket downcall failed", t);
        }
        final XskSocket socket = new XskSocket(fd, rxRing, txRing);
        try {
            socket.bind(ifindex, queue);
        } catch (final RuntimeException e) {
            socket.close();
            throw e;
        }
        return socket;
    }

    int fd() {
        return fd.fd();
    }

    /** Blocks until the RX ring has a frame or the timeout passes. */
    boolean awaitReadable(final long timeoutMillis) {
        return hasFrames() || fd.awaitReadable(timeoutMillis);
    }

    /** Whether the RX ring holds a frame (no system call). */
    boolean hasFrames() {
        return rx.available() > 0;
    }

    /**
     * Copies the next received frame into {@code buf} (at most {@code maxLen} bytes; a longer one
     * is cut) and lends its chunk back to the kernel; the frame's length, or -1 when there is none.
     */
    int receive(final byte[] buf, final int off, final int maxLen) {
        final int len = receive(buf, 0, buf, off, maxLen);
        return len < 0 ? -1 : Math.min(len, maxLen);
    }

    /**
     * Copies the next received frame's first {@code headLen} bytes into {@code head} and the rest
     * (at most {@code maxLen} bytes) into {@code buf} at {@code off}, so a receiver that reads the
     * headers apart copies the payload once, and lends its chunk back to the kernel; the frame's
     * whole length, or -1 when there is none.
     */
    int receive(final byte[] head, final int headLen, final byte[] buf, final int off, final int maxLen) {
        if (rx.cachedProducer == rx.cachedConsumer) {
            rx.cachedProducer = (int) U32.getAcquire(rx.producer, 0L);
            if (rx.cachedProducer == rx.cachedConsumer) {
                return -1;
            }
        }
        final long at = (long) (rx.cachedConsumer & rx.mask) * DESC;
        final long addr = rx.descs.get(ValueLayout.JAVA_LONG, at);
        final int len = rx.descs.get(ValueLayout.JAVA_INT, at + 8);
        final int inHead = Math.min(len, headLen);
        MemorySegment.copy(umem, ValueLayout.JAVA_BYTE, addr, head, 0, inHead);
        MemorySegment.copy(umem, ValueLayout.JAVA_BYTE, addr + inHead, buf, off, Math.min(len - inHead, maxLen));
        rx.cachedConsumer++;
        U32.setRelease(rx.consumer, 0L, rx.cachedConsumer);
        // The fill ring has room: it holds every receive chunk, and this one was not in it.
        fill.descs.set(ValueLayout.JAVA_LONG, (long) (fill.cachedProducer & fill.mask) * 8, addr & -CHUNK);
        fill.cachedProducer++;
        U32.setRelease(fill.producer, 0L, fill.cachedProducer);
        return len;
    }

    /**
     * Copies a whole frame into a free chunk and posts it on the TX ring (sent at the next
     * {@link #flush}); false when no chunk is free (the kernel has not completed enough yet).
     */
    boolean queue(final byte[] frame, final int off, final int len) {
        final MemorySegment slot = slot();
        if (slot == null) {
            return false;
        }
        MemorySegment.copy(frame, off, slot, ValueLayout.JAVA_BYTE, 0, len);
        commit(len);
        return true;
    }

    /**
     * A free chunk to write the next frame into (at most {@link #MAX_FRAME} bytes), or null when
     * none is free (the kernel has not completed enough yet); {@link #commit} posts it on the TX ring.
     */
    MemorySegment slot() {
        if (txFreeCount == 0) {
            reclaim();
            if (txFreeCount == 0) {
                return null;
            }
        }
        return txSlots[(int) (txFree[txFreeCount - 1] / CHUNK) - rxRing];
    }

    /** Posts the chunk {@link #slot} gave, holding a frame of {@code len} bytes (sent at the next {@link #flush}). */
    void commit(final int len) {
        final long addr = txFree[--txFreeCount];
        final long at = (long) (tx.cachedProducer & tx.mask) * DESC;
        tx.descs.set(ValueLayout.JAVA_LONG, at, addr);
        tx.descs.set(ValueLayout.JAVA_INT, at + 8, len);
        tx.descs.set(ValueLayout.JAVA_INT, at + 12, 0);
        tx.cachedProducer++;
    }

    /**
     * Publishes the queued frames and has the kernel transmit them: {@code sendto} until it has
     * taken them all (in copy mode each call sends up to a budget), at most {@value #KICKS} calls
     * (a device that pushes back keeps the rest on the ring for the next flush); returns 0, or the
     * errno of a call that failed otherwise than "more to do".
     */
    int flush() {
        U32.setRelease(tx.producer, 0L, tx.cachedProducer);
        int errno = 0;
        // Copy mode transmits only inside sendto (xsk_generic_xmit), so every flush calls it.
        for (int kicks = 0; kicks < KICKS && (int) U32.getAcquire(tx.consumer, 0L) != tx.cachedProducer; kicks++) {
            errno = kick();
            if (errno != 0 && errno != Libc.EAGAIN && errno != Libc.EBUSY) {
                break;
            }
        }
        reclaim();
        return errno == Libc.EAGAIN || errno == Libc.EBUSY ? 0 : errno;
    }

    /**
     * The socket's sending side as a {@link FrameOut}, for the one thread that owns it; closing
     * it leaves the socket open (its receiving side has another owner).
     */
    Transmit transmit() {
        return new Transmit();
    }

    /** See {@link #transmit}. */
    final class Transmit implements FrameOut {
        @Override
        public MemorySegment slot() {
            final MemorySegment slot = XskSocket.this.slot();
            if (slot != null) {
                return slot;
            }
            // Every chunk is queued or in flight: send the queued ones, take back what completed.
            flush();
            return XskSocket.this.slot();
        }

        @Override
        public void commit(final int length) {
            XskSocket.this.commit(length);
        }

        /** Copy mode refuses nothing it took: a frame the kernel could not send yet stays on the ring for the next call. */
        @Override
        public int send() {
            flush();
            return 0;
        }

        @Override
        public void close() {
            // The socket is closed by its owner.
        }
    }

    /** Takes back the chunks the kernel has finished sending. */
    private void reclaim() {
        final int produced = (int) U32.getAcquire(completion.producer, 0L);
        while (completion.cachedConsumer != produced) {
            txFree[txFreeCount++] = completion.descs.get(ValueLayout.JAVA_LONG,
                    (long) (completion.cachedConsumer & completion.mask) * 8);
            completion.cachedConsumer++;
        }
        U32.setRelease(completion.consumer, 0L, completion.cachedConsumer);
    }

    /** {@code sendto(fd, NULL, 0, MSG_DONTWAIT, NULL, 0)}: 0 or the errno. */
    private int kick() {
        try {
            final long rc = (long) Libc.SENDTO.invokeExact(kickState, fd.fd(), MemorySegment.NULL, 0L,
                    Libc.MSG_DONTWAIT, MemorySegment.NULL, 0);
            return rc < 0 ? Libc.errno(kickState) : 0;
        } catch (final Throwable t) {
            throw new IllegalStateException("sendto downcall failed", t);
        }
    }

    /** Frames the kernel dropped for this socket ({@code XDP_STATISTICS}: RX ring full, fill ring empty, invalid). */
    long receiveDropped() {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment state = Libc.newCallState(arena);
            final MemorySegment stats = arena.allocate(48, 8);
            final MemorySegment len = arena.allocateFrom(ValueLayout.JAVA_INT, 48);
            if ((int) Libc.GETSOCKOPT.invokeExact(state, fd.fd(), SOL_XDP, XDP_STATISTICS, stats, len) < 0) {
                throw new HostNetworkException(Libc.describe("getsockopt(XDP_STATISTICS)", Libc.errno(state)));
            }
            // rx_dropped, rx_invalid_descs, tx_invalid_descs, rx_ring_full, rx_fill_ring_empty_descs, tx_ring_empty_descs
            return stats.get(ValueLayout.JAVA_LONG, 0) + stats.get(ValueLayout.JAVA_LONG, 24)
                    + stats.get(ValueLayout.JAVA_LONG, 32);
        } catch (final HostNetworkException e) {
            throw e;
        } catch (final Throwable t) {
            throw new IllegalStateException("getsockopt downcall failed", t);
        }
    }

    private void register() {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment state = Libc.newCallState(arena);
            // struct xdp_umem_reg as first defined (addr, len, chunk_size, headroom): every kernel takes it.
            final MemorySegment reg = arena.allocate(24, 8);
            reg.set(ValueLayout.JAVA_LONG, 0, umem.address());
            reg.set(ValueLayout.JAVA_LONG, 8, umem.byteSize());
            reg.set(ValueLayout.JAVA_INT, 16, CHUNK);
            setOption(state, reg, XDP_UMEM_REG, "XDP_UMEM_REG");
            for (final int ring : new int[] {XDP_UMEM_FILL_RING, XDP_RX_RING}) {
                setOption(state, arena.allocateFrom(ValueLayout.JAVA_INT, rxRing), ring, "ring size " + ring);
            }
            for (final int ring : new int[] {XDP_UMEM_COMPLETION_RING, XDP_TX_RING}) {
                setOption(state, arena.allocateFrom(ValueLayout.JAVA_INT, txRing), ring, "ring size " + ring);
            }
            // Older kernels have no such option: then each sendto sends 32 frames.
            final int ignored = (int) Libc.SETSOCKOPT.invokeExact(state, fd.fd(), SOL_XDP, XDP_MAX_TX_SKB_BUDGET,
                    arena.allocateFrom(ValueLayout.JAVA_INT, txRing), 4);
        } catch (final HostNetworkException e) {
            throw e;
        } catch (final Throwable t) {
            throw new IllegalStateException("setsockopt downcall failed", t);
        }
    }

    private void setOption(final MemorySegment state, final MemorySegment value, final int option, final String what)
            throws Throwable {
        if ((int) Libc.SETSOCKOPT.invokeExact(state, fd.fd(), SOL_XDP, option, value, (int) value.byteSize()) < 0) {
            throw new HostNetworkException(Libc.describe("setsockopt(SOL_XDP, " + what + ")", Libc.errno(state)));
        }
    }

    /** {@code struct xdp_mmap_offsets}: rx, tx, fill, completion, each {producer, consumer, desc, flags} (u64 offsets). */
    private MemorySegment mmapOffsets() {
        final MemorySegment offsets = umemArena.allocate(128, 8);
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment state = Libc.newCallState(arena);
            final MemorySegment len = arena.allocateFrom(ValueLayout.JAVA_INT, 128);
            if ((int) Libc.GETSOCKOPT.invokeExact(state, fd.fd(), SOL_XDP, XDP_MMAP_OFFSETS, offsets, len) < 0) {
                throw new HostNetworkException(Libc.describe("getsockopt(XDP_MMAP_OFFSETS)", Libc.errno(state)));
            }
            if (len.get(ValueLayout.JAVA_INT, 0) != 128) {
                throw new HostNetworkException("getsockopt(XDP_MMAP_OFFSETS): a kernel without ring flags ("
                        + len.get(ValueLayout.JAVA_INT, 0) + " bytes)");
            }
            return offsets;
        } catch (final HostNetworkException e) {
            throw e;
        } catch (final Throwable t) {
            throw new IllegalStateException("getsockopt downcall failed", t);
        }
    }

    private void bind(final int ifindex, final int queue) {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment state = Libc.newCallState(arena);
            // struct sockaddr_xdp: u16 family, u16 flags, u32 ifindex, u32 queue_id, u32 shared_umem_fd.
            final MemorySegment sa = arena.allocate(16, 4);
            sa.set(ValueLayout.JAVA_SHORT, 0, (short) AF_XDP);
            sa.set(ValueLayout.JAVA_SHORT, 2, (short) XDP_COPY);
            sa.set(ValueLayout.JAVA_INT, 4, ifindex);
            sa.set(ValueLayout.JAVA_INT, 8, queue);
            if ((int) Libc.BIND.invokeExact(state, fd.fd(), sa, 16) < 0) {
                throw new HostNetworkException(Libc.describe("bind AF_XDP socket to ifindex " + ifindex + " queue " + queue,
                        Libc.errno(state)));
            }
        } catch (final HostNetworkException e) {
            throw e;
        } catch (final Throwable t) {
            throw new IllegalStateException("bind downcall failed", t);
        }
    }

    /**
     * Closes the arena first (the owner threads' next access to a ring or the UMEM throws), then
     * the socket (the kernel stops writing into the UMEM and leaves the XSKMAP slot), then unmaps.
     */
    @Override
    public void close() {
        if (!umemArena.scope().isAlive()) {
            return;
        }
        final java.util.List<MemorySegment> mappings = new java.util.ArrayList<>();
        for (final Ring ring : new Ring[] {fill, completion, rx, tx}) {
            if (ring != null) {
                mappings.add(ring.mapping);
            }
        }
        if (umem != null) {
            mappings.add(umem);
        }
        final long[] addresses = mappings.stream().mapToLong(MemorySegment::address).toArray();
        final long[] lengths = mappings.stream().mapToLong(MemorySegment::byteSize).toArray();
        umemArena.close();
        fd.close();
        for (int i = 0; i < addresses.length; i++) {
            Ring.unmap(addresses[i], lengths[i]);
        }
    }

    /** One mapped ring: its indices and entries in the shared pages, and our cached copies. */
    private static final class Ring {
        final MemorySegment mapping;
        final MemorySegment producer;
        final MemorySegment consumer;
        final MemorySegment descs;
        final int mask;
        int cachedProducer;
        int cachedConsumer;

        private Ring(final MemorySegment mapping, final MemorySegment offsets, final long at, final int size,
                     final int entry) {
            this.mapping = mapping;
            this.producer = mapping.asSlice(offsets.get(ValueLayout.JAVA_LONG, at), 4);
            this.consumer = mapping.asSlice(offsets.get(ValueLayout.JAVA_LONG, at + 8), 4);
            this.descs = mapping.asSlice(offsets.get(ValueLayout.JAVA_LONG, at + 16), (long) size * entry);
            this.mask = size - 1;
        }

        static Ring map(final int fd, final MemorySegment offsets, final long at, final long pgoff, final int size,
                        final int entry, final String what, final Arena scope) {
            final long length = offsets.get(ValueLayout.JAVA_LONG, at + 16) + (long) size * entry;
            return new Ring(mapMemory(fd, length, MAP_SHARED_POPULATE, pgoff, what + " ring", scope), offsets, at, size,
                    entry);
        }

        /**
         * {@code mmap}, the segment scoped to {@code scope}: a use after the arena closed throws
         * instead of touching unmapped pages ({@link #unmap} after that).
         */
        static MemorySegment mapMemory(final int fd, final long length, final int flags, final long pgoff,
                                       final String what, final Arena scope) {
            try (Arena arena = Arena.ofConfined()) {
                final MemorySegment state = Libc.newCallState(arena);
                final MemorySegment mapped = (MemorySegment) Libc.MMAP.invokeExact(state, MemorySegment.NULL, length,
                        PROT_READ_WRITE, flags, fd, pgoff);
                if (mapped.address() == -1L) {
                    throw new HostNetworkException(Libc.describe("mmap AF_XDP " + what, Libc.errno(state)));
                }
                return mapped.reinterpret(length, scope, null);
            } catch (final HostNetworkException e) {
                throw e;
            } catch (final Throwable t) {
                throw new IllegalStateException("mmap downcall failed", t);
            }
        }

        /** Entries the other side has produced that we have not consumed (a consumer ring). */
        int available() {
            return (int) U32.getAcquire(producer, 0L) - cachedConsumer;
        }

        static void unmap(final long address, final long length) {
            try (Arena arena = Arena.ofConfined()) {
                final int ignored = (int) Libc.MUNMAP.invokeExact(Libc.newCallState(arena),
                        MemorySegment.ofAddress(address), length);
            } catch (final Throwable t) {
                throw new IllegalStateException("munmap downcall failed", t);
            }
        }
    }
}
