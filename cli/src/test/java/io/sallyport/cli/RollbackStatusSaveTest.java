package io.sallyport.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code show | compare rollback N}, {@code show system rollback N [compare M]}, {@code status}, {@code save} (issue 17 item 6). */
class RollbackStatusSaveTest {
    @TempDir
    Path state;

    private Shell shell;

    @BeforeEach
    void open() throws IOException {
        shell = new Shell(StoreSession.open(state, "alice"), new DaemonLink(state), "alice", "h");
        ok("configure");
        ok("set system host-name r1");
        ok("commit");
        ok("set system host-name r2");
        ok("commit");
        ok("set services ipsec-vpn ike proposal p1 dh-group group14");
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
    void compareRollbackDiffsTheCandidateAgainstThatCommit() {
        assertEquals(ok("show | compare"), ok("show | compare rollback 0"), "rollback 0 is the active configuration");
        String diff = ok("show | compare rollback 1");
        assertTrue(diff.contains("-   host-name r1;") && diff.contains("+   host-name r2;") && diff.contains("proposal p1"), diff);
        ok("edit system");
        assertEquals("[edit system]\n-   host-name r1;\n+   host-name r2;\n", ok("show | compare rollback 1"), "at the edit level only");
        assertTrue(fails("top show | compare rollback 7").contains("rollback 7 does not exist"));
        assertTrue(fails("top show | compare rollback 50").contains("expecting 'rollback <number>'"));
    }

    @Test
    void showSystemRollbackPrintsACommitOrTheDifferenceBetweenTwo() {
        ok("exit configuration-mode");
        assertEquals("system {\n    host-name r1;\n}\n", ok("show system rollback 1"));
        assertEquals("set system host-name r2\n", ok("show system rollback 0 | display set"));
        assertEquals("[edit system]\n-   host-name r1;\n+   host-name r2;\n", ok("show system rollback 0 compare 1"));
        assertEquals("[edit system]\n-   host-name r1;\n+   host-name r2;\n", ok("show configuration | compare rollback 1"));
        assertTrue(fails("show system rollback 5").contains("rollback 5 does not exist"));
        assertTrue(fails("show system rollback x").endsWith("^\nsyntax error, expecting a rollback number (0..49).\n"));
        assertTrue(fails("show system rollback 0 frob").endsWith("^\nsyntax error.\n"));
        assertTrue(fails("show configuration | compare").contains("'| compare rollback N'"));
    }

    @Test
    void showingAListWithoutANameShowsAllItsEntries() {
        ok("set services ipsec-vpn ike proposal p2 dh-group group19");
        ok("set services ipsec-vpn ike policy k1 proposals p1");
        assertEquals("proposal p1 {\n    dh-group group14;\n}\nproposal p2 {\n    dh-group group19;\n}\n",
                ok("show services ipsec-vpn ike proposal"));
        assertEquals("set services ipsec-vpn ike proposal p1 dh-group group14\nset services ipsec-vpn ike proposal p2 dh-group group19\n",
                ok("show services ipsec-vpn ike proposal | display set"));
        ok("commit");
        ok("exit");
        assertEquals("proposal p1 {\n    dh-group group14;\n}\nproposal p2 {\n    dh-group group19;\n}\n",
                ok("show configuration services ipsec-vpn ike proposal"));
        assertTrue(fails("show configuration services ipsec-vpn ike frob").contains("^"));
    }

    @Test
    void statusListsTheEditingSessionsThisOneIncluded() throws IOException {
        Shell bob = new Shell(StoreSession.open(state, "bob"), new DaemonLink(state), "bob", "h");
        bob.execute("configure");
        String status = ok("status");
        assertTrue(status.startsWith("Users currently editing the configuration:\n"), status);
        assertTrue(status.contains("  alice terminal cli (pid ") && status.contains("  bob terminal cli (pid "), status);
        assertTrue(fails("status now").endsWith("^\nsyntax error.\n"));
        bob.close();
    }

    @Test
    void saveWritesTheLevelOwnerOnlyAndLoadRelativeReadsItBack() throws IOException {
        Path file = state.resolve("ike.conf");
        ok("edit services ipsec-vpn ike");
        assertEquals("Wrote 3 lines of configuration to '" + file + "'\n", ok("save " + file));
        assertEquals("proposal p1 {\n    dh-group group14;\n}\n", Files.readString(file));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("proposal p1 {\n    dh-group group14;\n}\n", ok("save terminal"));
        ok("delete proposal p1");
        ok("load merge " + file + " relative");
        assertTrue(ok("show").contains("proposal p1"));
        assertTrue(fails("save").endsWith("^\nsyntax error, expecting <filename> or terminal.\n"));
    }
}
