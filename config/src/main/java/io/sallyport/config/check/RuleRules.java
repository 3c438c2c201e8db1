package io.sallyport.config.check;

import io.sallyport.config.Node;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static io.sallyport.config.check.Findings.at;
import static io.sallyport.config.check.Findings.leaf;

/** Constraints on {@code services ipsec-vpn rule ... term ...} and rule sets (reference §3.1 "Rules / terms"). */
final class RuleRules {

    static final String BACKUP_GW = "Backup remote gateway can be configured with dynamic security associations only";
    static final String NEED_OUTBOUND = "Outbound block must be configured";
    static final String NEED_INBOUND = "Inbound block must be configured";
    static final String BIDIRECTIONAL_ALONE = "Outbound or inbound blocks must not be configured";
    static final String AH_ENCRYPTION = "Encryption must not be defined for AH";
    static final String AH_AUTHENTICATION = "Authentication must be defined for AH";
    static final String ESP_EITHER = "Either authentication or encryption must be defined for ESP";
    static final String BUNDLE_AUX_SPI = "Auxiliary SPI must be defined for AH plus ESP bundle";
    static final String BUNDLE_ENCRYPTION = "Encryption must be defined for AH plus ESP bundle";
    static final String BUNDLE_AUTHENTICATION = "Authentication must be defined for AH plus ESP bundle";
    static final String AUX_SPI_NOT_BUNDLE = "Auxiliary SPI must be configured with protocol bundle only";
    static final String IKE_POLICY_UNDEFINED = "Referenced IKE policy must be defined under [edit services ipsec-vpn ike policy]";
    static final String IKE_POLICY_NO_AUTH = "Either pre-shared-key or local-certificate must be configured in the referencd ike policy";
    static final String ANY_REMOTE_ID_STATIC = "Referenced IKE policy can include 'any-remote-id' statement only in the DEP (dynamic endpoints         configuration) mode";
    static final String IPSEC_POLICY_UNDEFINED = "Referenced IPSec policy must be defined under [edit services ipsec-vpn ipsec policy]";
    static final String DPD_WITHOUT_INITIATE = "[ edit services ipsec-vpn rule <*> term <*> then initiate-dead-peer-detection ] must be set";
    static final String TTL = "TTL value cannot be configured with copy-ttl-from-inner-ip-header option";
    static final String TOS = "ToS value cannot be configured with copy-tos-from-inner-ip-header option";
    // Sallyport's own wording: YANG allows at most one prefix (max-elements 1) without a message.
    static final String ONE_PREFIX = "At most one prefix may be configured";
    // Sallyport's own: the seed's dynamic-peer example uses 0.0.0.0 with an IKE access profile, where
    // it means any peer the profile accepts; anywhere else IKE would be sent to the unspecified address.
    static final String DYNAMIC_REMOTE_GATEWAY =
        "remote-gateway 0.0.0.0 (a dynamic peer) needs ike-access-profile in every service set using this rule";

    private RuleRules() {}

    static void check(Node root, Findings f) {
        Node services = root.child("services").orElse(Node.root());
        Node vpn = services.child("ipsec-vpn").orElse(Node.root());
        Set<String> depRules = dynamicEndpointRules(services);
        Set<String> securityIpsecPolicies = new HashSet<>();
        root.child("security").flatMap(s -> s.child("ipsec")).ifPresent(i -> i.all("policy").forEach(p -> securityIpsecPolicies.add(p.key())));
        for (Node rule : vpn.all("rule")) {
            for (Node term : rule.all("term")) {
                List<String> termLevel = List.of("services", "ipsec-vpn", "rule", rule.key(), "term", term.key());
                term.child("from").ifPresent(from -> {
                    for (String dir : List.of("source-address", "destination-address")) {
                        from.child(dir).ifPresent(a -> {
                            List<Node> prefixes = a.all("prefix");
                            if (prefixes.size() > 1)
                                f.error(at(termLevel, "from", dir), prefixes.get(1).key(), ONE_PREFIX);
                        });
                    }
                });
                term.child("then").ifPresent(then -> then(vpn, then, at(termLevel, "then"), depRules.contains(rule.key()),
                    securityIpsecPolicies, f));
            }
        }
        for (Node rs : vpn.all("rule-set")) {
            for (Node r : rs.all("rule")) {
                if (vpn.child("rule", r.key()).isEmpty())
                    f.error(List.of("services", "ipsec-vpn", "rule-set", rs.key()), "rule " + r.key(), ServiceSetRules.RULE_UNDEFINED);
            }
        }
    }

    private static void then(Node vpn, Node then, List<String> level, boolean dep, Set<String> securityIpsecPolicies, Findings f) {
        if (then.has("backup-remote-gateway") && !then.has("dynamic")) f.error(level, leaf(then, "backup-remote-gateway"), BACKUP_GW);
        then.value("remote-gateway").filter(RuleRules::unspecified).filter(a -> !dep)
            .ifPresent(a -> f.error(level, "remote-gateway " + a, DYNAMIC_REMOTE_GATEWAY));
        then.child("manual").ifPresent(m -> manual(m, at(level, "manual"), f));
        then.child("dynamic").ifPresent(d -> {
            List<String> dl = at(level, "dynamic");
            d.value("ike-policy").ifPresent(p -> {
                Optional<Node> policy = vpn.child("ike").flatMap(i -> i.child("policy", p));
                if (policy.isEmpty()) {
                    f.error(dl, "ike-policy " + p, IKE_POLICY_UNDEFINED);
                    return;
                }
                if (!policy.get().has("pre-shared-key") && !policy.get().has("local-certificate"))
                    f.error(dl, "ike-policy " + p, IKE_POLICY_NO_AUTH);
                boolean any = policy.get().child("remote-id").map(r -> r.has("any-remote-id")).orElse(false);
                if (any && !dep) f.error(dl, "ike-policy " + p, ANY_REMOTE_ID_STATIC);
            });
            d.value("ipsec-policy").ifPresent(p -> {
                if (vpn.child("ipsec").flatMap(i -> i.child("policy", p)).isEmpty())
                    f.error(dl, "ipsec-policy " + p, IPSEC_POLICY_UNDEFINED);
                else if (securityIpsecPolicies.contains(p))
                    f.error(dl, "ipsec-policy " + p, ObjectRules.IPSEC_POLICY_TWICE);
            });
        });
        Exclusions.dfBits(then, level, f);
        Exclusions.antiReplay(then, level, f);
        if (then.has("dead-peer-detection") && !then.has("initiate-dead-peer-detection"))
            f.error(level, "dead-peer-detection", DPD_WITHOUT_INITIATE);
        if (then.has("ttl") && then.has("copy-ttl-from-inner-ip-header")) f.error(level, leaf(then, "ttl"), TTL);
        if (then.has("tos") && then.has("copy-tos-from-inner-ip-header")) f.error(level, leaf(then, "tos"), TOS);
    }

    private static void manual(Node manual, List<String> level, Findings f) {
        List<Node> dirs = manual.all("direction");
        boolean in = manual.child("direction", "inbound").isPresent();
        boolean out = manual.child("direction", "outbound").isPresent();
        boolean bi = manual.child("direction", "bidirectional").isPresent();
        if (in && !out) f.error(level, "direction inbound", NEED_OUTBOUND);
        if (out && !in) f.error(level, "direction outbound", NEED_INBOUND);
        if (bi && (in || out)) f.error(level, "direction bidirectional", BIDIRECTIONAL_ALONE);
        for (Node d : dirs) {
            List<String> dl = at(level, "direction", d.key());
            String protocol = d.value("protocol").orElse("");
            boolean auth = d.has("authentication");
            boolean enc = d.has("encryption");
            switch (protocol) {
                case "ah" -> {
                    if (enc) f.error(dl, "protocol ah", AH_ENCRYPTION);
                    if (!auth) f.error(dl, "protocol ah", AH_AUTHENTICATION);
                }
                case "esp" -> {
                    if (!auth && !enc) f.error(dl, "protocol esp", ESP_EITHER);
                }
                case "bundle" -> {
                    if (!d.has("auxiliary-spi")) f.error(dl, "protocol bundle", BUNDLE_AUX_SPI);
                    if (!enc) f.error(dl, "protocol bundle", BUNDLE_ENCRYPTION);
                    if (!auth) f.error(dl, "protocol bundle", BUNDLE_AUTHENTICATION);
                }
                default -> { }
            }
            if (d.has("auxiliary-spi") && !protocol.equals("bundle")) f.error(dl, leaf(d, "auxiliary-spi"), AUX_SPI_NOT_BUNDLE);
        }
    }

    /**
     * Rules used only by service sets with an IKE access profile (and by at least one): those may
     * accept any remote id, and their terms may name the dynamic peer as {@code remote-gateway 0.0.0.0}.
     */
    private static Set<String> dynamicEndpointRules(Node services) {
        Set<String> out = new HashSet<>();
        Set<String> staticUse = new HashSet<>();
        for (Node ss : services.all("service-set")) {
            boolean dep = ss.child("ipsec-vpn-options").map(o -> o.has("ike-access-profile")).orElse(false);
            (dep ? out : staticUse).addAll(ss.values("ipsec-vpn-rules"));
        }
        out.removeAll(staticUse);
        return out;
    }

    /** {@code 0.0.0.0} or {@code ::}: the address of no peer. */
    private static boolean unspecified(String address) {
        try {
            return java.net.InetAddress.ofLiteral(address).isAnyLocalAddress();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
