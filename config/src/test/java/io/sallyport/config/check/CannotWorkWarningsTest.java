package io.sallyport.config.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sallyport.config.ConfigSyntaxException;
import io.sallyport.config.ConfigText;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Statements that commit but can never bring a tunnel up in Sallyport draw a warning each (issue 9 #6). */
class CannotWorkWarningsTest {

    private static List<String> warnings(String config) throws ConfigSyntaxException {
        CheckResult r = CommitCheck.check(ConfigText.parse(config));
        assertTrue(r.succeeded(), r.render());
        return r.warnings().stream().map(d -> d.editPath() + " " + d.statement() + ": " + d.message()).toList();
    }

    @Test
    void ikev1PoliciesInEitherModeCommitWithoutWarning() throws ConfigSyntaxException {
        List<String> w = warnings("""
            set services ipsec-vpn ike policy v1-default pre-shared-key ascii-text k
            set services ipsec-vpn ike policy v1-explicit version 1
            set services ipsec-vpn ike policy v1-explicit pre-shared-key ascii-text k
            set services ipsec-vpn ike policy v1-aggressive mode aggressive
            set services ipsec-vpn ike policy v1-aggressive pre-shared-key ascii-text k
            set services ipsec-vpn ike policy v2 version 2
            set services ipsec-vpn ike policy v2 pre-shared-key ascii-text k
            set services ipsec-vpn ike proposal rsa authentication-method rsa-signatures
            set services ipsec-vpn ike policy v1-certificates proposals rsa
            set services ipsec-vpn ike policy v1-certificates local-certificate router2
            """);
        assertEquals(List.of(), w);
    }

    @Test
    void dsaSignaturesAhAndBundleWarn() throws ConfigSyntaxException {
        List<String> w = warnings("""
            set services ipsec-vpn ike proposal cert authentication-method rsa-signatures
            set services ipsec-vpn ike proposal dsa authentication-method dsa-signatures
            set services ipsec-vpn ike proposal psk authentication-method pre-shared-keys
            set services ipsec-vpn ipsec proposal a protocol ah
            set services ipsec-vpn ipsec proposal b protocol bundle
            set services ipsec-vpn ipsec proposal e protocol esp
            """);
        assertEquals(List.of(
                "[edit services ipsec-vpn ike proposal dsa] authentication-method dsa-signatures: DSA signatures are not"
                        + " supported by Sallyport (use rsa-signatures or ecdsa-signatures-256|384); tunnels using this"
                        + " proposal do not come up",
                "[edit services ipsec-vpn ipsec proposal a] protocol ah: AH is not supported by Sallyport (ESP only);"
                        + " tunnels using this proposal do not come up",
                "[edit services ipsec-vpn ipsec proposal b] protocol bundle: AH plus ESP bundles are not supported by"
                        + " Sallyport (ESP only); tunnels using this proposal do not come up"), w);
    }

    @Test
    void proposalSetSaysItsTunnelsDoNotComeUp() throws ConfigSyntaxException {
        assertEquals(List.of("[edit services ipsec-vpn ipsec policy p] proposal-set: proposal-set is not supported by"
            + " Sallyport (name the IPsec proposals with proposals [ ... ]); tunnels using this policy do not come up"),
            warnings("set services ipsec-vpn ipsec policy p proposal-set standard\n"));
    }

    @Test
    void manualAhWarns() throws ConfigSyntaxException {
        List<String> w = warnings("""
            set services ipsec-vpn rule r term t then remote-gateway 192.0.2.2
            set services ipsec-vpn rule r term t then manual direction bidirectional protocol ah
            set services ipsec-vpn rule r term t then manual direction bidirectional spi 300
            set services ipsec-vpn rule r term t then manual direction bidirectional authentication algorithm hmac-sha1-96
            set services ipsec-vpn rule r term t then manual direction bidirectional authentication key hexadecimal 0123456789abcdef0123456789abcdef01234567
            set services ipsec-vpn rule r match-direction input
            """);
        assertEquals(1, w.size(), w::toString);
        assertTrue(w.getFirst().startsWith(
                "[edit services ipsec-vpn rule r term t then manual direction bidirectional] protocol ah: AH"), w::toString);
    }

    @Test
    void theReferenceExampleDrawsNone() throws ConfigSyntaxException {
        assertEquals(List.of(), warnings("""
            set services ipsec-vpn ike proposal p authentication-method pre-shared-keys
            set services ipsec-vpn ike policy k version 2
            set services ipsec-vpn ike policy k proposals p
            set services ipsec-vpn ike policy k pre-shared-key ascii-text k
            set services ipsec-vpn ipsec proposal i protocol esp
            """));
    }

    @Test
    void pkiStatementsThatCannotWorkWarn() throws ConfigSyntaxException {
        List<String> w = warnings("""
            set routing-instances vrf-a instance-type virtual-router
            set services ipsec-vpn ike policy p version 2
            set services ipsec-vpn ike policy p remote-id distinguished-name container O=Example
            set services ipsec-vpn ike proposal ec authentication-method ecdsa-signatures-256
            set services ipsec-vpn ike policy v1 proposals ec
            set services ipsec-vpn ike policy v1 local-certificate router2
            set services ipsec-vpn ipsec proposal h authentication-algorithm hmac-sha-256-96
            """);
        for (String statement : List.of("vrf-a] instance-type virtual-router",
                "p] remote-id distinguished-name: remote-id distinguished-name is checked against the peer's certificate",
                "proposal h] authentication-algorithm hmac-sha-256-96: hmac-sha-256-96 (non-RFC truncation)")) {
            assertTrue(w.stream().anyMatch(x -> x.contains(statement)), statement + " in " + w);
        }
        // IKEv1 signs with ECDSA too (RFC 4754): an IKEv1 policy with an ECDSA proposal draws no warning.
        assertTrue(w.stream().noneMatch(x -> x.contains("proposals ec")), w.toString());
    }

    /** Issue 12: dynamic endpoints are acted on; only what Sallyport does not do with them warns. */
    @Test
    void dynamicEndpointsCommitWithWarningsOnlyForWhatIsNotDone() throws ConfigSyntaxException {
        String base = """
            set interfaces sp-1/2/0 unit 1 family inet
            set interfaces sp-1/2/0 unit 1 service-domain inside
            set interfaces sp-1/2/0 unit 1 dial-options ipsec-interface-id TEST-intf
            set interfaces sp-1/2/0 unit 1 dial-options shared
            set interfaces sp-1/2/0 unit 2 family inet
            set interfaces sp-1/2/0 unit 2 service-domain outside
            set access profile P client * ike allowed-proxy-pair local 10.0.0.0/24 remote 10.0.1.0/24
            set access profile P client * ike pre-shared-key ascii-text k
            set access profile P client * ike interface-id TEST-intf
            set access profile P client * ike initiate-dead-peer-detection
            set access profile P client * ike dead-peer-detection interval 20
            set access profile P client * ike reverse-route
            set services service-set S next-hop-service inside-service-interface sp-1/2/0.1
            set services service-set S next-hop-service outside-service-interface sp-1/2/0.2
            set services service-set S ipsec-vpn-options local-gateway 192.0.2.1
            set services service-set S ipsec-vpn-options ike-access-profile P
            set services service-set S ipsec-vpn-options copy-dont-fragment-bit
            set services service-set S ipsec-vpn-rules r
            set services ipsec-vpn rule r term t then remote-gateway 0.0.0.0
            set services ipsec-vpn rule r term t then dynamic ike-policy k
            set services ipsec-vpn rule r match-direction input
            set services ipsec-vpn ike policy k pre-shared-key ascii-text k
            """;
        // IKEv1 (the Junos default for the profile's clients) and IKEv2 are both answered.
        assertEquals(List.of(), warnings(base));
        base += """
            set services ipsec-vpn ike policy k version 2
            set access profile P client * ike ike-policy k
            """;
        assertEquals(List.of(), warnings(base));
        List<String> w = warnings(base + """
            set access profile P client * ike respond-bad-spi 3
            set access profile P client * ike reverse-route preference 7
            set access profile P client branch1 ike pre-shared-key ascii-text other
            set access profile P client branch1 ike interface-id TEST-intf
            """);
        // respond-bad-spi and reverse-route preference are acted on (gateway); only the named client warns.
        assertEquals(1, w.size(), w.toString());
        assertTrue(w.getFirst().contains("P] client branch1: Sallyport matches dynamic peers with client * only"), w.toString());
        assertEquals(List.of(), warnings(base + "set services ipsec-vpn ike policy k respond-bad-spi 4\n"));
    }

    @Test
    void partlySupportedStatementsSayWhatHappens() throws ConfigSyntaxException {
        List<String> w = warnings("""
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
            set services ipsec-vpn rule r match-direction output
            set services ipsec-vpn ike policy p version 2
            set services ipsec-vpn ike policy p pre-shared-key ascii-text k
            set services ipsec-vpn ike policy p remote-id ipv4_addr [ 192.0.2.2 192.0.2.3 ]
            """);
        assertEquals(List.of(
                "[edit services ipsec-vpn ike policy p] remote-id: Sallyport accepts only the first identity of"
                        + " remote-id (ipv4_addr 192.0.2.2); the others are ignored",
                "[edit services ipsec-vpn rule r] match-direction output: a next-hop service set sees traffic entering"
                        + " its inside interface; Sallyport applies this rule as match-direction input"), w);
    }
}
