package io.sallyport.gateway.ops;

import io.sallyport.pki.CertificateSummary;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code show security pki ca-certificate | local-certificate | certificate-request} (reference
 * §4.7): text layouts and the {@code <x509-pki-certificate-info-list>} element tree.
 */
public final class PkiReport {

    /** One entry to show: a certificate (or request) under its identifier. */
    public record Entry(String identifier, String type, CertificateSummary certificate, String verification) { }

    /** A certificate request: no issuer, no validity. */
    public record RequestEntry(String identifier, String subject, String issuedTo, List<String> alternateSubjects,
            String publicKeyAlgorithm, int publicKeyBits, String verification) { }

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy MMM d", Locale.ENGLISH);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ENGLISH);

    private PkiReport() {}

    /** {@code 2005 Oct 18th, 23:54:22 GMT}. */
    public static String date(Instant at) {
        ZonedDateTime t = at.atZone(ZoneOffset.UTC);
        int d = t.getDayOfMonth();
        String suffix = d % 10 == 1 && d != 11 ? "st" : d % 10 == 2 && d != 12 ? "nd" : d % 10 == 3 && d != 13 ? "rd" : "th";
        return DATE.format(t) + suffix + ", " + TIME.format(t) + " GMT";
    }

    public static String text(List<Entry> entries, boolean detail) {
        StringBuilder out = new StringBuilder();
        for (Entry e : entries) {
            CertificateSummary c = e.certificate();
            out.append("Certificate identifier: ").append(e.identifier()).append('\n');
            if (!detail) {
                out.append("  Issued to: ").append(c.issuedTo()).append(", Issued by: ").append(c.issuedBy()).append('\n');
                validity(out, c);
                out.append("  Public key algorithm: ").append(c.publicKeyAlgorithm()).append('(').append(c.publicKeyBits()).append(" bits)\n");
                if (e.verification() != null) out.append("  Public key verification status: ").append(e.verification()).append('\n');
                continue;
            }
            out.append("  Certificate version: ").append(c.version()).append('\n');
            out.append("  Serial number: ").append(c.serialNumber()).append('\n');
            out.append("  Issuer:\n    ").append(c.issuerText()).append('\n');
            out.append("  Subject:\n    ").append(c.subjectText()).append('\n');
            if (!c.alternateSubjects().isEmpty()) {
                out.append("  Alternate subject: ").append(String.join(", ", c.alternateSubjects())).append('\n');
            }
            validity(out, c);
            out.append("  Public key algorithm: ").append(c.publicKeyAlgorithm()).append('(').append(c.publicKeyBits()).append(" bits)\n");
            for (String line : c.publicKeyLines()) out.append("    ").append(line).append('\n');
            out.append("  Signature algorithm: ").append(c.signatureAlgorithm()).append('\n');
            if (!c.distributionCrls().isEmpty()) {
                out.append("  Distribution CRL:\n");
                for (String d : c.distributionCrls()) out.append("    ").append(d).append('\n');
            }
            if (!c.keyUsages().isEmpty()) out.append("  Use for key: ").append(String.join(", ", c.keyUsages())).append('\n');
            out.append("  Fingerprint:\n");
            out.append("    ").append(c.sha1Fingerprint()).append(" (sha1)\n");
            out.append("    ").append(c.md5Fingerprint()).append(" (md5)\n");
            if (e.verification() != null) out.append("  Public key verification status: ").append(e.verification()).append('\n');
        }
        return out.toString();
    }

    private static void validity(StringBuilder out, CertificateSummary c) {
        out.append("  Validity:\n");
        out.append("    Not before: ").append(date(c.notBefore())).append('\n');
        out.append("    Not after: ").append(date(c.notAfter())).append('\n');
    }

    public static String requestsText(List<RequestEntry> entries, boolean detail) {
        StringBuilder out = new StringBuilder();
        for (RequestEntry r : entries) {
            out.append("Certificate identifier: ").append(r.identifier()).append('\n');
            out.append("  Issued to: ").append(r.issuedTo()).append('\n');
            if (detail) {
                out.append("  Subject:\n    ").append(r.subject()).append('\n');
                if (!r.alternateSubjects().isEmpty()) {
                    out.append("  Alternate subject: ").append(String.join(", ", r.alternateSubjects())).append('\n');
                }
            }
            out.append("  Public key algorithm: ").append(r.publicKeyAlgorithm()).append('(').append(r.publicKeyBits()).append(" bits)\n");
            out.append("  Public key verification status: ").append(r.verification()).append('\n');
        }
        return out.toString();
    }

    public static Element element(List<Entry> entries) {
        Element.Builder root = Element.builder("x509-pki-certificate-info-list");
        for (Entry e : entries) {
            CertificateSummary c = e.certificate();
            Element.Builder b = Element.builder("x509-certificate-info")
                    .leaf("identifier", e.identifier())
                    .leaf("version", c.version())
                    .add(Element.builder("serial-number-list").leaf("serial-number-x509", c.serialNumber()).build())
                    .add(Element.builder("issuer").add(names(c.issuer())).build())
                    .add(Element.builder("subject").add(names(c.subject())).build())
                    .add(Element.builder("issue-info").leaf("recipient", c.issuedTo()).leaf("issued-by", c.issuedBy()).build())
                    .add(Element.builder("validity").leaf("not-before", date(c.notBefore())).leaf("not-after", date(c.notAfter())).build())
                    .add(Element.builder("public-key").leaf("public-key-algorithm", c.publicKeyAlgorithm())
                            .leaf("public-key-length", c.publicKeyBits()).leaf("public-key-verification-status", e.verification()).build());
            Element.Builder contents = Element.builder("public-key-contents-list");
            c.publicKeyLines().forEach(l -> contents.leaf("key-contents", l));
            b.add(contents.build()).leaf("signature-algorithm", c.signatureAlgorithm());
            Element.Builder crls = Element.builder("distribution-crl-list");
            c.distributionCrls().forEach(d -> crls.leaf("distribution-crl", d));
            Element.Builder usages = Element.builder("key-usage-list");
            c.keyUsages().forEach(u -> usages.leaf("key-usage", u));
            Element.Builder alts = Element.builder("alternate-subject-list");
            c.alternateSubjects().forEach(a -> alts.leaf("alternate-subject", a));
            b.add(crls.build()).add(usages.build()).add(alts.build())
                    .add(Element.builder("fingerprint").leaf("fingerprint-content", c.sha1Fingerprint())
                            .leaf("fingerprint-hash-algorithm", "sha1").build())
                    .add(Element.builder("fingerprint").leaf("fingerprint-content", c.md5Fingerprint())
                            .leaf("fingerprint-hash-algorithm", "md5").build())
                    .leaf("certificate-type", e.type());
            if (e.type().equals("ca")) b.leaf("ca-profile", e.identifier());
            root.add(b.build());
        }
        return root.build();
    }

    public static Element requestsElement(List<RequestEntry> entries) {
        Element.Builder root = Element.builder("x509-pki-certificate-info-list");
        for (RequestEntry r : entries) {
            Element.Builder alts = Element.builder("alternate-subject-list");
            r.alternateSubjects().forEach(a -> alts.leaf("alternate-subject", a));
            root.add(Element.builder("x509-certificate-info")
                    .leaf("identifier", r.identifier())
                    .add(Element.builder("issue-info").leaf("recipient", r.issuedTo()).build())
                    .add(alts.build())
                    .add(Element.builder("public-key").leaf("public-key-algorithm", r.publicKeyAlgorithm())
                            .leaf("public-key-length", r.publicKeyBits())
                            .leaf("public-key-verification-status", r.verification()).build())
                    .leaf("certificate-type", "request")
                    .build());
        }
        return root.build();
    }

    private static Element names(Map<String, String> fields) {
        Element.Builder dn = Element.builder("distinguished-name");
        fields.forEach(dn::leaf);
        return dn.build();
    }
}
