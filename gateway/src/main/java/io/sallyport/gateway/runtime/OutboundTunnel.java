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
    OutboundPath path;
    DatagramPort port;
    InetSocketAddress destination;
    long lastAcquireNanos = Long.MIN_VALUE;
    long noSaDrops;
    /** Set once the SA asked kmd for a rekey, so a rollover asks only once per SA. */
    boolean rekeyRequested;

    OutboundTunnel(String id, IpPrefix local, IpPrefix remote) {
        this.id = id;
        this.local = new PrefixMatch(local);
        this.remote = new PrefixMatch(remote);
    }
}
