package io.sallyport.gateway.daemon;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

/** Run by {@link ReloadSignalTest} in its own JVM: counts reloads until its stdin closes. */
final class ReloadSignalChild {
    private ReloadSignalChild() {
    }

    public static void main(String[] args) throws IOException {
        AtomicInteger reloads = new AtomicInteger();
        boolean installed = ReloadSignal.install(() -> {
            System.out.println("reloaded " + reloads.incrementAndGet());
            System.out.flush();
        });
        // Started with SIGHUP ignored (under nohup), the JVM installs no handler: say so, don't hang.
        System.out.println(installed ? "ready" : "SIGHUP ignored: this test must not run under nohup");
        System.out.flush();
        while (System.in.read() >= 0) {
            // wait for the parent to close stdin
        }
    }
}
