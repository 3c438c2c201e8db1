package io.sallyport.config.check;

import io.sallyport.config.Node;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static io.sallyport.config.check.Findings.at;
import static io.sallyport.config.check.Findings.leaf;
import static io.sallyport.config.check.Findings.leafList;

/** Constraints on {@code services service-set} (reference §3.1 "Service set", §3.2). */
final class ServiceSetRules {

    static final String LG_RULES = "Local gateway must be configured with IPSec rules";
    static final String LG_RULE_SETS = "Local gateway must be configured with IPSec rule sets";
    static final String RULE_UNDEFINED = "Referenced IPSec VPN rule must be defined under [edit services ipsec-vpn rule]";
    static final String RULE_SET_UNDEFINED = "Referenced IPSec VPN rule-set must be defined under [edit services ipsec-vpn rule-set]";
    static final String PROFILE_UNDEFINED = "referenced ike access profile must be defined";
    static final String RI_UNDEFINED = "Referenced routing-instance must be defined";
    static final String LG_INTERFACE_OR_ADDRESS = "Either interface or address can be defined for local-gateway";
    static final String LG_INTERFACE_ADDRESS = "Interface with ipv4 address or dhcp-client must be defined in the interfaces hierarchy";
    static final String GW_INTERFACE = "gw-interface must be an IFL and Interface with ip address must be defined in the interfaces hierarchy";
    static final String NAT_KEEPALIVE = "no-nat-traversal or disable-natt must not be defined";
    static final String POOL_RULES = "Can not define any other rules than pgcp when service-interface-pool is defined";
    // Sallyport's own wording where the reference has no exact text (reference §6 item 12).
    static final String LG_PROFILE = "Local gateway must be configured with ike-access-profile";
    static final String PASSIVE_HIC = "passive-mode-tunneling must not be configured with service-set-options header-integrity-check";
    static final String SHARED_LG = "Local gateway of a service set with ike-access-profile must not be shared with another service set";
    static final String PORT_4500 = "dest-port 4500 is reserved for IKE NAT traversal; use 1025..65535 except 4500";
    static final String UNBOUND = "IPSec service set must be bound to a service interface: configure interface-service or next-hop-service";
    static final String LG_NO_ADDRESS = "Local gateway address or interface must be configured";
    static final String NH_BOTH = "Both inside-service-interface and outside-service-interface must be configured";
    static final String UNIT_UNDEFINED = "Referenced interface unit must be defined under [edit interfaces] with family inet";
    static final String INSIDE_DOMAIN = "inside-service-interface must be a unit with service-domain inside";
    static final String OUTSIDE_DOMAIN = "outside-service-interface must be a unit with service-domain outside";
    static final String SERVICE_INTERFACE_UNDEFINED = "Referenced service interface must be defined under [edit interfaces]";
    static final String SERVICE_INTERFACE_MISSING = "service-interface must be configured for interface-service";
    static final String INSIDE_INTERFACE_MISMATCH = "ipsec-inside-interface should be the service set's inside-service-interface";
    static final String CA_UNDEFINED = "Referenced ca-profile must be defined under [edit security pki ca-profile]";
    // The seed: set-level copy/set DF apply to dynamic-endpoint tunnels only; static tunnels take the term's.
    static final String DF_DYNAMIC_ONLY = "applies to dynamic-endpoint tunnels only; static tunnels take the term's"
        + " setting (set it under [edit services ipsec-vpn rule <*> term <*> then]); ignored here";

    private ServiceSetRules() {}

    static void check(Node root, Findings f) {
        Node services = root.child("services").orElse(Node.root());
        Node vpn = services.child("ipsec-vpn").orElse(Node.root());
        for (Node ss : services.all("service-set")) {
            List<String> level = List.of("services", "service-set", ss.key());
            Node options = ss.child("ipsec-vpn-options").orElse(Node.root());
            List<String> optLevel = at(level, "ipsec-vpn-options");
            Optional<Node> lg = options.child("local-gateway");
            List<String> rules = ss.values("ipsec-vpn-rules");
            List<String> ruleSets = ss.values("ipsec-vpn-rule-sets");
            if (!rules.isEmpty() && lg.isEmpty()) f.error(level, leafList("ipsec-vpn-rules", rules), LG_RULES);
            if (!ruleSets.isEmpty() && lg.isEmpty()) f.error(level, leafList("ipsec-vpn-rule-sets", ruleSets), LG_RULE_SETS);
            for (String r : rules) if (vpn.child("rule", r).isEmpty()) f.error(level, "ipsec-vpn-rules " + r, RULE_UNDEFINED);
            for (String r : ruleSets) if (vpn.child("rule-set", r).isEmpty()) f.error(level, "ipsec-vpn-rule-sets " + r, RULE_SET_UNDEFINED);
            boolean hasRules = !rules.isEmpty() || !ruleSets.isEmpty();

            boolean dynamicEndpoints = options.has("ike-access-profile");
            for (String df : List.of("copy-dont-fragment-bit", "set-dont-fragment-bit")) {
                if (options.has(df) && !dynamicEndpoints) f.warning(optLevel, df, DF_DYNAMIC_ONLY);
            }
            if (dynamicEndpoints && lg.isEmpty()) f.error(optLevel, leaf(options, "ike-access-profile"), LG_PROFILE);

            options.value("ike-access-profile").ifPresent(p -> {
                boolean defined = root.child("access").flatMap(a -> a.child("profile", p)).isPresent();
                if (!defined) f.error(optLevel, "ike-access-profile " + p, PROFILE_UNDEFINED);
            });
            lg.ifPresent(g -> localGateway(root, g, at(optLevel, "local-gateway"), f));
            if (lg.isPresent() && lg.get().value("address").isEmpty() && lg.get().value("interface").isEmpty())
                f.error(optLevel, "local-gateway", LG_NO_ADDRESS);
            for (String ca : options.values("trusted-ca")) {
                boolean defined = root.child("security").flatMap(s -> s.child("pki")).flatMap(p -> p.child("ca-profile", ca)).isPresent();
                if (!defined) f.error(optLevel, "trusted-ca " + ca, CA_UNDEFINED);
            }
            Exclusions.dfBits(options, optLevel, f);
            Exclusions.antiReplay(options, optLevel, f);
            if (options.has("nat-keepalive") && (options.has("no-nat-traversal") || vpn.has("disable-natt")))
                f.error(optLevel, leaf(options, "nat-keepalive"), NAT_KEEPALIVE);
            boolean hic = ss.child("service-set-options").flatMap(o -> o.child("header-integrity-check")).isPresent();
            if (options.has("passive-mode-tunneling") && hic) f.error(optLevel, "passive-mode-tunneling", PASSIVE_HIC);
            options.child("udp-encapsulate").flatMap(u -> u.value("dest-port")).filter("4500"::equals)
                .ifPresent(p -> f.error(at(optLevel, "udp-encapsulate"), "dest-port 4500", PORT_4500));

            Optional<Node> nh = ss.child("next-hop-service");
            if (nh.isPresent()) {
                List<String> nhLevel = at(level, "next-hop-service");
                if (nh.get().has("service-interface-pool") && hasRules)
                    f.error(nhLevel, leaf(nh.get(), "service-interface-pool"), POOL_RULES);
                Optional<String> inside = nh.get().value("inside-service-interface");
                Optional<String> outside = nh.get().value("outside-service-interface");
                if (hasRules && (inside.isEmpty() || outside.isEmpty()) && !nh.get().has("service-interface-pool"))
                    f.error(level, "next-hop-service", NH_BOTH);
                inside.ifPresent(i -> serviceUnit(root, i, "inside", nhLevel, "inside-service-interface", INSIDE_DOMAIN, f));
                outside.ifPresent(o -> serviceUnit(root, o, "outside", nhLevel, "outside-service-interface", OUTSIDE_DOMAIN, f));
                inside.ifPresent(i -> insideInterfaceOfTerms(vpn, rules, i, f));
            } else if (ss.has("interface-service")) {
                Optional<String> si = ss.child("interface-service").flatMap(i -> i.value("service-interface"));
                if (si.isEmpty() && hasRules) f.error(level, "interface-service", SERVICE_INTERFACE_MISSING);
                si.ifPresent(name -> {
                    List<String> isLevel = at(level, "interface-service");
                    if (!Interfaces.ifdOrUnitExists(root, name)) {
                        f.error(isLevel, "service-interface " + name, SERVICE_INTERFACE_UNDEFINED);
                    } else if (name.indexOf('.') >= 0 && Interfaces.unit(root, name)
                            .flatMap(u -> u.child("family")).flatMap(fam -> fam.child("inet")).isEmpty()) {
                        f.error(isLevel, "service-interface " + name, UNIT_UNDEFINED);
                    }
                });
            } else if (hasRules) {
                f.error(List.of("services"), "service-set " + ss.key(), UNBOUND);
            }
        }
        sharedLocalGateway(services, f);
    }

    private static void localGateway(Node root, Node g, List<String> level, Findings f) {
        g.value("routing-instance").ifPresent(ri -> {
            if (root.child("routing-instances").flatMap(r -> r.child("instance", ri)).isEmpty())
                f.error(level, "routing-instance " + ri, RI_UNDEFINED);
        });
        g.value("interface").ifPresent(ifl -> {
            if (g.has("address")) f.error(level, "interface " + ifl, LG_INTERFACE_OR_ADDRESS);
            if (!Interfaces.hasInetAddress(root, ifl)) f.error(level, "interface " + ifl, LG_INTERFACE_ADDRESS);
        });
        g.value("gw-interface").ifPresent(ifl -> {
            if (!Interfaces.hasInetAddress(root, ifl)) f.error(level, "gw-interface " + ifl, GW_INTERFACE);
        });
    }

    private static void serviceUnit(Node root, String ifl, String domain, List<String> level, String stmt, String domainMsg,
                                    Findings f) {
        Optional<Node> unit = Interfaces.unit(root, ifl);
        boolean inet = unit.flatMap(u -> u.child("family")).flatMap(fam -> fam.child("inet")).isPresent();
        if (unit.isEmpty() || !inet) {
            f.error(level, stmt + " " + ifl, UNIT_UNDEFINED);
        } else if (!unit.get().value("service-domain").equals(Optional.of(domain))) {
            f.error(level, stmt + " " + ifl, domainMsg);
        }
    }

    /** Reference §3.2 ([D], a "should"): link-type terms match on the set's own inside unit. */
    private static void insideInterfaceOfTerms(Node vpn, List<String> rules, String inside, Findings f) {
        for (String r : rules) {
            for (Node term : vpn.child("rule", r).map(n -> n.all("term")).orElse(List.of())) {
                term.child("from").flatMap(fr -> fr.value("ipsec-inside-interface")).filter(i -> !i.equals(inside))
                    .ifPresent(i -> f.warning(List.of("services", "ipsec-vpn", "rule", r, "term", term.key(), "from"),
                        "ipsec-inside-interface " + i, INSIDE_INTERFACE_MISMATCH + " (" + inside + ")"));
            }
        }
    }

    /** Reference §3.2: a service set with an IKE access profile must not share its local gateway. */
    private static void sharedLocalGateway(Node services, Findings f) {
        List<Node> sets = services.all("service-set");
        for (Node ss : sets) {
            Node options = ss.child("ipsec-vpn-options").orElse(Node.root());
            Optional<String> profile = options.value("ike-access-profile");
            Optional<String> addr = gatewayAddress(ss);
            if (profile.isEmpty() || addr.isEmpty()) continue;
            List<String> others = new ArrayList<>();
            for (Node other : sets) {
                if (other != ss && gatewayAddress(other).equals(addr)) others.add(other.key());
            }
            if (!others.isEmpty())
                f.error(List.of("services", "service-set", ss.key(), "ipsec-vpn-options"), "ike-access-profile " + profile.get(),
                    SHARED_LG + " (" + addr.get() + " is also used by " + String.join(", ", others) + ")");
        }
    }

    private static Optional<String> gatewayAddress(Node ss) {
        Optional<Node> lg = ss.child("ipsec-vpn-options").flatMap(o -> o.child("local-gateway"));
        if (lg.isEmpty()) return Optional.empty();
        Optional<String> ri = lg.get().value("routing-instance");
        return lg.get().value("address").map(a -> ri.map(r -> a + " routing-instance " + r).orElse(a));
    }
}
