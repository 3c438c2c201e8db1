package io.sallyport.gateway.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * Doorbells rung on the control agent's thread while it runs one step, each rung once when the
 * step ends. A step that installs a dynamic peer's tunnel gives its device worker two commands and
 * its inbound worker one, and a step often handles several peers: rung at once, each command
 * would wake its worker on its own, and the worker would run (and publish its counters) once per
 * command. Deferred, each worker wakes once per step and finds all of them queued. Rings from
 * other threads, and outside a step, ring at once.
 */
final class StepDoorbells {
    /** One per thread, reused by each step: the control agent runs a step per datagram at times. */
    private static final ThreadLocal<StepDoorbells> THREAD = ThreadLocal.withInitial(StepDoorbells::new);

    /** Distinct doorbells rung so far in this step (one per worker at most: a short list). */
    private final List<Runnable> rung = new ArrayList<>();
    private boolean inStep;

    private StepDoorbells() {
    }

    /** Rings {@code doorbell} now, or at the end of the step this thread is running. */
    static void ring(Runnable doorbell) {
        StepDoorbells step = THREAD.get();
        if (!step.inStep) {
            doorbell.run();
            return;
        }
        for (int i = 0; i < step.rung.size(); i++) {
            if (step.rung.get(i) == doorbell) {
                return;
            }
        }
        step.rung.add(doorbell);
    }

    /** Runs {@code step} with rings deferred, then rings each doorbell it rang, once (also when it throws). */
    static int run(IntSupplier step) {
        StepDoorbells doorbells = THREAD.get();
        if (doorbells.inStep) {
            return step.getAsInt();
        }
        doorbells.inStep = true;
        try {
            return step.getAsInt();
        } finally {
            doorbells.inStep = false;
            try {
                for (int i = 0; i < doorbells.rung.size(); i++) {
                    doorbells.rung.get(i).run();
                }
            } finally {
                doorbells.rung.clear();
            }
        }
    }
}
