package io.sallyport.lab;

import io.sallyport.gateway.runtime.Agent;
import io.sallyport.net.virtual.VirtualNetwork;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One thread, one simulated clock for a whole lab: the {@link VirtualNetwork}'s. Every agent of
 * every gateway and every node's forwarding plane is stepped until nothing has work, then the
 * clock jumps to the next datagram delivery or by a small step (kmd's timers run at the first
 * step at or after their deadline). A quiet lab takes larger steps, so a simulated day costs seconds.
 */
public final class Simulation {
    private static final Logger LOG = LoggerFactory.getLogger(Simulation.class);
    /** Step while something happened recently: finer than kmd's retransmit timers. */
    static final long ACTIVE_STEP_NANOS = 10_000_000L;
    /** Step once the lab has been quiet for {@link #QUIET_AFTER_NANOS}. */
    static final long QUIET_STEP_NANOS = 1_000_000_000L;
    static final long QUIET_AFTER_NANOS = 5_000_000_000L;
    private static final int MAX_ROUNDS = 100_000;

    /** Something the simulation steps besides gateway agents (a node's forwarding plane). */
    public interface Steppable {
        int step(long nowNanos);
    }

    private final VirtualNetwork network = new VirtualNetwork();
    private final List<Agent> agents = new ArrayList<>();
    private final List<Steppable> planes = new ArrayList<>();
    private long lastWorkNanos;
    private long agentFailures;

    public VirtualNetwork network() {
        return network;
    }

    public long nowNanos() {
        return network.nowNanos();
    }

    void start(Agent agent) {
        agents.add(agent);
    }

    void stop(Agent agent) {
        agents.remove(agent);
    }

    void add(Steppable plane) {
        planes.add(plane);
    }

    /** Agent steps that threw (each is logged; the agent keeps running, as on Linux). */
    public long agentFailures() {
        return agentFailures;
    }

    /** Steps everything until no agent or node has work and nothing is due at the current time. */
    public void settle() {
        for (int round = 0; round < MAX_ROUNDS; round++) {
            long now = network.nowNanos();
            int work = 0;
            for (Agent a : List.copyOf(agents)) {
                try {
                    work += a.doWork(now);
                } catch (RuntimeException e) {
                    agentFailures++;
                    LOG.error("agent {} failed and continues", a.name(), e);
                }
            }
            for (Steppable p : planes) {
                work += p.step(now);
            }
            boolean due = network.nextDeliveryNanos().orElse(Long.MAX_VALUE) <= now;
            if (work > 0 || due) {
                lastWorkNanos = now;
            }
            if (due) {
                network.deliverDue();
            } else if (work == 0) {
                return;
            }
        }
        LOG.warn("lab did not settle after {} rounds at {} ns", MAX_ROUNDS, network.nowNanos());
    }

    /** Runs until {@code condition} holds (true) or {@code durationNanos} of simulated time passed (false). */
    public boolean runUntil(BooleanSupplier condition, long durationNanos) {
        long deadline = network.nowNanos() + durationNanos;
        while (true) {
            settle();
            if (condition.getAsBoolean()) {
                return true;
            }
            long now = network.nowNanos();
            if (now >= deadline) {
                return false;
            }
            long step = now - lastWorkNanos >= QUIET_AFTER_NANOS && network.inFlightCount() == 0
                    ? QUIET_STEP_NANOS : ACTIVE_STEP_NANOS;
            long next = Math.min(deadline, now + step);
            next = Math.min(next, network.nextDeliveryNanos().orElse(Long.MAX_VALUE));
            network.advanceTo(Math.max(next, now));
        }
    }

    /** Lets {@code durationNanos} of simulated time pass with everything running. */
    public void advance(long durationNanos) {
        runUntil(() -> false, durationNanos);
    }
}
