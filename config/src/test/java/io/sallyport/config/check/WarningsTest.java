package io.sallyport.config.check;

import io.sallyport.config.ConfigPrinter;
import io.sallyport.config.ConfigSyntaxException;
import io.sallyport.config.ConfigText;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Warnings never fail a commit, and they say what is ignored or questionable. */
class WarningsTest {

    @Test
    void unsupportedStatementsWarnOncePerStatement() throws ConfigSyntaxException {
        CheckResult r = CommitCheck.check(ConfigText.parse("""
            set protocols ospf area 0.0.0.0 interface ge-0/0/0.0
            set protocols ospf reference-bandwidth 10g
            set protocols ospf export direct
            set services ipsec-vpn no-ipsec-tunnel-in-traceroute
            set services ipsec-vpn clear-ike-sas-on-pic-restart
            """));
        assertTrue(r.succeeded());
        // no-ipsec-tunnel-in-traceroute is acted on (the tunnel is not a hop), so it draws no warning.
        // OSPF areas, interfaces and reference-bandwidth run (FRR); export (policy-options) is not mapped, so it warns.
        assertEquals(List.of("export direct", "clear-ike-sas-on-pic-restart"),
            r.warnings().stream().map(Diagnostic::statement).toList());
        assertEquals("""
            [edit protocols ospf]
              'export direct'
                warning: statement is not supported by Sallyport yet; ignored
            """, r.warnings().getFirst().format());
        assertTrue(r.render().endsWith("configuration check succeeds\n"));
    }

    @Test
    void tcpMssIsActedOnSoItDrawsNoWarningAndPrintsAsTyped() throws ConfigSyntaxException {
        var config = ConfigText.parse("set services service-set S tcp-mss 1360\n");
        CheckResult r = CommitCheck.check(config);
        assertTrue(r.succeeded(), r.render());
        assertEquals(List.of(), r.warnings());
        assertTrue(ConfigPrinter.braces(config).contains("tcp-mss 1360;"), ConfigPrinter.braces(config));
        assertEquals("set services service-set S tcp-mss 1360\n", ConfigPrinter.setCommands(config));
    }

    @Test
    void ospfInterfaceTypesFrrCannotRunDrawAWarning() throws ConfigSyntaxException {
        CheckResult r = CommitCheck.check(ConfigText.parse("""
            set protocols ospf area 0.0.0.0 interface ge-0/0/0.0 interface-type nbma
            set protocols ospf area 0.0.0.0 interface ms-0/0/0.1 interface-type p2p
            """));
        assertTrue(r.succeeded(), r.render());
        assertEquals(List.of("interface-type nbma"), r.warnings().stream().map(Diagnostic::statement).toList());
    }

    @Test
    void gwInterfaceIsActedOnSoItDrawsNoWarning() throws ConfigSyntaxException {
        CheckResult r = CommitCheck.check(ConfigText.parse("""
            set interfaces ge-0/0/0 unit 0 family inet address 192.0.2.1/24
            set services service-set S ipsec-vpn-options local-gateway 192.0.2.1 gw-interface ge-0/0/0.0
            """));
        assertTrue(r.succeeded(), r.render());
        assertEquals(List.of(), r.warnings());
    }

    @Test
    void inactiveStatementsAreNotChecked() throws ConfigSyntaxException {
        CheckResult r = CommitCheck.check(ConfigText.parse("""
            set services service-set S ipsec-vpn-rules missing-rule
            set protocols ospf area 0.0.0.0
            deactivate services service-set S ipsec-vpn-rules
            deactivate protocols
            """));
        assertTrue(r.succeeded(), r.render());
        assertEquals(List.of(), r.warnings());
    }

    @Test
    void linkTypeTermOnAnotherInsideUnitDrawsAWarning() throws ConfigSyntaxException {
        CheckResult r = CommitCheck.check(ConfigText.parse("""
            set interfaces ms-1/2/0 unit 1 family inet
            set interfaces ms-1/2/0 unit 1 service-domain inside
            set interfaces ms-1/2/0 unit 2 family inet
            set interfaces ms-1/2/0 unit 2 service-domain outside
            set interfaces ms-1/2/0 unit 3 family inet
            set interfaces ms-1/2/0 unit 3 service-domain inside
            set services service-set S next-hop-service inside-service-interface ms-1/2/0.1
            set services service-set S next-hop-service outside-service-interface ms-1/2/0.2
            set services service-set S ipsec-vpn-options local-gateway 192.0.2.1
            set services service-set S ipsec-vpn-rules r
            set services ipsec-vpn rule r term t from ipsec-inside-interface ms-1/2/0.3
            set services ipsec-vpn rule r term t then remote-gateway 192.0.2.2
            set services ipsec-vpn rule r term t then dynamic ike-policy p
            set services ipsec-vpn rule r match-direction input
            set services ipsec-vpn ike policy p pre-shared-key ascii-text k
            """));
        assertTrue(r.succeeded(), r.render());
        assertEquals("""
            [edit services ipsec-vpn rule r term t from]
              'ipsec-inside-interface ms-1/2/0.3'
                warning: ipsec-inside-interface should be the service set's inside-service-interface (ms-1/2/0.1)
            """, r.warnings().getFirst().format());
    }
}
