package io.sallyport.gateway.linux;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Stops child processes this JVM started, by their {@link Process} (so by PID, never by name):
 * SIGTERM, a grace period, then SIGKILL. The daemon stops its FRR processes so, and the netns lab
 * its daemons.
 */
public final class ChildProcesses {
    private ChildProcesses() {}

    /** SIGTERM to each at once, so they stop side by side; then each gets {@code graceSeconds} before SIGKILL. */
    public static void stopTogether(Collection<Process> processes, long graceSeconds) {
        processes.forEach(Process::destroy);
        processes.forEach(p -> awaitOrKill(p, graceSeconds));
    }

    /** One after another in the order given: each has stopped (or been killed) before the next gets SIGTERM. */
    public static void stopInOrder(List<Process> processes, long graceSeconds) {
        for (Process p : processes) {
            p.destroy();
            awaitOrKill(p, graceSeconds);
        }
    }

    /** Waits up to {@code graceSeconds} for {@code p} to exit, then kills it and waits as long again; interrupted: kills it. */
    private static void awaitOrKill(Process p, long graceSeconds) {
        try {
            if (!p.waitFor(graceSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(graceSeconds, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
