package io.sallyport.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code rename A to B} and {@code copy A to B} (issue 17 item 6). */
class RenameCopyTest {
    @TempDir
    Path state;

    private Shell shell;

    @BeforeEach
    void open() throws IOException {
        shell = new Shell(StoreSession.open(state, "alice"), new DaemonLink(state), "alice", "h");
        ok("configure");
        ok("set services ipsec-vpn ike proposal p1 dh-group group14");
        ok("set services ipsec-vpn ike proposal p3 dh-group group19");
    }

    private String ok(String line) {
        Reply r = shell.execute(line);
        assertEquals(Reply.Status.OK, r.status(), () -> "'" + line + "' failed:\n" + r.text());
        return r.text();
    }

    private String fails(String line) {
        Reply r = shell.execute(line);
        assertEquals(Reply.Status.ERROR, r.status(), () -> "'" + line + "' should fail but printed:\n" + r.text());
        return r.text();
    }

    @Test
    void renameKeepsTheEntryInItsPlaceUnderTheNewName() {
        ok("rename services ipsec-vpn ike proposal p1 to proposal p2");
        assertEquals("set services ipsec-vpn ike proposal p2 dh-group group14\nset services ipsec-vpn ike proposal p3 dh-group group19\n",
                ok("show | display set"));
    }

    @Test
    void copyAddsTheNewEntryAfterTheOriginalAndWorksAtALevel() {
        ok("edit services ipsec-vpn ike");
        ok("copy proposal p1 to proposal p2");
        assertEquals("set services ipsec-vpn ike proposal p1 dh-group group14\nset services ipsec-vpn ike proposal p2 dh-group group14\n"
                + "set services ipsec-vpn ike proposal p3 dh-group group19\n", ok("top show | display set"));
    }

    @Test
    void refusedMovesSayWhyAndChangeNothing() {
        String before = ok("show | display set");
        assertTrue(fails("rename services ipsec-vpn ike proposal p1 to proposal p3").contains("already exists: services ipsec-vpn ike proposal p3"));
        assertTrue(fails("copy services ipsec-vpn ike proposal p9 to proposal p2").contains("statement not found"));
        assertTrue(fails("rename services ipsec-vpn ike proposal p1 proposal p2").endsWith("^\nsyntax error, expecting 'to'.\n"));
        assertTrue(fails("rename services ipsec-vpn to ike").contains("only a named entry of a list"));
        assertTrue(fails("rename services ipsec-vpn ike proposal p1 to policy p2").contains("another 'proposal' entry"));
        assertEquals(before, ok("show | display set"));
    }
}
