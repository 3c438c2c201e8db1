package io.sallyport.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code annotate}: comments kept through commits and printed as {@code /* ... *}{@code /} (issue 17 item 6). */
class AnnotateTest {
    @TempDir
    Path state;

    private Shell shell;

    @BeforeEach
    void open() throws IOException {
        shell = new Shell(StoreSession.open(state, "alice"), new DaemonLink(state), "alice", "h");
        ok("configure");
        ok("set system host-name r1");
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
    void aCommentIsPrintedAboveItsStatementAndSurvivesCommitAndANewShell() throws IOException {
        ok("edit services ipsec-vpn ike");
        ok("annotate proposal p1 \"group14 until the peer moves to 19\"");
        assertEquals("/* group14 until the peer moves to 19 */\nproposal p1 {\n    dh-group group14;\n}\n", ok("show"));
        ok("top annotate system \"site A\"");
        ok("top annotate system host-name \"the DNS name\"");
        assertEquals("set services ipsec-vpn ike proposal p1 dh-group group14\n", ok("show | display set"), "the set form has no comments");
        ok("top commit");
        Shell other = new Shell(StoreSession.open(state, "bob"), new DaemonLink(state), "bob", "h");
        String shown = other.execute("show configuration").text();
        assertTrue(shown.contains("/* site A */\nsystem {\n    /* the DNS name */\n    host-name r1;\n}\n"), shown);
        assertTrue(shown.contains("            /* group14 until the peer moves to 19 */\n            proposal p1 {\n"), shown);
    }

    @Test
    void compareShowsAChangedCommentAndAnEmptyOneRemovesIt() {
        ok("commit");
        ok("annotate services \"VPN\"");
        assertEquals("[edit]\n+   /* VPN */\n    services {\n", ok("show | compare"));
        ok("annotate system host-name \"name\"");
        assertTrue(ok("show | compare").contains("[edit system]\n-   host-name r1;\n+   /* name */\n+   host-name r1;\n"), ok("show | compare"));
        ok("annotate services \"\"");
        ok("annotate system host-name \"\"");
        assertEquals("", ok("show | compare"));
    }

    @Test
    void rollbackBringsTheCommentBack() {
        ok("annotate system \"first\"");
        ok("commit");
        ok("annotate system \"second\"");
        ok("commit");
        ok("rollback 1");
        assertTrue(ok("show").startsWith("/* first */\nsystem {"), ok("show"));
    }

    @Test
    void refusedAnnotationsSayWhy() {
        assertTrue(fails("annotate system").contains("expecting <comment-string>"));
        assertTrue(fails("annotate services ipsec-vpn ike proposal p9 \"x\"").contains("statement not found"));
        assertTrue(fails("annotate system \"a */ b\"").contains("cannot hold"));
        assertTrue(fails("annotate frob \"x\"").contains("^"));
        assertFalse(ok("show").contains("/*"));
    }
}
