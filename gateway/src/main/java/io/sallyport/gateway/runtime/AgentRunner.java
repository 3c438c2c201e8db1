package io.sallyport.gateway.runtime;

/** Where agents run: threads on Linux ({@link ThreadedRunner}), one stepping loop in the lab. */
public interface AgentRunner extends AutoCloseable {

    void start(Agent agent);

    /** Stops the agent; when this returns, the agent's {@code doWork} is not running and won't again. */
    void stop(Agent agent);

    /** The runner's clock, in nanoseconds (monotonic on Linux, simulated in the lab). */
    long nowNanos();

    @Override
    void close();
}
