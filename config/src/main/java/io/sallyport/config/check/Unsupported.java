package io.sallyport.config.check;

import io.sallyport.config.Node;
import io.sallyport.config.Schema;
import io.sallyport.config.SchemaNode;

import java.util.ArrayList;
import java.util.List;

/**
 * Statements the schema accepts but Sallyport does not act on yet. Each configured one draws a
 * warning, never silence. This list is the one place to shrink as the gateway learns features:
 * patterns are statement paths as typed, {@code *} standing for one name or value.
 */
public final class Unsupported {

    public static final String MESSAGE = "statement is not supported by Sallyport yet; ignored";

    /** The statements Sallyport stores but does not act on. */
    public static final List<String> STATEMENTS = List.of(
        "interfaces * services-options",
        "interfaces * unit * family inet service input post-service-filter",
        "interfaces * unit * family inet service input service-set * service-filter",
        "interfaces * unit * family inet service output service-set * service-filter",
        "protocols ospf",
        "policy-options",
        "routing-instances * vrf-import",
        "routing-instances * vrf-export",
        "routing-instances * vrf-target",
        "routing-instances * route-distinguisher",
        "interfaces * unit * dial-options l2tp-interface-id",
        "security ike",
        "security ipsec",
        "security traceoptions",
        "security pki traceoptions",
        "security pki trusted-ca-group",
        "security pki ca-profile * enrollment",
        "security pki ca-profile * administrator",
        "security pki ca-profile * revocation-check ocsp",
        "security pki ca-profile * revocation-check use-ocsp",
        "security pki ca-profile * revocation-check crl url * password",
        "security pki ca-profile * revocation-check crl refresh-interval",
        "access profile * client * ike reverse-route",
        "access profile * client * ppp",
        "access profile * client * l2tp",
        "services service-set * tcp-mss",
        "services service-set * ipsec-vpn-options local-gateway routing-instance",
        "services service-set * ipsec-vpn-options ike-access-profile",
        "services ipsec-vpn rule * term * then dynamic natt-install-interval",
        "services ipsec-vpn rule * term * then copy-ttl-from-inner-ip-header",
        "services ipsec-vpn rule * term * then tos",
        "services ipsec-vpn ike policy * respond-bad-spi",
        "services service-set * next-hop-service service-interface-pool",
        "services ipsec-vpn rule * term * then syslog",
        "services ipsec-vpn ipsec policy * proposal-set",
        "services ipsec-vpn traceoptions no-remote-trace",
        "services ipsec-vpn clear-ike-sas-on-pic-restart",
        "services ipsec-vpn clear-ipsec-sas-on-pic-restart");

    private static final List<List<String>> PATTERNS = STATEMENTS.stream().map(s -> List.of(s.split(" "))).toList();

    private Unsupported() {}

    static void check(Node root, Findings f) {
        walk(root, Schema.root(), new ArrayList<>(), f);
    }

    private static void walk(Node node, SchemaNode schema, List<String> words, Findings f) {
        for (Node child : node.children()) {
            SchemaNode cs = Schema.named(schema.children(), child.name()).orElse(null);
            if (cs == null) continue;
            List<String> own = ownWords(child, cs);
            List<String> path = new ArrayList<>(words);
            path.addAll(own);
            if (matches(path)) {
                String statement = String.join(" ", own);
                if (cs instanceof SchemaNode.Leaf && !child.values().isEmpty()) statement += " " + child.values().getFirst();
                if (cs instanceof SchemaNode.LeafList) statement = Findings.leafList(cs.name(), child.values());
                f.warning(words, statement, MESSAGE);
            } else {
                walk(child, cs, path, f);
            }
        }
    }

    private static List<String> ownWords(Node n, SchemaNode s) {
        if (s instanceof SchemaNode.ListNode l) {
            List<String> out = new ArrayList<>();
            if (!l.keyless()) out.add(n.name());
            out.addAll(List.of(n.key().split(" ")));
            return out;
        }
        return List.of(n.name());
    }

    private static boolean matches(List<String> path) {
        for (List<String> p : PATTERNS) {
            if (p.size() != path.size()) continue;
            boolean ok = true;
            for (int i = 0; i < p.size() && ok; i++) ok = p.get(i).equals("*") || p.get(i).equals(path.get(i));
            if (ok) return true;
        }
        return false;
    }
}
