package io.sallyport.gateway.runtime;

import io.sallyport.net.IpPrefix;

/**
 * One tunnel as an inbound worker sees it: where its decrypted packets go (this inbound worker's
 * inlet into the tunnel's TUN device: its own write queue, or a handoff to the device's worker) and the selectors they
 * must satisfy (RFC 4301 §5.2: inner addresses are checked against the SA's traffic selectors).
 * Made by the control agent as a value; the worker attaches its own counters when it installs it.
 */
final class InboundTunnel {
    final String id;
    final long key;
    final DeviceInlet inlet;
    final PrefixMatch local;
    final PrefixMatch remote;
    /** The worker's counters of this tunnel; set on the worker's thread at install. */
    WorkerCounters.Tunnel counters;
    /**
     * Where the peer's ESP in UDP comes from, for an SA that follows the peer on authenticated
     * ESP (NAT-T, the peer behind a NAT and we not: RFC 7296 §2.23); null for every other SA. Set
     * by the control agent before install, then the worker's (moved by its command).
     */
    java.net.InetSocketAddress peer;
    /** This SA's decrypted bytes: made by the control agent, written by the worker's path, read by kmd's queries. */
    final io.sallyport.esp.SaBytes bytes = new io.sallyport.esp.SaBytes();
    /** When the worker last reported this SA's ESP from another endpoint than {@link #peer}. */
    long lastMoveReportNanos = Long.MIN_VALUE;

    InboundTunnel(String id, long key, DeviceInlet inlet, IpPrefix local, IpPrefix remote) {
        this.id = id;
        this.key = key;
        this.inlet = inlet;
        this.local = new PrefixMatch(local);
        this.remote = new PrefixMatch(remote);
    }
}
