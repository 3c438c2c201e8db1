package io.sallyport.cli;

import io.sallyport.config.Node;
import io.sallyport.config.Node.PathElement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Where the objects a statement refers to are defined, so {@code ?} and TAB after {@code
 * ike-policy}, {@code ipsec-policy}, {@code proposals}, {@code trusted-ca}, {@code
 * ipsec-vpn-rules}, {@code service-set} (applied on an interface) or {@code ike-access-profile}
 * list the names the candidate defines, and after {@code local-certificate} the certificates the
 * state directory holds. The schema says what type a value has, not what it refers to; this is
 * that knowledge, for the references the reference's statement tree has.
 */
final class References {
    /** No certificates known (help that only looks at a tree). */
    static final References NONE = new References(List::of);

    private final Supplier<List<String>> certificates;

    /** @param certificates the local certificate ids of the state directory's store */
    References(Supplier<List<String>> certificates) {
        this.certificates = certificates;
    }

    /**
     * The names {@code statement}, reached through {@code words} (the statement path from the
     * top), may refer to: the keys of the lists that define them in {@code tree}; none when
     * {@code statement} is not a reference.
     */
    List<String> defined(List<String> words, String statement, Node tree) {
        if (statement.equals("local-certificate")) return certificates.get();
        boolean ike = words.lastIndexOf("ike") > words.lastIndexOf("ipsec");
        List<List<String>> places = switch (statement) {
            case "ike-policy" -> List.of(List.of("services", "ipsec-vpn", "ike", "policy"), List.of("security", "ike", "policy"));
            case "ipsec-policy" -> List.of(List.of("services", "ipsec-vpn", "ipsec", "policy"), List.of("security", "ipsec", "policy"));
            case "proposals" -> ike
                    ? List.of(List.of("services", "ipsec-vpn", "ike", "proposal"), List.of("security", "ike", "proposal"))
                    : List.of(List.of("services", "ipsec-vpn", "ipsec", "proposal"), List.of("security", "ipsec", "proposal"));
            case "trusted-ca", "ca-profiles" -> List.of(List.of("security", "pki", "ca-profile"));
            case "ipsec-vpn-rules" -> List.of(List.of("services", "ipsec-vpn", "rule"));
            case "ipsec-vpn-rule-sets" -> List.of(List.of("services", "ipsec-vpn", "rule-set"));
            case "rule" -> words.contains("rule-set") ? List.of(List.of("services", "ipsec-vpn", "rule")) : List.of();
            case "service-set" -> !words.isEmpty() && !words.getFirst().equals("services")
                    ? List.of(List.of("services", "service-set")) : List.of();
            case "ike-access-profile" -> List.of(List.of("access", "profile"));
            default -> List.of();
        };
        List<String> names = new ArrayList<>();
        for (List<String> place : places) {
            List<PathElement> containers = place.subList(0, place.size() - 1).stream().map(n -> new PathElement(n, null)).toList();
            tree.at(containers).ifPresent(n -> n.all(place.getLast()).stream().map(Node::key).filter(k -> k != null && !names.contains(k))
                    .forEach(names::add));
        }
        return names;
    }
}
