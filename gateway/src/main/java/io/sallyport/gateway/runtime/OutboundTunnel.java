package io.sallyport.gateway.runtime;

import io.sallyport.esp.EspCounters;
import io.sallyport.esp.OutboundPath;
import io.sallyport.net.DatagramPort;
import io.sallyport.net.IpPrefix;
import java.net.InetSocketAddress;

/**
 * One tunnel as its service set's outbound worker sees it: the selectors that pick its packets
 * and the SA that encrypts them. Owned by that worker's thread; others change it only through
 * the worker's command queue.
 */
final class OutboundTunnel {
    final String id;
    final PrefixMatch local;
    final PrefixMatch remote;
    /** Counters of every SA this tunnel has had, so statistics survive a rekey. */
    final EspCounters counters = new EspCounters();
    /**
     * Every installed outbound SA, oldest first; the last one carries traffic. A rekey adds one;
     * deleting the newest falls back to the one before, which keeps its own sequence counter (an
     * SA's counter must never restart: GCM nonces are sequence numbers).
     */
    final java.util.ArrayList<Slot> slots = new java.util.ArrayList<>(2);
    Slot current;
    long lastAcquireNanos = Long.MIN_VALUE;
    long noSaDrops;
    /** Set once the SA asked kmd for a rekey, so a rollover asks only once per SA. */
    boolean rekeyRequested;

    /**
     * One outbound SA with where its packets go. {@code flowPorts}, when not null, are the
     * udp-encapsulate senders: a packet leaves from the one its flow hash picks.
     */
    record Slot(OutboundPath path, DatagramPort port, DatagramPort[] flowPorts, InetSocketAddress destination) {
    }

    OutboundTunnel(String id, IpPrefix local, IpPrefix remote) {
        this.id = id;
        this.local = new PrefixMatch(local);
        this.remote = new PrefixMatch(remote);
    }
}
