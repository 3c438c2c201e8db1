package io.sallyport.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code insert ... before|after}, {@code wildcard delete}, {@code replace pattern} (issue 17 item 6). */
class OrderAndPatternTest {
    @TempDir
    Path state;

    private Shell shell;
    private final List<String> asked = new ArrayList<>();
    private Optional<Boolean> answer = Optional.empty();

    @BeforeEach
    void open() throws IOException {
        shell = new Shell(StoreSession.open(state, "alice"), new DaemonLink(state), "alice", "h")
                .confirmPrompt(question -> {
                    asked.add(question);
                    return answer;
                });
        ok("configure");
        ok("set services ipsec-vpn rule r1 term t1 then remote-gateway 192.0.2.1");
        ok("set services ipsec-vpn rule r1 term t2 then remote-gateway 192.0.2.2");
        ok("set services ipsec-vpn rule r1 term t3 then remote-gateway 192.0.2.3");
        ok("set services ipsec-vpn ike policy k1 proposals [ p1 p2 p3 ]");
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

    private List<String> terms() {
        return ok("top show services ipsec-vpn rule r1 | display set | match then").lines()
                .map(l -> l.replaceAll(".* term (t\\d) .*", "$1")).toList();
    }

    private List<String> proposals() {
        return ok("top show services ipsec-vpn ike policy k1 | display set").lines().map(l -> l.replaceAll(".* proposals ", "")).toList();
    }

    @Test
    void insertMovesATermBeforeOrAfterAnother() {
        ok("insert services ipsec-vpn rule r1 term t3 before term t1");
        assertEquals(List.of("t3", "t1", "t2"), terms());
        ok("edit services ipsec-vpn rule r1");
        ok("insert term t3 after term t2");
        assertEquals(List.of("t1", "t2", "t3"), terms());
    }

    @Test
    void insertMovesAProposalWithinItsOrderedList() {
        ok("insert services ipsec-vpn ike policy k1 proposals p3 before p1");
        assertEquals(List.of("p3", "p1", "p2"), proposals());
        ok("insert services ipsec-vpn ike policy k1 proposals p3 after p2");
        assertEquals(List.of("p1", "p2", "p3"), proposals());
    }

    @Test
    void refusedInsertsSayWhyAndChangeNothing() {
        String before = ok("show | display set");
        assertTrue(fails("insert services ipsec-vpn rule r1 term t9 before term t1").contains("statement not found"));
        assertTrue(fails("insert services ipsec-vpn rule r1 term t3 before term t9").contains("statement not found"));
        assertTrue(fails("insert services ipsec-vpn ike policy k1 proposals p3 before p9").contains("'p9' is not another value"));
        assertTrue(fails("insert services ipsec-vpn rule r1 term t3 term t1").endsWith("^\nsyntax error, expecting 'before' or 'after'.\n"));
        assertTrue(fails("insert services ipsec-vpn rule r1 before rule r2").contains("statement not found"));
        assertTrue(fails("insert services ipsec-vpn rule r1 term t3 before rule r1").endsWith("^\nsyntax error: unknown statement 'rule'; allowed here: term, match-direction\n"));
        assertTrue(fails("insert services ipsec-vpn rule r1 term t3 before term t3").contains("another 'term' entry"));
        assertTrue(fails("insert services ipsec-vpn ike before term t1").contains("only an entry of a list"));
        assertEquals(before, ok("show | display set"));
    }

    @Test
    void wildcardDeleteListsTheMatchesAndDeletesOnYes() {
        answer = Optional.of(true);
        ok("wildcard delete services ipsec-vpn rule r1 term t[12]");
        assertEquals("matched: t1\nmatched: t2\nDelete 2 objects? [yes,no] (no) ", asked.getFirst());
        assertEquals(List.of("t3"), terms());
        answer = Optional.of(false);
        ok("wildcard delete services ipsec-vpn rule r1 term t.*");
        assertEquals(List.of("t3"), terms(), "no keeps them");
        assertEquals("warning: no entries match 'x.*'\n", ok("wildcard delete services ipsec-vpn rule r1 term x.*"));
    }

    @Test
    void wildcardDeleteReachesKeylessListsAndRefusesWithoutAnAnswer() {
        ok("set interfaces ge-0/0/1 unit 0 family inet address 192.0.2.10/24");
        ok("set interfaces ge-0/0/2 unit 0 family inet address 198.51.100.10/24");
        ok("set interfaces xe-0/0/0 unit 0 family inet address 203.0.113.10/24");
        String error = fails("wildcard delete interfaces ge-.*");
        assertTrue(error.startsWith("matched: ge-0/0/1\nmatched: ge-0/0/2\nerror: wildcard delete asks"), error);
        answer = Optional.of(true);
        ok("wildcard delete interfaces ge-.*");
        assertEquals("set interfaces xe-0/0/0 unit 0 family inet address 203.0.113.10/24\n", ok("show interfaces | display set"));
        assertTrue(fails("wildcard delete services ipsec-vpn x.*").contains("names no list"));
        assertTrue(fails("wildcard remove interfaces ge.*").endsWith("^\nsyntax error.\n"));
    }

    @Test
    void replacePatternRewritesNamesAndValuesBelowTheLevel() {
        ok("edit services ipsec-vpn rule r1");
        ok("replace pattern 192\\.0\\.2\\.(\\d) with 198.51.100.\\1");
        String shown = ok("show | display set");
        assertTrue(shown.contains("term t1 then remote-gateway 198.51.100.1") && shown.contains("term t3 then remote-gateway 198.51.100.3"), shown);
        ok("replace pattern ^t with term- upto 2");
        assertEquals(List.of("term-1", "term-2", "t3"), ok("show | display set | match then").lines()
                .map(l -> l.replaceAll(".* term (\\S+) .*", "$1")).toList());
        assertEquals(List.of("p1", "p2", "p3"), proposals(), "outside the level: untouched");
        assertEquals("warning: no occurrences of 'zz' found\n", ok("replace pattern zz with yy"));
    }

    @Test
    void replacePatternRefusesResultsTheSchemaWouldNot() {
        String before = ok("show | display set");
        assertTrue(fails("replace pattern 192\\.0\\.2\\.\\d with not-an-address").contains("nothing was replaced"));
        assertTrue(fails("replace pattern t[12] with t3").contains("two statements one name"));
        assertTrue(fails("replace pattern x").endsWith("^\nsyntax error, expecting 'with'.\n"));
        assertTrue(fails("replace pattern x with y upto z").endsWith("^\nsyntax error.\n"));
        assertEquals(before, ok("show | display set"));
    }
}
