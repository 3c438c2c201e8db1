package io.sallyport.gateway.runtime;

import io.sallyport.esp.EspCounters;
import io.sallyport.net.IpPrefix;
import io.sallyport.net.TunPort;

/**
 * One tunnel as an inbound worker sees it: where its decrypted packets go and the selectors they
 * must satisfy (RFC 4301 §5.2: inner addresses are checked against the SA's traffic selectors).
 */
final class InboundTunnel {
    final String id;
    final TunPort tun;
    final PrefixMatch local;
    final PrefixMatch remote;
    final EspCounters counters;
    final Tallies tallies;

    /** Inbound outcomes the esp module does not count; written by the inbound worker only. */
    static final class Tallies {
        long selectorFailures;
    }

    InboundTunnel(String id, TunPort tun, IpPrefix local, IpPrefix remote, EspCounters counters, Tallies tallies) {
        this.id = id;
        this.tun = tun;
        this.local = new PrefixMatch(local);
        this.remote = new PrefixMatch(remote);
        this.counters = counters;
        this.tallies = tallies;
    }
}
