package io.sallyport.gateway.runtime;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each agent on a platform thread of its own until it is stopped or the runner closes. An
 * agent with nothing to do sleeps in its own {@link Agent#idle} (on its ports, its queue or its
 * deadline): the runner never polls.
 */
public final class ThreadedRunner implements AgentRunner {
    private static final Logger LOG = LoggerFactory.getLogger(ThreadedRunner.class);

    private final LongSupplier clock;
    private final Map<Agent, Running> running = new IdentityHashMap<>();

    public ThreadedRunner(LongSupplier clock) {
        this.clock = clock;
    }

    private static final class Running {
        volatile boolean stop;
        Thread thread;
    }

    @Override
    public synchronized void start(Agent agent) {
        Running r = new Running();
        r.thread = Thread.ofPlatform().name(agent.name()).daemon().start(() -> loop(agent, r));
        running.put(agent, r);
    }

    private void loop(Agent agent, Running r) {
        while (!r.stop) {
            try {
                if (agent.doWork(clock.getAsLong()) == 0 && !r.stop) {
                    agent.idle(clock.getAsLong());
                }
            } catch (RuntimeException e) {
                // One bad packet or action must not stop a worker; the agent counts what it can.
                LOG.error("agent {} failed and continues", agent.name(), e);
            }
        }
    }

    /** Stops one agent and waits for its thread, so its ports may be closed afterwards. */
    @Override
    public synchronized void stop(Agent agent) {
        Running r = running.remove(agent);
        if (r != null) {
            r.stop = true;
            agent.wake();
            join(r.thread);
        }
    }

    @Override
    public void await(Agent agent, Future<?> done, long timeoutMillis) {
        drain(done, timeoutMillis);
    }

    @Override
    public void drain(Future<?> done, long timeoutMillis) {
        try {
            done.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // The caller looks at done itself: an exception is rethrown there, a timeout seen as not done.
        }
    }

    @Override
    public long nowNanos() {
        return clock.getAsLong();
    }

    @Override
    public synchronized void close() {
        running.forEach((agent, r) -> {
            r.stop = true;
            agent.wake();
        });
        running.values().forEach(r -> join(r.thread));
        running.clear();
    }

    private static void join(Thread t) {
        try {
            t.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
