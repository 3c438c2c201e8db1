package io.sallyport.config.check;

import io.sallyport.config.Node;

import java.util.List;
import java.util.Optional;

import static io.sallyport.config.check.Findings.at;

/**
 * Interfaces, routing and policy references: dial-options rules of reference §3.1, and Sallyport's
 * own checks that names used elsewhere (units, service sets, policies, communities) are defined.
 */
final class TopologyRules {

    static final String INTERFACE_ID_INSIDE = "ipsec-interface-id must be defined only on the inside unit";
    static final String DIAL_FAMILY = "Family must be defined for a unit with dial-options";
    static final String L2TP_WITH_DOMAIN = "L2TP dial-options and service-domain must not be defined on the same unit";
    static final String SERVICE_SET_UNDEFINED = "Referenced service-set must be defined under [edit services service-set]";
    static final String INTERFACE_UNDEFINED = "Referenced interface must be defined under [edit interfaces]";
    static final String POLICY_UNDEFINED = "Referenced policy must be defined under [edit policy-options policy-statement]";
    static final String COMMUNITY_UNDEFINED = "Referenced community must be defined under [edit policy-options community]";
    static final String VRF_RD = "route-distinguisher must be configured for instance-type vrf";
    static final String VRF_TARGET = "vrf-target or both vrf-import and vrf-export must be configured for instance-type vrf";

    private TopologyRules() {}

    static void check(Node root, Findings f) {
        interfaces(root, f);
        routes(root, root.child("routing-options").orElse(Node.root()), List.of("routing-options"), f);
        Node policyOptions = root.child("policy-options").orElse(Node.root());
        for (Node ri : root.child("routing-instances").map(r -> r.all("instance")).orElse(List.of())) {
            List<String> level = List.of("routing-instances", ri.key());
            for (Node i : ri.all("interface"))
                if (Interfaces.unit(root, i.key()).isEmpty()) f.error(level, "interface " + i.key(), INTERFACE_UNDEFINED);
            for (String dir : List.of("vrf-import", "vrf-export"))
                for (String p : ri.values(dir))
                    if (policyOptions.child("policy-statement", p).isEmpty()) f.error(level, dir + " " + p, POLICY_UNDEFINED);
            if (ri.value("instance-type").equals(Optional.of("vrf"))) {
                if (!ri.has("route-distinguisher")) f.error(level, "instance-type vrf", VRF_RD);
                boolean target = ri.has("vrf-target") || (ri.has("vrf-import") && ri.has("vrf-export"));
                if (!target) f.error(level, "instance-type vrf", VRF_TARGET);
            }
            ri.child("routing-options").ifPresent(ro -> routes(root, ro, at(level, "routing-options"), f));
        }
        for (Node ps : policyOptions.all("policy-statement")) {
            communities(policyOptions, ps, List.of("policy-options", "policy-statement", ps.key()), f);
            for (Node t : ps.all("term"))
                communities(policyOptions, t, List.of("policy-options", "policy-statement", ps.key(), "term", t.key()), f);
        }
    }

    private static void interfaces(Node root, Findings f) {
        Node services = root.child("services").orElse(Node.root());
        for (Node ifd : root.child("interfaces").map(i -> i.all("interface")).orElse(List.of())) {
            for (Node unit : ifd.all("unit")) {
                List<String> level = List.of("interfaces", ifd.key(), "unit", unit.key());
                unit.child("dial-options").ifPresent(d -> {
                    if (!unit.has("family")) f.error(level, "dial-options", DIAL_FAMILY);
                    d.value("l2tp-interface-id").ifPresent(id -> {
                        if (unit.has("service-domain")) f.error(at(level, "dial-options"), "l2tp-interface-id " + id, L2TP_WITH_DOMAIN);
                    });
                    d.value("ipsec-interface-id").ifPresent(id -> {
                        if (!unit.value("service-domain").equals(Optional.of("inside")))
                            f.error(at(level, "dial-options"), "ipsec-interface-id " + id, INTERFACE_ID_INSIDE);
                    });
                });
                Optional<Node> service = unit.child("family").flatMap(fam -> fam.child("inet")).flatMap(i -> i.child("service"));
                if (service.isEmpty()) continue;
                for (String dir : List.of("input", "output")) {
                    for (Node ref : service.get().child(dir).map(d -> d.all("service-set")).orElse(List.of())) {
                        if (services.child("service-set", ref.key()).isEmpty())
                            f.error(at(level, "family", "inet", "service", dir), "service-set " + ref.key(), SERVICE_SET_UNDEFINED);
                    }
                }
            }
        }
    }

    private static void routes(Node root, Node ro, List<String> level, Findings f) {
        for (Node r : ro.child("static").map(s -> s.all("route")).orElse(List.of())) {
            for (String nh : r.values("next-hop")) {
                boolean isUnit = Character.isLetter(nh.charAt(0));
                if (isUnit && Interfaces.unit(root, nh).isEmpty())
                    f.error(at(level, "static"), "route " + r.key() + " next-hop " + nh, INTERFACE_UNDEFINED);
            }
        }
    }

    private static void communities(Node policyOptions, Node holder, List<String> level, Findings f) {
        holder.child("from").ifPresent(from -> {
            for (String c : from.values("community"))
                if (policyOptions.child("community", c).isEmpty()) f.error(at(level, "from"), "community " + c, COMMUNITY_UNDEFINED);
        });
        holder.child("then").flatMap(t -> t.child("community")).ifPresent(c -> {
            for (String op : List.of("add", "delete", "set")) {
                c.value(op).ifPresent(name -> {
                    if (policyOptions.child("community", name).isEmpty())
                        f.error(at(level, "then"), "community " + op + " " + name, COMMUNITY_UNDEFINED);
                });
            }
        });
    }
}
