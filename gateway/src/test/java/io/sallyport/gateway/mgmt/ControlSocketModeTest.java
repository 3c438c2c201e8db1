package io.sallyport.gateway.mgmt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 15 (low): the control socket is owner-only from the moment it can be reached. */
class ControlSocketModeTest {
    @TempDir
    Path dir;

    @Test
    void theSocketAppearsOwnerOnlyAndAnswers() throws Exception {
        // A wide directory: only the socket's own mode protects it here.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path socket = dir.resolve("sallyport.sock");
        try (ControlServer server = new ControlServer(socket, line -> ControlProtocol.Reply.ok("echo " + line + "\n"))) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
            try (Stream<Path> entries = Files.list(dir)) {
                assertEquals(List.of(socket), entries.toList(), "the staging directory is gone");
            }
            ControlProtocol.Reply reply = new ControlClient(socket).execute("show version");
            assertTrue(reply.ok());
            assertEquals("echo show version\n", reply.text());
        }
    }
}
