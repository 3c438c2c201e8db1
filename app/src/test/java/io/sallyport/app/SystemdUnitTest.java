package io.sallyport.app;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** packaging/sallyport.service: owner-only state, fatal errors restart the daemon, reload is SIGHUP. */
class SystemdUnitTest {
    private static final Path UNIT = Path.of("..", "packaging", "sallyport.service").toAbsolutePath().normalize();

    private static List<String> lines() throws Exception {
        return Files.readAllLines(UNIT).stream().map(String::strip).toList();
    }

    @Test
    void stateIsOwnerOnly() throws Exception {
        List<String> unit = lines();
        assertTrue(unit.contains("StateDirectory=sallyport"));
        assertTrue(unit.contains("StateDirectoryMode=0700"));
        assertTrue(unit.contains("UMask=0077"));
    }

    @Test
    void aFatalErrorEndsTheProcessAndTheUnitRestartsIt() throws Exception {
        List<String> unit = lines();
        assertTrue(unit.contains("-XX:+ExitOnOutOfMemoryError \\"));
        assertTrue(unit.contains("Restart=on-failure"));
        assertTrue(unit.contains("SuccessExitStatus=143"));
    }

    @Test
    void reloadSendsSighup() throws Exception {
        assertTrue(lines().contains("ExecReload=/bin/kill -HUP $MAINPID"));
    }
}
