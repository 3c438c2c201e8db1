package io.sallyport.gateway.runtime;

/**
 * A unit of gateway work (the control agent, a data-plane worker) in the Aeron style: a runner
 * calls {@link #doWork} again and again. On Linux each agent has a thread of its own and sleeps in
 * {@link #idle} when it has nothing to do; the lab and deterministic tests step every agent on one
 * thread with a simulated clock and never call {@link #idle}.
 */
public interface Agent {

    String name();

    /** Does whatever is ready now, without blocking; returns how much was done (0 when idle). */
    int doWork(long nowNanos);

    /**
     * Sleeps until work may be ready: a port turns readable, a command is queued, the agent's own
     * next deadline passes, or {@link #wake} is called. Threaded runners only; spurious returns are
     * fine (the runner calls {@link #doWork} again).
     */
    void idle(long nowNanos);

    /** Ends an {@link #idle} early, from any thread (a runner stopping the agent). */
    void wake();
}
