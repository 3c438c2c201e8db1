package io.sallyport.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Chains made with strongSwan's pki and openssl, validated with the JCA's PKIX validator. */
class ChainValidatorTest {

    private static final X509Certificate ROOT = Vectors.cert("root.pem");
    private static final X509Certificate INTER = Vectors.cert("inter.pem");
    private static final TrustedCa TRUST_ROOT = TrustedCa.withoutRevocation("root", ROOT);
    private static final TrustedCa ROOT_WITH_CRL = new TrustedCa("root", ROOT, true, List.of(Vectors.crl("inter.crl")), List.of());

    private static Validation validate(List<X509Certificate> chain, TrustedCa... trusted) {
        return ChainValidator.validate(chain, List.of(trusted), Vectors.NOW);
    }

    private static RefusalReason refused(Validation v) {
        return assertInstanceOf(Validation.Refused.class, v).reason();
    }

    @Test
    void endEntityThroughIntermediateToTrustedRoot() {
        Validation v = validate(List.of(Vectors.cert("gw.pem"), INTER), TRUST_ROOT);
        Validation.Valid ok = assertInstanceOf(Validation.Valid.class, v);
        assertEquals(List.of(Vectors.cert("gw.pem"), INTER), ok.path());
        assertEquals("root", ok.profile());
        // Order of the intermediates does not matter, and a root sent along is ignored.
        assertInstanceOf(Validation.Valid.class, validate(List.of(Vectors.cert("gw.pem"), ROOT, INTER), ROOT_WITH_CRL));
    }

    @Test
    void intermediateAsTheTrustedCa() {
        assertInstanceOf(Validation.Valid.class, validate(List.of(Vectors.cert("ec.pem")), TrustedCa.withoutRevocation("inter", INTER)));
    }

    @Test
    void missingIntermediateIsUntrusted() {
        assertEquals(RefusalReason.UNTRUSTED_CA, refused(validate(List.of(Vectors.cert("gw.pem")), TRUST_ROOT)));
    }

    @Test
    void expired() {
        Validation v = validate(List.of(Vectors.cert("expired.pem"), INTER), TRUST_ROOT);
        assertEquals(RefusalReason.EXPIRED, refused(v));
        assertTrue(((Validation.Refused) v).text().contains("CN=expired.example.net"), v.toString());
    }

    @Test
    void notYetValid() {
        Validation v = ChainValidator.validate(List.of(Vectors.cert("gw.pem"), INTER), List.of(TRUST_ROOT),
                Instant.parse("2025-06-01T00:00:00Z"));
        assertEquals(RefusalReason.NOT_YET_VALID, refused(v));
    }

    @Test
    void revokedOnlyWhenTheCrlIsChecked() {
        List<X509Certificate> chain = List.of(Vectors.cert("revoked.pem"), INTER);
        Validation v = validate(chain, ROOT_WITH_CRL);
        assertEquals(RefusalReason.REVOKED, refused(v));
        assertTrue(((Validation.Refused) v).text().contains("CN=revoked.example.net"));
        assertInstanceOf(Validation.Valid.class, validate(chain, TRUST_ROOT));
        // The other certificates of that CA are not on the CRL.
        assertInstanceOf(Validation.Valid.class, validate(List.of(Vectors.cert("gw.pem"), INTER), ROOT_WITH_CRL));
    }

    @Test
    void crlOfAnotherIssuerIsNotApplied() {
        // inter.crl names the revoked certificate's serial, but a CRL is only believed for its own issuer.
        TrustedCa other = new TrustedCa("other", Vectors.cert("other-root.pem"), true, List.of(Vectors.crl("inter.crl")), List.of());
        assertInstanceOf(Validation.Valid.class, validate(List.of(Vectors.cert("wrong.pem")), other));
    }

    @Test
    void unreadableCrlRefusesUnlessDisabledOnFailure() {
        java.net.URI missing = java.net.URI.create("file:///nonexistent.crl");
        java.time.Clock clock = java.time.Clock.fixed(Vectors.NOW, java.time.ZoneOffset.UTC);
        CrlDownload strict = new CrlDownload("root", missing, java.util.OptionalInt.empty(), false, CrlFetcher.defaults(), clock, Runnable::run);
        strict.loadIfNeverRead();
        TrustedCa failing = new TrustedCa("root", ROOT, true, List.of(), List.of(strict));
        assertEquals(RefusalReason.CRL_UNAVAILABLE, refused(validate(List.of(Vectors.cert("gw.pem"), INTER), failing)));
        CrlDownload tolerant = new CrlDownload("root", missing, java.util.OptionalInt.empty(), true, CrlFetcher.defaults(), clock, Runnable::run);
        tolerant.loadIfNeverRead();
        assertInstanceOf(Validation.Valid.class, validate(List.of(Vectors.cert("gw.pem"), INTER),
                new TrustedCa("root", ROOT, true, List.of(), List.of(tolerant))));
    }

    @Test
    void wrongCa() {
        Validation v = validate(List.of(Vectors.cert("wrong.pem")), TRUST_ROOT);
        assertEquals(RefusalReason.UNTRUSTED_CA, refused(v));
        assertTrue(((Validation.Refused) v).text().contains("Other Root CA"), v.toString());
        assertInstanceOf(Validation.Valid.class, validate(List.of(Vectors.cert("wrong.pem")), TRUST_ROOT,
                TrustedCa.withoutRevocation("other", Vectors.cert("other-root.pem"))));
    }

    @Test
    void endEntityCannotIssue() {
        Validation v = validate(List.of(Vectors.cert("fake-sub.pem"), Vectors.cert("gw.pem"), INTER), TRUST_ROOT);
        assertEquals(RefusalReason.NOT_A_CA, refused(v));
    }

    @Test
    void nothingPresentedOrNothingTrusted() {
        assertEquals(RefusalReason.NO_CERTIFICATE, refused(validate(List.of(), TRUST_ROOT)));
        assertEquals(RefusalReason.UNTRUSTED_CA, refused(validate(List.of(Vectors.cert("gw.pem"), INTER))));
    }
}
