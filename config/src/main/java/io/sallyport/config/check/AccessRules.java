package io.sallyport.config.check;

import io.sallyport.config.Node;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** Constraints on {@code access profile ... client ... ike} (reference §1.7, §3.1 "Access profile"). */
final class AccessRules {

    static final String AGGRESSIVE = "Aggressive mode is not supported for dynamic endpoints";
    static final String POLICY_NO_AUTH = "Either 'pre-shared-key' or 'local-certificate' statement must be included in the referenced IKE policy";
    static final String DPD_WITHOUT_INITIATE = "[ edit access profile <*> client * ike initiate-dead-peer-detection ] must be set";
    static final String MIXED_CLIENTS = "All clients in one profile must be either PPP or L2TP or IKE";
    // Sallyport's own wording for rules the reference states without a message.
    static final String NEED_KEY_OR_POLICY = "Either pre-shared-key or ike-policy must be configured";
    static final String NEED_INTERFACE_ID = "interface-id must be configured: it selects the service units for dynamic peers";
    static final String NAMED_CLIENT = "Sallyport matches dynamic peers with client * only (the peer's identity and key select"
        + " the profile); this client is ignored";
    static final String INTERFACE_ID_UNDEFINED = "Referenced interface-id must be defined as dial-options ipsec-interface-id on an inside service unit";

    private AccessRules() {}

    static void check(Node root, Findings f) {
        Node vpn = root.child("services").flatMap(s -> s.child("ipsec-vpn")).orElse(Node.root());
        for (Node profile : root.child("access").map(a -> a.all("profile")).orElse(List.of())) {
            Set<String> kinds = new TreeSet<>();
            for (Node client : profile.all("client"))
                for (String kind : List.of("ike", "ppp", "l2tp")) if (client.has(kind)) kinds.add(kind);
            if (kinds.size() > 1) f.error(List.of("access"), "profile " + profile.key(), MIXED_CLIENTS);
            for (Node client : profile.all("client")) {
                Optional<Node> ikeNode = client.child("ike");
                if (ikeNode.isEmpty()) continue;
                Node ike = ikeNode.get();
                if (!client.key().equals("*")) f.warning(List.of("access", "profile", profile.key()), "client " + client.key(), NAMED_CLIENT);
                List<String> level = List.of("access", "profile", profile.key(), "client", client.key(), "ike");
                List<String> clientLevel = List.of("access", "profile", profile.key(), "client", client.key());
                ike.value("ike-policy").ifPresent(p -> {
                    Optional<Node> policy = vpn.child("ike").flatMap(i -> i.child("policy", p));
                    if (policy.isEmpty()) {
                        f.error(level, "ike-policy " + p, RuleRules.IKE_POLICY_UNDEFINED);
                        return;
                    }
                    if (policy.get().value("mode").equals(Optional.of("aggressive"))) f.error(level, "ike-policy " + p, AGGRESSIVE);
                    if (!policy.get().has("pre-shared-key") && !policy.get().has("local-certificate"))
                        f.error(level, "ike-policy " + p, POLICY_NO_AUTH);
                });
                ike.value("ipsec-policy").ifPresent(p -> {
                    if (vpn.child("ipsec").flatMap(i -> i.child("policy", p)).isEmpty())
                        f.error(level, "ipsec-policy " + p, RuleRules.IPSEC_POLICY_UNDEFINED);
                });
                if (!ike.has("pre-shared-key") && !ike.has("ike-policy")) f.error(clientLevel, "ike", NEED_KEY_OR_POLICY);
                if (ike.has("dead-peer-detection") && !ike.has("initiate-dead-peer-detection"))
                    f.error(level, "dead-peer-detection", DPD_WITHOUT_INITIATE);
                Optional<String> id = ike.value("interface-id");
                if (id.isEmpty()) {
                    f.error(clientLevel, "ike", NEED_INTERFACE_ID);
                } else if (!insideInterfaceIdExists(root, id.get())) {
                    f.error(level, "interface-id " + id.get(), INTERFACE_ID_UNDEFINED);
                }
            }
        }
    }

    private static boolean insideInterfaceIdExists(Node root, String id) {
        for (Node ifd : root.child("interfaces").map(i -> i.all("interface")).orElse(List.of())) {
            for (Node unit : ifd.all("unit")) {
                boolean match = unit.child("dial-options").flatMap(d -> d.value("ipsec-interface-id")).equals(Optional.of(id));
                if (match && unit.value("service-domain").equals(Optional.of("inside"))) return true;
            }
        }
        return false;
    }
}
