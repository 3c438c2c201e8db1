package io.sallyport.gateway.daemon;

import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGHUP re-applies the active configuration from the store ({@code systemctl reload sallyport}),
 * as daemons do; without a handler the JVM would end on it. The JDK's only way to handle a signal
 * is {@code sun.misc.Signal} (module jdk.unsupported, kept for exactly this use).
 */
final class ReloadSignal {

    private ReloadSignal() {
    }

    /**
     * Runs {@code reload} on the JVM's signal thread for every SIGHUP.
     *
     * @return false when the process was started with SIGHUP ignored ({@code nohup}): the JVM then
     *     installs no handler and the signal stays ignored
     */
    static boolean install(Runnable reload) {
        return Signal.handle(new Signal("HUP"), signal -> reload.run()) != SignalHandler.SIG_IGN;
    }
}
