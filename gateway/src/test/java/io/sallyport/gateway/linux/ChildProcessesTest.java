package io.sallyport.gateway.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SIGTERM first; a child that ignores it is SIGKILLed after the grace period, in both orders of stopping. */
class ChildProcessesTest {
    private static final int BY_SIGTERM = 128 + 15;
    private static final int BY_SIGKILL = 128 + 9;

    /** {@code sleep} ignoring SIGTERM when asked (an ignored signal stays ignored across exec); returns once it is so. */
    private static Process sleeper(boolean ignoresTerm) throws IOException {
        String trap = ignoresTerm ? "trap '' TERM; " : "";
        Process p = new ProcessBuilder("sh", "-c", trap + "echo ready; exec sleep 60").redirectErrorStream(true).start();
        var out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("ready", out.readLine());
        return p;
    }

    @Test
    void togetherEachGetsSigtermAndOneThatIgnoresItIsKilled() throws IOException {
        Process polite = sleeper(false);
        Process deaf = sleeper(true);
        ChildProcesses.stopTogether(List.of(polite, deaf), 1);
        assertFalse(polite.isAlive() || deaf.isAlive());
        assertEquals(BY_SIGTERM, polite.exitValue());
        assertEquals(BY_SIGKILL, deaf.exitValue());
    }

    @Test
    void inOrderEachGetsSigtermAndOneThatIgnoresItIsKilled() throws IOException {
        Process deaf = sleeper(true);
        Process polite = sleeper(false);
        ChildProcesses.stopInOrder(List.of(deaf, polite), 1);
        assertFalse(polite.isAlive() || deaf.isAlive());
        assertEquals(BY_SIGKILL, deaf.exitValue());
        assertEquals(BY_SIGTERM, polite.exitValue());
    }
}
