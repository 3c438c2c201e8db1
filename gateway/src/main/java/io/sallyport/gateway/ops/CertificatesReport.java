package io.sallyport.gateway.ops;

import io.sallyport.pki.CertificateSummary;
import java.util.List;

/**
 * {@code show services ipsec-vpn certificates [detail]} (reference §4.6): each service set's
 * certificate cache, newest entry first. The reference has the brief layout only and no XML (the
 * command is not in the 24.4 RPC model): the detail lines and the element names are Sallyport's,
 * built from the {@code show security pki} field names of §4.7.
 */
public final class CertificatesReport {

    /** One cache entry: its number, {@code Root Trusted} or not, where it came from, and its public facts. */
    public record Entry(int number, boolean root, String origin, CertificateSummary certificate) {
        String flags() {
            return root ? "Root Trusted" : "Non-root Trusted";
        }
    }

    /** One service set's cache; {@code entries} newest first. */
    public record SetCache(String serviceSet, List<Entry> entries) {
        public SetCache {
            entries = List.copyOf(entries);
        }
    }

    private CertificatesReport() {}

    public static String text(List<SetCache> caches, boolean detail) {
        StringBuilder out = new StringBuilder();
        for (SetCache s : caches) {
            out.append("Service set: ").append(s.serviceSet()).append(", Total entries: ").append(s.entries().size()).append('\n');
            for (Entry e : s.entries()) {
                CertificateSummary c = e.certificate();
                out.append("  Certificate cache entry: ").append(e.number()).append('\n');
                out.append("    Flags: ").append(e.flags()).append('\n');
                out.append("    Issued to: ").append(c.issuedTo()).append(", Issued by: ").append(c.issuedBy()).append('\n');
                if (!c.alternateSubjects().isEmpty()) {
                    out.append("    Alternate subject: ").append(String.join(", ", c.alternateSubjects())).append('\n');
                }
                out.append("    Validity:\n");
                out.append("      Not before: ").append(PkiReport.date(c.notBefore())).append('\n');
                out.append("      Not after: ").append(PkiReport.date(c.notAfter())).append('\n');
                if (detail) {
                    out.append("    Cached from: ").append(e.origin()).append('\n');
                    out.append("    Serial number: ").append(c.serialNumber()).append('\n');
                    out.append("    Subject: ").append(c.subjectText()).append('\n');
                    out.append("    Issuer: ").append(c.issuerText()).append('\n');
                    out.append("    Public key algorithm: ").append(c.publicKeyAlgorithm()).append('(').append(c.publicKeyBits())
                            .append(" bits)\n");
                    out.append("    Signature algorithm: ").append(c.signatureAlgorithm()).append('\n');
                    out.append("    Fingerprint: ").append(c.sha1Fingerprint()).append(" (sha1)\n");
                }
            }
        }
        return out.toString();
    }

    public static Element element(List<SetCache> caches, boolean detail) {
        Element.Builder root = Element.builder("ipsec-certificate-cache-information");
        for (SetCache s : caches) {
            Element.Builder set = Element.builder("service-set-certificate-cache")
                    .leaf("service-set-name", s.serviceSet())
                    .leaf("total-entries", s.entries().size());
            for (Entry e : s.entries()) {
                CertificateSummary c = e.certificate();
                Element.Builder b = Element.builder("certificate-cache-entry")
                        .leaf("entry-number", e.number())
                        .leaf("certificate-flags", e.flags())
                        .add(Element.builder("issue-info").leaf("recipient", c.issuedTo()).leaf("issued-by", c.issuedBy()).build());
                Element.Builder alts = Element.builder("alternate-subject-list");
                c.alternateSubjects().forEach(a -> alts.leaf("alternate-subject", a));
                b.add(alts.build()).add(Element.builder("validity").leaf("not-before", PkiReport.date(c.notBefore()))
                        .leaf("not-after", PkiReport.date(c.notAfter())).build());
                if (detail) {
                    b.leaf("certificate-origin", e.origin())
                            .leaf("serial-number-x509", c.serialNumber())
                            .leaf("subject-name", c.subjectText())
                            .leaf("issuer-name", c.issuerText())
                            .add(Element.builder("public-key").leaf("public-key-algorithm", c.publicKeyAlgorithm())
                                    .leaf("public-key-length", c.publicKeyBits()).build())
                            .leaf("signature-algorithm", c.signatureAlgorithm())
                            .add(Element.builder("fingerprint").leaf("fingerprint-content", c.sha1Fingerprint())
                                    .leaf("fingerprint-hash-algorithm", "sha1").build());
                }
                set.add(b.build());
            }
            root.add(set.build());
        }
        return root.build();
    }
}
