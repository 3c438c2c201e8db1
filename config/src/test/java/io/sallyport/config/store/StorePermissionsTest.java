package io.sallyport.config.store;

import io.sallyport.config.ConfigText;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 15 #3 and the ConfigStore.open finding: keys stay owner-only, other writers' files stay. */
class StorePermissionsTest {

    static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    @TempDir
    Path tmp;

    static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void directoriesAreCreated0700AndEveryStoreFile0600() throws Exception {
        Path dir = tmp.resolve("state");
        ConfigStore s = ConfigStore.open(dir, CLOCK);
        s.setCandidate(ConfigText.parse("set system host-name r1"));
        s.commit("admin", Optional.empty());
        s.setCandidate(ConfigText.parse("set system host-name r2"));
        s.commit("admin", Optional.empty());
        assertEquals("rwx------", mode(dir));
        assertEquals("rwx------", mode(dir.resolve("commits")));
        assertEquals("rw-------", mode(dir.resolve("candidate.conf")));
        try (Stream<Path> files = Files.list(dir.resolve("commits"))) {
            List<Path> all = files.toList();
            assertEquals(2, all.size());
            for (Path p : all) assertEquals("rw-------", mode(p), p.toString());
        }
    }

    @Test
    void aStoreWrittenWithWideModesIsMadeOwnerOnlyOnOpen() throws Exception {
        Path dir = tmp.resolve("state");
        Files.createDirectories(dir.resolve("commits"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(dir.resolve("commits"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Path old = dir.resolve("commits/0000000001.conf");
        Files.writeString(old, "system { host-name r1; }\n");
        Files.setPosixFilePermissions(old, PosixFilePermissions.fromString("rw-r--r--"));
        Path candidate = dir.resolve("candidate.conf");
        Files.writeString(candidate, "system { host-name r1; }\n");
        Files.setPosixFilePermissions(candidate, PosixFilePermissions.fromString("rw-r--r--"));
        ConfigStore.open(dir, CLOCK);
        assertEquals("rwx------", mode(dir.resolve("commits")));
        assertEquals("rw-------", mode(old));
        assertEquals("rw-------", mode(candidate));
        assertEquals("rwxr-xr-x", mode(dir), "a state directory that exists is not ours to narrow");
    }

    @Test
    void anotherWritersInFlightTemporaryFileIsLeftAlone() throws Exception {
        Path dir = tmp.resolve("state");
        ConfigStore.open(dir, CLOCK);
        // A live writer (this JVM's PID), written just now: in flight.
        Path inFlight = dir.resolve("candidate.conf." + ProcessHandle.current().pid() + ".7.tmp");
        Files.writeString(inFlight, "system { host-na");
        Files.setLastModifiedTime(inFlight, FileTime.from(NOW.minusSeconds(1)));
        ConfigStore.open(dir, CLOCK);
        assertTrue(Files.exists(inFlight));
    }

    @Test
    void staleTemporaryFilesAreRemoved() throws Exception {
        Path dir = tmp.resolve("state");
        ConfigStore.open(dir, CLOCK);
        Path deadWriter = dir.resolve("commits/0000000002.conf." + deadPid() + ".1.tmp");
        Files.writeString(deadWriter, "system { host-na");
        Files.setLastModifiedTime(deadWriter, FileTime.from(NOW.minusSeconds(1)));
        Path abandoned = dir.resolve("candidate.conf." + ProcessHandle.current().pid() + ".3.tmp");
        Files.writeString(abandoned, "system { host-na");
        Files.setLastModifiedTime(abandoned, FileTime.from(NOW.minus(StaleTemporaries.MAX_AGE).minusSeconds(1)));
        ConfigStore.open(dir, CLOCK);
        assertFalse(Files.exists(deadWriter));
        assertFalse(Files.exists(abandoned));
    }

    /** The PID of a process that has exited (and been reaped). */
    private static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }
}
