package io.sallyport.gateway.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sallyport.ike.Action;
import io.sallyport.ike.Datagram;
import io.sallyport.ike.DropReason;
import io.sallyport.ike.Kmd;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/** What network input can make kmd's loop hold is bounded, and what it drops is counted (issue 15, finding 2). */
class KmdAgentBoundsTest {

    private static final KmdListener NONE = new KmdListener() {
        public void installChildSa(Action.InstallChildSa a) { }
        public void switchOutbound(Action.SwitchOutbound a) { }
        @Override
        public void childSaMoved(Action.ChildSaMoved a) { }
        public void deleteChildSa(Action.DeleteChildSa a) { }
        public void ikeSaUp(Action.IkeSaUp a) { }
        public void ikeSaDown(Action.IkeSaDown a) { }
        public void childRefused(Action.ChildRefused a) { }
        public void trace(Action.Trace a) { }
    };

    private static final InetSocketAddress LOCAL = new InetSocketAddress(InetAddress.ofLiteral("192.0.2.1"), 4500);

    /** Junk from source number {@code i}, a distinct address in 198.18.0.0/15 for each. */
    private static Datagram junk(int i) {
        byte[] a = {(byte) 198, (byte) (18 + (i >> 16 & 1)), (byte) (i >> 8), (byte) i};
        try {
            return new Datagram(LOCAL, new InetSocketAddress(InetAddress.getByAddress(a), 4500), new byte[] {1, 2, 3}, true);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long drained(KmdAgent agent) {
        long work = 0;
        int done;
        while ((done = agent.doWork(1_000_000_000L)) > 0) {
            work += done;
        }
        return work;
    }

    @Test
    void junkFromManySourcesLeavesNoPerAddressState() {
        Kmd kmd = new Kmd(SecureRandom::new);
        KmdAgent agent = new KmdAgent(kmd, NONE, () -> { });
        for (int i = 0; i < 100_000; i++) {
            agent.offer(junk(i));
            if (i % 100 == 99) {
                drained(agent);
            }
        }
        assertEquals(100_000L, kmd.drops().get(DropReason.MALFORMED_HEADER));
        agent.publish();
        assertEquals(0, agent.traffic().size(), "no IKE SA, so no traffic counters");
    }

    @Test
    void theQueueFromThePort4500WorkersIsBoundedAndCountsWhatItDrops() {
        Kmd kmd = new Kmd(SecureRandom::new);
        KmdAgent agent = new KmdAgent(kmd, NONE, () -> { });
        for (int i = 0; i < 100_000; i++) {
            agent.offer(junk(i));
        }
        drained(agent);
        long handled = kmd.drops().get(DropReason.MALFORMED_HEADER);
        assertTrue(handled <= KmdAgent.DATAGRAM_CAPACITY, handled + " datagrams were queued");
        assertEquals(100_000L, handled + kmd.drops().get(DropReason.INPUT_QUEUE_FULL));
    }
}
