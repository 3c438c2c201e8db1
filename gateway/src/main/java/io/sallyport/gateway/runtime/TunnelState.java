package io.sallyport.gateway.runtime;

import io.sallyport.crypto.EncryptionAlgorithm;
import io.sallyport.crypto.IntegrityAlgorithm;
import io.sallyport.gateway.plan.TunnelPlan;
import io.sallyport.ike.Action;
import java.net.InetAddress;
import java.util.List;

/**
 * What {@code show} knows of one tunnel: an immutable snapshot the control agent publishes after
 * each change (its plan, the SA pairs installed, the IKE SA they came from, why it is down). Its
 * {@link #statistics} sum the counters the data workers last published.
 */
public final class TunnelState {

    /** An installed SA pair. Lifetimes count from {@code installedNanos}; -1 means none (manual). */
    public record SaPair(int spiIn, int spiOut, EncryptionAlgorithm encryption, IntegrityAlgorithm integrity,
                         long installedNanos, long softSeconds, long hardSeconds, boolean manual,
                         boolean udpEncapsulated) {
    }

    private final TunnelPlan plan;
    private final long key;
    private final List<SaPair> installed;
    private final List<SaPair> notInstalled;
    private final Action.IkeSaUp ike;
    private final long ikeUpNanos;
    private final String lastFailure;
    private final int created;
    private final int deleted;
    private final int rekeys;
    private final boolean onBackup;
    private final int failovers;
    private final Statistics statisticsBaseline;
    private final long invalidSpi;
    private final DataPlaneCounters counters;

    TunnelState(TunnelPlan plan, long key, List<SaPair> installed, List<SaPair> notInstalled, Action.IkeSaUp ike,
                long ikeUpNanos, String lastFailure, int created, int deleted, int rekeys, boolean onBackup,
                int failovers, Statistics statisticsBaseline, long invalidSpi, DataPlaneCounters counters) {
        this.plan = plan;
        this.key = key;
        this.installed = installed;
        this.notInstalled = notInstalled;
        this.ike = ike;
        this.ikeUpNanos = ikeUpNanos;
        this.lastFailure = lastFailure;
        this.created = created;
        this.deleted = deleted;
        this.rekeys = rekeys;
        this.onBackup = onBackup;
        this.failovers = failovers;
        this.statisticsBaseline = statisticsBaseline;
        this.invalidSpi = invalidSpi;
        this.counters = counters;
    }

    public TunnelPlan plan() { return plan; }

    /** The SA pair carrying outbound traffic: the newest installed, or null. */
    public SaPair current() {
        return installed.isEmpty() ? null : installed.getLast();
    }

    public List<SaPair> installed() { return installed; }
    public List<SaPair> notInstalled() { return notInstalled; }
    public Action.IkeSaUp ike() { return ike; }
    public long ikeUpNanos() { return ikeUpNanos; }
    public String lastFailure() { return lastFailure; }
    public int created() { return created; }
    public int deleted() { return deleted; }
    public int rekeys() { return rekeys; }
    public boolean onBackup() { return onBackup; }
    public int failovers() { return failovers; }

    /** The remote gateway in use: the primary, or the backup after a failover. */
    public InetAddress activeRemoteGateway() {
        return onBackup ? plan.backupPeer().orElseThrow().remoteAddress() : plan.remoteGateway();
    }

    /** The SYNs the set's {@code tcp-mss} saw and lowered in this tunnel since it was made, both ways. */
    public TcpMssCounts tcpMss() {
        return counters.tcpMss(key);
    }

    /** Counters since the last clear, from what the data workers last published. */
    public Statistics statistics() {
        return counters.statistics(key, invalidSpi).minus(statisticsBaseline);
    }
}
