package io.sallyport.pki;

/** Why a peer's certificate is not accepted; {@link #text()} is what show output and traces say. */
public enum RefusalReason {
    NO_CERTIFICATE("peer sent no certificate"),
    EXPIRED("certificate expired"),
    NOT_YET_VALID("certificate not yet valid"),
    REVOKED("certificate revoked"),
    CRL_UNAVAILABLE("CRL unavailable"),
    UNTRUSTED_CA("certificate not issued by a trusted CA"),
    NOT_A_CA("issuer is not a CA"),
    BAD_SIGNATURE("certificate signature does not verify"),
    IDENTITY_MISMATCH("identity does not match the certificate"),
    INVALID("certificate path invalid");

    private final String text;

    RefusalReason(String text) { this.text = text; }

    public String text() { return text; }
}
