package io.sallyport.gateway.daemon;

import sun.misc.Signal;

/**
 * SIGHUP re-applies the active configuration from the store ({@code systemctl reload sallyport}),
 * as daemons do; without a handler the JVM would end on it. The JDK's only way to handle a signal
 * is {@code sun.misc.Signal} (module jdk.unsupported, kept for exactly this use).
 */
final class ReloadSignal {

    private ReloadSignal() {
    }

    /** Runs {@code reload} on the JVM's signal thread for every SIGHUP. */
    static void install(Runnable reload) {
        Signal.handle(new Signal("HUP"), signal -> reload.run());
    }
}
