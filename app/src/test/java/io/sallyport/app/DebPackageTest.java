package io.sallyport.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * packaging/build-deb.sh's package, installed on this host with dpkg: {@code sallyport} on the
 * PATH with its own runtime, the unit, the state directory 0700; then purged. Needs root and
 * installs system-wide, so it runs with the interop tests (and their lock).
 */
@Tag("interop")
class DebPackageTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    private record Run(int code, String out) { }

    private static Run run(List<String> command) throws IOException, InterruptedException {
        Path log = Files.createTempFile("deb-test", ".log");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            assertTrue(p.waitFor(15, TimeUnit.MINUTES), "timed out: " + command);
            return new Run(p.exitValue(), Files.readString(log));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    @Test
    void installsRunsTheDemoAndPurges() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "installs a package: needs root");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/dpkg")), "needs dpkg (a Debian host)");
        assumeTrue(run(List.of("dpkg-query", "-W", "sallyport")).code() != 0,
                "a sallyport package is already installed on this host; not touching it");
        assumeTrue(Files.notExists(Path.of("/var/lib/sallyport")),
                "/var/lib/sallyport exists on this host; a purge would delete it, so not installing");
        Run build = run(List.of(ROOT.resolve("packaging/build-deb.sh").toString()));
        assertEquals(0, build.code(), build.out());
        String deb = build.out().lines().reduce((a, b) -> b).orElseThrow().strip();
        try {
            Run install = run(List.of("dpkg", "-i", deb));
            assertEquals(0, install.code(), install.out());
            Run version = run(List.of("/usr/bin/sallyport", "--version"));
            assertEquals(0, version.code(), version.out());
            assertTrue(version.out().startsWith("sallyport "), version.out());
            assertTrue(version.out().contains("Java 25"), version.out());
            Run demo = run(List.of("/usr/bin/sallyport", "demo"));
            assertEquals(0, demo.code(), demo.out());
            assertTrue(demo.out().contains("[ok] demo complete"), demo.out());
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(Path.of("/var/lib/sallyport"))));
            String unit = Files.readString(Path.of("/lib/systemd/system/sallyport.service"));
            assertTrue(unit.contains("ExecStart=/usr/lib/sallyport/runtime/bin/java"), unit);
            assertTrue(unit.contains("StateDirectoryMode=0700"), unit);
        } finally {
            Run purge = run(List.of("dpkg", "-P", "sallyport"));
            assertEquals(0, purge.code(), purge.out());
        }
        assertTrue(Files.notExists(Path.of("/usr/bin/sallyport")));
        assertTrue(Files.notExists(Path.of("/var/lib/sallyport")), "purge removes the store");
    }
}
