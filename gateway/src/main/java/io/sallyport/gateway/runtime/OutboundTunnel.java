package io.sallyport.gateway.runtime;

import io.sallyport.esp.OutboundPath;
import io.sallyport.net.SendBatch;
import io.sallyport.net.IpPrefix;
import java.net.InetSocketAddress;
import java.util.ArrayList;

/**
 * One tunnel as its device's outbound workers see it: the selectors that pick its packets and the
 * SA that encrypts them. Made by the control agent, then owned by the thread of the worker that
 * holds it ({@link #owner}); others change it only through that worker's command queue.
 */
final class OutboundTunnel {
    final String id;
    final long key;
    final PrefixMatch local;
    final PrefixMatch remote;
    /** Counters of every SA this tunnel has had on this worker, so statistics survive a rekey. */
    final WorkerCounters.Tunnel counters = new WorkerCounters.Tunnel();
    /**
     * Every installed outbound SA, oldest first; the last one carries traffic. A rekey adds one;
     * deleting the newest falls back to the one before, which keeps its own sequence counter (an
     * SA's counter must never restart: GCM nonces are sequence numbers).
     */
    final ArrayList<Slot> slots = new ArrayList<>(2);
    Slot current;
    long lastAcquireNanos = Long.MIN_VALUE;
    /** Set once the SA asked kmd for a rekey, so a rollover asks only once per SA. */
    boolean rekeyRequested;
    /**
     * The read queue (device worker) that holds this tunnel's SAs and counters, among the device's
     * workers; set by the control agent before it gives the tunnel to them ({@link DeviceWorkers})
     * and kept while the tunnel lives, so its SAs never move between threads. The other workers of
     * the device read only this and the selectors, to hand the tunnel's packets over.
     */
    int owner;
    /** Whether the control agent placed it on a worker of its device already (it keeps that one if it comes back). */
    boolean placed;

    /**
     * One outbound SA with where its packets go: the send batch of its socket, or, when
     * {@code flows} is not null, those of the udp-encapsulate senders (a packet leaves from the
     * one its flow hash picks).
     */
    record Slot(OutboundPath path, SendBatch batch, SendBatch[] flows, InetSocketAddress destination) {
    }

    OutboundTunnel(String id, long key, IpPrefix local, IpPrefix remote) {
        this.id = id;
        this.key = key;
        this.local = new PrefixMatch(local);
        this.remote = new PrefixMatch(remote);
    }
}
