package io.sallyport.config.model;

/** IKE policy {@code peer-certificate-type}. Keyed by the Junos keyword. */
public enum PeerCertificateType implements Keyword {
    PKCS7("pkcs7"),
    X509_SIGNATURE("x509-signature");

    private final String keyword;

    PeerCertificateType(String keyword) { this.keyword = keyword; }

    @Override public String keyword() { return keyword; }

    public static PeerCertificateType of(String keyword) { return Keyword.of(PeerCertificateType.class, keyword); }
}
