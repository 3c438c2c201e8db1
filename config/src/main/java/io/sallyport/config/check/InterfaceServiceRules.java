package io.sallyport.config.check;

import io.sallyport.config.Node;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * An interface-style service set acts only on the interfaces it is applied to ({@code family inet
 * service input|output service-set NAME}), in the direction of each rule's {@code match-direction}.
 * A rule whose direction the set is applied in nowhere does nothing: that draws a warning.
 */
final class InterfaceServiceRules {

    static final String APPLIED_NOWHERE = "service set is applied to no interface in this rule's match-direction"
        + " (family inet service %s service-set %s); its tunnels do nothing";

    private InterfaceServiceRules() {}

    static void check(Node root, Findings f) {
        Node services = root.child("services").orElse(Node.root());
        Node vpn = services.child("ipsec-vpn").orElse(Node.root());
        for (Node ss : services.all("service-set")) {
            if (!ss.has("interface-service")) continue;
            for (String rule : rulesOf(ss, vpn)) {
                String direction = vpn.child("rule", rule).flatMap(r -> r.value("match-direction")).orElse("input");
                if (!appliedIn(root, ss.key(), direction)) {
                    f.warning(List.of("services", "service-set", ss.key()), "ipsec-vpn-rules " + rule,
                        APPLIED_NOWHERE.formatted(direction, ss.key()));
                }
            }
        }
    }

    private static Set<String> rulesOf(Node ss, Node vpn) {
        Set<String> rules = new LinkedHashSet<>(ss.values("ipsec-vpn-rules"));
        for (String rs : ss.values("ipsec-vpn-rule-sets")) {
            vpn.child("rule-set", rs).ifPresent(set -> set.all("rule").forEach(r -> rules.add(r.key())));
        }
        return rules;
    }

    /** Whether some unit has {@code family inet service DIRECTION service-set NAME}. */
    static boolean appliedIn(Node root, String serviceSet, String direction) {
        List<Node> units = new ArrayList<>();
        root.child("interfaces").ifPresent(i -> i.all("interface").forEach(ifd -> units.addAll(ifd.all("unit"))));
        for (Node u : units) {
            boolean applied = u.child("family").flatMap(fam -> fam.child("inet")).flatMap(inet -> inet.child("service"))
                .flatMap(s -> s.child(direction)).map(d -> d.child("service-set", serviceSet).isPresent()).orElse(false);
            if (applied) return true;
        }
        return false;
    }
}
