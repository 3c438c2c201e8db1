package io.sallyport.gateway.runtime;

import io.sallyport.net.IpPrefix;

/**
 * One tunnel as an inbound worker sees it: where its decrypted packets go (the handoff to the
 * worker owning the tunnel's TUN device, from this inbound worker only) and the selectors they
 * must satisfy (RFC 4301 §5.2: inner addresses are checked against the SA's traffic selectors).
 * Made by the control agent as a value; the worker attaches its own counters when it installs it.
 */
final class InboundTunnel {
    final String id;
    final long key;
    final TunHandoff handoff;
    final PrefixMatch local;
    final PrefixMatch remote;
    /** The worker's counters of this tunnel; set on the worker's thread at install. */
    WorkerCounters.Tunnel counters;

    InboundTunnel(String id, long key, TunHandoff handoff, IpPrefix local, IpPrefix remote) {
        this.id = id;
        this.key = key;
        this.handoff = handoff;
        this.local = new PrefixMatch(local);
        this.remote = new PrefixMatch(remote);
    }
}
