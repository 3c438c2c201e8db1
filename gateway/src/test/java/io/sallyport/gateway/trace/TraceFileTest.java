package io.sallyport.gateway.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TraceFileTest {

    @Test
    void rotatesWhenFullAndKeepsTheConfiguredNumberOfFiles(@TempDir Path dir) throws Exception {
        Path kmd = dir.resolve("kmd");
        try (TraceFile trace = new TraceFile(kmd, 10 * 1024, 3)) {
            String text = "x".repeat(100);
            for (int i = 0; i < 400; i++) {
                trace.write(Instant.EPOCH, "kmd[1]", i + " " + text);
            }
        }
        assertTrue(Files.exists(kmd));
        assertTrue(Files.exists(dir.resolve("kmd.0")));
        assertTrue(Files.exists(dir.resolve("kmd.1")));
        assertFalse(Files.exists(dir.resolve("kmd.2")), "files 3 means kmd, kmd.0 and kmd.1");
        assertTrue(Files.size(kmd) <= 10 * 1024);
        String last = Files.readAllLines(kmd).getLast();
        assertTrue(last.startsWith("Jan 01 00:00:00.000 kmd[1]: 399 "), last);
        assertEquals(3, Files.list(dir).count());
    }

    @Test
    void appendsToAnExistingFile(@TempDir Path dir) throws Exception {
        Path kmd = dir.resolve("kmd");
        Files.writeString(kmd, "earlier\n");
        try (TraceFile trace = new TraceFile(kmd, 1024 * 1024, 3)) {
            trace.write(Instant.EPOCH, "kmd", "later");
        }
        assertEquals(2, Files.readAllLines(kmd).size());
    }
}
