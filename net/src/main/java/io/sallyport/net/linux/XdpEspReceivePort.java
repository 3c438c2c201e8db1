package io.sallyport.net.linux;

import io.sallyport.net.DatagramPort;
import io.sallyport.net.HostNetworkException;
import io.sallyport.net.PortCounter;
import io.sallyport.net.PortCounters;
import io.sallyport.packet.Checksum;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The plain ESP a local IPv4 gateway receives, from its {@link XdpEspPath}'s AF_XDP sockets (one
 * per receive queue of the device, taken in turn) and, for what the XDP program leaves to the
 * kernel (fragments, which the kernel reassembles; ESP on a queue the host gave no socket), from
 * its raw ESP socket: one {@code epoll} descriptor over all of them is what the one worker that
 * owns them polls. Like {@link LinuxRawEspPort}, callers get the ESP packet at {@code off} and the
 * outer source with port 0. Sending goes through the raw socket (kmd does not send plain ESP; the
 * workers have {@link XdpEspSender}s).
 *
 * <p>The path (the XDP program and the AF_XDP sockets) is attached when the first sender is made,
 * that is when a tunnel of the address first sends plain ESP: until then only the raw socket
 * receives, and a gateway whose tunnels all use ESP in UDP never puts a program on its device
 * (on a veth, XDP takes software GSO from the peer, and generic XDP copies every GRO train).
 */
public final class XdpEspReceivePort implements DatagramPort, NativePort {

    private static final int ETHERNET = 14;
    private static final int IPV4_MIN_HEADER = 20;

    private final Inet4Address local;
    private final boolean nativeXdp;
    /** Set once by the first {@link #newSender} (the control thread); read by the receiving thread. */
    private volatile XdpEspPath path;
    private volatile XskSocket[] sockets;
    /** The socket to look at first next time: each frame taken moves on, so a busy queue does not starve the others. */
    private int next;
    /** Why the host refused the path, once it did: later senders are refused at once. */
    private String refused;
    private final LinuxRawEspPort raw;
    private final NativeFd epoll;
    /** The raw socket's: one set for both ways in (written by the receiving thread alone). */
    private final PortCounters counters;
    /** A frame's Ethernet and fixed IPv4 headers; the rest of the frame goes straight into the caller's buffer. */
    private final byte[] head = new byte[ETHERNET + IPV4_MIN_HEADER];
    /** How often (drained rings) the kernel's drop counts for the sockets are read into the counters. */
    private static final int KERNEL_DROPS_EVERY = 64;
    private int drained;
    private long kernelDropsSeen;
    private int lastSourceBits;
    private InetSocketAddress lastSource;
    /** Frames taken from each queue's socket, in queue order: the receiving thread's alone. */
    private long[] perQueue = new long[0];
    /** Frames counted in {@link #perQueue} since it was last published. */
    private int unpublished;
    /** Frames published at least this often under load (else when every RX ring is drained). */
    private static final int PUBLISH_EVERY = 1024;
    /** The receiving thread's last copy of {@link #perQueue}, immutable: what {@code show} reads. */
    private volatile List<Long> publishedPerQueue = List.of();

    private XdpEspReceivePort(final Inet4Address local, final boolean nativeXdp, final LinuxRawEspPort raw,
                              final int epollFd) {
        this.local = local;
        this.nativeXdp = nativeXdp;
        this.raw = raw;
        this.counters = raw.counters();
        this.epoll = new NativeFd(epollFd);
    }

    /**
     * Plain ESP to {@code local}, through AF_XDP once a tunnel sends plain ESP ({@link #newSender}),
     * with {@code raw} (a receiving {@link LinuxRawEspPort} on the same address, which this port
     * owns from now on) for what the kernel delivers; the XDP program will run in the driver where
     * {@code nativeXdp} and the driver can, else on the skb.
     *
     * @throws HostNetworkException when the host gives no epoll descriptor (the caller keeps {@code raw})
     */
    public static XdpEspReceivePort open(final Inet4Address local, final LinuxRawEspPort raw, final boolean nativeXdp) {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment state = Libc.newCallState(arena);
            final int fd = (int) Libc.EPOLL_CREATE1.invokeExact(state, Libc.EPOLL_CLOEXEC);
            if (fd < 0) {
                throw new HostNetworkException(Libc.describe("epoll_create1", Libc.errno(state)));
            }
            final XdpEspReceivePort port = new XdpEspReceivePort(local, nativeXdp, raw, fd);
            try {
                port.watch(raw.nativeFd().fd());
            } catch (final HostNetworkException e) {
                port.epoll.close();
                throw e;
            }
            return port;
        } catch (final HostNetworkException e) {
            throw e;
        } catch (final Throwable t) {
            throw new IllegalStateException("epoll downcall failed", t);
        }
    }

    /** Adds {@code fd} to the epoll set (thread-safe in the kernel: the receiving thread may be polling it). */
    private void watch(final int fd) {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment state = Libc.newCallState(arena);
            // struct epoll_event: u32 events, then data (packed on x86-64): only the events matter here.
            final MemorySegment event = arena.allocate(16, 8);
            event.set(ValueLayout.JAVA_INT, 0, Libc.POLLIN);
            if ((int) Libc.EPOLL_CTL.invokeExact(state, epoll.fd(), Libc.EPOLL_CTL_ADD, fd, event) < 0) {
                throw new HostNetworkException(Libc.describe("epoll_ctl ADD", Libc.errno(state)));
            }
        } catch (final HostNetworkException e) {
            throw e;
        } catch (final Throwable t) {
            throw new IllegalStateException("epoll downcall failed", t);
        }
    }

    /**
     * A sender for one sending thread, {@code fallback} being its IPPROTO_RAW sender for what does
     * not go as a frame (the sender owns it from now on). The first attaches the path. The
     * control thread only.
     *
     * @throws HostNetworkException why the host refused the path (the caller keeps {@code fallback})
     */
    public XdpEspSender newSender(final LinuxRawEspPort fallback) {
        if (refused != null) {
            throw new HostNetworkException(refused);
        }
        if (path == null) {
            final XdpEspPath opened;
            try {
                opened = XdpEspPath.open(local, nativeXdp ? XdpEspRedirect.Mode.NATIVE : XdpEspRedirect.Mode.GENERIC);
            } catch (final HostNetworkException e) {
                refused = e.getMessage();
                throw e;
            }
            try {
                for (final XskSocket xsk : opened.sockets()) {
                    watch(xsk.fd());
                }
            } catch (final HostNetworkException e) {
                opened.release();
                refused = e.getMessage();
                throw e;
            }
            path = opened;
            sockets = opened.sockets().toArray(XskSocket[]::new);
        }
        return XdpEspSender.open(path, fallback);
    }

    /** One line for the daemon log and {@code Data path:}. */
    public String describe() {
        final XdpEspPath p = path;
        return p != null ? p.describe()
                : refused != null ? "AF_XDP: not on " + local.getHostAddress() + " (the host refused it: " + refused + "): raw sockets"
                : "AF_XDP for raw ESP on " + local.getHostAddress() + ": attached when a tunnel first sends plain ESP";
    }

    /** Whether the path is attached: ESP to the address arrives through the AF_XDP sockets. */
    public boolean attached() {
        return path != null;
    }

    @Override
    public int receive(final byte[] buf, final int off, final int maxLen) {
        final XskSocket[] xsks = sockets;
        while (true) {
            final int n = xsks == null ? -1 : receiveFrame(xsks, buf, off, maxLen);
            if (n < 0) {
                if (unpublished > 0) {
                    publishPerQueue();
                }
                if (xsks != null && (++drained & (KERNEL_DROPS_EVERY - 1)) == 0) {
                    noteKernelDrops(xsks);
                }
                final int fromKernel = raw.receive(buf, off, maxLen);
                if (fromKernel >= 0) {
                    // Counted by the raw socket, whose counters these are.
                    lastSource = raw.lastSource();
                    lastSourceBits = 0;
                }
                return fromKernel;
            }
            final int copied = n < head.length ? 0 : Math.min(n - head.length, maxLen);
            final int esp = espOf(n, buf, off, copied);
            if (esp < 0) {
                counters.increment(PortCounter.RECEIVE_MALFORMED);
                continue;
            }
            // IPv4 options (rare on ESP) came into the buffer before the ESP: moved out of its way.
            final int options = (head[ETHERNET] & 0x0f) * 4 - IPV4_MIN_HEADER;
            final int len = Math.min(esp, copied - options);
            if (options > 0) {
                System.arraycopy(buf, off + options, buf, off, len);
            }
            noteSource();
            counters.received(len);
            return len;
        }
    }

    /**
     * The next frame of any socket, the one after the last frame's first, into {@link #head} and
     * {@code buf}; its length, or -1 when every RX ring is empty.
     */
    private int receiveFrame(final XskSocket[] xsks, final byte[] buf, final int off, final int maxLen) {
        for (int i = 0; i < xsks.length; i++) {
            final int at = next + i < xsks.length ? next + i : next + i - xsks.length;
            final int n = xsks[at].receive(head, head.length, buf, off, maxLen);
            if (n >= 0) {
                next = at + 1 < xsks.length ? at + 1 : 0;
                if (perQueue.length != xsks.length) {
                    perQueue = new long[xsks.length];
                }
                perQueue[at]++;
                if (++unpublished >= PUBLISH_EVERY) {
                    publishPerQueue();
                }
                return n;
            }
        }
        return -1;
    }

    private void publishPerQueue() {
        final List<Long> copy = new ArrayList<>(perQueue.length);
        for (final long frames : perQueue) {
            copy.add(frames);
        }
        publishedPerQueue = List.copyOf(copy);
        unpublished = 0;
    }

    /**
     * Any thread: the frames taken from each receive queue's socket, in queue order (malformed ones
     * included), as the receiving thread last published them: when every RX ring was drained, and
     * every {@value #PUBLISH_EVERY} frames while they were not. Empty until the first frame.
     */
    public List<Long> receivedPerQueue() {
        return publishedPerQueue;
    }

    /** The device the path is attached to, once it is. */
    public Optional<String> device() {
        final XdpEspPath p = path;
        return p == null ? Optional.empty() : Optional.of(p.device());
    }

    /** Adds what the kernel dropped for the sockets since last time (RX ring full, no chunk) as {@code RECEIVE_DROPPED_QUEUE_FULL}. */
    private void noteKernelDrops(final XskSocket[] xsks) {
        final long dropped = dropped(xsks);
        if (dropped != kernelDropsSeen) {
            counters.add(PortCounter.RECEIVE_DROPPED_QUEUE_FULL, dropped - kernelDropsSeen);
            kernelDropsSeen = dropped;
        }
    }

    /**
     * The ESP length of the IPv4 packet in the frame of {@code n} bytes, or -1 when its header is
     * not sound (the kernel did not look at it); its options, if any, are the first bytes of
     * {@code buf[off, off + copied)}.
     */
    private int espOf(final int n, final byte[] buf, final int off, final int copied) {
        if (n < ETHERNET + IPV4_MIN_HEADER || (head[ETHERNET] & 0xf0) != 0x40) {
            return -1;
        }
        final int headerLen = (head[ETHERNET] & 0x0f) * 4;
        final int total = (head[ETHERNET + 2] & 0xff) << 8 | (head[ETHERNET + 3] & 0xff);
        if (headerLen < IPV4_MIN_HEADER || total < headerLen || ETHERNET + total > n
                || headerLen - IPV4_MIN_HEADER > copied) {
            return -1;
        }
        final long sum = Checksum.add(Checksum.add(0, head, ETHERNET, IPV4_MIN_HEADER), buf, off, headerLen - IPV4_MIN_HEADER);
        return Checksum.finish(sum) == 0 ? total - headerLen : -1;
    }

    /** The outer source, made anew only when it changes. */
    private void noteSource() {
        final int bits = (head[ETHERNET + 12] & 0xff) << 24 | (head[ETHERNET + 13] & 0xff) << 16
                | (head[ETHERNET + 14] & 0xff) << 8 | (head[ETHERNET + 15] & 0xff);
        if (lastSource == null || bits != lastSourceBits) {
            try {
                lastSource = new InetSocketAddress(InetAddress.getByAddress(
                        new byte[] {(byte) (bits >>> 24), (byte) (bits >>> 16), (byte) (bits >>> 8), (byte) bits}), 0);
            } catch (final UnknownHostException e) {
                throw new IllegalStateException(e);
            }
            lastSourceBits = bits;
        }
    }

    @Override
    public InetSocketAddress lastSource() {
        return lastSource;
    }

    @Override
    public boolean send(final byte[] buf, final int off, final int len, final InetSocketAddress destination) {
        return raw.send(buf, off, len, destination);
    }

    @Override
    public boolean awaitReadable(final long timeoutMillis) {
        final XskSocket[] xsks = sockets;
        if (xsks != null) {
            for (final XskSocket xsk : xsks) {
                if (xsk.hasFrames()) {
                    return true;
                }
            }
        }
        return epoll.awaitReadable(timeoutMillis);
    }

    /** Both ways in, one set; the kernel's drops for the AF_XDP socket (RX ring full) are in {@link #kernelDropped}. */
    @Override
    public PortCounters counters() {
        return counters;
    }

    /** Frames the kernel dropped for the AF_XDP sockets (an RX ring full, no chunk to copy into). */
    public long kernelDropped() {
        final XskSocket[] xsks = sockets;
        return xsks == null ? 0 : dropped(xsks);
    }

    private static long dropped(final XskSocket[] xsks) {
        long dropped = 0;
        for (final XskSocket xsk : xsks) {
            dropped += xsk.receiveDropped();
        }
        return dropped;
    }

    @Override
    public InetSocketAddress localAddress() {
        return raw.localAddress();
    }

    @Override
    public NativeFd nativeFd() {
        return epoll;
    }

    @Override
    public void close() {
        // The receiving thread has stopped (its owner closes the port after it): nothing counts any more.
        publishedPerQueue = List.of();
        epoll.close();
        raw.close();
        final XdpEspPath p = path;
        if (p != null) {
            p.release();
        }
    }
}
