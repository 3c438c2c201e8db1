package io.sallyport.gateway.runtime;

/** Where agents run: threads on Linux ({@link ThreadedRunner}), one stepping loop in the lab. */
public interface AgentRunner extends AutoCloseable {

    void start(Agent agent);

    /** Stops the agent; when this returns, the agent's {@code doWork} is not running and won't again. */
    void stop(Agent agent);

    /**
     * Lets the agents run until {@code condition} holds or {@code timeoutMillis} passed: threads are
     * simply waited for; a stepping runner steps its agents meanwhile.
     */
    void awaitCondition(java.util.function.BooleanSupplier condition, long timeoutMillis);

    /** The runner's clock, in nanoseconds (monotonic on Linux, simulated in the lab). */
    long nowNanos();

    @Override
    void close();
}
