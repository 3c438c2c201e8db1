package io.sallyport.gateway.runtime;

import io.sallyport.gateway.plan.TunnelPlan;
import io.sallyport.ike.Action;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * One configured tunnel as the control agent keeps it: its plan, the SA pairs installed, the IKE
 * SA they came from and why it is down. Owned by the control agent's thread; {@code show} reads
 * the {@link TunnelState} it publishes from this after each change.
 */
final class Tunnel {
    final TunnelPlan plan;
    /** Tells this tunnel's counters apart from those of an earlier tunnel with the same id. */
    final long key;
    final OutboundTunnel outbound;
    List<TunnelState.SaPair> installed = List.of();
    /**
     * SA pairs of an interface-style service set whose gw-interface local gateway went down: kept
     * for show as "Not installed" (out of the data plane) until the local gateway comes back.
     */
    List<TunnelState.SaPair> notInstalled = List.of();
    Action.IkeSaUp ike;
    long ikeUpNanos;
    String lastFailure;
    int created;
    int deleted;
    int rekeys;
    /** {@code backup-remote-gateway}: whether the backup gateway is the one in use, and how often it switched. */
    boolean onBackup;
    int failovers;
    /** Counter values at the last {@code clear services ipsec-vpn ipsec statistics}. */
    Statistics statisticsBaseline = Statistics.ZERO;
    /** ESP from this tunnel's remote gateway for an SPI no worker knows (reported by the workers). */
    long invalidSpi;
    /** A dynamic peer's tunnel (made when kmd installed its first SA, gone with its last). */
    boolean dynamic;
    /** A dynamic peer's reverse route, as installed. */
    io.sallyport.net.Route reverseRoute;
    /** When kmd last told the peer about an unknown SPI (rate limit). */
    long lastInvalidSpiReportNanos = Long.MIN_VALUE;
    /** INVALID_SPI notifications sent under the current IKE SA ({@code respond-bad-spi max-responses} caps them). */
    int badSpiResponses;

    Tunnel(TunnelPlan plan, long key) {
        this.plan = plan;
        this.key = key;
        this.outbound = new OutboundTunnel(plan.id(), key, plan.localPrefix(), plan.remotePrefix());
        this.lastFailure = plan.problem().orElse(null);
    }

    /** The SA pair carrying outbound traffic: the newest installed, or null. */
    TunnelState.SaPair current() {
        return installed.isEmpty() ? null : installed.getLast();
    }

    /** The remote gateway in use: the primary, or the backup after a failover. */
    InetAddress activeRemoteGateway() {
        return onBackup ? plan.backupPeer().orElseThrow().remoteAddress() : plan.remoteGateway();
    }

    void add(TunnelState.SaPair pair) {
        List<TunnelState.SaPair> list = new ArrayList<>(installed);
        list.add(pair);
        installed = List.copyOf(list);
    }

    /** Removes the pair with this inbound SPI; true when it was installed. */
    boolean remove(int spiIn) {
        List<TunnelState.SaPair> list = new ArrayList<>(installed);
        boolean removed = list.removeIf(p -> p.spiIn() == spiIn);
        installed = List.copyOf(list);
        return removed;
    }

    TunnelState snapshot(DataPlaneCounters counters) {
        return new TunnelState(plan, key, installed, notInstalled, ike, ikeUpNanos, lastFailure, created, deleted,
                rekeys, onBackup, failovers, statisticsBaseline, invalidSpi, counters);
    }
}
