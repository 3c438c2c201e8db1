package io.sallyport.gateway.daemon;

import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What ends a daemon thread decides whether the daemon lives on. The agent loops contain the
 * {@link RuntimeException}s of one packet or command; an {@link Error} (OutOfMemoryError,
 * StackOverflowError, a linkage error) leaves a thread dead and the gateway half-working, so it
 * ends the process with {@link #EXIT_STATUS} and the service manager restarts it
 * ({@code Restart=on-failure}). The process is halted, not exited: after an Error the shutdown
 * hooks cannot be trusted to finish.
 */
final class FatalErrors {
    private static final Logger LOG = LoggerFactory.getLogger(FatalErrors.class);

    /** EX_SOFTWARE: an internal software error. */
    static final int EXIT_STATUS = 70;

    private FatalErrors() {
    }

    /** Makes every thread's uncaught Error end this process. */
    static void install() {
        Thread.setDefaultUncaughtExceptionHandler(handler(status -> Runtime.getRuntime().halt(status)));
    }

    /** The handler, with the way the process ends given (tests pass a recorder). */
    static Thread.UncaughtExceptionHandler handler(IntConsumer halt) {
        return (thread, e) -> {
            if (e instanceof Error) {
                try {
                    System.err.println("sallyport daemon: fatal " + e + " on thread " + thread.getName() + "; exiting");
                    LOG.error("fatal error on thread {}; exiting", thread.getName(), e);
                } finally {
                    halt.accept(EXIT_STATUS);
                }
            } else {
                LOG.error("thread {} ended by an uncaught exception", thread.getName(), e);
            }
        };
    }
}
