package io.sallyport.gateway.runtime;

import java.util.concurrent.Future;

/** Where agents run: threads on Linux ({@link ThreadedRunner}), one stepping loop in the lab. */
public interface AgentRunner extends AutoCloseable {

    void start(Agent agent);

    /** Stops the agent; when this returns, the agent's {@code doWork} is not running and won't again. */
    void stop(Agent agent);

    /**
     * Waits until {@code done} completes or {@code timeoutMillis} passed. A thread simply waits; a
     * stepping runner steps {@code agent} (the one that completes it) meanwhile, and nothing else,
     * so the caller sees the same world as if it had called the agent directly.
     */
    void await(Agent agent, Future<?> done, long timeoutMillis);

    /**
     * Waits like {@link #await}, but a stepping runner steps the whole world (every agent, the
     * network) meanwhile: for shutdown, where datagrams sent must reach their peers.
     */
    void drain(Future<?> done, long timeoutMillis);

    /** The runner's clock, in nanoseconds (monotonic on Linux, simulated in the lab). */
    long nowNanos();

    @Override
    void close();
}
