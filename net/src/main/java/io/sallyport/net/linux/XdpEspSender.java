package io.sallyport.net.linux;

import io.sallyport.net.DatagramPort;
import io.sallyport.net.PortCounter;
import io.sallyport.net.PortCounters;
import io.sallyport.net.SendBatch;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.InetSocketAddress;

/**
 * One sending thread's plain IPv4 ESP through an {@link XdpEspPath}: whole IPv4 packets
 * ({@link #takesIpHeader}: the SA's outer header, DF, TTL and ToS as {@code OutboundPath} wrote
 * them, its ID and checksum included) leave as Ethernet frames to the next hop the path's table
 * names, written in place into the frame way out this sender owns (one copy). A packet the
 * table has no frame for (next hop not resolved yet, route through another device) or longer
 * than the device's MTU goes through {@code fallback}, an IPPROTO_RAW {@link LinuxRawEspPort},
 * where the kernel routes, resolves and fragments it as before (counted
 * {@link PortCounter#SENT_THROUGH_KERNEL}).
 */
public final class XdpEspSender implements DatagramPort {

    private static final int ETHERNET = 14;

    private final XdpEspPath path;
    private final FrameOut out;
    private final LinuxRawEspPort fallback;
    private final SendBatch fallbackBatch;
    /** The fallback's: one set for both ways out, so its drops (DF over the MTU, unroutable) show with the frames. */
    private final PortCounters counters;
    private final int maxPacket;
    /** The last destination and its table index, kept while the path publishes no new table. */
    private Inet4Address lastDestination;
    private NextHopCache.Table lastTable;
    private byte[] lastHeader;
    /** The last destination's entry in {@link #lastTable}, negative when it holds none. */
    private int lastAt;
    private int queued;
    private int queuedBytes;

    private XdpEspSender(final XdpEspPath path, final FrameOut out, final LinuxRawEspPort fallback) {
        this.path = path;
        this.out = out;
        this.fallback = fallback;
        this.fallbackBatch = fallback.newSendBatch();
        this.counters = fallback.counters();
        this.maxPacket = Math.min(path.mtu(), XskSocket.MAX_FRAME - ETHERNET);
    }

    static XdpEspSender open(final XdpEspPath path, final LinuxRawEspPort fallback) {
        path.retain();
        try {
            return new XdpEspSender(path, path.claimFrameOut(), fallback);
        } catch (final RuntimeException e) {
            path.release();
            throw e;
        }
    }

    @Override
    public boolean takesIpHeader() {
        return true;
    }

    @Override
    public boolean send(final byte[] buf, final int off, final int len, final InetSocketAddress destination) {
        final byte[] header = frameHeader(len, destination);
        if (header == null) {
            counters.increment(PortCounter.SENT_THROUGH_KERNEL);
            return fallback.send(buf, off, len, destination);
        }
        if (!queue(header, buf, off, len)) {
            return false;
        }
        return flushFrames() > 0;
    }

    @Override
    public SendBatch newSendBatch() {
        return new SendBatch() {
            /** The packets bring their outer header ({@link #takesIpHeader}): {@code outerHeader} goes only to the fallback, which ignores it too. */
            @Override
            public boolean add(final byte[] buf, final int off, final int len, final InetSocketAddress destination,
                               final int outerHeader) {
                final byte[] header = frameHeader(len, destination);
                if (header == null) {
                    counters.increment(PortCounter.SENT_THROUGH_KERNEL);
                    return fallbackBatch.add(buf, off, len, destination, outerHeader);
                }
                return queue(header, buf, off, len);
            }

            @Override
            public int flush() {
                return flushFrames() + fallbackBatch.flush();
            }
        };
    }

    /** The Ethernet header for a packet to {@code destination}, or null when it goes through the kernel. */
    private byte[] frameHeader(final int len, final InetSocketAddress destination) {
        if (len < 20 || len > maxPacket || !(destination.getAddress() instanceof Inet4Address to)) {
            return null;
        }
        final NextHopCache.Table table = path.table();
        if (to != lastDestination || table != lastTable) {
            // Inet4Address.hashCode() is the address itself.
            lastAt = table.find(to.hashCode());
            lastHeader = lastAt >= 0 ? table.headers()[lastAt] : null;
            lastDestination = to;
            lastTable = table;
        }
        if (lastAt >= 0) {
            // Kept while used: an entry no sender marks for a while leaves the table.
            table.use(lastAt);
        } else {
            path.want(to.hashCode());
        }
        return lastHeader;
    }

    /** Writes the frame in place; false when no slot is free (counted). */
    private boolean queue(final byte[] header, final byte[] buf, final int off, final int len) {
        final MemorySegment slot = out.slot();
        if (slot == null) {
            counters.increment(PortCounter.SEND_DROPPED_BUSY);
            return false;
        }
        MemorySegment.copy(header, 0, slot, ValueLayout.JAVA_BYTE, 0, ETHERNET);
        MemorySegment.copy(buf, off, slot, ValueLayout.JAVA_BYTE, ETHERNET, len);
        out.commit(ETHERNET + len);
        queued++;
        queuedBytes += len;
        return true;
    }

    /** Sends the queued frames; returns how many left. */
    private int flushFrames() {
        if (queued == 0) {
            return 0;
        }
        final int refused = out.send();
        final int sent = queued - refused;
        counters.add(PortCounter.PACKETS_SENT, sent);
        counters.add(PortCounter.BYTES_SENT, refused == 0 ? queuedBytes : (long) queuedBytes * sent / queued);
        if (refused > 0) {
            counters.add(PortCounter.SEND_DROPPED_ERROR, refused);
        }
        queued = 0;
        queuedBytes = 0;
        return sent;
    }

    @Override
    public int receive(final byte[] buf, final int off, final int maxLen) {
        return -1;
    }

    @Override
    public InetSocketAddress lastSource() {
        return null;
    }

    @Override
    public boolean awaitReadable(final long timeoutMillis) {
        return false;
    }

    /**
     * Both ways out in one set (the fallback's, written by this sending thread alone): packets
     * sent as frames or through the kernel, how many went through the kernel
     * ({@link PortCounter#SENT_THROUGH_KERNEL}), drops of either.
     */
    @Override
    public PortCounters counters() {
        return counters;
    }

    @Override
    public InetSocketAddress localAddress() {
        return fallback.localAddress();
    }

    @Override
    public void close() {
        path.releaseFrameOut(out);
        fallback.close();
        path.release();
    }
}
