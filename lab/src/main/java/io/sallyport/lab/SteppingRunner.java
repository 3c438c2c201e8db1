package io.sallyport.lab;

import io.sallyport.gateway.runtime.Agent;
import io.sallyport.gateway.runtime.AgentRunner;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The lab's {@link AgentRunner}: one per gateway, all stepping on the {@link Simulation}'s single
 * thread and simulated clock. Waiting steps the whole lab, so a gateway waiting for kmd to drain
 * lets the peer answer too. Closing stops only this gateway's agents.
 */
public final class SteppingRunner implements AgentRunner {
    /** Simulated time {@link #awaitCondition} allows per wall-clock millisecond asked for. */
    private static final long NANOS_PER_MILLI = 1_000_000L;

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

    @Override
    public void awaitCondition(BooleanSupplier condition, long timeoutMillis) {
        simulation.runUntil(condition, timeoutMillis * NANOS_PER_MILLI);
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
