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
    void partlySupportedStatementsWarn() throws ConfigSyntaxException {
        CheckResult r = CommitCheck.check(ConfigText.parse("""
            set security pki ca-profile entrust revocation-check crl url http://ca.example.com/entrust.crl
            set security pki ca-profile entrust enrollment url http://ca-1.example.com/cgi-bin/pkiclient.exe
            set services ipsec-vpn ike policy p peer-certificate-type pkcs7
            """));
        assertTrue(r.succeeded(), r.render());
        assertEquals(List.of(PkiRules.PKCS7_PEER_CERTIFICATE, PkiRules.CRL_URL_NOT_FILE, Unsupported.MESSAGE),
            r.warnings().stream().map(Diagnostic::message).toList());
        assertEquals("url http://ca.example.com/entrust.crl", r.warnings().get(1).statement());
    }
}
