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
            """);
        assertEquals(List.of(), w);
    }

    @Test
    void certificateAuthenticationAhAndBundleWarn() throws ConfigSyntaxException {
        List<String> w = warnings("""
            set services ipsec-vpn ike proposal cert authentication-method rsa-signatures
            set services ipsec-vpn ike proposal psk authentication-method pre-shared-keys
            set services ipsec-vpn ipsec proposal a protocol ah
            set services ipsec-vpn ipsec proposal b protocol bundle
            set services ipsec-vpn ipsec proposal e protocol esp
            """);
        assertEquals(List.of(
                "[edit services ipsec-vpn ike proposal cert] authentication-method rsa-signatures: certificate"
                        + " authentication is not supported by Sallyport yet; tunnels using this proposal do not come up",
                "[edit services ipsec-vpn ipsec proposal a] protocol ah: AH is not supported by Sallyport (ESP only);"
                        + " tunnels using this proposal do not come up",
                "[edit services ipsec-vpn ipsec proposal b] protocol bundle: AH plus ESP bundles are not supported by"
                        + " Sallyport (ESP only); tunnels using this proposal do not come up"), w);
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
}
