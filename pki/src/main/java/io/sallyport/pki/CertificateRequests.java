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

    /** What a stored request says about itself: subject, subjectAltNames, public key. */
    public record Info(String subject, String commonName, List<String> altNames, java.security.PublicKey publicKey) { }

    /** Reads a PEM or DER request. */
    public static Info info(byte[] file) {
        try {
            byte[] der = file;
            String text = new String(file, java.nio.charset.StandardCharsets.US_ASCII);
            if (text.contains("-----BEGIN")) {
                String b64 = text.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
                der = java.util.Base64.getDecoder().decode(b64);
            }
            var req = new org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest(der);
            List<String> alts = new java.util.ArrayList<>();
            for (var attr : req.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)) {
                var ext = org.bouncycastle.asn1.x509.Extensions.getInstance(attr.getAttrValues().getObjectAt(0));
                GeneralNames names = GeneralNames.fromExtensions(ext, Extension.subjectAlternativeName);
                if (names != null) {
                    for (GeneralName n : names.getNames()) {
                        alts.add(n.getTagNo() == GeneralName.iPAddress
                                ? java.net.InetAddress.getByAddress(org.bouncycastle.asn1.ASN1OctetString.getInstance(n.getName()).getOctets()).getHostAddress()
                                : n.getName().toString());
                    }
                }
            }
            X500Name subject = req.getSubject();
            var cn = subject.getRDNs(org.bouncycastle.asn1.x500.style.BCStyle.CN);
            String common = cn.length > 0 ? org.bouncycastle.asn1.x500.style.IETFUtils.valueToString(cn[0].getFirst().getValue())
                    : subject.toString();
            return new Info(subject.toString(), common, alts, req.getPublicKey());
        } catch (IOException | java.security.GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("not a certificate request: " + e.getMessage(), e);
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
