package io.sallyport.pki;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;

/**
 * Does an IKE identity belong to a certificate (RFC 7296 §3.5, RFC 4945 §3)? A distinguished
 * name must equal the subject; an FQDN, e-mail address or IP address must be one of the
 * subjectAltNames of that kind.
 */
public final class CertificateIdentity {

    /** The identity kinds a certificate can vouch for. */
    public enum Kind { DISTINGUISHED_NAME, FQDN, EMAIL, IPV4, IPV6 }

    private static final int SAN_EMAIL = 1;
    private static final int SAN_DNS = 2;
    private static final int SAN_IP = 7;

    private CertificateIdentity() {}

    /** Empty when the identity matches, else why not. */
    public static Optional<String> mismatch(X509Certificate cert, Kind kind, byte[] data) {
        String subject = ChainValidator.subject(cert);
        switch (kind) {
            case DISTINGUISHED_NAME -> {
                X500Principal id;
                try {
                    id = new X500Principal(data);
                } catch (IllegalArgumentException e) {
                    return Optional.of("ID_DER_ASN1_DN is not a valid DER distinguished name");
                }
                return id.equals(cert.getSubjectX500Principal()) ? Optional.empty()
                        : Optional.of("ID " + ChainValidator.name(id) + " is not the certificate subject " + subject);
            }
            case FQDN, EMAIL -> {
                String value = new String(data, StandardCharsets.US_ASCII);
                int type = kind == Kind.FQDN ? SAN_DNS : SAN_EMAIL;
                for (String san : altNames(cert, type)) {
                    if (san.toLowerCase(Locale.ROOT).equals(value.toLowerCase(Locale.ROOT))) return Optional.empty();
                }
                return Optional.of("ID " + value + " is not a subjectAltName of " + subject);
            }
            case IPV4, IPV6 -> {
                InetAddress id;
                try {
                    id = InetAddress.getByAddress(data);
                } catch (UnknownHostException e) {
                    return Optional.of("ID is not an IP address");
                }
                for (String san : altNames(cert, SAN_IP)) {
                    try {
                        if (InetAddress.ofLiteral(san).equals(id)) return Optional.empty();
                    } catch (IllegalArgumentException e) {
                        // not an address literal: skip it
                    }
                }
                return Optional.of("ID " + id.getHostAddress() + " is not a subjectAltName of " + subject);
            }
            default -> throw new IllegalArgumentException(kind.toString());
        }
    }

    /** The subjectAltNames of one GeneralName type (1 e-mail, 2 DNS, 7 IP) as text. */
    public static List<String> altNames(X509Certificate cert, int type) {
        try {
            Collection<List<?>> all = cert.getSubjectAlternativeNames();
            if (all == null) return List.of();
            return all.stream().filter(n -> ((Integer) n.get(0)) == type && n.get(1) instanceof String)
                    .map(n -> (String) n.get(1)).toList();
        } catch (CertificateParsingException e) {
            return List.of();
        }
    }

    /** Every subjectAltName we show, as text ({@code gw.example.net}, {@code 192.0.2.1}, ...). */
    public static List<String> altNames(X509Certificate cert) {
        try {
            Collection<List<?>> all = cert.getSubjectAlternativeNames();
            if (all == null) return List.of();
            return all.stream().filter(n -> n.get(1) instanceof String).map(n -> (String) n.get(1)).toList();
        } catch (CertificateParsingException e) {
            return List.of();
        }
    }
}
