package io.sallyport.gateway.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Issue 15 #6: an Error on any daemon thread ends the process with a failure status. */
class FatalErrorsTest {

    @Test
    void anErrorHaltsWithAFailureStatusAndAnExceptionDoesNot() throws Exception {
        List<Integer> halted = new ArrayList<>();
        Thread.UncaughtExceptionHandler handler = FatalErrors.handler(halted::add);
        Thread runtime = Thread.ofPlatform().uncaughtExceptionHandler(handler).unstarted(() -> {
            throw new IllegalStateException("one bad command");
        });
        runtime.start();
        runtime.join();
        assertEquals(List.of(), halted);
        Thread oom = Thread.ofPlatform().uncaughtExceptionHandler(handler).unstarted(() -> {
            throw new OutOfMemoryError("Java heap space");
        });
        oom.start();
        oom.join();
        assertEquals(List.of(FatalErrors.EXIT_STATUS), halted);
    }

    /** The installed handler in a real JVM: a daemon thread's OutOfMemoryError ends the process. */
    @Test
    void aChildJvmWhoseDaemonThreadHitsAnErrorExitsNonZero() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                FatalErrorChild.class.getName()).redirectErrorStream(true).start();
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child lived on after its thread's Error");
        String output = new String(child.getInputStream().readAllBytes());
        assertEquals(FatalErrors.EXIT_STATUS, child.exitValue(), output);
        assertTrue(output.contains("fatal java.lang.OutOfMemoryError"), output);
    }
}
