package io.sallyport.pki;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sallyport.pki.DistinguishedNamePattern.Kind;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.Test;

/** remote-id distinguished-name against the subject strongSwan's pki tool wrote: C=XX, O=Sallyport Test, CN=gw.example.net. */
class DistinguishedNamePatternTest {

    private static final X500Principal GW = Vectors.cert("gw.pem").getSubjectX500Principal();

    private static boolean matches(Kind kind, String text) {
        return DistinguishedNamePattern.parse(kind, text).matches(GW);
    }

    @Test
    void exactMatchInEitherOrderIgnoringCaseAndSpaces() {
        assertTrue(matches(Kind.EXACT_MATCH, "C=XX, O=Sallyport Test, CN=gw.example.net"));
        assertTrue(matches(Kind.EXACT_MATCH, "cn=GW.example.net,o=sallyport  test,c=xx"));
        assertFalse(matches(Kind.EXACT_MATCH, "O=Sallyport Test, CN=gw.example.net"));
        assertFalse(matches(Kind.EXACT_MATCH, "C=XX, O=Sallyport Test, CN=other.example.net"));
    }

    @Test
    void containerIsAnUnbrokenRunInOrder() {
        assertTrue(matches(Kind.CONTAINER, "C=XX, O=Sallyport Test"));
        assertTrue(matches(Kind.CONTAINER, "O=Sallyport Test, CN=gw.example.net"));
        assertTrue(matches(Kind.CONTAINER, "CN=gw.example.net, O=Sallyport Test"));
        assertFalse(matches(Kind.CONTAINER, "C=XX, CN=gw.example.net"), "not unbroken");
        assertFalse(matches(Kind.CONTAINER, "O=Sallyport Test, OU=VPN"));
    }

    @Test
    void wildcardIsEachAttributeInAnyOrderAndEmptyMeansAnyValue() {
        assertTrue(matches(Kind.WILDCARD, "CN=gw.example.net, C=XX"));
        assertTrue(matches(Kind.WILDCARD, "O=Sallyport Test, CN="));
        assertFalse(matches(Kind.WILDCARD, "O=Sallyport Test, OU="));
        assertFalse(matches(Kind.WILDCARD, "CN=other.example.net"));
    }

    @Test
    void malformedTextIsRefusedInWords() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DistinguishedNamePattern.parse(Kind.WILDCARD, "XYZ=1"))
                .getMessage().contains("unknown attribute 'XYZ'"));
        assertThrows(IllegalArgumentException.class, () -> DistinguishedNamePattern.parse(Kind.CONTAINER, "no equals sign"));
        assertThrows(IllegalArgumentException.class, () -> DistinguishedNamePattern.parse(Kind.WILDCARD, "CN"));
    }
}
