package io.sallyport.gateway.runtime;

import io.sallyport.crypto.EncryptionAlgorithm;
import io.sallyport.crypto.IntegrityAlgorithm;
import io.sallyport.esp.EspCounters;
import io.sallyport.gateway.plan.TunnelPlan;
import io.sallyport.ike.Action;

/**
 * What the gateway knows of one tunnel for {@code show}: its plan, the SA pair in use, the IKE SA
 * it came from and why it is down. Written on kmd's thread, read by management threads: every
 * field is an immutable value behind a volatile reference.
 */
public final class TunnelState {

    /** An installed SA pair. Lifetimes count from {@code installedNanos}; -1 means none (manual). */
    public record SaPair(int spiIn, int spiOut, EncryptionAlgorithm encryption, IntegrityAlgorithm integrity,
                         long installedNanos, long softSeconds, long hardSeconds, boolean manual,
                         boolean udpEncapsulated) {
    }

    final TunnelPlan plan;
    final OutboundTunnel outbound;
    final EspCounters inboundCounters = new EspCounters();
    final InboundTunnel.Tallies inboundTallies = new InboundTunnel.Tallies();
    /** Installed SA pairs, oldest first (a rekey overlaps two); immutable, replaced on kmd's thread. */
    volatile java.util.List<SaPair> installed = java.util.List.of();
    /**
     * SA pairs of an interface-style service set whose gw-interface local gateway went down: kept
     * for show as "Not installed" (out of the data plane) until the local gateway comes back.
     */
    volatile java.util.List<SaPair> notInstalled = java.util.List.of();
    volatile Action.IkeSaUp ike;
    volatile long ikeUpNanos;
    volatile String lastFailure;
    volatile int created;
    volatile int deleted;
    volatile int rekeys;
    /** {@code backup-remote-gateway}: whether the backup gateway is the one in use, and how often it switched. */
    volatile boolean onBackup;
    volatile int failovers;
    /** ESP from this tunnel's remote gateway for an SPI no worker knows (written by any inbound worker). */
    final java.util.concurrent.atomic.LongAdder invalidSpi = new java.util.concurrent.atomic.LongAdder();
    /** When kmd last told the peer about an unknown SPI (rate limit); written by inbound workers. */
    volatile long lastInvalidSpiReportNanos = Long.MIN_VALUE;
    /** Counter values at the last {@code clear services ipsec-vpn ipsec statistics}. */
    volatile Statistics statisticsBaseline = Statistics.ZERO;

    TunnelState(TunnelPlan plan) {
        this.plan = plan;
        this.outbound = new OutboundTunnel(plan.id(), plan.localPrefix(), plan.remotePrefix());
        this.lastFailure = plan.problem().orElse(null);
    }

    public TunnelPlan plan() { return plan; }
    /** The SA pair carrying outbound traffic: the newest installed, or null. */
    public SaPair current() {
        java.util.List<SaPair> list = installed;
        return list.isEmpty() ? null : list.getLast();
    }

    void add(SaPair pair) {
        java.util.List<SaPair> list = new java.util.ArrayList<>(installed);
        list.add(pair);
        installed = java.util.List.copyOf(list);
    }

    /** Removes the pair with this inbound SPI; true when it was installed. */
    boolean remove(int spiIn) {
        java.util.List<SaPair> list = new java.util.ArrayList<>(installed);
        boolean removed = list.removeIf(p -> p.spiIn() == spiIn);
        installed = java.util.List.copyOf(list);
        return removed;
    }
    public java.util.List<SaPair> notInstalled() { return notInstalled; }
    public Action.IkeSaUp ike() { return ike; }
    public long ikeUpNanos() { return ikeUpNanos; }
    public String lastFailure() { return lastFailure; }
    public int created() { return created; }
    public int deleted() { return deleted; }
    public int rekeys() { return rekeys; }
    public boolean onBackup() { return onBackup; }
    public int failovers() { return failovers; }

    /** The remote gateway in use: the primary, or the backup after a failover. */
    public java.net.InetAddress activeRemoteGateway() {
        return onBackup ? plan.backupPeer().orElseThrow().remoteAddress() : plan.remoteGateway();
    }
    public EspCounters inboundCounters() { return inboundCounters; }
    public EspCounters outboundCounters() { return outbound.counters; }
    public long noSaDrops() { return outbound.noSaDrops; }

    /** Counters since the last clear. */
    public Statistics statistics() {
        return Statistics.of(this).minus(statisticsBaseline);
    }
}
