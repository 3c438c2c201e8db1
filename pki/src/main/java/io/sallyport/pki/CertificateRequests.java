package io.sallyport.pki;

import java.io.IOException;
import java.security.KeyPair;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/** PKCS#10 certificate requests (RFC 2986) for offline enrollment, built with Bouncy Castle. */
public final class CertificateRequests {

    /** {@code digest sha-1|sha-256|sha-384}: the hash of the request's self-signature. */
    public enum Digest {
        SHA_1("sha-1", "SHA1"), SHA_256("sha-256", "SHA256"), SHA_384("sha-384", "SHA384");

        private final String keyword;
        private final String jca;

        Digest(String keyword, String jca) {
            this.keyword = keyword;
            this.jca = jca;
        }

        public String keyword() { return keyword; }

        public static Digest of(String keyword) {
            for (Digest d : values()) {
                if (d.keyword.equals(keyword)) return d;
            }
            throw new IllegalArgumentException("unknown digest " + keyword + " (sha-1, sha-256 or sha-384)");
        }
    }

    private CertificateRequests() {}

    /**
     * A request for {@code subject} (an RFC 4514 DN such as {@code CN=router2.example.com,O=Example})
     * with the given subjectAltNames, signed by the key pair's private key. Returns the DER encoding.
     */
    public static byte[] create(KeyPair keys, String subject, List<SubjectAltName> altNames, Digest digest) {
        X500Name name = DistinguishedNames.parse(subject);
        try {
            JcaPKCS10CertificationRequestBuilder b = new JcaPKCS10CertificationRequestBuilder(name, keys.getPublic());
            if (!altNames.isEmpty()) {
                GeneralName[] names = altNames.stream().map(CertificateRequests::generalName).toArray(GeneralName[]::new);
                ExtensionsGenerator ext = new ExtensionsGenerator();
                ext.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
                b.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, ext.generate());
            }
            String alg = digest.jca + "with" + (KeyAlgorithm.ofKey(keys.getPrivate()) == KeyAlgorithm.RSA ? "RSA" : "ECDSA");
            PKCS10CertificationRequest request = b.build(new JcaContentSignerBuilder(alg).build(keys.getPrivate()));
            return request.getEncoded();
        } catch (IOException | OperatorCreationException e) {
            throw new IllegalStateException("cannot build the certificate request: " + e.getMessage(), e);
        }
    }

    private static GeneralName generalName(SubjectAltName n) {
        return switch (n) {
            case SubjectAltName.DnsName d -> new GeneralName(GeneralName.dNSName, d.name());
            case SubjectAltName.IpAddress a -> new GeneralName(GeneralName.iPAddress, a.address().getHostAddress());
            case SubjectAltName.Email e -> new GeneralName(GeneralName.rfc822Name, e.address());
        };
    }
}
