package io.sallyport.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every word of a command is used or is a syntax error with a caret under it (issue 17 item 7). */
class TrailingWordsTest {
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

    /** The caret line and message for an error under the word that starts at {@code word} in {@code line}. */
    private void syntaxErrorUnder(String line, String word) {
        Reply r = shell.execute(line);
        assertEquals(Reply.Status.ERROR, r.status(), () -> "'" + line + "' should fail but printed:\n" + r.text());
        int column = line.lastIndexOf(" " + word) + 1;
        assertEquals(" ".repeat(shell.prompt().length() + column) + "^\nsyntax error.\n", r.text(), line);
    }

    @Test
    void topAndUpRunTheCommandThatFollowsThem() {
        ok("edit services ipsec-vpn ike");
        ok("top edit system");
        assertEquals("[edit system]", shell.banner());
        assertEquals("host-name r1;\n", ok("show"));
        ok("exit");
        assertEquals("[edit]", shell.banner(), "exit after top edit goes back to the top");
        ok("edit services ipsec-vpn ike proposal p1");
        String all = ok("top show");
        assertTrue(all.contains("\nservices {\n") && all.contains("system {\n"), all);
        assertTrue(ok("top show system").contains("host-name r1;"), "top show shows from the top");
        assertEquals("[edit services ipsec-vpn ike proposal p1]", shell.banner(), "a prefixed show stays where it was");
        ok("up 1 set proposal p2 dh-group group19");
        assertTrue(ok("up 2 show").contains("ike {"), "up 2 from a proposal is [edit services ipsec-vpn]");
        assertEquals("[edit services ipsec-vpn ike proposal p1]", shell.banner());
        assertTrue(ok("top show services ipsec-vpn ike").contains("proposal p2 {"));
        ok("up edit proposal p2");
        assertEquals("[edit services ipsec-vpn ike proposal p2]", shell.banner());
        ok("top");
        assertEquals("[edit]", shell.banner());
    }

    @Test
    void aPrefixedCommandsErrorPointsIntoTheWholeLine() {
        ok("edit system");
        Reply r = shell.execute("top edit frobnicate");
        assertEquals(Reply.Status.ERROR, r.status());
        assertTrue(r.text().startsWith(" ".repeat(shell.prompt().length() + "top edit ".length()) + "^\n"), r.text());
        assertEquals("[edit system]", shell.banner(), "a failed top edit stays where it was");
    }

    @Test
    void extraWordsAfterCommandsAreSyntaxErrorsUnderTheFirstExtraWord() {
        syntaxErrorUnder("exit now", "now");
        syntaxErrorUnder("exit configuration-mode now", "now");
        syntaxErrorUnder("quit now", "now");
        syntaxErrorUnder("commit now", "now");
        syntaxErrorUnder("commit check now", "now");
        syntaxErrorUnder("commit and-quit now", "now");
        syntaxErrorUnder("commit comment \"x\" now", "now");
        syntaxErrorUnder("commit confirmed 5 now", "now");
        syntaxErrorUnder("commit confirmed now", "now");
        syntaxErrorUnder("rollback 1 now", "now");
        syntaxErrorUnder("load frob file", "frob");
        syntaxErrorUnder("load merge a.conf now", "now");
        assertTrue(shell.inConfigurationMode(), "no refused command left configuration mode");
        assertEquals("[edit]", shell.banner());
        assertTrue(ok("show | compare").contains("host-name r1"), "nothing was committed or rolled back");
    }

    @Test
    void operationalModeRefusesExtraWordsToo() {
        ok("commit and-quit");
        syntaxErrorUnder("exit now", "now");
        syntaxErrorUnder("quit now", "now");
        Reply r = shell.execute("show configuration system frob");
        assertEquals(Reply.Status.ERROR, r.status());
        assertTrue(r.text().startsWith(" ".repeat(shell.prompt().length() + "show configuration system ".length()) + "^\n"), r.text());
    }

    @Test
    void helpAfterTopAndUpListsTheCommandsAndStatementsFromThere() {
        ok("edit system");
        assertTrue(shell.help("top ").stream().anyMatch(h -> h.word().equals("edit")));
        assertTrue(shell.help("top edit ").stream().anyMatch(h -> h.word().equals("services")), "statements from the top");
        assertTrue(shell.help("up 1 show ").stream().anyMatch(h -> h.word().equals("services")));
        ok("top ed serv");
        assertEquals("[edit services]", shell.banner(), "abbreviations after top are spelled out");
    }
}
