package io.sallyport.config.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kills a child JVM in the middle of a stream of commits, again and again, and checks after each
 * kill that the store opens, that the active configuration is the last acknowledged commit or the
 * one in flight, and that every kept rollback reads.
 */
class StoreCrashTest {

    @TempDir
    Path dir;

    @Test
    void killingTheProcessMidCommitLeavesTheLastCommitReadable() throws Exception {
        Random random = new Random(20261127L);
        int next = 1;
        for (int round = 0; round < 6; round++) {
            Process child = start(next);
            int lastAcknowledged = next - 1;
            int wanted = 2 + random.nextInt(12);
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (int k = 0; k < wanted; k++) {
                    String line = out.readLine();
                    if (line == null) break;
                    lastAcknowledged = Integer.parseInt(line.substring("committed ".length()));
                }
                // Kill at a point that varies from round to round: right away, or a little later.
                if (random.nextBoolean()) Thread.sleep(random.nextInt(15));
                child.destroyForcibly();
                child.waitFor();
            }
            assertTrue(lastAcknowledged >= next, "the child acknowledged no commit in round " + round);
            ConfigStore store = ConfigStore.open(dir, Clock.systemUTC());
            int active = StoreCrashChild.number(store.active());
            assertTrue(active >= lastAcknowledged, "lost acknowledged commit " + lastAcknowledged + ", active " + active);
            int kept = store.history().size();
            for (int r = 0; r < kept; r++) assertEquals(active - r, StoreCrashChild.number(store.rollbackConfiguration(r)));
            next = active + 1;
        }
        assertTrue(next > 12, "too few commits to mean anything: " + next);
    }

    private Process start(int first) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path module = Path.of(System.getProperty("user.dir"));
        String cp = module.resolve("target/test-classes") + File.pathSeparator + module.resolve("target/classes");
        return new ProcessBuilder(java, "-cp", cp, StoreCrashChild.class.getName(), dir.toString(), Integer.toString(first))
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    }
}
