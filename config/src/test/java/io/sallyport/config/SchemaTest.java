package io.sallyport.config;

import io.sallyport.config.Schema.HelpEntry;
import io.sallyport.config.Schema.Takes;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SchemaTest {

    @Test
    void childrenOfGivesNamesHelpAndValueTypesForCompletion() throws ConfigSyntaxException {
        List<HelpEntry> h = Schema.childrenOf(List.of("services", "service-set", "S1", "ipsec-vpn-options"));
        HelpEntry keepalive = h.stream().filter(e -> e.name().equals("nat-keepalive")).findFirst().orElseThrow();
        assertEquals(Takes.VALUE, keepalive.takes());
        assertEquals("<1..300>", keepalive.valueType().placeholder());
        assertFalse(keepalive.help().isBlank());
        HelpEntry flag = h.stream().filter(e -> e.name().equals("no-anti-replay")).findFirst().orElseThrow();
        assertEquals(Takes.NOTHING, flag.takes());
        HelpEntry lg = h.stream().filter(e -> e.name().equals("local-gateway")).findFirst().orElseThrow();
        assertEquals(Takes.BLOCK, lg.takes());
        assertEquals(Takes.VALUE, Schema.childrenOf(List.of("services", "service-set", "S1", "ipsec-vpn-options", "local-gateway"))
            .getFirst().takes());
    }

    @Test
    void keylessListsShowTheirPlaceholder() throws ConfigSyntaxException {
        List<HelpEntry> h = Schema.childrenOf(List.of("interfaces"));
        assertEquals("<interface-name>", h.getFirst().name());
        assertEquals(Takes.KEY, h.getFirst().takes());
        List<HelpEntry> unit = Schema.childrenOf(List.of("interfaces", "ms-1/2/0", "unit", "1"));
        assertTrue(unit.stream().anyMatch(e -> e.name().equals("service-domain")
            && e.valueType().placeholder().equals("(inside | outside)")));
    }

    @Test
    void childrenOfAnUnknownPathSaysWhatIsAllowed() {
        ConfigSyntaxException e = assertThrows(ConfigSyntaxException.class,
            () -> Schema.childrenOf(List.of("services", "ipsec-vpm")));
        assertTrue(e.detail().contains("allowed here: service-set, ipsec-vpn"), e.detail());
    }

    @Test
    void everyStatementHasHelpAndEveryReferenceSectionIsPresent() throws ConfigSyntaxException {
        Deque<SchemaNode> todo = new ArrayDeque<>(Schema.root().children());
        int n = 0;
        while (!todo.isEmpty()) {
            SchemaNode s = todo.pop();
            assertFalse(s.help().isBlank(), "no help for " + s.name());
            todo.addAll(s.children());
            n++;
        }
        assertTrue(n > 250, "statements: " + n);
        for (List<String> path : List.of(
                List.of("services", "ipsec-vpn", "rule", "r", "term", "t", "then", "manual", "direction", "inbound", "authentication", "key"),
                List.of("services", "ipsec-vpn", "ike", "policy", "p", "remote-id", "distinguished-name"),
                List.of("services", "ipsec-vpn", "traceoptions", "file"),
                List.of("access", "profile", "a", "client", "*", "ike", "dead-peer-detection"),
                List.of("security", "pki", "ca-profile", "c", "revocation-check", "crl"),
                List.of("routing-instances", "vrf-a", "routing-options", "static"),
                List.of("policy-options", "policy-statement", "x", "then", "community"),
                List.of("protocols", "ospf", "area", "0.0.0.0", "interface", "ge-0/0/0.0"),
                List.of("interfaces", "ge-0/0/0", "unit", "0", "family", "inet", "service", "input", "service-set", "S1"),
                List.of("system"))) {
            assertFalse(Schema.childrenOf(path).isEmpty(), String.join(" ", path));
        }
    }

    @Test
    void expectTellsTheCliWhatComesNext() throws ConfigSyntaxException {
        Schema.Expectation value = Schema.expect(List.of("services", "service-set", "S1", "ipsec-vpn-options", "nat-keepalive"));
        assertEquals("<1..300>", ((Schema.Expectation.Value) value).type().placeholder());
        Schema.Expectation key = Schema.expect(List.of("services", "ipsec-vpn", "rule"));
        assertEquals("rule", ((Schema.Expectation.Value) key).statement());
        Schema.Expectation afterAddress = Schema.expect(List.of("services", "service-set", "S1", "ipsec-vpn-options",
            "local-gateway", "192.0.2.1"));
        List<String> names = ((Schema.Expectation.Statements) afterAddress).choices().stream().map(HelpEntry::name).toList();
        assertTrue(names.contains("routing-instance"), names.toString());
        Schema.Expectation done = Schema.expect(List.of("services", "ipsec-vpn", "establish-tunnels", "immediately"));
        assertEquals(List.of(), ((Schema.Expectation.Statements) done).choices());
        Schema.Expectation proxy = Schema.expect(List.of("access", "profile", "p", "client", "*", "ike", "allowed-proxy-pair",
            "local", "10.0.0.0/24"));
        assertEquals("remote", ((Schema.Expectation.Statements) proxy).choices().getFirst().name());
        assertThrows(ConfigSyntaxException.class, () -> Schema.expect(List.of("services", "ipsec-vpn", "establish-tunnels", "now", "x")));
    }
}
