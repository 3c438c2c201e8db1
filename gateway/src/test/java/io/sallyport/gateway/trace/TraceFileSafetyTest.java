package io.sallyport.gateway.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 15 (low): trace files stay in the log directory and are owner-only unless world-readable. */
class TraceFileSafetyTest {
    @TempDir
    Path tmp;

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void aNameThatIsAPathIsRefusedAtOpen() {
        Path log = tmp.resolve("log");
        for (String name : new String[] {"../escape", "a/b", "..", ".", ""}) {
            assertThrows(IllegalArgumentException.class, () -> TraceFile.in(log, name, 1024 * 1024, 3, false), name);
        }
        assertFalse(Files.exists(tmp.resolve("escape")));
    }

    @Test
    void traceFilesAreOwnerOnlyUnlessWorldReadable() throws Exception {
        Path log = tmp.resolve("log");
        try (TraceFile t = TraceFile.in(log, "kmd", 10 * 1024, 2, false)) {
            for (int i = 0; i < 200; i++) t.write(Instant.EPOCH, "kmd", "line " + i + " " + "x".repeat(100));
        }
        assertEquals("rw-------", mode(log.resolve("kmd")));
        assertEquals("rw-------", mode(log.resolve("kmd.0")), "rotated files keep the mode");
        try (TraceFile t = TraceFile.in(log, "kmd", 10 * 1024, 2, true)) {
            t.write(Instant.EPOCH, "kmd", "now world-readable");
        }
        assertEquals("rw-r--r--", mode(log.resolve("kmd")));
        try (TraceFile t = TraceFile.in(log, "kmd", 10 * 1024, 2, false)) {
            t.write(Instant.EPOCH, "kmd", "owner-only again");
        }
        assertEquals("rw-------", mode(log.resolve("kmd")));
    }
}
