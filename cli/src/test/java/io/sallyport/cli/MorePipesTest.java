package io.sallyport.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code | last N}, {@code | find RE}, {@code | trim N} (issue 17 item 8), driven through the shell. */
class MorePipesTest {
    @TempDir
    Path state;

    private Shell shell;

    @BeforeEach
    void open() throws IOException {
        shell = new Shell(StoreSession.open(state, "alice"), new DaemonLink(state), "alice", "h");
        ok("configure");
        ok("set system host-name r1");
        ok("set services ipsec-vpn ike proposal p1 dh-group group14");
        ok("set services ipsec-vpn ike proposal p2 dh-group group19");
    }

    private String ok(String line) {
        Reply r = shell.execute(line);
        assertEquals(Reply.Status.OK, r.status(), () -> "'" + line + "' failed:\n" + r.text());
        return r.text();
    }

    @Test
    void lastFindAndTrimFilterTheOutputInOrder() {
        String set = ok("show | display set");
        assertEquals(3, set.lines().count(), set);
        assertEquals("set services ipsec-vpn ike proposal p2 dh-group group19\n", ok("show | display set | last 1"));
        assertEquals(set, ok("show | display set | last 99"));
        assertEquals("set services ipsec-vpn ike proposal p1 dh-group group14\nset services ipsec-vpn ike proposal p2 dh-group group19\n",
                ok("show | display set | find proposal"));
        assertEquals("", ok("show | display set | find nowhere"));
        assertEquals("system host-name r1\n", ok("show | display set | match host | trim 4"));
        assertEquals("host-name r1\n", ok("show | display set | last 3 | match host | trim 11"));
        assertEquals("Count: 2 lines\n", ok("show | display set | find ipsec | count"));
    }

    @Test
    void operationalShowConfigurationTakesThemToo() {
        ok("commit and-quit");
        assertEquals("}\n", ok("show configuration | last 1"));
        String found = ok("sh conf | d s | f host");
        assertTrue(found.startsWith("set system host-name r1\n"), "abbreviated: " + found);
    }

    @Test
    void aMissingOrBadCountIsASyntaxError() {
        for (String line : new String[] {"show | last", "show | last x", "show | last 0", "show | trim", "show | trim 2 3", "show | find"}) {
            Reply r = shell.execute(line);
            assertTrue(r.failed() && r.text().startsWith("syntax error"), line + " -> " + r.text());
        }
        assertTrue(shell.help("show | ").stream().anyMatch(h -> h.word().equals("trim")));
        assertEquals("<number>", shell.help("show | last ").getFirst().word());
    }
}
