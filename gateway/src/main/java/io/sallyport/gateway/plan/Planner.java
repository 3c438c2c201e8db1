package io.sallyport.gateway.plan;

import io.sallyport.config.model.AccessProfile;
import io.sallyport.config.model.AuthenticationMethod;
import io.sallyport.config.model.DialMode;
import io.sallyport.config.model.ServiceDomain;
import io.sallyport.config.model.Unit;
import io.sallyport.config.model.Configuration;
import io.sallyport.config.model.DfBit;
import io.sallyport.config.model.EstablishTunnels;
import io.sallyport.config.model.IkePolicy;
import io.sallyport.config.model.IkeMode;
import io.sallyport.config.model.IkeVersion;
import io.sallyport.config.model.IpsecPolicy;
import io.sallyport.config.model.IpsecProtocol;
import io.sallyport.config.model.IpsecVpn;
import io.sallyport.config.model.IpsecVpnOptions;
import io.sallyport.config.model.IpsecVpnRule;
import io.sallyport.config.model.MatchDirection;
import io.sallyport.config.model.ServiceSet;
import io.sallyport.config.model.ServiceStyle;
import io.sallyport.config.model.RoutingInstance;
import io.sallyport.config.model.StaticRoute;
import io.sallyport.config.model.Term;
import io.sallyport.crypto.DhGroup;
import io.sallyport.crypto.EncryptionAlgorithm;
import io.sallyport.crypto.IntegrityAlgorithm;
import io.sallyport.esp.DfPolicy;
import io.sallyport.esp.EspSa;
import io.sallyport.gateway.plan.GatewayPlan.TraceSettings;
import io.sallyport.config.model.IdentityType;
import io.sallyport.gateway.pki.CertificateAuthenticator;
import io.sallyport.gateway.pki.CertificateCredentials;
import io.sallyport.gateway.pki.CertificateServices;
import io.sallyport.ike.Authenticator;
import io.sallyport.ike.ChildProposal;
import io.sallyport.ike.IkeProposal;
import io.sallyport.ike.PeerConfig;
import io.sallyport.ike.PskAuthenticator;
import io.sallyport.ike.message.TrafficSelector;
import io.sallyport.net.IpPrefix;
import io.sallyport.net.TunNames;
import io.sallyport.pki.PkiStore;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.function.Predicate;

/**
 * Derives a {@link GatewayPlan} from a committed {@link Configuration}: which TUN devices, routes,
 * kmd peers and data-plane settings it implies. Pure, apart from asking the host whether an
 * address exists. Whatever cannot run becomes a {@code problem} in words, never an exception.
 */
public final class Planner {
    private static final IpPrefix ANY_V4 = IpPrefix.parse("0.0.0.0/0");
    /** Junos's outer TTL when no term says otherwise (reference §1.6). */
    private static final int DEFAULT_OUTER_TTL = 64;
    /** Policy routing tables (and rule priorities) of interface-style sets: this plus the set's position. */
    static final int STEERING_TABLE_BASE = 1000;

    private final Predicate<InetAddress> hostHasAddress;
    private final Optional<CertificateServices> certificates;

    /** A planner without a certificate store: certificate authentication draws a problem. */
    public Planner(Predicate<InetAddress> hostHasAddress) {
        this(hostHasAddress, Optional.empty(), Clock.systemUTC());
    }

    /**
     * @param hostHasAddress whether an address is configured on this host (the local-gateway check)
     * @param certificates   the state directory's certificate store (local certificates, CA certificates, CRLs)
     * @param clock          wall time for certificate validity
     */
    public Planner(Predicate<InetAddress> hostHasAddress, Optional<PkiStore> certificates, Clock clock) {
        this(hostHasAddress, certificates.map(s -> new CertificateServices(s, clock)));
    }

    /**
     * @param hostHasAddress whether an address is configured on this host (the local-gateway check)
     * @param certificates   the gateway's certificate store, clock and certificate caches, which
     *                       outlive this plan
     */
    public Planner(Predicate<InetAddress> hostHasAddress, Optional<CertificateServices> certificates) {
        this.hostHasAddress = hostHasAddress;
        this.certificates = certificates;
    }

    public GatewayPlan plan(Configuration config) {
        IpsecVpn vpn = config.ipsecVpn();
        List<String> warnings = new ArrayList<>();
        List<ServiceSetPlan> sets = new ArrayList<>();
        for (ServiceSet set : config.serviceSets().values()) {
            List<IpsecVpnRule> rules = rulesOf(set, vpn);
            if (!rules.isEmpty() || set.options().ikeAccessProfile().isPresent()) {
                sets.add(serviceSet(config, set, rules, warnings));
            }
        }
        Optional<TraceSettings> trace = vpn.traceoptions().map(t -> new TraceSettings(t.fileName(),
                t.size().map(Planner::bytes).orElse(1024L * 1024), t.files(), t.level().keyword(), t.flags(), t.worldReadable()));
        staticRoutesLeftToTheHost(config, sets, warnings);
        return new GatewayPlan(sets, warnings, vpn.establishTunnels() == EstablishTunnels.IMMEDIATELY,
                vpn.noIpsecTunnelInTraceroute(), trace, vpn.establishTunnels() == EstablishTunnels.RESPONDER_ONLY);
    }

    /**
     * Static routes whose next hop is no inside unit of a running set are not Sallyport's to
     * install: the host's routing carries them (the lab installs them for its routers). Said once each.
     */
    private static void staticRoutesLeftToTheHost(Configuration config, List<ServiceSetPlan> sets, List<String> warnings) {
        List<String> units = sets.stream().flatMap(s -> s.devices().stream()).map(InsideDevice::unit).toList();
        for (StaticRoute r : config.routingOptions().staticRoutes()) {
            if (r.nextHops().stream().noneMatch(units::contains)) {
                warnings.add("routing-options static route " + r.prefix() + " next-hop " + String.join(" ", r.nextHops())
                        + ": not installed by Sallyport (only routes into service units are); the host's routing must"
                        + " carry it");
            }
        }
    }

    private static List<IpsecVpnRule> rulesOf(ServiceSet set, IpsecVpn vpn) {
        List<IpsecVpnRule> rules = new ArrayList<>();
        set.ipsecVpnRules().stream().map(vpn.rules()::get).forEach(rules::add);
        set.ipsecVpnRuleSets().stream().flatMap(rs -> vpn.ruleSets().getOrDefault(rs, List.of()).stream())
                .map(vpn.rules()::get).forEach(rules::add);
        return rules;
    }

    private ServiceSetPlan serviceSet(Configuration config, ServiceSet set, List<IpsecVpnRule> rules,
                                      List<String> warnings) {
        IpsecVpnOptions options = set.options();
        ServiceSetPlan.Kind kind;
        String inside;
        switch (set.style()) {
            case ServiceStyle.NextHopStyle nh -> {
                kind = ServiceSetPlan.Kind.NEXT_HOP;
                inside = nh.insideServiceInterface();
            }
            case ServiceStyle.InterfaceStyle is -> {
                kind = ServiceSetPlan.Kind.INTERFACE;
                inside = is.serviceInterface().contains(".") ? is.serviceInterface() : is.serviceInterface() + ".0";
            }
            case ServiceStyle.Unbound u -> {
                return new ServiceSetPlan(set.name(), ServiceSetPlan.Kind.NEXT_HOP, List.of(), Optional.empty(),
                        Optional.empty(), List.of(),
                        Optional.of("service set has neither next-hop-service nor interface-service"), Optional.empty());
            }
        }
        Optional<String> problem = Optional.empty();
        Optional<InetAddress> local = localGateway(config, options);
        if (local.isEmpty()) {
            problem = Optional.of("ipsec-vpn-options local-gateway is not configured");
        } else if (!hostHasAddress.test(local.get())) {
            problem = Optional.of("local-gateway " + local.get().getHostAddress()
                    + " is not an address of this host: service set is down until it appears");
        }
        List<TunnelPlan> tunnels = new ArrayList<>();
        List<TunnelPlan> steeredIn = new ArrayList<>();
        int index = 0;
        for (IpsecVpnRule rule : rules) {
            MatchDirection direction = rule.matchDirection().orElse(MatchDirection.INPUT);
            List<String> appliedOn = kind == ServiceSetPlan.Kind.INTERFACE ? appliedUnits(config, set.name(), direction)
                    : List.of();
            for (Term term : rule.terms()) {
                if (options.ikeAccessProfile().isPresent() && term.remoteGateway().map(Planner::unspecified).orElse(false)) {
                    continue; // remote-gateway 0.0.0.0: the dynamic peers of the set's access profile (the seed's §5.4)
                }
                TunnelPlan t = tunnel(config, set, rule, term, ++index, local.orElse(null),
                        term.ipsecInsideInterface().filter(u -> kind == ServiceSetPlan.Kind.NEXT_HOP).orElse(inside));
                if (kind == ServiceSetPlan.Kind.INTERFACE && appliedOn.isEmpty()) {
                    // Junos: an interface-style set acts only where it is applied; applied nowhere, it does nothing.
                    t = withProblem(t, "service set " + set.name() + " is applied to no interface in rule "
                            + rule.name() + "'s match-direction " + direction.keyword() + " (family inet service "
                            + direction.keyword() + " service-set " + set.name() + ")");
                } else if (kind == ServiceSetPlan.Kind.INTERFACE && direction == MatchDirection.INPUT) {
                    steeredIn.add(t);
                }
                tunnels.add(t);
            }
        }
        List<String> units = new ArrayList<>(List.of(inside));
        tunnels.stream().map(TunnelPlan::insideInterface).filter(u -> !units.contains(u)).forEach(units::add);
        Optional<DynamicEndpointPlan> dynamic = dynamicEndpoints(config, set, kind, local.orElse(null));
        dynamic.ifPresent(d -> d.units().stream().filter(u -> !units.contains(u)).forEach(units::add));
        List<InsideDevice> devices = new ArrayList<>();
        for (String unit : units) {
            List<IpPrefix> routed = new ArrayList<>();
            int table = 0;
            Optional<RoutingInstance> vrf = InstanceTables.instanceOf(config, unit);
            if (kind == ServiceSetPlan.Kind.NEXT_HOP && vrf.isPresent()) {
                // The unit is in a VRF: its instance's static routes into it go in the instance's table.
                table = InstanceTables.table(config, vrf.get().name()).orElseThrow();
                vrf.get().routingOptions().staticRoutes().stream().filter(r -> r.nextHops().contains(unit))
                        .map(StaticRoute::prefix).map(IpPrefix::parse).forEach(routed::add);
                if (config.routingOptions().staticRoutes().stream().anyMatch(r -> r.nextHops().contains(unit))) {
                    warnings.add("routing-options static: routes into " + unit + " are ignored: the unit is in"
                            + " routing-instance " + vrf.get().name());
                }
            } else if (kind == ServiceSetPlan.Kind.NEXT_HOP) {
                config.routingOptions().staticRoutes().stream()
                        .filter(r -> r.nextHops().contains(unit))
                        .map(StaticRoute::prefix).map(IpPrefix::parse).forEach(routed::add);
                config.routingInstances().values().forEach(ri -> {
                    if (ri.routingOptions().staticRoutes().stream().anyMatch(r -> r.nextHops().contains(unit))) {
                        warnings.add("routing-instance " + ri.name() + ": static routes into " + unit
                                + " are installed in the main table: " + (InstanceTables.isVrf(ri)
                                ? unit + " is not an interface of the instance"
                                : "Sallyport runs only instance-type vrf as a routing table of its own"));
                    }
                    ri.routingOptions().staticRoutes().stream().filter(r -> r.nextHops().contains(unit))
                            .map(StaticRoute::prefix).map(IpPrefix::parse).forEach(routed::add);
                });
            } else {
                // Interface style, match-direction output: what routing sends towards a term's remote
                // side goes into the set's device (the set is applied on the way out).
                tunnels.stream().filter(t -> t.problem().isEmpty() && !steeredIn.contains(t))
                        .map(TunnelPlan::remotePrefix).filter(p -> p.length() > 0).distinct().forEach(routed::add);
            }
            List<String> addresses = config.unit(unit).map(u -> u.inetAddresses()).orElse(List.of());
            if (addresses.isEmpty() && runsOspf(config, unit)) addresses = borrowedAddress(config);
            Optional<InsideDevice.PolicySteering> steering = Optional.empty();
            List<TunnelPlan> steered = steeredIn.stream().filter(t -> t.problem().isEmpty()).toList();
            if (kind == ServiceSetPlan.Kind.INTERFACE && !steered.isEmpty()) {
                // match-direction input: only traffic arriving on the units the set is applied to.
                List<IpPrefix> prefixes = steered.stream().map(TunnelPlan::remotePrefix).distinct().toList();
                List<InsideDevice.IngressUnit> ingress = appliedUnits(config, set.name(), MatchDirection.INPUT).stream()
                        .map(u -> new InsideDevice.IngressUnit(u, config.unit(u).map(x -> x.inetAddresses()).orElse(List.of())
                                .stream().map(Planner::address).toList()))
                        .toList();
                int n = STEERING_TABLE_BASE + config.serviceSets().keySet().stream().toList().indexOf(set.name());
                steering = Optional.of(new InsideDevice.PolicySteering(n, n, prefixes, ingress));
            }
            devices.add(new InsideDevice(unit, TunNames.forUnit(unit), routed, addresses, steering, table));
        }
        return new ServiceSetPlan(set.name(), kind, devices, local,
                local.flatMap(a -> unitWithAddress(config, a)), tunnels, problem,
                options.localGateway().flatMap(IpsecVpnOptions.LocalGateway::gwInterface), dynamic,
                options.localGateway().map(IpsecVpnOptions.LocalGateway::routingInstance).orElse(ServiceSetPlan.DEFAULT_INSTANCE));
    }

    /**
     * {@code ike-access-profile}: kmd templates for the profile's {@code client *}, one per
     * allowed proxy pair, in the IKE policy's version: IKEv1 main mode unless it says {@code
     * version 2} (Junos answers dynamic peers in main mode only; an aggressive-mode policy is
     * refused at commit). No {@code ike-policy}: IKEv1 main mode (the Junos default policy) with
     * the profile's key and Sallyport's broad default proposals; no {@code ipsec-policy}: any of
     * them the peer proposes (reference §1.7, §2.2).
     */
    private Optional<DynamicEndpointPlan> dynamicEndpoints(Configuration config, ServiceSet set, ServiceSetPlan.Kind kind,
                                                           InetAddress local) {
        Optional<String> name = set.options().ikeAccessProfile();
        if (name.isEmpty()) {
            return Optional.empty();
        }
        IpsecVpn vpn = config.ipsecVpn();
        IpsecVpnOptions options = set.options();
        List<String> problems = new ArrayList<>();
        AccessProfile profile = config.accessProfiles().get(name.get());
        AccessProfile.IkeClient client = profile == null ? null : profile.clients().get("*");
        List<String> units = List.of();
        boolean dedicated = false;
        if (client == null) {
            problems.add("access profile " + name.get() + " has no client * ike");
        } else {
            String id = client.interfaceId().orElse("");
            List<Unit> pool = config.interfaces().values().stream().flatMap(i -> i.units().values().stream())
                    .filter(u -> u.serviceDomain().equals(Optional.of(ServiceDomain.INSIDE))
                            && u.dialOptions().flatMap(Unit.DialOptions::ipsecInterfaceId).equals(Optional.of(id)))
                    .toList();
            dedicated = !pool.isEmpty() && pool.getFirst().dialOptions().flatMap(Unit.DialOptions::mode)
                    .equals(Optional.of(DialMode.DEDICATED));
            boolean poolDedicated = dedicated;
            units = pool.stream().filter(u -> u.dialOptions().flatMap(Unit.DialOptions::mode)
                            .map(m -> m == DialMode.DEDICATED).orElse(false) == poolDedicated)
                    .limit(dedicated ? Long.MAX_VALUE : 1).map(Unit::name).toList();
            if (units.isEmpty()) {
                problems.add("interface-id " + id + " names no inside unit (dial-options ipsec-interface-id " + id + ")");
            }
            if (kind != ServiceSetPlan.Kind.NEXT_HOP) {
                problems.add("dynamic endpoints run in next-hop service sets only (Sallyport)");
            }
        }
        List<PeerConfig> templates = new ArrayList<>();
        TunnelPlan.Algorithms algorithms = new TunnelPlan.Algorithms("", "");
        if (client != null && local != null) {
            Optional<IkeSide> ike = client.ikePolicy().map(p -> ikeSide(config, set.name(), options, vpn.ikePolicies().get(p), local, problems))
                    .orElseGet(() -> client.preSharedKey().map(k -> new IkeSide(PeerConfig.Exchange.MAIN, defaultIkeProposals(),
                            new PskAuthenticator(k.bytes()), addressIdentity(local))));
            List<ChildProposal> child = client.ipsecPolicy()
                    .map(p -> childProposals(vpn, vpn.ipsecPolicies().get(p), problems))
                    .orElseGet(Planner::defaultChildProposals);
            if (!child.isEmpty()) {
                ChildProposal first = child.getFirst();
                algorithms = new TunnelPlan.Algorithms(
                        first.integrity() == null ? "" : first.integrity().ipsecKeyword(), first.encryption().keyword());
            }
            PeerConfig.Dpd dpd = client.initiateDeadPeerDetection()
                    ? new PeerConfig.Dpd(true, client.deadPeerDetection().intervalSeconds(), client.deadPeerDetection().threshold())
                    : PeerConfig.Dpd.off();
            boolean natTraversal = options.natTraversal() && !vpn.disableNatt();
            InetAddress anyPeer = InetAddress.ofLiteral(local instanceof Inet4Address ? "0.0.0.0" : "::");
            if (ike.isPresent() && !child.isEmpty()) {
                int n = 0;
                for (AccessProfile.ProxyPair pair : client.allowedProxyPairs()) {
                    templates.add(new PeerConfig(set.name() + "/" + name.get() + "/" + ++n, local, anyPeer, ike.get().localId(),
                            null, ike.get().authenticator(), ike.get().proposals(), child,
                            List.of(selector(IpPrefix.parse(pair.local()))), List.of(selector(IpPrefix.parse(pair.remote()))),
                            dpd, natTraversal, false, options.natKeepalive().orElse(0), ike.get().exchange()));
                }
            }
        }
        String firstUnit = units.isEmpty() ? "" : units.getFirst();
        IpPrefix firstLocal = client == null || client.allowedProxyPairs().isEmpty() ? ANY_V4
                : IpPrefix.parse(client.allowedProxyPairs().getFirst().local());
        // Dynamic-endpoint tunnels take the set's settings: the seed makes the set level their only place.
        EspSettings esp = new EspSettings(options.antiReplay() ? options.antiReplayWindowSize() : 0, dfPolicy(options.dfBit()),
                options.tunnelMtu().orElse(EspSa.DEFAULT_TUNNEL_MTU), options.passiveModeTunneling(), set.headerIntegrityCheck(),
                !vpn.noIpsecTunnelInTraceroute(), options.udpEncapsulateDestPort(), options.natTraversal() && !vpn.disableNatt(),
                DEFAULT_OUTER_TTL, 0, local == null ? Optional.empty() : hopAddress(config, firstUnit, firstLocal, local),
                set.tcpMss().orElse(EspSa.NO_TCP_MSS));
        OptionalInt badSpi = client == null ? OptionalInt.empty() : client.respondBadSpi().isPresent() ? client.respondBadSpi()
                : client.ikePolicy().map(vpn.ikePolicies()::get).map(IkePolicy::respondBadSpi).orElse(OptionalInt.empty());
        return Optional.of(new DynamicEndpointPlan(name.get(), templates, dedicated, units, esp, algorithms,
                problems.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", problems)), badSpi,
                client == null ? OptionalLong.empty() : client.reverseRoutePreference()));
    }

    /** A dynamic peer's IKE proposals when the access profile names no IKE policy: every common transform. */
    static List<IkeProposal> defaultIkeProposals() {
        List<IkeProposal> out = new ArrayList<>();
        for (EncryptionAlgorithm enc : List.of(EncryptionAlgorithm.AES_256_CBC, EncryptionAlgorithm.AES_128_CBC,
                EncryptionAlgorithm.TRIPLE_DES_CBC)) {
            for (String integ : List.of("sha-256", "sha1")) {
                IntegrityAlgorithm i = IntegrityAlgorithm.fromKeyword(integ).orElseThrow();
                for (DhGroup g : List.of(DhGroup.GROUP14, DhGroup.GROUP19, DhGroup.GROUP20, DhGroup.GROUP5, DhGroup.GROUP2)) {
                    out.add(new IkeProposal(enc, i, i.matchingPrf(), g, 3600));
                }
            }
        }
        return out;
    }

    /** A dynamic peer's IPsec proposals when the access profile names no IPsec policy: any common one, without PFS. */
    static List<ChildProposal> defaultChildProposals() {
        List<ChildProposal> out = new ArrayList<>();
        out.add(new ChildProposal(EncryptionAlgorithm.AES_256_GCM, null, null, 28800));
        out.add(new ChildProposal(EncryptionAlgorithm.AES_128_GCM, null, null, 28800));
        for (EncryptionAlgorithm enc : List.of(EncryptionAlgorithm.AES_256_CBC, EncryptionAlgorithm.AES_128_CBC,
                EncryptionAlgorithm.TRIPLE_DES_CBC)) {
            for (String integ : List.of("hmac-sha-256-128", "hmac-sha1-96")) {
                out.add(new ChildProposal(enc, IntegrityAlgorithm.fromKeyword(integ).orElseThrow(), null, 28800));
            }
        }
        return out;
    }

    private static boolean unspecified(String address) {
        try {
            return InetAddress.ofLiteral(address).isAnyLocalAddress();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Whether {@code protocols ospf} names {@code unit} in some area. */
    private static boolean runsOspf(Configuration config, String unit) {
        return config.ospf().stream().flatMap(o -> o.areas().stream()).flatMap(a -> a.interfaces().stream())
                .anyMatch(i -> i.unit().equals(unit));
    }

    /**
     * What an unnumbered inside unit that OSPF runs on borrows: the router's address, {@code lo0.0}'s
     * first, as a /32 (Junos borrows the router's address for an unnumbered interface; FRR runs
     * OSPF on a Linux device only where the device has an address, and treats a /32 on a
     * point-to-point device as unnumbered). None when {@code lo0.0} has no address.
     */
    static List<String> borrowedAddress(Configuration config) {
        return config.unit("lo0.0").flatMap(u -> u.inetAddresses().stream().findFirst())
                .map(a -> address(a).getHostAddress() + "/32").map(List::of).orElse(List.of());
    }

    /**
     * The address a tunnel hop answers traceroute from: the router's own address, as the seed's
     * four-router example shows (the path names the IPsec inside interface and the routers'
     * loopbacks, never the physical link between the gateways). In order: the inside unit's own
     * address, {@code lo0.0}'s, the {@code router-id} when it is an address of the router, an
     * address inside the tunnel's local selector; the local gateway only when there is none.
     */
    static Optional<InetAddress> hopAddress(Configuration config, String insideInterface, IpPrefix localPrefix,
                                            InetAddress localGateway) {
        List<InetAddress> own = config.interfaces().values().stream().flatMap(i -> i.units().values().stream())
                .flatMap(u -> u.inetAddresses().stream()).map(Planner::address).toList();
        return config.unit(insideInterface).flatMap(u -> u.inetAddresses().stream().findFirst()).map(Planner::address)
                .or(() -> config.unit("lo0.0").flatMap(u -> u.inetAddresses().stream().findFirst()).map(Planner::address))
                .or(() -> config.routingOptions().routerId().map(Planner::address).filter(own::contains))
                .or(() -> own.stream().filter(a -> localPrefix.length() > 0 && contains(localPrefix, a))
                        .filter(a -> !a.equals(localGateway)).findFirst());
    }

    private static boolean contains(IpPrefix prefix, InetAddress a) {
        byte[] net = prefix.address().getAddress();
        byte[] addr = a.getAddress();
        if (net.length != addr.length) {
            return false;
        }
        for (int bit = 0; bit < prefix.length(); bit++) {
            int mask = 0x80 >>> (bit % 8);
            if ((net[bit / 8] & mask) != (addr[bit / 8] & mask)) {
                return false;
            }
        }
        return true;
    }

    /** Units with {@code family inet service DIRECTION service-set NAME}, in configuration order. */
    private static List<String> appliedUnits(Configuration config, String serviceSet, MatchDirection direction) {
        return config.interfaces().values().stream().flatMap(i -> i.units().values().stream())
                .filter(u -> (direction == MatchDirection.INPUT ? u.serviceInput() : u.serviceOutput()).stream()
                        .anyMatch(r -> r.serviceSet().equals(serviceSet)))
                .map(u -> u.name()).toList();
    }

    private static TunnelPlan withProblem(TunnelPlan t, String problem) {
        return new TunnelPlan(t.id(), t.serviceSet(), t.rule(), t.term(), t.tunnelIndex(), t.insideInterface(),
                t.localGateway(), t.remoteGateway(), t.localPrefix(), t.remotePrefix(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), t.esp(), t.algorithms(),
                Optional.of(t.problem().map(p -> problem + "; " + p).orElse(problem)), t.badSpiResponses());
    }

    /** The configured unit ({@code ge-0/0/0.0}) whose {@code family inet address} holds {@code a}. */
    private static Optional<String> unitWithAddress(Configuration config, InetAddress a) {
        return config.interfaces().values().stream()
                .flatMap(i -> i.units().values().stream())
                .filter(u -> u.inetAddresses().stream().anyMatch(x -> address(x).equals(a))
                        || u.inet6Addresses().stream().anyMatch(x -> address(x).equals(a)))
                .map(u -> u.name())
                .findFirst();
    }

    private static Optional<InetAddress> localGateway(Configuration config, IpsecVpnOptions options) {
        return options.localGateway().flatMap(lg -> lg.address()
                .or(() -> lg.interfaceName().flatMap(config::unit)
                        .flatMap(u -> u.inetAddresses().stream().findFirst())
                        .map(a -> a.substring(0, a.indexOf('/') < 0 ? a.length() : a.indexOf('/')))))
                .map(Planner::address);
    }

    private TunnelPlan tunnel(Configuration config, ServiceSet set, IpsecVpnRule rule, Term term, int index,
                              InetAddress local, String insideInterface) {
        IpsecVpn vpn = config.ipsecVpn();
        IpsecVpnOptions options = set.options();
        String id = set.name() + "/" + rule.name() + "/" + term.name();
        List<String> problems = new ArrayList<>();
        InetAddress remote = term.remoteGateway().map(Planner::address).orElse(null);
        if (remote == null) {
            problems.add(term.sa() instanceof Term.ManualSa || term.sa() instanceof Term.DynamicSa
                    ? "term " + term.name() + " has no remote-gateway (dynamic peers are not supported by Sallyport yet)"
                    : "term " + term.name() + " has neither dynamic nor manual SAs");
        }
        IpPrefix localPrefix = term.sourceAddress().map(IpPrefix::parse).orElse(ANY_V4);
        IpPrefix remotePrefix = term.destinationAddress().map(IpPrefix::parse).orElse(ANY_V4);
        boolean natTraversal = options.natTraversal() && !vpn.disableNatt();
        EspSettings esp = new EspSettings(replayWindow(term, options), staticTunnelDf(term, options),
                term.tunnelMtu().orElse(options.tunnelMtu().orElse(EspSa.DEFAULT_TUNNEL_MTU)),
                options.passiveModeTunneling(), set.headerIntegrityCheck(), !vpn.noIpsecTunnelInTraceroute(),
                options.udpEncapsulateDestPort(), natTraversal,
                term.copyTtlFromInnerIpHeader() ? EspSa.COPY_FROM_INNER : term.ttl(),
                term.copyTosFromInnerIpHeader() ? EspSa.COPY_FROM_INNER : term.tos(),
                hopAddress(config, insideInterface, localPrefix, local), set.tcpMss().orElse(EspSa.NO_TCP_MSS));
        Optional<PeerConfig> peer = Optional.empty();
        Optional<PeerConfig> backupPeer = Optional.empty();
        Optional<ManualSaPlan> manualIn = Optional.empty();
        Optional<ManualSaPlan> manualOut = Optional.empty();
        TunnelPlan.Algorithms algorithms = new TunnelPlan.Algorithms("", "");
        OptionalInt badSpiResponses = OptionalInt.empty();
        switch (term.sa()) {
            case Term.DynamicSa dynamic -> {
                IkePolicy ikePolicy = vpn.ikePolicyFor(dynamic);
                badSpiResponses = ikePolicy == null ? OptionalInt.empty() : ikePolicy.respondBadSpi();
                IpsecPolicy ipsecPolicy = vpn.ipsecPolicyFor(dynamic);
                List<ChildProposal> child = childProposals(vpn, ipsecPolicy, problems);
                if (!child.isEmpty()) {
                    ChildProposal first = child.getFirst();
                    algorithms = new TunnelPlan.Algorithms(
                            first.integrity() == null ? "" : first.integrity().ipsecKeyword(), first.encryption().keyword());
                }
                if (remote != null && local != null) {
                    peer = peer(id, config, options, dynamic, term, local, remote, localPrefix, remotePrefix, child,
                            natTraversal, options.natKeepalive().orElse(0), problems);
                    InetAddress backup = term.backupRemoteGateway().map(Planner::address).orElse(null);
                    if (backup != null && peer.isPresent()) {
                        backupPeer = peer(id, config, options, dynamic, term, local, backup, localPrefix, remotePrefix, child,
                                natTraversal, options.natKeepalive().orElse(0), problems);
                    }
                }
            }
            case Term.ManualSa manual -> {
                for (Term.ManualDirection d : manual.directions()) {
                    Optional<ManualSaPlan> sa = manualSa(d, problems);
                    switch (d.direction()) {
                        case INBOUND -> manualIn = sa;
                        case OUTBOUND -> manualOut = sa;
                        case BIDIRECTIONAL -> {
                            manualIn = sa;
                            manualOut = sa;
                        }
                    }
                }
                if (manualIn.isEmpty() || manualOut.isEmpty()) {
                    problems.add("manual SA needs an inbound and an outbound direction (or bidirectional)");
                    manualIn = Optional.empty();
                    manualOut = Optional.empty();
                } else {
                    ManualSaPlan out = manualOut.get();
                    algorithms = new TunnelPlan.Algorithms(
                            out.integrity() == null ? "" : out.integrity().ipsecKeyword(), out.encryption().keyword());
                }
            }
            case Term.NoSa none -> problems.add("term " + term.name() + " has neither dynamic nor manual SAs");
        }
        return new TunnelPlan(id, set.name(), rule.name(), term.name(), index, insideInterface, local, remote,
                localPrefix, remotePrefix,
                peer, backupPeer, manualIn, manualOut, esp, algorithms,
                problems.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", problems)), badSpiResponses);
    }

    private Optional<PeerConfig> peer(String id, Configuration config, IpsecVpnOptions options, Term.DynamicSa dynamic, Term term,
                                             InetAddress local, InetAddress remote, IpPrefix localPrefix,
                                             IpPrefix remotePrefix, List<ChildProposal> child, boolean natTraversal,
                                             int natKeepaliveSeconds, List<String> problems) {
        IpsecVpn vpn = config.ipsecVpn();
        IkePolicy policy = vpn.ikePolicyFor(dynamic);
        int before = problems.size();
        Optional<IkeSide> ike = ikeSide(config, id.substring(0, id.indexOf('/')), options, policy, local, problems);
        if (child.isEmpty() || ike.isEmpty() || problems.size() > before) {
            return Optional.empty();
        }
        io.sallyport.ike.Identity remoteId = ike.get().authenticator() instanceof CertificateAuthenticator
                && onlyDistinguishedNames(policy.remoteId()) ? null : remoteIdentity(policy.remoteId(), remote);
        if (problems.size() > before) {
            return Optional.empty();
        }
        PeerConfig.Dpd dpd = term.initiateDeadPeerDetection()
                ? new PeerConfig.Dpd(true, term.deadPeerDetection().intervalSeconds(), term.deadPeerDetection().threshold())
                : PeerConfig.Dpd.off();
        return Optional.of(new PeerConfig(id, local, remote, ike.get().localId(), remoteId,
                ike.get().authenticator(), ike.get().proposals(), child,
                List.of(selector(localPrefix)), List.of(selector(remotePrefix)), dpd, natTraversal,
                vpn.establishTunnels() == EstablishTunnels.IMMEDIATELY, natKeepaliveSeconds, ike.get().exchange(),
                dynamic.nattInstallInterval()));
    }

    /** What an IKE policy gives a peer: IKE version and mode, proposals, how it authenticates, its local identity. */
    private record IkeSide(PeerConfig.Exchange exchange, List<IkeProposal> proposals, Authenticator authenticator,
                           io.sallyport.ike.Identity localId) {
    }

    private Optional<IkeSide> ikeSide(Configuration config, String serviceSet, IpsecVpnOptions options, IkePolicy policy, InetAddress local,
                                      List<String> problems) {
        IpsecVpn vpn = config.ipsecVpn();
        int before = problems.size();
        // Junos speaks IKEv1 unless the policy says version 2; mode applies to IKEv1 only.
        PeerConfig.Exchange exchange = policy.version() == IkeVersion.V2 ? PeerConfig.Exchange.IKEV2
                : policy.mode() == IkeMode.AGGRESSIVE ? PeerConfig.Exchange.AGGRESSIVE : PeerConfig.Exchange.MAIN;
        List<io.sallyport.config.model.IkeProposal> configured = vpn.proposalsOf(policy);
        List<IkeProposal> ike = new ArrayList<>();
        AuthenticationMethod method = configured.isEmpty() ? AuthenticationMethod.PRE_SHARED_KEYS
                : configured.getFirst().authenticationMethod();
        for (io.sallyport.config.model.IkeProposal p : configured) {
            if (p.authenticationMethod() != method) {
                problems.add("ike policy " + policy.name() + " mixes authentication methods (" + method.keyword() + ", "
                        + p.authenticationMethod().keyword() + "): one IKE SA authenticates one way");
                continue;
            }
            if (p.authenticationMethod() == AuthenticationMethod.DSA_SIGNATURES) {
                problems.add("ike proposal " + p.name() + ": authentication-method dsa-signatures is not supported by Sallyport");
                continue;
            }
            Optional<EncryptionAlgorithm> enc = EncryptionAlgorithm.fromKeyword(p.encryptionAlgorithm().keyword());
            Optional<IntegrityAlgorithm> integ = IntegrityAlgorithm.fromKeyword(p.authenticationAlgorithm().keyword());
            Optional<DhGroup> group = DhGroup.fromKeyword(p.dhGroup().keyword());
            if (enc.isEmpty() || integ.isEmpty() || group.isEmpty()) {
                problems.add("ike proposal " + p.name() + " uses an algorithm Sallyport does not implement");
                continue;
            }
            ike.add(new IkeProposal(enc.get(), integ.get(), integ.get().matchingPrf(), group.get(), p.lifetimeSeconds()));
        }
        Authenticator authenticator = null;
        if (method == AuthenticationMethod.PRE_SHARED_KEYS) {
            if (policy.preSharedKey().isEmpty()) {
                problems.add("ike policy " + policy.name() + " has no pre-shared-key");
            } else {
                authenticator = new PskAuthenticator(policy.preSharedKey().get().bytes());
            }
        } else if (certificates.isEmpty()) {
            problems.add("ike policy " + policy.name() + ": authentication-method " + method.keyword()
                    + " needs the certificate store of a state directory");
        } else {
            // The set's certificate cache is shared by its tunnels.
            authenticator = CertificateCredentials.build(certificates.get(), serviceSet, config.pki(),
                    policy, options, method, problems)
                    .orElse(null);
        }
        if (ike.isEmpty() || problems.size() > before) {
            return Optional.empty();
        }
        io.sallyport.ike.Identity localId = authenticator instanceof CertificateAuthenticator c
                && policy.localId().map(l -> l.type() == IdentityType.DISTINGUISHED_NAME).orElse(true)
                ? c.distinguishedName() : identity(policy.localId().orElse(null), local, problems);
        if (problems.size() > before) {
            return Optional.empty();
        }
        return Optional.of(new IkeSide(exchange, ike, authenticator, localId));
    }

    private static List<ChildProposal> childProposals(IpsecVpn vpn, IpsecPolicy policy, List<String> problems) {
        if (policy.proposalSet().isPresent()) {
            problems.add("ipsec policy " + policy.name() + ": proposal-set " + policy.proposalSet().get()
                    + " is not supported by Sallyport yet; name proposals instead");
            return List.of();
        }
        DhGroup pfs = policy.perfectForwardSecrecy().flatMap(g -> DhGroup.fromKeyword(g.keyword())).orElse(null);
        List<ChildProposal> out = new ArrayList<>();
        for (io.sallyport.config.model.IpsecProposal p : vpn.proposalsOf(policy)) {
            if (p.protocol() != IpsecProtocol.ESP) {
                problems.add("ipsec proposal " + p.name() + ": protocol " + p.protocol().keyword()
                        + " is not supported by Sallyport yet (ESP only)");
                continue;
            }
            Optional<EncryptionAlgorithm> enc = p.encryptionAlgorithm()
                    .flatMap(e -> EncryptionAlgorithm.fromKeyword(e.keyword()));
            Optional<IntegrityAlgorithm> integ = p.authenticationAlgorithm()
                    .flatMap(a -> IntegrityAlgorithm.fromKeyword(a.keyword()));
            if (enc.isEmpty() || (!enc.get().isAead() && integ.isEmpty())) {
                problems.add("ipsec proposal " + p.name() + " uses an algorithm Sallyport does not implement"
                        + p.authenticationAlgorithm().map(a -> " (" + a.keyword() + ")").orElse(""));
                continue;
            }
            out.add(new ChildProposal(enc.get(), enc.get().isAead() ? null : integ.get(), pfs, p.lifetimeSeconds()));
        }
        return out;
    }

    private static Optional<ManualSaPlan> manualSa(Term.ManualDirection d, List<String> problems) {
        if (d.protocol().isPresent() && d.protocol().get() != IpsecProtocol.ESP) {
            problems.add("manual SA protocol " + d.protocol().get().keyword() + " is not supported by Sallyport yet");
            return Optional.empty();
        }
        if (d.spi().isEmpty() || d.encryptionAlgorithm().isEmpty() || d.encryptionKey().isEmpty()) {
            problems.add("manual SA direction " + d.direction().keyword() + " needs spi and encryption algorithm and key");
            return Optional.empty();
        }
        EncryptionAlgorithm enc = EncryptionAlgorithm.fromKeyword(d.encryptionAlgorithm().get().keyword()).orElseThrow();
        IntegrityAlgorithm integ = d.authenticationAlgorithm()
                .flatMap(a -> IntegrityAlgorithm.fromKeyword(a.keyword())).orElse(null);
        if (!enc.isAead() && (integ == null || d.authenticationKey().isEmpty())) {
            problems.add("manual SA direction " + d.direction().keyword() + " needs an authentication algorithm and key");
            return Optional.empty();
        }
        byte[] encKey = d.encryptionKey().get().bytes();
        byte[] integKey = integ == null ? new byte[0] : d.authenticationKey().get().bytes();
        if (encKey.length != enc.keyMaterialSize() || (integ != null && integKey.length != integ.keySize())) {
            problems.add("manual SA direction " + d.direction().keyword() + ": key length does not fit the algorithm ("
                    + enc.keyword() + " needs " + enc.keyMaterialSize() + " bytes"
                    + (integ == null ? "" : ", " + integ.ipsecKeyword() + " needs " + integ.keySize() + " bytes") + ")");
            return Optional.empty();
        }
        return Optional.of(new ManualSaPlan(d.spi().getAsInt(), enc, encKey, integ, integKey));
    }

    private static io.sallyport.ike.Identity identity(IkePolicy.LocalId id, InetAddress local, List<String> problems) {
        if (id == null) {
            return addressIdentity(local);
        }
        String value = id.value().orElse("");
        return switch (id.type()) {
            case IPV4_ADDR -> io.sallyport.ike.Identity.ipv4(value);
            case IPV6_ADDR -> io.sallyport.ike.Identity.ipv6(value);
            case FQDN -> value.contains("@") ? io.sallyport.ike.Identity.userFqdn(value)
                    : io.sallyport.ike.Identity.fqdn(value);
            case KEY_ID -> io.sallyport.ike.Identity.keyId(value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            case DISTINGUISHED_NAME -> {
                problems.add("local-id distinguished-name comes from the local certificate: set local-certificate and a signature"
                        + " authentication-method (with a pre-shared key there is no certificate to take it from)");
                yield addressIdentity(local);
            }
        };
    }

    /** No address, FQDN or key-id remote identity (none at all, or distinguished names only). */
    private static boolean onlyDistinguishedNames(IkePolicy.RemoteId id) {
        return id.ipv4Addresses().isEmpty() && id.ipv6Addresses().isEmpty() && id.fqdns().isEmpty() && id.keyIds().isEmpty();
    }

    /** The first acceptable remote identity; none configured means the remote gateway's address. */
    private static io.sallyport.ike.Identity remoteIdentity(IkePolicy.RemoteId id, InetAddress remote) {
        if (id.anyRemoteId()) {
            return null;
        }
        if (!id.ipv4Addresses().isEmpty()) {
            return io.sallyport.ike.Identity.ipv4(id.ipv4Addresses().getFirst());
        }
        if (!id.ipv6Addresses().isEmpty()) {
            return io.sallyport.ike.Identity.ipv6(id.ipv6Addresses().getFirst());
        }
        if (!id.fqdns().isEmpty()) {
            String f = id.fqdns().getFirst();
            return f.contains("@") ? io.sallyport.ike.Identity.userFqdn(f) : io.sallyport.ike.Identity.fqdn(f);
        }
        if (!id.keyIds().isEmpty()) {
            return io.sallyport.ike.Identity.keyId(id.keyIds().getFirst().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return addressIdentity(remote);
    }

    private static io.sallyport.ike.Identity addressIdentity(InetAddress a) {
        return a instanceof Inet4Address ? io.sallyport.ike.Identity.ipv4(a.getHostAddress())
                : io.sallyport.ike.Identity.ipv6(a.getHostAddress());
    }

    private static TrafficSelector selector(IpPrefix p) {
        return TrafficSelector.ofPrefix(p.address().getHostAddress(), p.length());
    }

    /**
     * The seed: the term's {@code no-anti-replay} or {@code anti-replay-window-size} overrides the
     * service set's, so a term's window size turns anti-replay back on under a set-level
     * {@code no-anti-replay}.
     */
    static int replayWindow(Term term, IpsecVpnOptions options) {
        if (term.noAntiReplay()) {
            return 0;
        }
        if (term.antiReplayWindowSize().isPresent()) {
            return term.antiReplayWindowSize().getAsInt();
        }
        return options.antiReplay() ? options.antiReplayWindowSize() : 0;
    }

    /**
     * The DF policy of a static tunnel (every tunnel Sallyport runs): the term's statement; else a
     * set-level {@code clear-dont-fragment-bit}, which the seed applies to all static tunnels of
     * the set. Set-level {@code copy-} and {@code set-dont-fragment-bit} apply to dynamic-endpoint
     * tunnels only (the seed), so static tunnels ignore them (a commit warning says so).
     */
    static DfPolicy staticTunnelDf(Term term, IpsecVpnOptions options) {
        return dfPolicy(term.dfBit().or(() -> options.dfBit().filter(d -> d == DfBit.CLEAR)));
    }

    private static DfPolicy dfPolicy(Optional<DfBit> df) {
        return df.map(d -> switch (d) {
            case CLEAR -> DfPolicy.CLEAR;
            case COPY -> DfPolicy.COPY;
            case SET -> DfPolicy.SET;
        }).orElse(DfPolicy.DEFAULT);
    }

    private static InetAddress address(String text) {
        try {
            String bare = text.contains("/") ? text.substring(0, text.indexOf('/')) : text;
            return InetAddress.getByName(bare);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an address: " + text, e);
        }
    }

    /** Junos sizes: a number with an optional k, m or g suffix. */
    static long bytes(String size) {
        String s = size.trim().toLowerCase(java.util.Locale.ROOT);
        long unit = switch (s.charAt(s.length() - 1)) {
            case 'k' -> 1024L;
            case 'm' -> 1024L * 1024;
            case 'g' -> 1024L * 1024 * 1024;
            default -> 1L;
        };
        return Long.parseLong(unit == 1 ? s : s.substring(0, s.length() - 1)) * unit;
    }

}
