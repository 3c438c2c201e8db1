package io.sallyport.lab;

import io.sallyport.gateway.runtime.Agent;
import io.sallyport.gateway.runtime.AgentRunner;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;

/**
 * The lab's {@link AgentRunner}: one per gateway, all stepping on the {@link Simulation}'s single
 * thread and simulated clock. Waiting for a command steps its agent alone; draining steps the
 * whole lab, so a gateway closing lets its peers receive its deletes. Closing stops only this gateway's agents.
 */
public final class SteppingRunner implements AgentRunner {
    /** Simulated time {@link #awaitCondition} allows per wall-clock millisecond asked for. */
    private static final long NANOS_PER_MILLI = 1_000_000L;
    /** Steps {@link #await} allows before it gives up (the agent would be stuck, not busy). */
    private static final int MAX_ROUNDS = 10_000;

    private final Simulation simulation;
    private final List<Agent> mine = new ArrayList<>();

    public SteppingRunner(Simulation simulation) {
        this.simulation = simulation;
    }

    @Override
    public void start(Agent agent) {
        mine.add(agent);
        simulation.start(agent);
    }

    @Override
    public void stop(Agent agent) {
        mine.remove(agent);
        simulation.stop(agent);
    }

    /** Steps {@code agent} alone until {@code done}: as if the caller had called it directly, at this instant. */
    @Override
    public void await(Agent agent, Future<?> done, long timeoutMillis) {
        for (int round = 0; round < MAX_ROUNDS && !done.isDone(); round++) {
            agent.doWork(simulation.nowNanos());
        }
    }

    @Override
    public void drain(Future<?> done, long timeoutMillis) {
        simulation.runUntil(done::isDone, timeoutMillis * NANOS_PER_MILLI);
    }

    @Override
    public long nowNanos() {
        return simulation.nowNanos();
    }

    @Override
    public void close() {
        List.copyOf(mine).forEach(this::stop);
    }
}
