package io.sallyport.gateway.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sallyport.config.ConfigText;
import io.sallyport.config.check.CheckResult;
import io.sallyport.config.check.CommitCheck;
import io.sallyport.esp.DfPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Term-level anti-replay and DF statements against the service set's (issue 9 #3, #4), as the
 * seed's paragraphs say: the term overrides; set-level copy/set DF apply to dynamic-endpoint
 * tunnels only, so a static tunnel ignores them (and the commit warns).
 */
class TermOverridesTest {

    private static final String BASE = """
            set interfaces ge-0/0/0 unit 0 family inet address 192.0.2.1/24
            set interfaces ms-1/0/0 unit 1 family inet
            set interfaces ms-1/0/0 unit 1 service-domain inside
            set interfaces ms-1/0/0 unit 2 family inet
            set interfaces ms-1/0/0 unit 2 service-domain outside
            set services service-set S next-hop-service inside-service-interface ms-1/0/0.1
            set services service-set S next-hop-service outside-service-interface ms-1/0/0.2
            set services service-set S ipsec-vpn-options local-gateway 192.0.2.1
            set services service-set S ipsec-vpn-rules r
            set services ipsec-vpn rule r term t then remote-gateway 192.0.2.2
            set services ipsec-vpn rule r term t then dynamic ike-policy p
            set services ipsec-vpn rule r match-direction input
            set services ipsec-vpn ike policy p version 2
            set services ipsec-vpn ike policy p pre-shared-key ascii-text k
            """;

    private static CheckResult check(String extra) throws Exception {
        CheckResult r = CommitCheck.check(ConfigText.parse(BASE + extra));
        assertTrue(r.succeeded(), r.render());
        return r;
    }

    private static EspSettings esp(String extra) throws Exception {
        return new Planner(a -> true).plan(check(extra).configuration().orElseThrow()).tunnels().getFirst().esp();
    }

    private static String set(String statement) {
        return statement.isEmpty() ? "" : "set services service-set S ipsec-vpn-options " + statement + "\n";
    }

    private static String term(String statement) {
        return statement.isEmpty() ? "" : "set services ipsec-vpn rule r term t then " + statement + "\n";
    }

    @TestFactory
    Stream<DynamicTest> antiReplay() {
        record Row(String set, String term, int window) { }
        List<Row> rows = List.of(
                new Row("", "", 128),
                new Row("", "no-anti-replay", 0),
                new Row("", "anti-replay-window-size 512", 512),
                new Row("no-anti-replay", "", 0),
                new Row("no-anti-replay", "no-anti-replay", 0),
                // The seed: a term's window size re-enables anti-replay for that tunnel.
                new Row("no-anti-replay", "anti-replay-window-size 512", 512),
                new Row("anti-replay-window-size 256", "", 256),
                new Row("anti-replay-window-size 256", "no-anti-replay", 0),
                new Row("anti-replay-window-size 256", "anti-replay-window-size 512", 512));
        return rows.stream().map(r -> DynamicTest.dynamicTest("set [" + r.set() + "] term [" + r.term() + "]",
                () -> assertEquals(r.window(), esp(set(r.set()) + term(r.term())).replayWindow())));
    }

    @org.junit.jupiter.api.Test
    void tcpMssOfTheServiceSetReachesItsStaticTunnels() throws Exception {
        assertEquals(1360, esp("set services service-set S tcp-mss 1360\n").tcpMss());
        assertEquals(io.sallyport.esp.EspSa.NO_TCP_MSS, esp("").tcpMss());
    }

    @org.junit.jupiter.api.Test
    void nattInstallIntervalOfTheTermReachesItsKmdPeer() throws Exception {
        var withIt = new Planner(a -> true).plan(check(term("dynamic natt-install-interval 4")).configuration().orElseThrow());
        assertEquals(4, withIt.tunnels().getFirst().peer().orElseThrow().nattInstallIntervalSeconds());
        var without = new Planner(a -> true).plan(check("").configuration().orElseThrow());
        assertEquals(0, without.tunnels().getFirst().peer().orElseThrow().nattInstallIntervalSeconds());
        assertEquals(List.of(), check(term("dynamic natt-install-interval 4")).warnings(), "acted on: no warning");
    }

    @TestFactory
    Stream<DynamicTest> dontFragmentBitOnStaticTunnels() {
        List<String> statements = List.of("", "clear-dont-fragment-bit", "copy-dont-fragment-bit", "set-dont-fragment-bit");
        List<DynamicTest> tests = new ArrayList<>();
        for (String atSet : statements) {
            for (String atTerm : statements) {
                DfPolicy expected = switch (atTerm) {
                    case "clear-dont-fragment-bit" -> DfPolicy.CLEAR;
                    case "copy-dont-fragment-bit" -> DfPolicy.COPY;
                    case "set-dont-fragment-bit" -> DfPolicy.SET;
                    // No term statement: only a set-level clear reaches static tunnels.
                    default -> atSet.equals("clear-dont-fragment-bit") ? DfPolicy.CLEAR : DfPolicy.DEFAULT;
                };
                tests.add(DynamicTest.dynamicTest("set [" + atSet + "] term [" + atTerm + "] -> " + expected, () -> {
                    String extra = set(atSet) + term(atTerm);
                    assertEquals(expected, esp(extra).dfPolicy());
                    boolean warned = check(extra).warnings().stream().anyMatch(w -> w.statement().equals(atSet)
                            && w.message().contains("dynamic-endpoint tunnels only"));
                    assertEquals(atSet.startsWith("copy") || atSet.startsWith("set"), warned,
                            "set-level copy/set draws a warning");
                }));
            }
        }
        return tests.stream();
    }
}
