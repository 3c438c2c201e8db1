package io.sallyport.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sallyport.config.ConfigSyntaxException;
import io.sallyport.config.ConfigText;
import io.sallyport.config.Node;
import io.sallyport.config.Node.PathElement;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code | display xml} and {@code | display json}: lists, keyword keys, leaf-lists, flags, inactive. */
class ConfigDisplayTest {
    private static final String CONFIG = """
            interfaces {
                ms-1/2/0 {
                    unit 1 {
                        family inet;
                        service-domain inside;
                    }
                }
            }
            access {
                profile prof {
                    client * {
                        ike {
                            allowed-proxy-pair local 10.0.0.0/24 remote 10.1.0.0/24;
                            ike-policy pol;
                        }
                    }
                }
            }
            services {
                service-set S1 {
                    inactive: ipsec-vpn-options {
                        no-anti-replay;
                    }
                    ipsec-vpn-rules [ r1 r2 ];
                }
            }
            """;

    private static Node tree() throws ConfigSyntaxException {
        return ConfigText.parse(CONFIG);
    }

    @Test
    void xmlHasOneElementPerStatementAndKeysAsNameOrTheirOwnWords() throws ConfigSyntaxException {
        assertEquals("""
                <configuration>
                    <interfaces>
                        <interface>
                            <name>ms-1/2/0</name>
                            <unit>
                                <name>1</name>
                                <family>
                                    <inet/>
                                </family>
                                <service-domain>inside</service-domain>
                            </unit>
                        </interface>
                    </interfaces>
                    <access>
                        <profile>
                            <name>prof</name>
                            <client>
                                <name>*</name>
                                <ike>
                                    <allowed-proxy-pair>
                                        <local>10.0.0.0/24</local>
                                        <remote>10.1.0.0/24</remote>
                                    </allowed-proxy-pair>
                                    <ike-policy>pol</ike-policy>
                                </ike>
                            </client>
                        </profile>
                    </access>
                    <services>
                        <service-set>
                            <name>S1</name>
                            <ipsec-vpn-options inactive="inactive">
                                <no-anti-replay/>
                            </ipsec-vpn-options>
                            <ipsec-vpn-rules>r1</ipsec-vpn-rules>
                            <ipsec-vpn-rules>r2</ipsec-vpn-rules>
                        </service-set>
                    </services>
                </configuration>
                """, ConfigDisplay.xml(tree(), List.of()));
    }

    @Test
    void jsonGroupsListEntriesIntoArraysAndMarksFlagsAndInactive() throws ConfigSyntaxException {
        assertEquals("""
                {
                    "configuration" : {
                        "interfaces" : {
                            "interface" : [
                                {
                                    "name" : "ms-1/2/0",
                                    "unit" : [
                                        {
                                            "name" : "1",
                                            "family" : {
                                                "inet" : {}
                                            },
                                            "service-domain" : "inside"
                                        }
                                    ]
                                }
                            ]
                        },
                        "access" : {
                            "profile" : [
                                {
                                    "name" : "prof",
                                    "client" : [
                                        {
                                            "name" : "*",
                                            "ike" : {
                                                "allowed-proxy-pair" : [
                                                    {
                                                        "local" : "10.0.0.0/24",
                                                        "remote" : "10.1.0.0/24"
                                                    }
                                                ],
                                                "ike-policy" : "pol"
                                            }
                                        }
                                    ]
                                }
                            ]
                        },
                        "services" : {
                            "service-set" : [
                                {
                                    "name" : "S1",
                                    "ipsec-vpn-options" : {
                                        "@" : {
                                            "inactive" : true
                                        },
                                        "no-anti-replay" : [null]
                                    },
                                    "ipsec-vpn-rules" : ["r1", "r2"]
                                }
                            ]
                        }
                    }
                }
                """, ConfigDisplay.json(tree(), List.of()));
    }

    @Test
    void aLevelIsWrappedInItsAncestors() throws ConfigSyntaxException {
        List<PathElement> level = List.of(new PathElement("interfaces", null), new PathElement("interface", "ms-1/2/0"),
                new PathElement("unit", "1"));
        assertEquals("""
                <configuration>
                    <interfaces>
                        <interface>
                            <name>ms-1/2/0</name>
                            <unit>
                                <name>1</name>
                                <family>
                                    <inet/>
                                </family>
                                <service-domain>inside</service-domain>
                            </unit>
                        </interface>
                    </interfaces>
                </configuration>
                """, ConfigDisplay.xml(tree(), level));
        assertEquals("<configuration>\n</configuration>\n", ConfigDisplay.xml(tree(), List.of(new PathElement("system", null))));
    }

    @Test
    void textIsEscaped() throws ConfigSyntaxException {
        Node n = ConfigText.parse("interfaces { ge-0/0/0 { description \"a<b & \\\"c\\\"\"; } }");
        String xml = ConfigDisplay.xml(n, List.of());
        assertTrue(xml.contains("<description>a&lt;b &amp; \"c\"</description>"), xml);
        String json = ConfigDisplay.json(n, List.of());
        assertTrue(json.contains("\"description\" : \"a<b & \\\"c\\\"\""), json);
    }
}
