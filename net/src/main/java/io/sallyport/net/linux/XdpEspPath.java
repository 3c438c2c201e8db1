package io.sallyport.net.linux;

import io.sallyport.net.HostNetworkException;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Plain IPv4 ESP of one local gateway address through AF_XDP, beside the raw sockets: on the
 * device that holds the address, the {@link XdpEspRedirect} program hands ESP to that address to
 * the {@link XskSocket} of the receive queue it came in on (one socket per queue of the device),
 * all read by the address's {@link XdpEspReceivePort}; its {@link XdpEspSender}s write whole
 * Ethernet frames, the first through queue 0's socket's TX ring, the others through packet
 * sockets of their own ({@link LinuxFrameSender}), each sending thread owning its way out.
 *
 * <p>A frame needs the next hop's link address: a resolver thread of this path asks rtnetlink
 * ({@link NextHops}) for each destination the senders have used, once a second and at once for
 * a new one, and publishes an immutable table the senders read without a lock
 * ({@link NextHopCache}: at most 4,096 destinations, each dropped after 30 s unused). A destination it
 * has not resolved yet, one whose route leaves by another device, and a packet longer than the
 * device's MTU go through the sender's raw socket, where the kernel routes, resolves and
 * fragments (and the next resolution may find the neighbour the kernel learned meanwhile).
 *
 * <p>Opened by the receive port; every sender and the receive port hold a reference, and the
 * last one released detaches the program and closes the sockets.
 */
public final class XdpEspPath {

    /**
     * Entries per ring and chunks each way: 8,192 frames of up to 3,840 bytes (64 MiB of UMEM). With
     * 2,048 the RX ring overflowed under one TCP stream (hundreds of retransmits a run, thousands
     * with four) where the raw socket's queue had held; 8,192 lost none (docs/benchmarks.md).
     */
    private static final int RING = 8192;
    /** The TX side of the sockets on queues after the first, which nothing sends through (the kernel wants a completion ring). */
    private static final int RECEIVE_ONLY_TX = 64;
    private static final long RESOLVE_EVERY_NANOS = 1_000_000_000L;
    /** Destinations kept: beyond them packets go through the kernel. */
    private static final int NEXT_HOPS = 4096;
    /** A destination no sender used for this long leaves the table. */
    private static final long IDLE_NANOS = 30_000_000_000L;

    private final Inet4Address local;
    private final String device;
    private final int ifindex;
    private final byte[] localMac;
    private final int mtu;
    private final int rxQueues;
    private final XdpEspRedirect redirect;
    /** One per receive queue, in queue order; the first sends too. Fewer than {@link #rxQueues} when the host refused one. */
    private final List<XskSocket> sockets;
    /** Why the queues after the sockets' have none, or null. */
    private final String queuesRefused;
    private final NextHops nextHops;
    private final AtomicBoolean transmitClaimed = new AtomicBoolean();
    private final AtomicInteger users = new AtomicInteger(1);
    private final NextHopCache nextHopCache = new NextHopCache(NEXT_HOPS, IDLE_NANOS, System::nanoTime, this::header);
    private volatile boolean closed;
    private final Thread resolver;

    private XdpEspPath(final Inet4Address local, final NetworkInterface nif, final byte[] mac,
                       final XdpEspRedirect.Mode mode) {
        this.local = local;
        this.device = nif.getName();
        this.ifindex = nif.getIndex();
        this.localMac = mac;
        try {
            this.mtu = nif.getMTU();
        } catch (final SocketException e) {
            throw new HostNetworkException("MTU of " + device + ": " + e.getMessage());
        }
        this.rxQueues = InterfaceIoctl.receiveQueues(device);
        this.redirect = XdpEspRedirect.attach(ifindex, device, local, rxQueues, mode);
        final List<XskSocket> opened = new ArrayList<>();
        String refusedAt = null;
        try {
            for (int queue = 0; queue < rxQueues; queue++) {
                final XskSocket xsk;
                try {
                    xsk = XskSocket.open(ifindex, queue, RING, queue == 0 ? RING : RECEIVE_ONLY_TX);
                } catch (final HostNetworkException e) {
                    if (queue == 0) {
                        throw e;
                    }
                    // Queue 0 has one: ESP on the queues without passes to the kernel and the raw socket.
                    refusedAt = "queue " + queue + ": " + e.getMessage();
                    break;
                }
                opened.add(xsk);
                redirect.bind(queue, xsk.fd());
            }
            this.nextHops = NextHops.open();
        } catch (final RuntimeException e) {
            opened.forEach(XskSocket::close);
            redirect.close();
            throw e;
        }
        this.sockets = List.copyOf(opened);
        this.queuesRefused = refusedAt;
        this.resolver = Thread.ofPlatform().daemon().name("xdp-esp-resolver-" + local.getHostAddress())
                .unstarted(this::resolve);
        resolver.start();
    }

    /**
     * The AF_XDP path of {@code local} on the device holding it.
     *
     * @throws HostNetworkException why not: no device holds the address, it is no Ethernet device,
     *                              the host refused the program or the socket (its reason)
     */
    static XdpEspPath open(final Inet4Address local, final XdpEspRedirect.Mode mode) {
        final NetworkInterface nif;
        final byte[] mac;
        try {
            nif = NetworkInterface.getByInetAddress(local);
            if (nif == null) {
                throw new HostNetworkException("no device holds " + local.getHostAddress());
            }
            mac = nif.getHardwareAddress();
            if (mac == null || mac.length != 6 || nif.isLoopback()) {
                throw new HostNetworkException(nif.getName() + ", which holds " + local.getHostAddress()
                        + ", is not an Ethernet device");
            }
        } catch (final SocketException e) {
            throw new HostNetworkException("the device of " + local.getHostAddress() + ": " + e.getMessage());
        }
        return new XdpEspPath(local, nif, mac, mode);
    }

    /** The sockets, one per receive queue in queue order (the receive port's). */
    List<XskSocket> sockets() {
        return sockets;
    }

    int mtu() {
        return mtu;
    }

    String device() {
        return device;
    }

    /** One line for the daemon log and {@code Data path:}. */
    public String describe() {
        final String queues = rxQueues == 1 ? "one receive queue"
                : sockets.size() == rxQueues ? "a socket on each of " + rxQueues + " receive queues"
                : "sockets on receive queues 0-" + (sockets.size() - 1) + " of " + rxQueues + " (the host refused "
                + queuesRefused + "): ESP on the others reaches the raw socket";
        return "raw ESP over IPv4 on " + local.getHostAddress() + " through AF_XDP on " + device + " ("
                + (redirect.mode() == XdpEspRedirect.Mode.NATIVE ? "native" : "generic") + " XDP, copy mode, " + queues
                + "): received from the sockets' RX rings, sent as Ethernet frames (queue 0's TX ring for the first"
                + " sending worker, a packet socket for each other) to next hops asked of rtnetlink once a second;"
                + " fragments, packets over the MTU (" + mtu + ") and next hops not known yet through the raw sockets";
    }

    /**
     * One more user (a sender or the receive port).
     *
     * @throws HostNetworkException when the path is already closed
     */
    void retain() {
        if (users.getAndUpdate(n -> n == 0 ? 0 : n + 1) == 0) {
            throw new HostNetworkException("the AF_XDP path of " + local.getHostAddress() + " is closed");
        }
    }

    /** One user less; the last detaches the program and closes the socket. */
    void release() {
        if (users.decrementAndGet() == 0) {
            closed = true;
            LockSupport.unpark(resolver);
            sockets.forEach(XskSocket::close);
            redirect.close();
        }
    }

    /**
     * The frame way out for one sending thread: the socket's TX side if no one has it, else a
     * packet socket of its own. The caller releases it with {@link #releaseFrameOut}.
     */
    FrameOut claimFrameOut() {
        if (transmitClaimed.compareAndSet(false, true)) {
            return sockets.getFirst().transmit();
        }
        return LinuxFrameSender.open(ifindex);
    }

    void releaseFrameOut(final FrameOut out) {
        if (out instanceof XskSocket.Transmit) {
            transmitClaimed.set(false);
        } else {
            out.close();
        }
    }

    /** The published next-hop table. */
    NextHopCache.Table table() {
        return nextHopCache.table();
    }

    /** A sender met {@code destination} (an IPv4 address as an int), which the table does not hold. */
    void want(final int destination) {
        if (nextHopCache.want(destination)) {
            LockSupport.unpark(resolver);
        }
    }

    /**
     * The resolver thread: the table's destinations still in use and the wanted ones, once a
     * second or at once when a new one is wanted.
     */
    private void resolve() {
        try {
            while (!closed) {
                nextHopCache.refresh();
                if (!nextHopCache.hasWanted()) {
                    LockSupport.parkNanos(this, RESOLVE_EVERY_NANOS);
                }
            }
        } finally {
            nextHops.close();
        }
    }

    /** The 14-byte Ethernet header to {@code destination}, or null when it goes through the kernel (the resolver thread). */
    private byte[] header(final int destination) {
        final Inet4Address to;
        try {
            to = (Inet4Address) InetAddress.getByAddress(new byte[] {
                    (byte) (destination >>> 24), (byte) (destination >>> 16), (byte) (destination >>> 8), (byte) destination});
        } catch (final java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
        final Optional<NextHops.NextHop> hop = nextHops.lookup(local, to);
        if (hop.isEmpty() || hop.get().ifindex() != ifindex) {
            return null;
        }
        final byte[] h = new byte[14];
        System.arraycopy(hop.get().mac(), 0, h, 0, 6);
        System.arraycopy(localMac, 0, h, 6, 6);
        h[12] = 0x08;
        return h;
    }
}
