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
    volatile SaPair current;
    volatile Action.IkeSaUp ike;
    volatile long ikeUpNanos;
    volatile String lastFailure;
    volatile int created;
    volatile int deleted;
    volatile int rekeys;
    /** Counter values at the last {@code clear services ipsec-vpn ipsec statistics}. */
    volatile Statistics statisticsBaseline = Statistics.ZERO;

    TunnelState(TunnelPlan plan) {
        this.plan = plan;
        this.outbound = new OutboundTunnel(plan.id(), plan.localPrefix(), plan.remotePrefix());
        this.lastFailure = plan.problem().orElse(null);
    }

    public TunnelPlan plan() { return plan; }
    public SaPair current() { return current; }
    public Action.IkeSaUp ike() { return ike; }
    public long ikeUpNanos() { return ikeUpNanos; }
    public String lastFailure() { return lastFailure; }
    public int created() { return created; }
    public int deleted() { return deleted; }
    public int rekeys() { return rekeys; }
    public EspCounters inboundCounters() { return inboundCounters; }
    public EspCounters outboundCounters() { return outbound.counters; }
    public long noSaDrops() { return outbound.noSaDrops; }

    /** Counters since the last clear. */
    public Statistics statistics() {
        return Statistics.of(this).minus(statisticsBaseline);
    }
}
