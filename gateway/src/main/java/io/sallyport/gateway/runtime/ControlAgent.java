package io.sallyport.gateway.runtime;

import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's conductor (Aeron's {@code DriverConductor} is the model): one agent that owns kmd,
 * the plans, tunnel state, local gateways and every socket, device and worker lifecycle.
 * Commits, kmd input, host-watch events, timers and operator commands reach it as queued
 * commands; after a change it publishes immutable snapshots that {@code show} reads: when it has
 * nothing more to do, and while it stays busy at most every {@value #PUBLISH_INTERVAL_NANOS} ns
 * (a snapshot copies every tunnel and IKE SA: once per handshake, thousands of dynamic peers
 * coming up made that the larger part of each one). Operator commands that wait for their
 * outcome publish it themselves ({@code Gateway.call}).
 *
 * <p>Threaded, it sleeps until the earlier of kmd's next deadline and the next queued command or
 * IKE datagram ({@link LockSupport#parkNanos}; queues wake it with {@link LockSupport#unpark}):
 * no ticking, no polling.
 */
final class ControlAgent implements Agent {
    private static final Logger LOG = LoggerFactory.getLogger(ControlAgent.class);
    /** Commands that may wait for the control agent; beyond, the caller gets an error (counted). */
    static final int COMMAND_CAPACITY = 1024;
    private static final int BURST = 64;
    /** How long to sleep on a kmd timer that is due but did nothing when it ran. */
    private static final long STALE_TIMER_NANOS = 1_000_000L;
    /** While busy, the snapshots are replaced at most this often. */
    static final long PUBLISH_INTERVAL_NANOS = 20_000_000L;

    private final BoundedInbox<Runnable> commands = new BoundedInbox<>(COMMAND_CAPACITY, this::wake);
    private final KmdAgent kmd;
    private final Runnable publish;
    private volatile Thread thread;
    /** A change since the last publication (the control agent's thread only). */
    private boolean unpublished;
    private boolean publishedOnce;
    private long lastPublishNanos;

    /**
     * @param kmd     what kmd needs, made with {@link #wake} as its doorbell
     * @param publish replaces the published snapshots; runs on this agent's thread after changes (see above)
     */
    ControlAgent(java.util.function.Function<Runnable, KmdAgent> kmd, Runnable publish) {
        this.kmd = kmd.apply(this::wake);
        this.publish = publish;
    }

    KmdAgent kmd() {
        return kmd;
    }

    @Override
    public String name() {
        return "control";
    }

    /** Any thread: queues a command; false when the queue is full (counted in {@link #refusedCommands}). */
    boolean offer(Runnable command) {
        return commands.offer(command);
    }

    long refusedCommands() {
        return commands.refused();
    }

    /** One step; the workers it gave commands wake once, when it ends ({@link StepDoorbells}). */
    @Override
    public int doWork(long nowNanos) {
        return StepDoorbells.run(() -> step(nowNanos));
    }

    private int step(long nowNanos) {
        int work = 0;
        Runnable c;
        while (work < BURST && (c = commands.poll()) != null) {
            work++;
            try {
                c.run();
            } catch (RuntimeException e) {
                // A failed command must not stop the gateway; its caller hears of it through its future.
                LOG.error("control: command failed", e);
            }
        }
        work += kmd.doWork(nowNanos);
        if (work > 0) {
            unpublished = true;
        }
        // work == 0: the runner is about to let this agent sleep, so what changed is published now.
        if (unpublished && (work == 0 || !publishedOnce || nowNanos - lastPublishNanos >= PUBLISH_INTERVAL_NANOS)) {
            publish.run();
            unpublished = false;
            publishedOnce = true;
            lastPublishNanos = nowNanos;
        }
        return work;
    }

    @Override
    public void idle(long nowNanos) {
        thread = Thread.currentThread();
        if (!commands.isEmpty() || kmd.hasInput()) {
            return;
        }
        long deadline = kmd.nextDeadlineNanos();
        if (deadline == Long.MAX_VALUE) {
            LockSupport.park(this);
        } else {
            // A deadline already past here fired without effect (KmdAgent.doWork): wait a little.
            LockSupport.parkNanos(this, Math.max(deadline - nowNanos, STALE_TIMER_NANOS));
        }
    }

    @Override
    public void wake() {
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }
}
