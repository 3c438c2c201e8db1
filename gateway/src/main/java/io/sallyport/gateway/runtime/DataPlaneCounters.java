package io.sallyport.gateway.runtime;

import io.sallyport.esp.EspCounters;
import io.sallyport.esp.EspStat;
import java.util.List;

/**
 * Every data worker's published counters as one view for {@code show}: an immutable list of
 * workers (as the control agent last published it), each read at its latest published copy, so
 * no show path reads a counter a worker is writing.
 */
record DataPlaneCounters(List<WorkerCounters> inbound, List<WorkerCounters> outbound) {
    static final DataPlaneCounters NONE = new DataPlaneCounters(List.of(), List.of());

    DataPlaneCounters {
        inbound = List.copyOf(inbound);
        outbound = List.copyOf(outbound);
    }

    /** One tunnel's counters summed over every worker, with the unknown-SPI drops reported for it. */
    Statistics statistics(long tunnelKey, long invalidSpi) {
        EspCounters in = new EspCounters();
        EspCounters out = new EspCounters();
        long noSa = 0;
        long selectorFailures = 0;
        long handoffDrops = 0;
        for (WorkerCounters w : outbound) {
            WorkerCounters.Tunnel t = w.published().tunnels().get(tunnelKey);
            if (t != null) {
                t.esp.addTo(out);
                noSa += t.stats[WorkerCounters.TunnelStat.NO_SA.ordinal()];
            }
        }
        for (WorkerCounters w : inbound) {
            WorkerCounters.Tunnel t = w.published().tunnels().get(tunnelKey);
            if (t != null) {
                t.esp.addTo(in);
                selectorFailures += t.stats[WorkerCounters.TunnelStat.SELECTOR_FAILURE.ordinal()];
                handoffDrops += t.stats[WorkerCounters.TunnelStat.HANDOFF_FULL.ordinal()];
            }
        }
        return Statistics.of(out, in, noSa, selectorFailures, handoffDrops, invalidSpi);
    }

    /** One tunnel's {@code tcp-mss} counts, both directions, summed over every worker. */
    TcpMssCounts tcpMss(long tunnelKey) {
        EspCounters sum = new EspCounters();
        for (List<WorkerCounters> workers : List.of(outbound, inbound)) {
            for (WorkerCounters w : workers) {
                WorkerCounters.Tunnel t = w.published().tunnels().get(tunnelKey);
                if (t != null) {
                    t.esp.addTo(sum);
                }
            }
        }
        return new TcpMssCounts(sum.get(EspStat.TCP_SYNS), sum.get(EspStat.TCP_MSS_CLAMPED));
    }
}
