package io.sallyport.config.check;

import io.sallyport.config.ConfigSyntaxException;
import io.sallyport.config.ConfigText;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Certificate statements commit without the "not supported" warning; the partial ones say what is ignored. */
class PkiRulesTest {

    @Test
    void certificateStatementsAreActedOn() throws ConfigSyntaxException {
        CheckResult r = CommitCheck.check(ConfigText.parse("""
            set security pki ca-profile entrust ca-identity entrust
            set security pki ca-profile entrust revocation-check crl url file:///var/lib/sallyport/entrust.crl
            set security pki ca-profile entrust revocation-check crl url http://ca.example.com/entrust.crl
            set security pki ca-profile entrust revocation-check crl refresh-interval 12
            set security pki ca-profile entrust revocation-check crl disable on-download-failure
            set services service-set S ipsec-vpn-options trusted-ca entrust
            set services service-set S ipsec-vpn-options no-certificate-chain-in-ike
            set services ipsec-vpn ike policy p version 2
            set services ipsec-vpn ike policy p local-certificate local-entrust2
            set services ipsec-vpn ike policy p local-id distinguished-name
            set services ipsec-vpn ike policy p peer-certificate-type x509-signature
            set services ipsec-vpn ike policy p certificate-policy-oids 2.5.29.32.0
            """));
        assertTrue(r.succeeded(), r.render());
        // ca-identity only names the CA to SCEP enrollment: stored, and the warning says so.
        assertEquals(List.of("ca-identity entrust: " + PkiRules.CA_IDENTITY),
            r.warnings().stream().map(d -> d.statement() + ": " + d.message()).toList());
    }

    @Test
    void partlySupportedStatementsWarn() throws ConfigSyntaxException {
        CheckResult r = CommitCheck.check(ConfigText.parse("""
            set security pki ca-profile entrust revocation-check crl url ldap://ca.example.com/cn=entrust
            set security pki ca-profile entrust enrollment url http://ca-1.example.com/cgi-bin/pkiclient.exe
            set services ipsec-vpn ike policy p peer-certificate-type pkcs7
            set services ipsec-vpn ike policy k version 2
            set services ipsec-vpn ike policy k local-id distinguished-name
            set services ipsec-vpn ike policy k pre-shared-key ascii-text secret
            """));
        assertTrue(r.succeeded(), r.render());
        List<String> statements = r.warnings().stream().map(d -> d.statement() + ": " + d.message()).toList();
        assertTrue(statements.contains("peer-certificate-type pkcs7: " + PkiRules.PKCS7_PEER_CERTIFICATE), statements.toString());
        assertTrue(statements.contains("url ldap://ca.example.com/cn=entrust: " + PkiRules.CRL_URL_UNREADABLE), statements.toString());
        assertTrue(statements.contains("local-id distinguished-name: " + PkiRules.DN_WITHOUT_CERTIFICATE), statements.toString());
        // Online enrollment (SCEP) is not done: the enrollment block is stored and ignored.
        assertTrue(statements.contains("enrollment: " + Unsupported.MESSAGE), statements.toString());
    }
}
