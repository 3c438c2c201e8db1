package io.sallyport.gateway.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sallyport.ike.Kmd;
import io.sallyport.ike.KmdOptions;
import io.sallyport.net.DatagramPort;
import io.sallyport.net.NetworkControl;
import io.sallyport.net.TunPort;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The control agent's queue: bounded, refusals seen by the caller and counted; sleeping without polling. */
class ControlAgentTest {

    /** A runner that never runs anything: commands stay queued. */
    private static final class StalledRunner implements AgentRunner {
        @Override public void start(Agent agent) { }
        @Override public void stop(Agent agent) { }
        @Override public void await(Agent agent, Future<?> done, long timeoutMillis) { }
        @Override public void drain(Future<?> done, long timeoutMillis) { }
        @Override public long nowNanos() { return 0; }
        @Override public void close() { }
    }

    /** Nothing here is opened: the tests apply no plan. */
    private static final class NoHost implements GatewayHost {
        @Override public NetworkControl network() { throw new UnsupportedOperationException(); }
        @Override public TunPort openTun(String name, int mtu) { throw new UnsupportedOperationException(); }
        @Override public void reopenTun(TunPort tun) { throw new UnsupportedOperationException(); }
        @Override public DatagramPort openUdp(InetSocketAddress local) { throw new UnsupportedOperationException(); }
        @Override public List<DatagramPort> openUdpSteered(InetSocketAddress local) { throw new UnsupportedOperationException(); }
        @Override public Optional<DatagramPort> openRawEsp(InetAddress local) { return Optional.empty(); }
        @Override public DatagramPort openUdpSender(InetSocketAddress local) { throw new UnsupportedOperationException(); }
        @Override public DatagramPort openRawEspSender(InetAddress local) { throw new UnsupportedOperationException(); }
        @Override public Waiter waiter(List<?> ports) { throw new UnsupportedOperationException(); }
        @Override public String dataPath() { return "none"; }
    }

    @Test
    void shouldRefuseACommandWhenTheQueueIsFullAndCountIt() {
        Gateway gateway = new Gateway(new NoHost(), new StalledRunner(), SecureRandom::new, KmdOptions.defaults(), t -> { });
        InetAddress gw = InetAddress.ofLiteral("192.0.2.1");
        for (int i = 0; i < ControlAgent.COMMAND_CAPACITY; i++) {
            gateway.localGatewayDown(gw, "test");
        }
        assertEquals(0, gateway.refusedCommands());
        Gateway.GatewayBusyException e = assertThrows(Gateway.GatewayBusyException.class,
                () -> gateway.localGatewayDown(gw, "test"));
        assertTrue(e.getMessage().contains("control queue is full"), e.getMessage());
        assertEquals(1, gateway.refusedCommands());
    }

    @Test
    void shouldSleepWithoutADeadlineUntilACommandIsQueued() throws Exception {
        AtomicInteger ran = new AtomicInteger();
        ControlAgent agent = new ControlAgent(bell -> new KmdAgent(new Kmd(KmdOptions.defaults(), SecureRandom::new),
                null, bell), () -> { });
        Thread sleeper = Thread.ofPlatform().start(() -> {
            agent.idle(System.nanoTime());
            agent.doWork(System.nanoTime());
        });
        // kmd has no timer: the agent parks with no timeout until the queue wakes it.
        assertTrue(agent.offer(ran::incrementAndGet));
        sleeper.join(10_000);
        assertFalse(sleeper.isAlive(), "the queued command did not wake the control agent");
        assertEquals(1, ran.get());
    }

    @Test
    void shouldPublishWhenIdleAndAtMostOncePerIntervalWhileBusy() {
        AtomicInteger published = new AtomicInteger();
        ControlAgent agent = publishingAgent(published);
        long ms = 1_000_000L;
        agent.offer(() -> { });
        agent.doWork(0);
        assertEquals(1, published.get(), "the first change is published at once");
        agent.offer(() -> { });
        agent.doWork(ms);
        agent.offer(() -> { });
        agent.doWork(2 * ms);
        assertEquals(1, published.get(), "published again while busy within the interval");
        agent.doWork(3 * ms);
        assertEquals(2, published.get(), "nothing left to do: what changed must be published");
        agent.doWork(4 * ms);
        assertEquals(2, published.get(), "published without a change");
        agent.offer(() -> { });
        agent.doWork(5 * ms);
        agent.offer(() -> { });
        agent.doWork(5 * ms + ControlAgent.PUBLISH_INTERVAL_NANOS);
        assertEquals(3, published.get(), "busy for a whole interval without a publication");
    }

    @Test
    void shouldPublishOnlyWhenTheIntervalIsOverOnceItSleeps() throws Exception {
        AtomicInteger published = new AtomicInteger();
        ControlAgent agent = publishingAgent(published);
        long ms = 1_000_000L;
        agent.offer(() -> { });
        agent.doWork(0);
        assertEquals(1, published.get());
        agent.offer(() -> { });
        agent.doWork(ms);
        // A threaded runner lets it sleep: kmd has no timer, so only the unpublished change ends the sleep.
        Thread sleeper = Thread.ofPlatform().start(() -> agent.idle(ms));
        sleeper.join(10_000);
        assertFalse(sleeper.isAlive(), "an unpublished change did not bound the sleep");
        agent.doWork(2 * ms);
        assertEquals(1, published.get(), "published before the interval was over");
        agent.doWork(ControlAgent.PUBLISH_INTERVAL_NANOS);
        assertEquals(2, published.get(), "not published when the interval was over");
    }

    /** A control agent over an empty kmd that counts its publications. */
    private static ControlAgent publishingAgent(AtomicInteger published) {
        return new ControlAgent(bell -> new KmdAgent(new Kmd(KmdOptions.defaults(), SecureRandom::new), null, bell),
                published::incrementAndGet);
    }
}
