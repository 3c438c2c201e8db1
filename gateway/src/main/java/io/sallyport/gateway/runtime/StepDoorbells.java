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
    private static final ThreadLocal<StepDoorbells> CURRENT = new ThreadLocal<>();

    /** Distinct doorbells rung so far in this step (one per worker at most: a short list). */
    private final List<Runnable> rung = new ArrayList<>();

    private StepDoorbells() {
    }

    /** Rings {@code doorbell} now, or at the end of the step this thread is running. */
    static void ring(Runnable doorbell) {
        StepDoorbells step = CURRENT.get();
        if (step == null) {
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
        if (CURRENT.get() != null) {
            return step.getAsInt();
        }
        StepDoorbells doorbells = new StepDoorbells();
        CURRENT.set(doorbells);
        try {
            return step.getAsInt();
        } finally {
            CURRENT.remove();
            doorbells.rung.forEach(Runnable::run);
        }
    }
}
