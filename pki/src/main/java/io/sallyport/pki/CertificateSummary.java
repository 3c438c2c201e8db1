package io.sallyport.pki;

import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;

/**
 * What {@code show security pki ...} prints about a certificate: public facts only (names,
 * dates, key size, fingerprints), never key material beyond the public key.
 *
 * @param issuer  attribute name ({@code common-name}, {@code organization-name}, ...) to value,
 *                in the certificate's order, named as the Junos XML tags are
 */
public record CertificateSummary(
        int version,
        String serialNumber,
        Map<String, String> issuer,
        Map<String, String> subject,
        String issuerText,
        String subjectText,
        String issuedTo,
        String issuedBy,
        Instant notBefore,
        Instant notAfter,
        String publicKeyAlgorithm,
        int publicKeyBits,
        List<String> publicKeyLines,
        String signatureAlgorithm,
        List<String> distributionCrls,
        List<String> keyUsages,
        List<String> alternateSubjects,
        String sha1Fingerprint,
        String md5Fingerprint,
        boolean selfSigned) {

    private static final Map<ASN1ObjectIdentifier, String> ATTRIBUTES = new LinkedHashMap<>();
    private static final Map<String, String> SIGNATURES = Map.of(
            "1.2.840.113549.1.1.5", "sha1WithRSAEncryption",
            "1.2.840.113549.1.1.11", "sha256WithRSAEncryption",
            "1.2.840.113549.1.1.12", "sha384WithRSAEncryption",
            "1.2.840.113549.1.1.13", "sha512WithRSAEncryption",
            "1.2.840.10045.4.1", "ecdsa-with-SHA1",
            "1.2.840.10045.4.3.2", "ecdsa-with-SHA256",
            "1.2.840.10045.4.3.3", "ecdsa-with-SHA384",
            "1.2.840.10045.4.3.4", "ecdsa-with-SHA512");
    private static final String[] KEY_USAGES = {"Digital signature", "Non repudiation", "Key encipherment",
        "Data encipherment", "Key agreement", "Certificate signing", "CRL signing", "Encipher only", "Decipher only"};

    static {
        ATTRIBUTES.put(BCStyle.O, "organization-name");
        ATTRIBUTES.put(BCStyle.OU, "organizational-unit-name");
        ATTRIBUTES.put(BCStyle.C, "country-name");
        ATTRIBUTES.put(BCStyle.ST, "state-or-province-name");
        ATTRIBUTES.put(BCStyle.L, "locality-name");
        ATTRIBUTES.put(BCStyle.CN, "common-name");
        ATTRIBUTES.put(BCStyle.EmailAddress, "email-address");
        ATTRIBUTES.put(BCStyle.DC, "domain-component");
    }

    public static CertificateSummary of(X509Certificate c) {
        X500Name issuer = X500Name.getInstance(c.getIssuerX500Principal().getEncoded());
        X500Name subject = X500Name.getInstance(c.getSubjectX500Principal().getEncoded());
        Map<String, String> issuerFields = fields(issuer);
        Map<String, String> subjectFields = fields(subject);
        byte[] der;
        try {
            der = c.getEncoded();
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException(e);
        }
        String keyAlg = KeyAlgorithm.ofKeyOrNull(c.getPublicKey()) == KeyAlgorithm.RSA ? "rsaEncryption" : "ecPublicKey";
        return new CertificateSummary(c.getVersion(), Fingerprints.colonHex(c.getSerialNumber().toByteArray()),
                issuerFields, subjectFields, text(issuer), text(subject), shortName(subject, c), shortName(issuer, null),
                c.getNotBefore().toInstant(), c.getNotAfter().toInstant(), keyAlg, KeyPairs.bits(c.getPublicKey()),
                keyLines(c.getPublicKey().getEncoded()), SIGNATURES.getOrDefault(c.getSigAlgOID(), c.getSigAlgName()),
                crlDistributionPoints(c), keyUsages(c), CertificateIdentity.altNames(c),
                Fingerprints.colonHex(Fingerprints.digest("SHA-1", der)), Fingerprints.colonHex(Fingerprints.digest("MD5", der)),
                c.getSubjectX500Principal().equals(c.getIssuerX500Principal()));
    }

    /** "Organization: juniper, Country: us" as §4.7 prints a name. */
    private static String text(X500Name name) {
        List<String> parts = new ArrayList<>();
        for (RDN rdn : name.getRDNs()) {
            for (AttributeTypeAndValue atv : rdn.getTypesAndValues()) {
                String label = switch (ATTRIBUTES.getOrDefault(atv.getType(), "")) {
                    case "organization-name" -> "Organization";
                    case "organizational-unit-name" -> "Organizational unit";
                    case "country-name" -> "Country";
                    case "state-or-province-name" -> "State";
                    case "locality-name" -> "Locality";
                    case "common-name" -> "Common name";
                    case "email-address" -> "Email";
                    case "domain-component" -> "Domain component";
                    default -> atv.getType().getId();
                };
                parts.add(label + ": " + IETFUtils.valueToString(atv.getValue()));
            }
        }
        return String.join(", ", parts);
    }

    private static Map<String, String> fields(X500Name name) {
        Map<String, String> out = new LinkedHashMap<>();
        for (RDN rdn : name.getRDNs()) {
            for (AttributeTypeAndValue atv : rdn.getTypesAndValues()) {
                String tag = ATTRIBUTES.get(atv.getType());
                if (tag != null) out.merge(tag, IETFUtils.valueToString(atv.getValue()), (a, b) -> a + ", " + b);
            }
        }
        return out;
    }

    /** "Issued to": the first DNS subjectAltName, else the CN, else the organization. */
    private static String shortName(X500Name name, X509Certificate c) {
        if (c != null) {
            List<String> dns = CertificateIdentity.altNames(c, 2);
            if (!dns.isEmpty()) return dns.getFirst();
        }
        for (ASN1ObjectIdentifier oid : List.of(BCStyle.CN, BCStyle.O)) {
            RDN[] rdns = name.getRDNs(oid);
            if (rdns.length > 0) return IETFUtils.valueToString(rdns[0].getFirst().getValue());
        }
        return name.toString();
    }

    private static List<String> keyLines(byte[] spki) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < spki.length; i += 20) {
            out.add(Fingerprints.colonHex(java.util.Arrays.copyOfRange(spki, i, Math.min(spki.length, i + 20))));
        }
        return out;
    }

    private static List<String> keyUsages(X509Certificate c) {
        boolean[] bits = c.getKeyUsage();
        List<String> out = new ArrayList<>();
        if (bits == null) return out;
        // Junos lists CRL and certificate signing first, as in §4.7.
        for (int i : new int[] {6, 5, 0, 1, 2, 3, 4, 7, 8}) {
            if (i < bits.length && bits[i]) out.add(KEY_USAGES[i]);
        }
        return out;
    }

    private static List<String> crlDistributionPoints(X509Certificate c) {
        byte[] ext = c.getExtensionValue(Extension.cRLDistributionPoints.getId());
        List<String> out = new ArrayList<>();
        if (ext == null) return out;
        try {
            CRLDistPoint points = CRLDistPoint.getInstance(ASN1OctetString.getInstance(ext).getOctets());
            for (DistributionPoint p : points.getDistributionPoints()) {
                DistributionPointName n = p.getDistributionPoint();
                if (n != null && n.getType() == DistributionPointName.FULL_NAME) {
                    for (GeneralName g : GeneralNames.getInstance(n.getName()).getNames()) out.add(g.getName().toString());
                }
            }
        } catch (IllegalArgumentException e) {
            out.add("(unreadable)");
        }
        return out;
    }
}
