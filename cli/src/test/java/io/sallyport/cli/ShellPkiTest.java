package io.sallyport.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sallyport.gateway.mgmt.ControlProtocol;
import io.sallyport.gateway.mgmt.ControlServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code security pki} commands work on the state directory, daemon or not. */
class ShellPkiTest {
    @TempDir
    Path state;

    private Shell shell() throws IOException {
        return new Shell(StoreSession.open(state, "alice"), new DaemonLink(state), "alice", "lab-host");
    }

    @Test
    void withoutADaemon() throws IOException {
        Shell shell = shell();
        Reply r = shell.execute("request security pki generate-key-pair certificate-id local-entrust2 type ecdsa size 256");
        assertEquals(Reply.Status.OK, r.status(), r.text());
        assertEquals("Generated key pair local-entrust2, key size 256 bits\n", r.text());
        assertTrue(Files.exists(state.resolve("pki/keys/local-entrust2.key")));
        r = shell.execute("request security pki generate-certificate-request certificate-id local-entrust2 subject "
                + "\"CN=router2.example.com, O=Example\" domain-name router2.example.com | match BEGIN");
        assertEquals("-----BEGIN CERTIFICATE REQUEST-----\n", r.text());
        r = shell.execute("show security pki certificate-request | match Issued");
        assertEquals("  Issued to: router2.example.com\n", r.text());
        r = shell.execute("request security pki ca-certificate load ca-profile entrust filename /nonexistent");
        assertEquals(Reply.Status.ERROR, r.status());
        assertTrue(r.text().contains("CA profile entrust is not configured"), r.text());
    }

    @Test
    void aChangeAsksARunningDaemonToReload() throws IOException {
        List<String> received = new CopyOnWriteArrayList<>();
        try (ControlServer _ = new ControlServer(ControlProtocol.socketPath(state), line -> {
            received.add(line);
            return ControlProtocol.Reply.ok("");
        })) {
            Shell shell = shell();
            assertEquals(Reply.Status.OK, shell.execute("show security pki local-certificate").status());
            assertEquals(List.of(), received);
            Reply r = shell.execute("request security pki generate-key-pair certificate-id k1 type ecdsa");
            assertEquals(Reply.Status.OK, r.status(), r.text());
            assertEquals(List.of(DaemonLink.RELOAD), received);
        }
    }
}
