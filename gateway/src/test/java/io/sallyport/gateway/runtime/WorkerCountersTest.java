package io.sallyport.gateway.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.sallyport.esp.DropReason;
import io.sallyport.esp.EspStat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a worker publishes: copies of the tunnels whose counters changed, the others as they were. */
class WorkerCountersTest {

    @Test
    void shouldPublishNewCountsAndKeepTheCopiesOfUnchangedTunnels() {
        WorkerCounters w = new WorkerCounters("out-test", List.of());
        w.tunnel(1).esp.add(EspStat.ENCRYPTED_PACKETS, 3);
        w.tunnel(2).increment(WorkerCounters.TunnelStat.NO_SA);
        w.afterWork(1, 0);
        w.afterWork(0, 1);
        WorkerCounters.Tunnel one = w.published().tunnels().get(1L);
        WorkerCounters.Tunnel two = w.published().tunnels().get(2L);
        assertEquals(3, one.esp.get(EspStat.ENCRYPTED_PACKETS));
        assertEquals(1, two.stats[WorkerCounters.TunnelStat.NO_SA.ordinal()]);

        w.tunnel(2).esp.drop(DropReason.values()[0]);
        w.tunnel(3);
        w.afterWork(1, 2);
        w.afterWork(0, 3);
        assertSame(one, w.published().tunnels().get(1L), "an unchanged tunnel was copied again");
        assertNotSame(two, w.published().tunnels().get(2L));
        assertEquals(1, w.published().tunnels().get(2L).esp.get(DropReason.values()[0]));
        assertEquals(1, two.esp.get(DropReason.values()[0]) + 1, "a published copy changed after publication");
        assertEquals(0, w.published().tunnels().get(3L).esp.get(EspStat.ENCRYPTED_PACKETS));
    }

    @Test
    void shouldDropAForgottenTunnel() {
        WorkerCounters w = new WorkerCounters("in-test", List.of());
        w.tunnel(7).esp.add(EspStat.DECRYPTED_PACKETS, 1);
        w.afterWork(1, 0);
        w.afterWork(0, 1);
        w.forget(7);
        assertNull(w.published().tunnels().get(7L));
        w.afterWork(0, 2);
        assertNull(w.published().tunnels().get(7L));
    }
}
