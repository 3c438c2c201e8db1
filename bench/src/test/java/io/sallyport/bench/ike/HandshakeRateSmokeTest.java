package io.sallyport.bench.ike;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Keeps {@code bin/handshake-rate} from rotting: a few handshakes against both responders and both
 * groups, every one of them must come up. Asserts counts only, never timing. Needs root, strongSwan
 * and app/target/sallyport.jar; runs in the namespaces hr-load and hr-resp, which the script makes
 * and removes.
 */
@Tag("interop")
class HandshakeRateSmokeTest {

    private static final Pattern RESULT = Pattern.compile("^round=1 responder=(\\w+) group=(\\d+) handshakes=(\\d+) failed=(\\d+) ",
            Pattern.MULTILINE);

    @Test
    void fewHandshakesAgainstStrongswanAndSallyportAllSucceed() throws IOException, InterruptedException {
        Path root = Path.of("..").toAbsolutePath().normalize();
        assertTrue(Files.isRegularFile(root.resolve("app/target/sallyport.jar")), "build app/target/sallyport.jar first");
        ProcessBuilder pb = new ProcessBuilder(List.of(root.resolve("bin/handshake-rate").toString(),
                "--count", "12", "--warmup", "2", "--window", "4"))
                .redirectErrorStream(true);
        // the generator from this module's test class path (the shaded benchmarks.jar comes later, at package)
        pb.environment().put("HANDSHAKE_RATE_CP", System.getProperty("java.class.path"));
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        String out;
        try (var in = p.getInputStream()) {
            out = new String(in.readAllBytes());
        }
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), out);
        assertEquals(0, p.exitValue(), out);
        Matcher m = RESULT.matcher(out);
        int runs = 0;
        while (m.find()) {
            runs++;
            assertEquals("10", m.group(3), "timed handshakes up, " + m.group(1) + " group " + m.group(2) + ":\n" + out);
            assertEquals("0", m.group(4), out);
        }
        assertEquals(4, runs, "strongSwan and Sallyport, groups 14 and 19:\n" + out);
    }
}
