package io.sallyport.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sallyport.gateway.mgmt.ControlProtocol;
import io.sallyport.gateway.mgmt.ControlServer;
import io.sallyport.gateway.mgmt.ManagementApi;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shell against a daemon's control socket served in-process by gateway's ControlServer. */
class ShellDaemonTest {
    @TempDir
    Path state;

    private final List<String> received = new CopyOnWriteArrayList<>();

    private ControlServer daemon(ManagementApi api) throws IOException {
        return new ControlServer(ControlProtocol.socketPath(state), line -> {
            received.add(line);
            return api.execute(line);
        });
    }

    private Shell shell() throws IOException {
        return new Shell(StoreSession.open(state, "alice"), new DaemonLink(state), "alice", "lab-host");
    }

    @Test
    void operationalShowGoesToTheDaemonWithDisplayAndIsFilteredLocally() throws IOException {
        try (ControlServer _ = daemon(line -> ControlProtocol.Reply.ok("Remote Address  State\n10.0.1.2  Matured\n"))) {
            Shell shell = shell();
            Reply r = shell.execute("show services ipsec-vpn ike security-associations | display xml | match Matured");
            assertEquals(Reply.Status.OK, r.status(), r.text());
            assertEquals("10.0.1.2  Matured\n", r.text());
            assertEquals(List.of("show services ipsec-vpn ike security-associations | display xml"), received);
        }
    }

    @Test
    void aDaemonErrorIsAFailedCommand() throws IOException {
        try (ControlServer _ = daemon(line -> ControlProtocol.Reply.error("error: service set S9 not found\n"))) {
            Reply r = shell().execute("clear services ipsec-vpn ipsec security-associations S9");
            assertEquals(Reply.Status.ERROR, r.status());
            assertEquals("error: service set S9 not found\n", r.text());
        }
    }

    @Test
    void commitAsksARunningDaemonToReload() throws IOException {
        try (ControlServer _ = daemon(line -> ControlProtocol.Reply.ok(""))) {
            Shell shell = shell();
            shell.execute("configure");
            shell.execute("set system host-name r1");
            Reply r = shell.execute("commit");
            assertEquals("commit complete\n", r.text());
            assertEquals(List.of(DaemonLink.RELOAD), received);
        }
    }

    @Test
    void commitWarnsWhenTheDaemonRefusesTheReload() throws IOException {
        try (ControlServer _ = daemon(line -> ControlProtocol.Reply.error("error: interface ms-9/0/0 is missing"))) {
            Shell shell = shell();
            shell.execute("configure");
            shell.execute("set system host-name r1");
            Reply r = shell.execute("commit");
            assertEquals(Reply.Status.OK, r.status(), "the commit itself succeeded");
            assertTrue(r.text().startsWith("commit complete\nwarning: the Sallyport daemon did not apply"), r.text());
        }
    }

    @Test
    void commitWarnsWhenAStaleSocketDoesNotAnswer() throws IOException {
        java.nio.file.Files.createFile(ControlProtocol.socketPath(state));
        Shell shell = shell();
        shell.execute("configure");
        shell.execute("set system host-name r1");
        Reply r = shell.execute("commit");
        assertEquals(Reply.Status.OK, r.status());
        assertTrue(r.text().contains("warning: the Sallyport daemon did not answer the reload request"), r.text());
    }
}
