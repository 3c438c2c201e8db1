package io.sallyport.gateway.runtime;

/**
 * A unit of gateway work (kmd, a data-plane worker) in the Aeron style: a runner calls
 * {@link #doWork} again and again. On Linux each agent has a thread of its own; the lab and
 * deterministic tests step every agent on one thread with a simulated clock.
 */
public interface Agent {

    String name();

    /** Does whatever is ready now, without blocking; returns how much was done (0 when idle). */
    int doWork(long nowNanos);

    /** Waits up to {@code maxMillis} for work (threaded runners only; the lab never calls it). */
    void idle(long maxMillis);
}
