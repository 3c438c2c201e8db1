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

    /** Junos's {@code | resolve}: addresses become names, cut to the address's width unless full-names. */
    @Test
    void resolveReplacesAddressesByNamesKeepingColumns() {
        java.util.Map<String, String> names = java.util.Map.of("192.0.2.2", "gw-b", "198.51.100.7", "branch-router-seven.example.net");
        java.util.function.Function<String, java.util.Optional<String>> lookup = a -> java.util.Optional.ofNullable(names.get(a));
        java.util.List<String> lines = java.util.List.of("192.0.2.2       500   UP", "198.51.100.7    4500  UP",
                "203.0.113.9     500   UP", "route 192.0.2.0/24 and 10.0.0.1.5");
        assertEquals(java.util.List.of("gw-b       500   UP", "branch-route    4500  UP", "203.0.113.9     500   UP",
                "route 192.0.2.0/24 and 10.0.0.1.5"), new Pipeline.Resolve(false, lookup).apply(lines));
        assertEquals("branch-router-seven.example.net    4500  UP",
                new Pipeline.Resolve(true, lookup).apply(lines).get(1));
        Pipeline.Result parsed = Pipeline.parse("show services ipsec-vpn ike security-associations | resolve full-names");
        assertTrue(parsed.pipeline().filters().getFirst() instanceof Pipeline.Resolve r && r.fullNames(), parsed.toString());
        assertEquals("syntax error, expecting <full-names>: short-names", Pipeline.parse("show | resolve short-names").error());
        // An address the resolver has no name for stays as it is (the loopback name depends on the host).
        String out = ok("show | display set | resolve");
        assertTrue(out.contains("set services ipsec-vpn ike proposal p1 dh-group group14"), out);
    }
}
