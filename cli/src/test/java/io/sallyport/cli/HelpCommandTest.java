package io.sallyport.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code help} lists the commands of the mode (issue 17 item 8). */
class HelpCommandTest {
    @TempDir
    Path state;

    private Shell shell;

    @BeforeEach
    void open() throws IOException {
        shell = new Shell(StoreSession.open(state, "alice"), new DaemonLink(state), "alice", "h");
    }

    @Test
    void helpListsTheCommandsOfEachMode() {
        Reply r = shell.execute("help");
        assertEquals(Reply.Status.OK, r.status());
        assertTrue(r.text().startsWith("Possible completions:\n"), r.text());
        assertTrue(r.text().contains("\n  configure            Manipulate software configuration information\n"), r.text());
        assertTrue(r.text().contains("\n  show "), r.text());
        shell.execute("configure");
        r = shell.execute("help");
        assertTrue(r.text().contains("\n  rename               Rename a statement\n"), r.text());
        assertTrue(r.text().contains("\n  commit "), r.text());
        assertTrue(!r.text().contains("configure "), "each mode its own commands");
    }

    @Test
    void helpReferenceSummarisesAStatementFromTheSchema() {
        Reply r = shell.execute("help reference services ipsec-vpn ike proposal");
        assertEquals(Reply.Status.OK, r.status(), r.text());
        assertTrue(r.text().startsWith("services ipsec-vpn ike proposal: Define an IKE proposal\nValue it takes:\n"), r.text());
        r = shell.execute("help reference services ipsec-vpn ike proposal p1");
        assertTrue(r.text().contains("\n  dh-group "), r.text());
        assertTrue(shell.help("help reference services ipsec-vpn i").stream().anyMatch(h -> h.word().equals("ike")));
        r = shell.execute("help reference services frob");
        assertTrue(r.failed());
        assertTrue(r.text().startsWith(" ".repeat(shell.prompt().length() + 24) + "^\n"), r.text());
    }

    @Test
    void helpTopicSaysWhereTheManualIsAndOtherWordsAreSyntaxErrors() {
        Reply r = shell.execute("help topic");
        assertTrue(r.failed());
        assertTrue(r.text().contains("'help reference STATEMENT'"), r.text());
        r = shell.execute("help frob");
        assertEquals(" ".repeat(shell.prompt().length() + 5) + "^\nsyntax error.\n", r.text());
    }
}
