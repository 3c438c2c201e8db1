package io.sallyport.remote;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** crypt(3) hashes made by other tools: fixed vectors and, when installed, openssl passwd. */
class CredentialsTest {

    @Test
    void verifiesSha512CryptVectorsOfTheReferenceImplementation() {
        // Ulrich Drepper's SHA-crypt specification, test vectors 1 and 2 (SHA-512).
        assertTrue(Credentials.passwordMatches("Hello world!",
                "$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1"));
        assertTrue(Credentials.passwordMatches("Hello world!",
                "$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v."));
        assertFalse(Credentials.passwordMatches("Hello world",
                "$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1"));
    }

    @Test
    void verifiesWhatOpensslPasswdWrites() throws Exception {
        assumeTrue(RemoteFixture.installed("openssl"), "needs /usr/bin/openssl (Debian package openssl)");
        for (String flag : List.of("-6", "-5", "-1")) {
            String hash = RemoteFixture.run(List.of("openssl", "passwd", flag, "S3cret pass")).out().strip();
            assertTrue(Credentials.passwordMatches("S3cret pass", hash), flag + " " + hash);
            assertFalse(Credentials.passwordMatches("S3cret pas", hash), flag + " " + hash);
        }
    }

    @Test
    void refusesHashesItCannotVerify() {
        assertFalse(Credentials.passwordMatches("x", "x"));
        assertFalse(Credentials.passwordMatches("x", "$2y$10$abcdefghijklmnopqrstuv"));
        assertFalse(Credentials.passwordMatches("", ""));
    }
}
