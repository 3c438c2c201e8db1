package io.sallyport.pki;

import java.util.ArrayList;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/**
 * One {@code remote-id distinguished-name} entry and whether a peer's distinguished name fits it.
 * Values compare as RFC 4518 prepares them (case and inner spaces do not matter); the order of a
 * typed DN may be the DER order strongSwan prints or the reverse order of RFC 4514, both are tried.
 * <ul>
 * <li>{@code exact-match}: the same attributes in the same order, nothing more.
 * <li>{@code container}: the attributes appear in the peer's DN as one unbroken run, in order
 *     (the peer's DN may have more before or after).
 * <li>{@code wildcard}: each attribute appears in the peer's DN, in any order; an empty value
 *     ({@code CN=}) asks only that the peer's DN has that attribute.
 * </ul>
 */
public record DistinguishedNamePattern(Kind kind, String text, List<Attribute> attributes) {

    /** The three ways of {@code remote-id distinguished-name}, by their configuration keywords. */
    public enum Kind {
        CONTAINER("container"), WILDCARD("wildcard"), EXACT_MATCH("exact-match");

        private final String keyword;

        Kind(String keyword) {
            this.keyword = keyword;
        }

        public String keyword() {
            return keyword;
        }
    }

    /** One attribute: its type and its prepared value (empty in a wildcard: any value). */
    public record Attribute(ASN1ObjectIdentifier type, String value) { }

    public DistinguishedNamePattern {
        attributes = List.copyOf(attributes);
    }

    /** @throws IllegalArgumentException naming what is wrong with {@code text} */
    public static DistinguishedNamePattern parse(Kind kind, String text) {
        List<Attribute> attributes = new ArrayList<>();
        if (kind == Kind.WILDCARD) {
            // BC refuses an empty value, which a wildcard uses for "any": parse each part alone.
            for (String part : text.split("(?<!\\\\),")) {
                int eq = part.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("'" + part.trim() + "' is not ATTRIBUTE=VALUE");
                }
                ASN1ObjectIdentifier type = type(part.substring(0, eq).trim());
                String value = part.substring(eq + 1).trim();
                attributes.add(new Attribute(type, value.isEmpty() ? "" : flatten(DistinguishedNames.parse(part.trim())).getFirst().value()));
            }
        } else {
            attributes.addAll(flatten(DistinguishedNames.parse(text)));
        }
        if (attributes.isEmpty()) {
            throw new IllegalArgumentException("empty distinguished name");
        }
        return new DistinguishedNamePattern(kind, text, attributes);
    }

    public boolean matches(X500Principal peer) {
        List<Attribute> dn = flatten(X500Name.getInstance(peer.getEncoded()));
        return switch (kind) {
            case EXACT_MATCH -> dn.equals(attributes) || dn.equals(attributes.reversed());
            case CONTAINER -> run(dn, attributes) || run(dn, attributes.reversed());
            case WILDCARD -> attributes.stream().allMatch(a -> dn.stream()
                    .anyMatch(d -> d.type().equals(a.type()) && (a.value().isEmpty() || d.value().equals(a.value()))));
        };
    }

    @Override
    public String toString() {
        return kind.keyword() + " \"" + text + "\"";
    }

    private static boolean run(List<Attribute> dn, List<Attribute> wanted) {
        for (int i = 0; i + wanted.size() <= dn.size(); i++) {
            if (dn.subList(i, i + wanted.size()).equals(wanted)) return true;
        }
        return false;
    }

    private static List<Attribute> flatten(X500Name name) {
        List<Attribute> out = new ArrayList<>();
        for (RDN rdn : name.getRDNs()) {
            for (AttributeTypeAndValue atv : rdn.getTypesAndValues()) {
                out.add(new Attribute(atv.getType(), IETFUtils.canonicalize(IETFUtils.valueToString(atv.getValue()))));
            }
        }
        return out;
    }

    private static ASN1ObjectIdentifier type(String name) {
        try {
            return BCStyle.INSTANCE.attrNameToOID(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown attribute '" + name + "'", e);
        }
    }
}
