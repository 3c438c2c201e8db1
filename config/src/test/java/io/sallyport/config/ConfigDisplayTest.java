package io.sallyport.config;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ConfigDisplayTest {

    static final String TEXT = """
        set services service-set S1 ipsec-vpn-options local-gateway 192.0.2.1
        set services service-set S1 ipsec-vpn-options no-anti-replay
        set services service-set S1 ipsec-vpn-rules [ r1 r2 ]
        set access profile p client * ike allowed-proxy-pair local 10.0.0.0/24 remote 10.0.1.0/24
        deactivate services service-set S1 ipsec-vpn-options no-anti-replay
        """;

    @Test
    void xmlHasNamedKeysFlagsAndInactive() throws ConfigSyntaxException {
        assertEquals("""
            <configuration>
                <access>
                    <profile>
                        <name>p</name>
                        <client>
                            <name>*</name>
                            <ike>
                                <allowed-proxy-pair>
                                    <local>10.0.0.0/24</local>
                                    <remote>10.0.1.0/24</remote>
                                </allowed-proxy-pair>
                            </ike>
                        </client>
                    </profile>
                </access>
                <services>
                    <service-set>
                        <name>S1</name>
                        <ipsec-vpn-options>
                            <local-gateway>
                                <address>192.0.2.1</address>
                            </local-gateway>
                            <no-anti-replay inactive="inactive"/>
                        </ipsec-vpn-options>
                        <ipsec-vpn-rules>r1</ipsec-vpn-rules>
                        <ipsec-vpn-rules>r2</ipsec-vpn-rules>
                    </service-set>
                </services>
            </configuration>
            """, ConfigDisplay.xml(ConfigText.parse(TEXT)));
    }

    @Test
    void jsonHasArraysForListsAndNullForFlags() throws ConfigSyntaxException {
        assertEquals("""
            {
                "configuration" : {
                    "access" : {
                        "profile" : [
                            {
                                "name" : "p",
                                "client" : [
                                    {
                                        "name" : "*",
                                        "ike" : {
                                            "allowed-proxy-pair" : [
                                                {
                                                    "local" : "10.0.0.0/24",
                                                    "remote" : "10.0.1.0/24"
                                                }
                                            ]
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
                                    "local-gateway" : {
                                        "address" : "192.0.2.1"
                                    },
                                    "no-anti-replay" : [null],
                                    "@no-anti-replay" : { "inactive" : true }
                                },
                                "ipsec-vpn-rules" : ["r1", "r2"]
                            }
                        ]
                    }
                }
            }
            """, ConfigDisplay.json(ConfigText.parse(TEXT)));
    }
}
