package io.sallyport.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.sallyport.gateway.mgmt.ControlProtocol;
import io.sallyport.gateway.mgmt.ControlServer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DaemonLinkTest {

    @Test
    void withoutASocketTheDaemonIsNotRunning(@TempDir Path dir) {
        DaemonLink.Answer a = new DaemonLink(dir).execute("show services service-sets");
        DaemonLink.Answer.NotRunning n = assertInstanceOf(DaemonLink.Answer.NotRunning.class, a);
        assertEquals("error: the Sallyport daemon is not running (no control socket at "
                + dir.resolve("sallyport.sock") + ")", n.message());
    }

    @Test
    void sendsTheLineAndReturnsTheDaemonReply(@TempDir Path dir) throws Exception {
        try (ControlServer server = new ControlServer(ControlProtocol.socketPath(dir),
                line -> ControlProtocol.Reply.ok("got: " + line + "\n"))) {
            DaemonLink.Answer a = new DaemonLink(dir).execute("show services service-sets | display xml");
            DaemonLink.Answer.Reply r = assertInstanceOf(DaemonLink.Answer.Reply.class, a);
            assertEquals("got: show services service-sets | display xml\n", r.reply().text());
        }
    }
}
