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

    private static final String ONLY_VRF = "Sallyport runs only instance-type vrf (a Linux routing table of its own);"
        + " this instance's interfaces and routes stay in the main table";

    /** The statements Sallyport stores but does not act on. */
    public static final List<String> STATEMENTS = List.of(
        "interfaces * services-options",
        "interfaces * unit * family inet service input post-service-filter",
        "interfaces * unit * family inet service input service-set * service-filter",
        "interfaces * unit * family inet service output service-set * service-filter",
        "protocols ospf export",
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
        "security pki ca-profile * source-address",
        "security pki ca-profile * routing-instance",
        "security pki trusted-ca-group *",
        "access profile * client * ppp",
        "access profile * client * l2tp",
        "services service-set * next-hop-service service-interface-pool",
        "services ipsec-vpn rule * term * then syslog",
        "services ipsec-vpn traceoptions no-remote-trace",
        "services ipsec-vpn traceoptions file match",
        "services ipsec-vpn clear-ike-sas-on-pic-restart",
        "services ipsec-vpn clear-ipsec-sas-on-pic-restart");

    /**
     * Statements that commit but whose tunnels cannot come up in Sallyport yet: each draws a
     * warning naming why. A pattern may end in a leaf's value ({@code protocol ah}: only that
     * value), or in {@code !leaf value}: the list entry lacks that statement (Junos's default
     * applies). One line per feature, removed when the feature lands.
     */
    public static final List<CannotWork> CANNOT_WORK = List.of(
        new CannotWork("routing-instances * instance-type forwarding", ONLY_VRF),
        new CannotWork("routing-instances * instance-type l2vpn", ONLY_VRF),
        new CannotWork("routing-instances * instance-type virtual-router", ONLY_VRF),
        new CannotWork("routing-instances * instance-type virtual-switch", ONLY_VRF),
        new CannotWork("routing-instances * instance-type vpls", ONLY_VRF),
        new CannotWork("protocols ospf area * interface * interface-type nbma",
            "OSPF nbma interfaces are not supported by Sallyport (no neighbor statements); OSPF does not run on this interface"),
        new CannotWork("protocols ospf area * interface * interface-type p2mp-over-lan",
            "OSPF p2mp-over-lan is not supported by Sallyport; OSPF does not run on this interface"),
        new CannotWork("services ipsec-vpn ike proposal * authentication-method dsa-signatures",
            "DSA signatures are not supported by Sallyport (use rsa-signatures or ecdsa-signatures-256|384);"
                + " tunnels using this proposal do not come up"),
        new CannotWork("services ipsec-vpn ipsec proposal * authentication-algorithm hmac-sha-256-96",
            "hmac-sha-256-96 (non-RFC truncation) is not implemented by Sallyport; tunnels using this proposal do not come up"),
        new CannotWork("services ipsec-vpn ipsec proposal * authentication-algorithm hmac-sha2-256",
            "hmac-sha2-256 is not implemented by Sallyport (use hmac-sha-256-128); tunnels using this proposal do not come up"),
        new CannotWork("services ipsec-vpn rule * term * then manual direction * authentication algorithm hmac-sha2-256",
            "hmac-sha2-256 is not implemented by Sallyport (use hmac-sha-256-128); this manual SA does not come up"),
        new CannotWork("services ipsec-vpn ipsec proposal * protocol ah",
            "AH is not supported by Sallyport (ESP only); tunnels using this proposal do not come up"),
        new CannotWork("services ipsec-vpn ipsec proposal * protocol bundle",
            "AH plus ESP bundles are not supported by Sallyport (ESP only); tunnels using this proposal do not come up"),
        new CannotWork("services ipsec-vpn rule * term * then manual direction * protocol ah",
            "AH is not supported by Sallyport (ESP only); this manual SA does not come up"),
        new CannotWork("services ipsec-vpn rule * term * then manual direction * protocol bundle",
            "AH plus ESP bundles are not supported by Sallyport (ESP only); this manual SA does not come up"),
        // What each predefined set holds is not established from Juniper's documentation, so
        // Sallyport proposes none of them rather than a guess.
        new CannotWork("services ipsec-vpn ipsec policy * proposal-set",
            "proposal-set is not supported by Sallyport (name the IPsec proposals with proposals [ ... ]);"
                + " tunnels using this policy do not come up"));

    /** A statement pattern (see {@link #CANNOT_WORK}) and what the warning says. */
    public record CannotWork(String pattern, String message) {
        List<String> words() { return List.of(pattern.split(" ")); }
    }

    private static final List<List<String>> PATTERNS = STATEMENTS.stream().map(s -> List.of(s.split(" "))).toList();

    private Unsupported() {}

    static void check(Node root, Findings f) {
        walk(root, Schema.root(), new ArrayList<>(), f);
        for (CannotWork c : CANNOT_WORK) {
            cannotWork(root, Schema.root(), c.words(), 0, new ArrayList<>(), c, f);
        }
    }

    /** Walks {@code pattern} from word {@code i} down the tree; warns at each configured match. */
    private static void cannotWork(Node node, SchemaNode schema, List<String> pattern, int i, List<String> level,
                                   CannotWork c, Findings f) {
        for (Node child : node.children()) {
            SchemaNode cs = Schema.named(schema.children(), child.name()).orElse(null);
            if (cs == null) continue;
            List<String> own = ownWords(child, cs);
            if (!prefixMatches(pattern, i, own)) continue;
            int next = i + own.size();
            List<String> rest = pattern.subList(next, pattern.size());
            if (rest.isEmpty()) {
                f.warning(level, String.join(" ", own), c.message());
            } else if (rest.size() == 2 && rest.getFirst().startsWith("!")) {
                String leaf = rest.getFirst().substring(1);
                if (!child.value(leaf).map(rest.get(1)::equals).orElse(false)) {
                    f.warning(level, String.join(" ", own), c.message());
                }
            } else if (rest.size() == 1 && cs instanceof SchemaNode.Leaf) {
                if (child.values().contains(rest.getFirst())) {
                    f.warning(level, String.join(" ", own) + " " + rest.getFirst(), c.message());
                }
            } else {
                List<String> deeper = new ArrayList<>(level);
                deeper.addAll(own);
                cannotWork(child, cs, pattern, next, deeper, c, f);
            }
        }
    }

    private static boolean prefixMatches(List<String> pattern, int from, List<String> words) {
        if (from + words.size() > pattern.size()) return false;
        for (int k = 0; k < words.size(); k++) {
            String p = pattern.get(from + k);
            if (!p.equals("*") && !p.equals(words.get(k))) return false;
        }
        return true;
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
