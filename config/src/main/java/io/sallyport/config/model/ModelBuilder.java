package io.sallyport.config.model;

import io.sallyport.config.Node;
import io.sallyport.config.ValueType;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Builds the typed model from a configuration tree's active statements, applying the defaults of
 * reference §2.2. It expects a tree that passed the commit checks (references resolve, values are
 * in range); it does not check again.
 */
public final class ModelBuilder {

    private static final Node EMPTY = Node.root();

    private ModelBuilder() {}

    public static Configuration build(Node tree) {
        Node root = tree.activeOnly();
        Node services = root.child("services").orElse(EMPTY);
        return new Configuration(
            root.child("system").flatMap(s -> s.value("host-name")),
            interfaces(root.child("interfaces").orElse(EMPTY)),
            routingOptions(root.child("routing-options").orElse(EMPTY)),
            routingInstances(root.child("routing-instances").orElse(EMPTY)),
            serviceSets(services),
            ipsecVpn(services.child("ipsec-vpn").orElse(EMPTY)),
            accessProfiles(root.child("access").orElse(EMPTY)),
            pki(root.child("security").flatMap(s -> s.child("pki")).orElse(EMPTY)),
            root.child("protocols").flatMap(p -> p.child("ospf")).map(ModelBuilder::ospf));
    }

    // ---- interfaces and routing ------------------------------------------------------------------

    static Map<String, Interface> interfaces(Node interfaces) {
        Map<String, Interface> out = new LinkedHashMap<>();
        for (Node ifd : interfaces.all("interface")) {
            Map<Long, Unit> units = new LinkedHashMap<>();
            for (Node u : ifd.all("unit")) {
                long n = Long.parseLong(u.key());
                Node family = u.child("family").orElse(EMPTY);
                Optional<Node> inet = family.child("inet");
                Optional<Node> inet6 = family.child("inet6");
                Node service = inet.flatMap(i -> i.child("service")).orElse(EMPTY);
                Optional<Unit.DialOptions> dial = u.child("dial-options").map(d -> new Unit.DialOptions(
                    d.value("ipsec-interface-id"),
                    d.has("shared") ? Optional.of(DialMode.SHARED) : d.has("dedicated") ? Optional.of(DialMode.DEDICATED) : Optional.empty()));
                units.put(n, new Unit(ifd.key() + "." + n, n, u.value("description"),
                    inet.isPresent(), keys(inet.orElse(EMPTY), "address"),
                    serviceRefs(service.child("input").orElse(EMPTY)),
                    service.child("input").flatMap(i -> i.value("post-service-filter")),
                    serviceRefs(service.child("output").orElse(EMPTY)),
                    inet6.isPresent(), keys(inet6.orElse(EMPTY), "address"),
                    u.value("service-domain").map(ServiceDomain::of), dial));
            }
            out.put(ifd.key(), new Interface(ifd.key(), ifd.value("description"), units));
        }
        return out;
    }

    private static List<Unit.ServiceSetReference> serviceRefs(Node direction) {
        List<Unit.ServiceSetReference> out = new ArrayList<>();
        for (Node s : direction.all("service-set")) out.add(new Unit.ServiceSetReference(s.key(), s.value("service-filter")));
        return out;
    }

    static RoutingOptions routingOptions(Node ro) {
        List<StaticRoute> routes = new ArrayList<>();
        for (Node r : ro.child("static").orElse(EMPTY).all("route")) {
            routes.add(new StaticRoute(r.key(), r.values("next-hop"), optLong(r, "preference"), optLong(r, "metric")));
        }
        return new RoutingOptions(ro.value("router-id"), routes);
    }

    static Ospf ospf(Node ospf) {
        List<Ospf.Area> areas = new ArrayList<>();
        for (Node a : ospf.all("area")) {
            List<Ospf.OspfInterface> ifs = new ArrayList<>();
            for (Node i : a.all("interface")) {
                ifs.add(new Ospf.OspfInterface(i.key(), i.has("passive"), i.value("interface-type"), optInt(i, "metric"),
                    optInt(i, "hello-interval"), optInt(i, "dead-interval"), optInt(i, "priority")));
            }
            areas.add(new Ospf.Area(a.key(), a.has("stub"), ifs));
        }
        return new Ospf(areas, ospf.value("reference-bandwidth").stream()
            .mapToLong(ValueType.Bandwidth::bitsPerSecond).findFirst());
    }

    static Map<String, RoutingInstance> routingInstances(Node ris) {
        Map<String, RoutingInstance> out = new LinkedHashMap<>();
        for (Node ri : ris.all("instance")) {
            Optional<String> target = ri.child("vrf-target").flatMap(t -> t.value("community"));
            out.put(ri.key(), new RoutingInstance(ri.key(), ri.value("instance-type"), keys(ri, "interface"),
                ri.value("route-distinguisher"), ri.values("vrf-import"), ri.values("vrf-export"), target,
                routingOptions(ri.child("routing-options").orElse(EMPTY))));
        }
        return out;
    }

    // ---- service sets ----------------------------------------------------------------------------

    static Map<String, ServiceSet> serviceSets(Node services) {
        Map<String, ServiceSet> out = new LinkedHashMap<>();
        for (Node ss : services.all("service-set")) {
            ServiceStyle style;
            if (ss.has("interface-service")) {
                style = new ServiceStyle.InterfaceStyle(ss.child("interface-service").flatMap(i -> i.value("service-interface")).orElse(""));
            } else if (ss.has("next-hop-service")) {
                Node nh = ss.child("next-hop-service").orElseThrow();
                style = new ServiceStyle.NextHopStyle(nh.value("inside-service-interface").orElse(""),
                    nh.value("outside-service-interface").orElse(""));
            } else {
                style = new ServiceStyle.Unbound();
            }
            boolean hic = ss.child("service-set-options").flatMap(o -> o.child("header-integrity-check"))
                .map(h -> h.has("enable-all")).orElse(false);
            out.put(ss.key(), new ServiceSet(ss.key(), style, ss.values("ipsec-vpn-rules"), ss.values("ipsec-vpn-rule-sets"),
                options(ss.child("ipsec-vpn-options").orElse(EMPTY)), hic, optInt(ss, "tcp-mss")));
        }
        return out;
    }

    static IpsecVpnOptions options(Node o) {
        Optional<IpsecVpnOptions.LocalGateway> lg = o.child("local-gateway").map(g -> new IpsecVpnOptions.LocalGateway(
            g.value("address"), g.value("routing-instance").orElse("default"), g.value("gw-interface"), g.value("interface")));
        OptionalInt udp = o.child("udp-encapsulate")
            .map(u -> OptionalInt.of(u.value("dest-port").map(Integer::parseInt).orElse(IpsecVpnOptions.DEFAULT_UDP_PORT)))
            .orElse(OptionalInt.empty());
        return new IpsecVpnOptions(lg, o.value("ike-access-profile"), o.values("trusted-ca"), o.has("no-certificate-chain-in-ike"),
            optInt(o, "anti-replay-window-size").orElse(IpsecVpnOptions.DEFAULT_ANTI_REPLAY_WINDOW), !o.has("no-anti-replay"),
            dfBit(o), o.has("passive-mode-tunneling"), optInt(o, "tunnel-mtu"), udp, !o.has("no-nat-traversal"),
            optInt(o, "nat-keepalive"));
    }

    static Optional<DfBit> dfBit(Node n) {
        for (DfBit d : DfBit.values()) if (n.has(d.keyword())) return Optional.of(d);
        return Optional.empty();
    }

    // ---- ipsec-vpn -------------------------------------------------------------------------------

    static IpsecVpn ipsecVpn(Node v) {
        Map<String, IpsecVpnRule> rules = new LinkedHashMap<>();
        for (Node r : v.all("rule")) {
            List<Term> terms = new ArrayList<>();
            for (Node t : r.all("term")) terms.add(term(t));
            rules.put(r.key(), new IpsecVpnRule(r.key(), terms, r.value("match-direction").map(MatchDirection::of)));
        }
        Map<String, List<String>> ruleSets = new LinkedHashMap<>();
        for (Node rs : v.all("rule-set")) ruleSets.put(rs.key(), keys(rs, "rule"));
        Node ike = v.child("ike").orElse(EMPTY);
        Node ipsec = v.child("ipsec").orElse(EMPTY);
        Map<String, IkeProposal> ikeProposals = new LinkedHashMap<>();
        for (Node p : ike.all("proposal")) ikeProposals.put(p.key(), ikeProposal(p));
        Map<String, IkePolicy> ikePolicies = new LinkedHashMap<>();
        for (Node p : ike.all("policy")) ikePolicies.put(p.key(), ikePolicy(p));
        Map<String, IpsecProposal> ipsecProposals = new LinkedHashMap<>();
        for (Node p : ipsec.all("proposal")) ipsecProposals.put(p.key(), ipsecProposal(p));
        Map<String, IpsecPolicy> ipsecPolicies = new LinkedHashMap<>();
        for (Node p : ipsec.all("policy")) {
            ipsecPolicies.put(p.key(), new IpsecPolicy(p.key(), p.value("description"),
                p.child("perfect-forward-secrecy").flatMap(f -> f.value("keys")).map(DhGroup::of),
                p.values("proposals"), p.value("proposal-set")));
        }
        return new IpsecVpn(rules, ruleSets, ikeProposals, ikePolicies, ipsecProposals, ipsecPolicies,
            EstablishTunnels.of(v.value("establish-tunnels").orElse("on-traffic")),
            v.child("traceoptions").map(ModelBuilder::traceoptions),
            v.has("no-ipsec-tunnel-in-traceroute"), v.has("clear-ike-sas-on-pic-restart"),
            v.has("clear-ipsec-sas-on-pic-restart"), v.has("disable-natt"));
    }

    static Term term(Node t) {
        Node from = t.child("from").orElse(EMPTY);
        Node then = t.child("then").orElse(EMPTY);
        Term.Sa sa;
        if (then.has("dynamic")) {
            Node d = then.child("dynamic").orElseThrow();
            sa = new Term.DynamicSa(d.value("ike-policy"), d.value("ipsec-policy"),
                d.value("natt-install-interval").map(Integer::parseInt).orElse(0));
        } else if (then.has("manual")) {
            List<Term.ManualDirection> dirs = new ArrayList<>();
            for (Node d : then.child("manual").orElseThrow().all("direction")) {
                Node auth = d.child("authentication").orElse(EMPTY);
                Node enc = d.child("encryption").orElse(EMPTY);
                dirs.add(new Term.ManualDirection(SaDirection.of(d.key()), d.value("protocol").map(IpsecProtocol::of),
                    optInt(d, "spi"), optInt(d, "auxiliary-spi"),
                    auth.value("algorithm").map(IpsecAuthenticationAlgorithm::of), key(auth.child("key")),
                    enc.value("algorithm").map(EncryptionAlgorithm::of), key(enc.child("key"))));
            }
            sa = new Term.ManualSa(dirs);
        } else {
            sa = new Term.NoSa();
        }
        Node dpd = then.child("dead-peer-detection").orElse(EMPTY);
        return new Term(t.key(),
            from.child("source-address").flatMap(s -> s.all("prefix").stream().findFirst()).map(Node::key),
            from.child("destination-address").flatMap(s -> s.all("prefix").stream().findFirst()).map(Node::key),
            from.value("ipsec-inside-interface"),
            then.value("remote-gateway"), then.value("backup-remote-gateway"), sa,
            optInt(then, "anti-replay-window-size"), then.has("no-anti-replay"), dfBit(then), optInt(then, "tunnel-mtu"),
            then.has("initiate-dead-peer-detection"), dpd(dpd),
            then.has("copy-ttl-from-inner-ip-header"), optInt(then, "ttl").orElse(64),
            then.has("copy-tos-from-inner-ip-header"), optInt(then, "tos").orElse(0),
            then.has("syslog"));
    }

    static DeadPeerDetection dpd(Node d) {
        return new DeadPeerDetection(optInt(d, "interval").orElse(DeadPeerDetection.DEFAULT.intervalSeconds()),
            optInt(d, "threshold").orElse(DeadPeerDetection.DEFAULT.threshold()));
    }

    static Optional<SecretKey> key(Optional<Node> keyContainer) {
        if (keyContainer.isEmpty()) return Optional.empty();
        Node k = keyContainer.get();
        if (k.value("ascii-text").isPresent()) return Optional.of(new SecretKey(KeyFormat.ASCII_TEXT, k.value("ascii-text").get()));
        return k.value("hexadecimal").map(h -> new SecretKey(KeyFormat.HEXADECIMAL, h));
    }

    static IkeProposal ikeProposal(Node p) {
        IkeProposal d = IkeProposal.DEFAULT;
        return new IkeProposal(p.key(), p.value("description"),
            p.value("authentication-method").map(AuthenticationMethod::of).orElse(d.authenticationMethod()),
            p.value("dh-group").map(DhGroup::of).orElse(d.dhGroup()),
            p.value("authentication-algorithm").map(IkeAuthenticationAlgorithm::of).orElse(d.authenticationAlgorithm()),
            p.value("encryption-algorithm").map(EncryptionAlgorithm::of).orElse(d.encryptionAlgorithm()),
            optInt(p, "lifetime-seconds").orElse(d.lifetimeSeconds()));
    }

    static IkePolicy ikePolicy(Node p) {
        Optional<IkePolicy.LocalId> localId = p.child("local-id").flatMap(l -> {
            for (IdentityType t : IdentityType.values()) {
                if (l.has(t.keyword())) return Optional.of(new IkePolicy.LocalId(t, l.value(t.keyword())));
            }
            return Optional.empty();
        });
        Node r = p.child("remote-id").orElse(EMPTY);
        Node dn = r.child("distinguished-name").orElse(EMPTY);
        IkePolicy.RemoteId remoteId = new IkePolicy.RemoteId(r.has("any-remote-id"), r.values("ipv4_addr"),
            r.values("ipv6-addr"), r.values("fqdn"), r.values("key-id"), dn.values("container"), dn.values("wildcard"),
            dn.values("exact-match"));
        OptionalInt badSpi = p.child("respond-bad-spi")
            .map(b -> OptionalInt.of(b.value("max-responses").map(Integer::parseInt).orElse(5))).orElse(OptionalInt.empty());
        return new IkePolicy(p.key(), p.value("description"),
            p.value("mode").map(IkeMode::of).orElse(IkeMode.MAIN),
            p.value("version").map(IkeVersion::of).orElse(IkeVersion.V1),
            p.values("proposals"), localId, remoteId, key(p.child("pre-shared-key")), p.value("local-certificate"),
            p.value("peer-certificate-type").map(PeerCertificateType::of).orElse(PeerCertificateType.X509_SIGNATURE),
            p.values("certificate-policy-oids"), badSpi);
    }

    static IpsecProposal ipsecProposal(Node p) {
        IpsecProtocol protocol = p.value("protocol").map(IpsecProtocol::of).orElse(IpsecProtocol.ESP);
        Optional<EncryptionAlgorithm> enc = p.value("encryption-algorithm").map(EncryptionAlgorithm::of);
        if (enc.isEmpty() && protocol != IpsecProtocol.AH) enc = Optional.of(EncryptionAlgorithm.TRIPLE_DES_CBC);
        Optional<IpsecAuthenticationAlgorithm> auth = p.value("authentication-algorithm").map(IpsecAuthenticationAlgorithm::of);
        if (auth.isEmpty() && !(enc.isPresent() && enc.get().isGcm())) auth = Optional.of(IpsecAuthenticationAlgorithm.HMAC_SHA1_96);
        return new IpsecProposal(p.key(), p.value("description"), protocol, auth, enc,
            optInt(p, "lifetime-seconds").orElse(28800));
    }

    static Traceoptions traceoptions(Node t) {
        Node file = t.child("file").orElse(EMPTY);
        List<String> flags = keys(t, "flag");
        return new Traceoptions(file.value("filename").orElse("kmd"), file.value("size"),
            optInt(file, "files").orElse(3), file.has("world-readable"), file.value("match"),
            t.value("level").map(TraceLevel::of).orElse(TraceLevel.ERROR), flags, t.has("no-remote-trace"));
    }

    // ---- access and pki --------------------------------------------------------------------------

    static Map<String, AccessProfile> accessProfiles(Node access) {
        Map<String, AccessProfile> out = new LinkedHashMap<>();
        for (Node p : access.all("profile")) {
            Map<String, AccessProfile.IkeClient> clients = new LinkedHashMap<>();
            for (Node c : p.all("client")) {
                Node ike = c.child("ike").orElse(EMPTY);
                List<AccessProfile.ProxyPair> pairs = new ArrayList<>();
                for (Node pair : ike.all("allowed-proxy-pair")) {
                    String[] w = pair.key().split(" ");
                    pairs.add(new AccessProfile.ProxyPair(w[1], w[3]));
                }
                if (pairs.isEmpty()) pairs.add(AccessProfile.ProxyPair.ANY);
                OptionalInt badSpi = ike.child("respond-bad-spi")
                    .map(b -> OptionalInt.of(b.value("max-responses").map(Integer::parseInt).orElse(5))).orElse(OptionalInt.empty());
                clients.put(c.key(), new AccessProfile.IkeClient(c.key(), pairs, key(ike.child("pre-shared-key")),
                    ike.value("ike-policy"), ike.value("ipsec-policy"), ike.value("interface-id"),
                    ike.has("initiate-dead-peer-detection"), dpd(ike.child("dead-peer-detection").orElse(EMPTY)), badSpi,
                    ike.child("reverse-route").map(r -> optLong(r, "preference")).orElse(OptionalLong.empty())));
            }
            out.put(p.key(), new AccessProfile(p.key(), clients));
        }
        return out;
    }

    static Pki pki(Node pki) {
        Map<String, CaProfile> profiles = new LinkedHashMap<>();
        for (Node ca : pki.all("ca-profile")) {
            Node enr = ca.child("enrollment").orElse(EMPTY);
            Node rev = ca.child("revocation-check").orElse(EMPTY);
            Node crl = rev.child("crl").orElse(EMPTY);
            RevocationCheck method = rev.has("disable") ? RevocationCheck.DISABLE
                : rev.has("use-ocsp") ? RevocationCheck.USE_OCSP : RevocationCheck.USE_CRL;
            profiles.put(ca.key(), new CaProfile(ca.key(), ca.value("ca-identity"), ca.value("source-address"),
                ca.value("routing-instance"), enr.value("url"), optInt(enr, "retry").orElse(1000),
                optInt(enr, "retry-interval").orElse(600), method, keys(crl, "url"), optInt(crl, "refresh-interval"),
                crl.child("disable").map(d -> d.has("on-download-failure")).orElse(false),
                rev.child("ocsp").flatMap(o -> o.value("url")),
                ca.child("administrator").flatMap(a -> a.value("email-address"))));
        }
        Map<String, List<String>> groups = new LinkedHashMap<>();
        for (Node g : pki.all("trusted-ca-group")) groups.put(g.key(), g.values("ca-profiles"));
        return new Pki(profiles, groups);
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private static List<String> keys(Node n, String listName) {
        List<String> out = new ArrayList<>();
        for (Node c : n.all(listName)) out.add(c.key());
        return out;
    }

    private static OptionalInt optInt(Node n, String leaf) {
        return n.value(leaf).map(v -> OptionalInt.of(Integer.parseInt(v))).orElse(OptionalInt.empty());
    }

    private static OptionalLong optLong(Node n, String leaf) {
        return n.value(leaf).map(v -> OptionalLong.of(Long.parseLong(v))).orElse(OptionalLong.empty());
    }
}
