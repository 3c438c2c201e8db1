package io.sallyport.pki;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.PolicyInformation;

/** The certificatePolicies of a certificate ({@code certificate-policy-oids} of an IKE policy). */
public final class CertificatePolicies {

    private CertificatePolicies() {}

    /** The policy OIDs in dotted decimal; empty when the extension is absent or unreadable. */
    public static List<String> of(X509Certificate cert) {
        byte[] ext = cert.getExtensionValue(Extension.certificatePolicies.getId());
        List<String> out = new ArrayList<>();
        if (ext == null) return out;
        try {
            var seq = org.bouncycastle.asn1.ASN1Sequence.getInstance(ASN1OctetString.getInstance(ext).getOctets());
            for (var e : seq) out.add(PolicyInformation.getInstance(e).getPolicyIdentifier().getId());
        } catch (IllegalArgumentException e) {
            return List.of();
        }
        return out;
    }
}
