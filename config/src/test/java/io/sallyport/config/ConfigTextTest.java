package io.sallyport.config;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigTextTest {

    static final String SMALL = """
        /* A services PIC
           with two units */
        interfaces {
            ms-1/2/0 {
                description "services PIC, slot 2";   # trailing comment
                unit 1 { family inet; service-domain inside; }
            }
        }
        services {
            service-set S1 {
                ipsec-vpn-options {
                    local-gateway 192.0.2.1 routing-instance wan;
                    trusted-ca [ ca1 ca2 ];
                }
                inactive: ipsec-vpn-rules r1;
            }
            ipsec-vpn {
                ike {
                    policy p1 {
                        pre-shared-key ascii-text "$9$secret with \\"quotes\\""; ## SECRET-DATA
                    }
                }
            }
        }
        """;

    @Test
    void readsCommentsQuotesListsAndInactive() throws ConfigSyntaxException {
        Node root = ConfigText.parse(SMALL);
        Node ss = root.child("services").flatMap(s -> s.child("service-set", "S1")).orElseThrow();
        Node lg = ss.child("ipsec-vpn-options").flatMap(o -> o.child("local-gateway")).orElseThrow();
        assertEquals("192.0.2.1", lg.value("address").orElseThrow());
        assertEquals("wan", lg.value("routing-instance").orElseThrow());
        assertEquals(List.of("ca1", "ca2"), ss.child("ipsec-vpn-options").orElseThrow().values("trusted-ca"));
        assertTrue(ss.child("ipsec-vpn-rules").orElseThrow().inactive());
        Node psk = root.child("services").flatMap(s -> s.child("ipsec-vpn")).flatMap(v -> v.child("ike"))
            .flatMap(i -> i.child("policy", "p1")).flatMap(p -> p.child("pre-shared-key")).orElseThrow();
        assertEquals("$9$secret with \"quotes\"", psk.value("ascii-text").orElseThrow());
        Node unit = root.child("interfaces").flatMap(i -> i.child("interface", "ms-1/2/0")).flatMap(d -> d.child("unit", "1")).orElseThrow();
        assertEquals("services PIC, slot 2", root.child("interfaces").flatMap(i -> i.child("interface", "ms-1/2/0"))
            .flatMap(d -> d.value("description")).orElseThrow());
        assertTrue(unit.child("family").flatMap(f -> f.child("inet")).isPresent());
    }

    @Test
    void aSlashStarCommentAnnotatesTheStatementAfterItAndOthersAreDropped() throws ConfigSyntaxException {
        Node root = ConfigText.parse("""
            system {
                /* one */
                /* two */
                host-name r1;   # dropped
                /* before a brace: annotates nothing */
            }
            services { service-set S1 { ipsec-vpn-options { /* the whole line */ local-gateway /* inside: dropped */ 192.0.2.1 routing-instance wan; } } }
            """);
        assertEquals("one\ntwo", root.at(List.of(new Node.PathElement("system", null), new Node.PathElement("host-name", null)))
            .orElseThrow().annotation());
        assertEquals("the whole line", root.child("services").flatMap(s -> s.child("service-set", "S1"))
            .flatMap(s -> s.child("ipsec-vpn-options")).flatMap(o -> o.child("local-gateway")).orElseThrow().annotation());
        assertEquals(root, ConfigText.parse(ConfigPrinter.braces(root)), "printed and read back unchanged");
        assertEquals(root.child("system").orElseThrow().withChildren(List.of()).annotation(), null);
        assertTrue(!ConfigPrinter.setCommands(root).contains("/*"), "the set form leaves annotations out");
    }

    @Test
    void printsTheJunosWay() throws ConfigSyntaxException {
        String printed = ConfigPrinter.braces(ConfigText.parse(SMALL));
        assertEquals("""
            /* A services PIC
               with two units */
            interfaces {
                ms-1/2/0 {
                    description "services PIC, slot 2";
                    unit 1 {
                        family inet;
                        service-domain inside;
                    }
                }
            }
            services {
                service-set S1 {
                    ipsec-vpn-options {
                        local-gateway 192.0.2.1 routing-instance wan;
                        trusted-ca [ ca1 ca2 ];
                    }
                    inactive: ipsec-vpn-rules r1;
                }
                ipsec-vpn {
                    ike {
                        policy p1 {
                            pre-shared-key ascii-text "$9$secret with \\"quotes\\""; ## SECRET-DATA
                        }
                    }
                }
            }
            """, printed);
    }

    @Test
    void printsSetCommandsWithDeactivateLast() throws ConfigSyntaxException {
        assertEquals("""
            set interfaces ms-1/2/0 description "services PIC, slot 2"
            set interfaces ms-1/2/0 unit 1 family inet
            set interfaces ms-1/2/0 unit 1 service-domain inside
            set services service-set S1 ipsec-vpn-options local-gateway 192.0.2.1
            set services service-set S1 ipsec-vpn-options local-gateway routing-instance wan
            set services service-set S1 ipsec-vpn-options trusted-ca ca1
            set services service-set S1 ipsec-vpn-options trusted-ca ca2
            set services service-set S1 ipsec-vpn-rules r1
            set services ipsec-vpn ike policy p1 pre-shared-key ascii-text "$9$secret with \\"quotes\\""
            deactivate services service-set S1 ipsec-vpn-rules
            """, ConfigPrinter.setCommands(ConfigText.parse(SMALL)));
    }

    @Test
    void setFormDeleteDeactivateActivate() throws ConfigSyntaxException {
        Node root = ConfigText.parse("""
            set services service-set S1 ipsec-vpn-rules [ r1 r2 r3 ]
            delete services service-set S1 ipsec-vpn-rules r2
            set services service-set S1 ipsec-vpn-options no-anti-replay
            deactivate services service-set S1 ipsec-vpn-options
            activate services service-set S1 ipsec-vpn-options
            deactivate services service-set S1 ipsec-vpn-rules
            """);
        Node ss = root.child("services").flatMap(s -> s.child("service-set", "S1")).orElseThrow();
        assertEquals(List.of("r1", "r3"), ss.values("ipsec-vpn-rules"));
        assertTrue(ss.child("ipsec-vpn-rules").orElseThrow().inactive());
        assertTrue(!ss.child("ipsec-vpn-options").orElseThrow().inactive());
    }

    @Test
    @DisplayName("a syntax error names line, column and the statement path")
    void syntaxErrorNamesLineColumnAndPath() {
        ConfigSyntaxException e = assertThrows(ConfigSyntaxException.class, () -> ConfigText.parse("""
            services {
                service-set S1 {
                    ipsec-vpn-options {
                        tunnel-mtu 99999;
                    }
                }
            }
            """));
        assertEquals(4, e.line());
        assertEquals(24, e.column());
        assertEquals("[edit services service-set S1 ipsec-vpn-options tunnel-mtu]", e.editPath());
        assertEquals("line 4, column 24: Value 99999 is not within range (256..9192) at "
            + "[edit services service-set S1 ipsec-vpn-options tunnel-mtu]", e.getMessage());
    }

    @Test
    void referenceBandwidthIsReadInBitsPerSecondWithThousandBasedSuffixes() throws ConfigSyntaxException {
        ConfigSyntaxException low = assertThrows(ConfigSyntaxException.class,
            () -> ConfigText.parse("set protocols ospf reference-bandwidth 9k"));
        assertTrue(low.getMessage().contains("Value 9k is not within range (9600..1000000000000)"), low.getMessage());
        ConfigSyntaxException high = assertThrows(ConfigSyntaxException.class,
            () -> ConfigText.parse("set protocols ospf reference-bandwidth 1001g"));
        assertTrue(high.getMessage().contains("Value 1001g is not within range (9600..1000000000000)"), high.getMessage());
        assertEquals(10_000_000_000L, io.sallyport.config.ValueType.Bandwidth.bitsPerSecond("10g"));
        assertEquals(9_600L, io.sallyport.config.ValueType.Bandwidth.bitsPerSecond("9600"));
        ConfigText.parse("set protocols ospf reference-bandwidth 1000g");
    }

    @Test
    void unknownStatementListsWhatIsAllowed() {
        ConfigSyntaxException e = assertThrows(ConfigSyntaxException.class,
            () -> ConfigText.parse("services { service-set S1 { next-hop-service { inside-interface ms-1/2/0.1; } } }"));
        assertEquals(1, e.line());
        assertEquals(48, e.column());
        assertEquals("syntax error: unknown statement 'inside-interface'; allowed here: inside-service-interface, "
            + "outside-service-interface, service-interface-pool", e.detail());
        assertEquals(List.of("services", "service-set", "S1", "next-hop-service"), e.path());
    }

    @Test
    void missingSemicolonAndBraceAreReported() {
        ConfigSyntaxException semi = assertThrows(ConfigSyntaxException.class,
            () -> ConfigText.parse("system {\n    host-name r1\n}\n"));
        assertEquals(2, semi.line());
        assertTrue(semi.detail().contains("missing ';' or '{'"), semi.getMessage());
        ConfigSyntaxException brace = assertThrows(ConfigSyntaxException.class,
            () -> ConfigText.parse("system {\n    host-name r1;\n"));
        assertTrue(brace.detail().contains("missing '}'"), brace.getMessage());
        ConfigSyntaxException extra = assertThrows(ConfigSyntaxException.class, () -> ConfigText.parse("system { }\n}\n"));
        assertEquals(2, extra.line());
    }

    @Test
    void enumValueErrorListsTheKeywords() {
        ConfigSyntaxException e = assertThrows(ConfigSyntaxException.class,
            () -> ConfigText.parse("set services ipsec-vpn ike proposal p dh-group group3"));
        assertEquals("Invalid value 'group3'; expected one of: group1, group2, group5, group14, group15, group16, "
            + "group19, group20, group24", e.detail());
        assertEquals(1, e.line());
        assertEquals(48, e.column());
    }

    @Test
    void setFormMissingValueAndUnknownVerb() {
        ConfigSyntaxException missing = assertThrows(ConfigSyntaxException.class,
            () -> ConfigText.parse("set services ipsec-vpn establish-tunnels\n"));
        assertTrue(missing.detail().startsWith("syntax error: missing (immediately | on-traffic | responder-only)"), missing.detail());
        ConfigSyntaxException verb = assertThrows(ConfigSyntaxException.class,
            () -> ConfigText.parse("set system host-name a\nshow system\n"));
        assertEquals(2, verb.line());
    }

    @Test
    void choiceMembersReplaceEachOther() throws ConfigSyntaxException {
        Node root = ConfigText.parse("""
            set services ipsec-vpn ike policy p pre-shared-key ascii-text abc
            set services ipsec-vpn ike policy p pre-shared-key hexadecimal 0a0b
            set services ipsec-vpn rule r term t then dynamic ike-policy p
            set services ipsec-vpn rule r term t then manual direction bidirectional spi 300
            """);
        Node psk = root.at(List.of(new Node.PathElement("services", null), new Node.PathElement("ipsec-vpn", null),
            new Node.PathElement("ike", null), new Node.PathElement("policy", "p"), new Node.PathElement("pre-shared-key", null))).orElseThrow();
        assertEquals(List.of("hexadecimal"), psk.children().stream().map(Node::name).toList());
        String text = ConfigPrinter.setCommands(root);
        assertTrue(!text.contains("dynamic") && text.contains("manual direction bidirectional spi 300"), text);
    }

    @Test
    void collapsedFamilyAndEmptyBlocksRead() throws ConfigSyntaxException {
        Node a = ConfigText.parse("interfaces { ge-0/0/0 { unit 0 { family inet { address 192.0.2.1/24; } } } }");
        Node b = ConfigText.parse("interfaces { ge-0/0/0 { unit 0 { family { inet { address 192.0.2.1/24; } } } } }");
        assertEquals(a, b);
        assertEquals(Node.root(), ConfigText.parse("services { ipsec-vpn { } }"));
        assertTrue(ConfigPrinter.braces(a).contains("family inet {"));
    }
}
