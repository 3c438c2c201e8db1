package io.sallyport.pki;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;

/**
 * Distinguished names as users type them: RFC 4514 ({@code CN=a,O=b}), case-insensitive keys,
 * and the {@code ", "} separators strongSwan and Junos print.
 */
public final class DistinguishedNames {

    private DistinguishedNames() {}

    public static X500Name parse(String dn) {
        if (dn == null || dn.isBlank()) throw new IllegalArgumentException("empty subject");
        try {
            return new X500Name(BCStyle.INSTANCE, dn.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid subject '" + dn + "': " + e.getMessage(), e);
        }
    }

    /** The DER encoding of a DN, as an IKE ID_DER_ASN1_DN carries it. */
    public static byte[] der(String dn) {
        try {
            return parse(dn).getEncoded();
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("invalid subject '" + dn + "'", e);
        }
    }
}
