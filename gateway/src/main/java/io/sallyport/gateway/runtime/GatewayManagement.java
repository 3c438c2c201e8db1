package io.sallyport.gateway.runtime;

import io.sallyport.gateway.mgmt.ControlProtocol.Reply;
import io.sallyport.gateway.mgmt.ManagementApi;
import io.sallyport.gateway.mgmt.OperationalCommand;
import io.sallyport.gateway.mgmt.OperationalCommand.Format;
import io.sallyport.gateway.mgmt.OperationalCommand.Level;
import io.sallyport.gateway.mgmt.PkiOperations;
import io.sallyport.gateway.mgmt.RoutingOperations;
import io.sallyport.gateway.ops.Display;
import io.sallyport.gateway.ops.CertificatesReport;
import io.sallyport.gateway.ops.DropsReport;
import io.sallyport.gateway.ops.Element;
import io.sallyport.gateway.ops.IkeSaView;
import io.sallyport.gateway.ops.IkeSecurityAssociationsReport;
import io.sallyport.gateway.ops.IkeStatisticsReport;
import io.sallyport.gateway.ops.IpsecSaView;
import io.sallyport.gateway.ops.IpsecSecurityAssociationsReport;
import io.sallyport.gateway.ops.IpsecStatisticsReport;
import io.sallyport.gateway.ops.IpsecStatisticsView;
import io.sallyport.gateway.ops.IpsecTunnelView;
import io.sallyport.gateway.ops.NegotiationTimesReport;
import io.sallyport.gateway.ops.ServiceSetsReport;
import io.sallyport.gateway.ops.TcpMssReport;
import io.sallyport.gateway.plan.ServiceSetPlan;
import io.sallyport.gateway.plan.TunnelPlan;
import io.sallyport.gateway.pki.CertificateAuthenticator;
import io.sallyport.gateway.pki.CertificateCache;
import io.sallyport.ike.Action;
import io.sallyport.ike.Kmd;
import io.sallyport.ike.PeerConfig;
import io.sallyport.pki.CertificateSummary;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The daemon's answers to operational commands: builds the §4 views from the gateway's state and
 * renders them as text, XML or JSON. Configuration-mode commands are the shell's; it sends
 * {@value #RELOAD} after a commit and {@code show configuration} is answered from the active file.
 */
public final class GatewayManagement implements ManagementApi {
    public static final String RELOAD = "request sallyport reload";
    /** Sallyport runs every IKE gateway in inet.0 (VRF routing instances are not supported yet). */

    private final Gateway gateway;
    private final Supplier<Reply> reload;
    private final Supplier<String> activeConfiguration;
    private final PkiOperations pki;
    private final RoutingOperations routing;
    /** IKE message counters at the last {@code clear services ipsec-vpn ike statistics}, by remote. */
    private final java.util.Map<InetAddress, IkeSaView.Traffic> ikeBaseline = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * @param reload              re-reads the committed configuration and applies it
     * @param activeConfiguration the committed configuration as text, for {@code show configuration}
     * @param pki                 the {@code security pki} commands on this gateway's certificate store
     */
    public GatewayManagement(Gateway gateway, Supplier<Reply> reload, Supplier<String> activeConfiguration,
                             PkiOperations pki) {
        this(gateway, reload, activeConfiguration, pki, q -> Reply.error(
                "error: no routing daemon runs here (OSPF needs FRR, which the in-JVM lab does not run)\n"));
    }

    /** @param routing answers {@code show ospf ...} and {@code show route ...} */
    public GatewayManagement(Gateway gateway, Supplier<Reply> reload, Supplier<String> activeConfiguration,
                             PkiOperations pki, RoutingOperations routing) {
        this.gateway = gateway;
        this.reload = reload;
        this.activeConfiguration = activeConfiguration;
        this.pki = pki;
        this.routing = routing;
    }

    @Override
    public Reply execute(String commandLine) {
        String line = commandLine.trim();
        if (line.equals(RELOAD)) {
            return reload.get();
        }
        OperationalCommand.Parsed parsed = OperationalCommand.parse(line);
        if (parsed.error() != null) {
            return Reply.error(parsed.error() + "\n");
        }
        try {
            return run(parsed);
        } catch (Gateway.GatewayBusyException e) {
            return Reply.error("error: " + e.getMessage() + "\n");
        }
    }

    private Reply run(OperationalCommand.Parsed parsed) {
        return switch (parsed.command()) {
            case OperationalCommand.ShowPki c -> pki.execute(c);
            case OperationalCommand.RoutingQuery c -> routing.execute(c);
            case OperationalCommand.PkiRequest c -> {
                Reply r = pki.execute(c);
                if (!r.ok()) {
                    yield r;
                }
                // New credentials take effect for the tunnels that use them, as after a commit.
                Reply applied = reload.get();
                yield applied.ok() ? r : Reply.error(r.text() + applied.text());
            }
            case OperationalCommand.ShowIkeSecurityAssociations c -> {
                List<IkeSaView> views = ikeViews(c.filter());
                yield render(c.format(), () -> IkeSecurityAssociationsReport.element(views),
                        () -> c.level() == Level.BRIEF ? IkeSecurityAssociationsReport.brief(views)
                                : IkeSecurityAssociationsReport.detail(views));
            }
            case OperationalCommand.ShowIkeStatistics c -> {
                List<IkeSaView> views = ikeViews(c.filter()).stream().filter(IkeSaView::matured).toList();
                yield render(c.format(), () -> IkeStatisticsReport.element(views), () -> IkeStatisticsReport.text(views));
            }
            case OperationalCommand.ShowIpsecSecurityAssociations c -> {
                List<IpsecTunnelView> views = tunnelViews(c.filter());
                yield render(c.format(), () -> IpsecSecurityAssociationsReport.element(views),
                        () -> switch (c.level()) {
                            case BRIEF -> IpsecSecurityAssociationsReport.brief(views, c.hex());
                            case DETAIL -> IpsecSecurityAssociationsReport.detail(views, c.hex());
                            case EXTENSIVE -> IpsecSecurityAssociationsReport.extensive(views, c.hex());
                        });
            }
            case OperationalCommand.ShowIpsecStatistics c -> {
                List<IpsecStatisticsView> views = statisticsViews(c.filter());
                boolean detail = c.level() != Level.BRIEF || c.filter().peer().isPresent()
                        || c.filter().tunnelIndex().isPresent();
                yield render(c.format(), () -> IpsecStatisticsReport.element(views, detail),
                        () -> IpsecStatisticsReport.text(views, detail));
            }
            case OperationalCommand.ShowDrops c -> render(c.format(), () -> DropsReport.element(drops()),
                    () -> DropsReport.text(drops()));
            case OperationalCommand.ShowServiceSets c -> render(c.format(),
                    () -> withRoutingInstances(ServiceSetsReport.element(serviceSetViews(), gateway.dataPath(), gateway.dataPathCounts())),
                    () -> ServiceSetsReport.text(serviceSetViews(), gateway.dataPath(), gateway.dataPathCounts(), gateway.plan().warnings())
                            + routing.instancesMechanism().map(m -> "Routing instances: " + m + "\n").orElse(""));
            case OperationalCommand.ShowTcpMss c -> {
                List<TcpMssReport.Row> rows = tcpMssRows(c.interfaceName());
                yield render(c.format(), () -> TcpMssReport.element(rows), () -> TcpMssReport.text(rows));
            }
            case OperationalCommand.ShowNegotiationTimes c -> render(c.format(),
                    () -> NegotiationTimesReport.element(gateway.kmd().negotiationTimes()),
                    () -> NegotiationTimesReport.text(gateway.kmd().negotiationTimes()));
            case OperationalCommand.ShowCertificates c -> {
                Optional<List<CertificatesReport.SetCache>> caches = certificateCaches(c.serviceSet());
                if (caches.isEmpty()) {
                    yield Reply.error("error: service set " + c.serviceSet().orElseThrow() + " is not configured\n");
                }
                boolean detail = c.level() != Level.BRIEF;
                yield render(c.format(), () -> CertificatesReport.element(caches.get(), detail),
                        () -> CertificatesReport.text(caches.get(), detail));
            }
            case OperationalCommand.ClearCertificates c -> clearCertificates(c);
            case OperationalCommand.ShowConfiguration c -> Reply.ok(activeConfiguration.get());
            case OperationalCommand.ClearIkeSecurityAssociations c -> {
                gateway.clearIke(matching(c.filter()));
                yield Reply.ok("");
            }
            case OperationalCommand.ClearIkeStatistics c -> {
                clearIkeStatistics(c.filter());
                yield Reply.ok("");
            }
            case OperationalCommand.ClearIpsecSecurityAssociations c -> {
                gateway.clearIpsec(matching(c.filter()));
                yield Reply.ok("");
            }
            case OperationalCommand.ClearIpsecStatistics c -> {
                gateway.clearStatistics(matching(c.filter()));
                yield Reply.ok("");
            }
        };
    }

    /** {@code show services service-sets}: how routing instances are realised (leaf {@code routing-instances}), when there are any. */
    private Element withRoutingInstances(Element report) {
        return routing.instancesMechanism().map(m -> {
            List<Element> children = new ArrayList<>(report.children());
            children.add(Element.leaf("routing-instances", m));
            return Element.container(report.tag(), children);
        }).orElse(report);
    }

    /** The tunnels a command's options name ({@code routing-instance}: their set's local gateway's). */
    private java.util.function.Predicate<TunnelPlan> matching(OperationalCommand.Filter f) {
        return t -> f.serviceSet().map(t.serviceSet()::equals).orElse(true)
                && f.peer().map(p -> t.remoteGateway() != null && address(p).equals(t.remoteGateway())).orElse(true)
                && (f.tunnelIndex().isEmpty() || f.tunnelIndex().getAsInt() == t.tunnelIndex())
                && f.routingInstanceMatches(routingInstance(t.serviceSet()));
    }

    /** The routing instance of {@code serviceSet}'s local gateway. */
    private String routingInstance(String serviceSet) {
        return gateway.serviceSets().stream().filter(s -> s.name().equals(serviceSet)).findFirst()
                .map(ServiceSetPlan::routingInstance).orElse(ServiceSetPlan.DEFAULT_INSTANCE);
    }

    private static Reply render(Format format, Supplier<Element> element, Supplier<String> text) {
        return Reply.ok(switch (format) {
            case TEXT -> text.get();
            case XML -> Display.xml(element.get());
            case JSON -> Display.json(element.get());
        });
    }

    private static InetAddress address(String text) {
        try {
            return InetAddress.ofLiteral(text);
        } catch (IllegalArgumentException e) {
            try {
                return InetAddress.getByName(text);
            } catch (UnknownHostException u) {
                throw new IllegalArgumentException("not an address: " + text, u);
            }
        }
    }

    // ---------------------------------------------------------------- certificates

    /** Each running service set's certificate cache (one shared by its tunnels); empty for an unknown set. */
    private Optional<List<CertificatesReport.SetCache>> certificateCaches(Optional<String> serviceSet) {
        List<CertificatesReport.SetCache> out = new ArrayList<>();
        boolean found = false;
        for (ServiceSetPlan set : gateway.serviceSets()) {
            if (serviceSet.isPresent() && !serviceSet.get().equals(set.name())) {
                continue;
            }
            found = true;
            List<CertificatesReport.Entry> entries = cache(set).map(c -> c.entries().reversed().stream()
                    .map(e -> new CertificatesReport.Entry(e.number(), e.root(), origin(e.origin()),
                            CertificateSummary.of(e.certificate())))
                    .toList()).orElse(List.of());
            out.add(new CertificatesReport.SetCache(set.name(), entries));
        }
        return found || serviceSet.isEmpty() ? Optional.of(out) : Optional.empty();
    }

    private static Optional<CertificateCache> cache(ServiceSetPlan set) {
        return set.tunnels().stream()
                .flatMap(t -> java.util.stream.Stream.concat(t.peer().stream(), t.backupPeer().stream()))
                .map(PeerConfig::authenticator)
                .filter(a -> a instanceof CertificateAuthenticator)
                .map(a -> ((CertificateAuthenticator) a).cache())
                .findFirst();
    }

    private static String origin(CertificateCache.Origin origin) {
        return switch (origin) {
            case TRUSTED_CA -> "trusted CA";
            case LOCAL -> "local certificate";
            case PEER -> "peer";
        };
    }

    /** Forgets what peers presented; with an entry number, only that entry (which must be a peer's). */
    private Reply clearCertificates(OperationalCommand.ClearCertificates c) {
        Optional<List<CertificatesReport.SetCache>> sets = certificateCaches(c.serviceSet());
        if (sets.isEmpty()) {
            return Reply.error("error: service set " + c.serviceSet().orElseThrow() + " is not configured\n");
        }
        List<CertificateCache> caches = gateway.serviceSets().stream()
                .filter(set -> c.serviceSet().map(set.name()::equals).orElse(true))
                .flatMap(set -> cache(set).stream()).toList();
        boolean removed = gateway.clearPeerCertificates(caches, c.entry().orElse(0));
        if (c.entry().isPresent() && !removed) {
            return Reply.error("error: no certificate-cache-entry " + c.entry().getAsInt()
                    + " learned from a peer (CA and local certificates leave with clear security pki)\n");
        }
        return Reply.ok("");
    }

    // ---------------------------------------------------------------- IKE

    List<IkeSaView> ikeViews(OperationalCommand.Filter filter) {
        Optional<String> peer = filter.peer().map(a -> address(a).getHostAddress());
        long now = gateway.runner().nowNanos();
        List<IkeSaView> out = new ArrayList<>();
        for (Kmd.IkeSaView sa : gateway.kmd().ikeSas()) {
            if (sa.state().equals("REKEYED") || sa.state().equals("CLOSED")) {
                continue;
            }
            Optional<TunnelState> tunnel = gateway.tunnel(sa.peer());
            String instance = tunnel.map(t -> routingInstance(t.plan().serviceSet())).orElse(ServiceSetPlan.DEFAULT_INSTANCE);
            if (!filter.routingInstanceMatches(instance)) {
                continue;
            }
            if (tunnel.flatMap(t -> gateway.localGatewayProblem(t.plan().serviceSet())).isPresent()) {
                continue; // gw-interface local gateway down: the SA is cleared (its delete cannot leave)
            }
            boolean matured = sa.state().equals("ESTABLISHED");
            Action.IkeSaUp up = tunnel.map(TunnelState::ike).filter(u -> u.ikeSa().equals(sa.id())).orElse(null);
            KmdAgent.IkeTraffic traffic = gateway.kmd().traffic().get(sa.remote().getAddress());
            long expires = up == null ? 0
                    : Math.max(0, up.lifetime().hardSeconds() - (now - tunnel.get().ikeUpNanos()) / 1_000_000_000L);
            out.add(new IkeSaView(sa.remote().getAddress().getHostAddress(), sa.remote().getPort(),
                    sa.local().getAddress().getHostAddress(), sa.local().getPort(), sa.initiator(), matured,
                    sa.id().spiI(), sa.id().spiR(), sa.exchangeType(), tunnel.map(t -> authenticationMethod(t.plan())).orElse("Pre-shared-keys"),
                    tunnel.flatMap(t -> localInterface(t.plan().serviceSet())).orElse(""), instance, expires,
                    up == null ? "" : up.integrity() == null ? "" : up.integrity().ipsecKeyword(),
                    up == null ? "" : up.encryption().keyword(),
                    up == null ? "" : up.prf().displayName(),
                    up == null ? 0 : up.group().number(),
                    traffic(sa.remote().getAddress(), traffic),
                    payloads(sa.counters()),
                    tunnel.map(TunnelState::created).orElse(0), tunnel.map(TunnelState::deleted).orElse(0),
                    tunnel.map(TunnelState::rekeys).orElse(0), matured ? 0 : 1));
        }
        return out.stream()
                .filter(v -> peer.map(v.remoteAddress()::equals).orElse(true))
                .sorted(Comparator.comparing(IkeSaView::remoteAddress))
                .toList();
    }

    private static IkeSaView.Payloads payloads(io.sallyport.ike.IkeSaCounters c) {
        return new IkeSaView.Payloads(c.deleteReceived(), c.deleteSent(), c.dpdRequestReceived(), c.dpdRequestSent(),
                c.dpdResponseReceived(), c.dpdResponseSent(), c.dpdResponseMissed(), c.dpdResponseMaxDelaySeconds(),
                c.invalidSpiReceived(), c.invalidSpiSent(),
                c.exchanges().stream().map(e -> new IkeSaView.Exchange(e.type(), e.received(), e.sent(), e.failed())).toList());
    }

    /** IKE message counters towards one remote since the last {@code clear ... ike statistics}. */
    private IkeSaView.Traffic traffic(InetAddress remote, KmdAgent.IkeTraffic t) {
        if (t == null) {
            return IkeSaView.Traffic.NONE;
        }
        IkeSaView.Traffic base = ikeBaseline.getOrDefault(remote, IkeSaView.Traffic.NONE);
        return new IkeSaView.Traffic(t.inBytes() - base.inputBytes(), t.outBytes() - base.outputBytes(),
                t.inPackets() - base.inputPackets(), t.outPackets() - base.outputPackets());
    }

    /** {@code clear services ipsec-vpn ike statistics}: counters of the matching peers start again from zero. */
    private void clearIkeStatistics(OperationalCommand.Filter filter) {
        java.util.function.Predicate<TunnelPlan> which = matching(filter);
        Set<InetAddress> remotes = new HashSet<>();
        gateway.tunnels().stream().map(TunnelState::plan).filter(which)
                .filter(p -> p.remoteGateway() != null).forEach(p -> remotes.add(p.remoteGateway()));
        gateway.kmd().traffic().forEach((remote, t) -> {
            if (remotes.contains(remote)) {
                ikeBaseline.put(remote, new IkeSaView.Traffic(t.inBytes(), t.outBytes(), t.inPackets(), t.outPackets()));
            }
        });
    }

    /** As Junos names it in the IKE SA detail: {@code Pre-shared-keys} or {@code RSA-signatures}/{@code ECDSA-signatures}. */
    private static String authenticationMethod(TunnelPlan p) {
        return p.peer().map(PeerConfig::authenticator).filter(a -> a instanceof CertificateAuthenticator)
                .map(a -> ((CertificateAuthenticator) a).certificate().getPublicKey().getAlgorithm().equals("RSA")
                        ? "RSA-signatures" : "ECDSA-signatures")
                .orElse("Pre-shared-keys");
    }

    private Optional<String> localInterface(String serviceSet) {
        return gateway.serviceSets().stream().filter(s -> s.name().equals(serviceSet)).findFirst()
                .flatMap(ServiceSetPlan::localGatewayInterface);
    }

    // ---------------------------------------------------------------- IPsec

    /** A set's configured tunnels, then its dynamic peers' tunnels (as they come and go), by tunnel index. */
    private List<TunnelPlan> tunnelsOf(ServiceSetPlan set) {
        List<TunnelPlan> out = new ArrayList<>(set.tunnels());
        if (set.dynamic().isPresent()) {
            java.util.Set<String> configured = new java.util.HashSet<>();
            set.tunnels().forEach(t -> configured.add(t.id()));
            gateway.tunnels().stream().map(TunnelState::plan)
                    .filter(p -> p.serviceSet().equals(set.name()) && !configured.contains(p.id()))
                    .sorted(java.util.Comparator.comparingInt(TunnelPlan::tunnelIndex)).forEach(out::add);
        }
        return out;
    }

    List<IpsecTunnelView> tunnelViews(OperationalCommand.Filter filter) {
        long now = gateway.runner().nowNanos();
        List<IpsecTunnelView> out = new ArrayList<>();
        java.util.function.Predicate<TunnelPlan> which = matching(filter);
        for (ServiceSetPlan set : gateway.serviceSets()) {
            for (TunnelPlan p : tunnelsOf(set)) {
                if (!which.test(p)) {
                    continue;
                }
                Optional<TunnelState> state = gateway.tunnel(p.id());
                TunnelState.SaPair sa = state.map(TunnelState::current).orElse(null);
                List<IpsecSaView> sas = new ArrayList<>();
                Optional<String> suspended = gateway.localGatewayProblem(set.name());
                boolean copyTos = p.esp().outerTos() == io.sallyport.esp.EspSa.COPY_FROM_INNER;
                int tos = copyTos ? 0 : p.esp().outerTos();
                boolean copyTtl = p.esp().outerTtl() == io.sallyport.esp.EspSa.COPY_FROM_INNER;
                int ttl = copyTtl ? 0 : p.esp().outerTtl();
                TunnelState.SaPair parked = state.map(TunnelState::notInstalled).filter(l -> !l.isEmpty())
                        .map(List::getLast).orElse(null);
                if (sa == null && parked != null) {
                    // Interface style, gw-interface local gateway down: listed, out of the data plane.
                    String auth = parked.integrity() == null ? "none" : parked.integrity().ipsecKeyword();
                    int window = p.esp().replayWindow();
                    sas.add(new IpsecSaView(true, Integer.toUnsignedLong(parked.spiIn()), parked.manual(), false, "ESP",
                            auth, parked.encryption().keyword(), -1, -1, window > 0, window, copyTos, tos, copyTtl, ttl));
                    sas.add(new IpsecSaView(false, Integer.toUnsignedLong(parked.spiOut()), parked.manual(), false, "ESP",
                            auth, parked.encryption().keyword(), -1, -1, window > 0, window, copyTos, tos, copyTtl, ttl));
                }
                if (sa != null) {
                    long age = (now - sa.installedNanos()) / 1_000_000_000L;
                    long soft = sa.manual() ? -1 : sa.softSeconds() - age;
                    long hard = sa.manual() ? -1 : sa.hardSeconds() - age;
                    String auth = sa.integrity() == null ? "none" : sa.integrity().ipsecKeyword();
                    int window = p.esp().replayWindow();
                    sas.add(new IpsecSaView(true, Integer.toUnsignedLong(sa.spiIn()), sa.manual(), true, "ESP", auth,
                            sa.encryption().keyword(), soft, hard, window > 0, window, copyTos, tos, copyTtl, ttl));
                    sas.add(new IpsecSaView(false, Integer.toUnsignedLong(sa.spiOut()), sa.manual(), true, "ESP", auth,
                            sa.encryption().keyword(), soft, hard, window > 0, window, copyTos, tos, copyTtl, ttl));
                }
                Optional<String> deviceGone = gateway.deviceProblem(set.name());
                String down = deviceGone.isPresent() ? deviceGone.get()
                        : sa != null ? null
                        : suspended.isPresent() ? suspended.get()
                        : state.map(TunnelState::lastFailure).orElse(null) != null ? state.get().lastFailure()
                        : "no IPsec SA negotiated yet";
                IpsecTunnelView.Redundancy redundancy = p.backupPeer().map(b -> new IpsecTunnelView.Redundancy(
                        hostAddress(p.remoteGateway()), !state.map(TunnelState::onBackup).orElse(false),
                        hostAddress(b.remoteAddress()), state.map(TunnelState::failovers).orElse(0))).orElse(null);
                String remoteGw = hostAddress(state.map(TunnelState::activeRemoteGateway).orElse(p.remoteGateway()));
                out.add(new IpsecTunnelView(set.name(), set.routingInstance(), p.rule(), p.term(), p.tunnelIndex(),
                        hostAddress(p.localGateway()), remoteGw, p.insideInterface(),
                        p.esp().tunnelMtu(), p.esp().udpEncapsulatePort().isPresent(),
                        p.esp().udpEncapsulatePort().orElse(0),
                        IpsecTunnelView.proxyId(p.localPrefix().toString()),
                        IpsecTunnelView.proxyId(p.remotePrefix().toString()), sas, down, redundancy));
            }
        }
        return out;
    }

    List<IpsecStatisticsView> statisticsViews(OperationalCommand.Filter filter) {
        List<IpsecStatisticsView> out = new ArrayList<>();
        java.util.function.Predicate<TunnelPlan> which = matching(filter);
        for (ServiceSetPlan set : gateway.serviceSets()) {
            for (TunnelPlan p : tunnelsOf(set)) {
                String remoteGw = hostAddress(p.remoteGateway());
                if (!which.test(p)) {
                    continue;
                }
                Statistics s = gateway.tunnel(p.id()).map(TunnelState::statistics).orElse(Statistics.ZERO);
                out.add(new IpsecStatisticsView(pic(set.insideInterface()), set.name(), hostAddress(p.localGateway()),
                        remoteGw, p.tunnelIndex(), s.encryptedBytes(), s.decryptedBytes(), s.encryptedPackets(),
                        s.decryptedPackets(), s.replayErrors(), s.authenticationFailures(), s.decryptionFailures(),
                        s.badHeaders(), s.badTrailers(), s.replayBeforeWindow(), s.ipIntegrityErrors(),
                        s.exceedsTunnelMtu(), s.noSaErrors(), s.invalidSpiErrors(), s.tsCheckFailures(), s.miscErrors()));
            }
        }
        return out;
    }

    /**
     * Each service set's {@code tcp-mss} counts, summed over its tunnels (dynamic peers' too); with
     * an interface, only the sets on that services PIC or unit.
     */
    private List<TcpMssReport.Row> tcpMssRows(Optional<String> interfaceName) {
        List<TcpMssReport.Row> out = new ArrayList<>();
        for (ServiceSetPlan set : gateway.serviceSets()) {
            String pic = pic(set.insideInterface());
            if (interfaceName.isPresent() && !interfaceName.get().equals(pic)
                    && !interfaceName.get().equals(set.insideInterface())) {
                continue;
            }
            TcpMssCounts sum = TcpMssCounts.ZERO;
            for (TunnelPlan p : tunnelsOf(set)) {
                sum = sum.plus(gateway.tunnel(p.id()).map(TunnelState::tcpMss).orElse(TcpMssCounts.ZERO));
            }
            out.add(new TcpMssReport.Row(pic, set.name(), sum.synReceived(), sum.synModified()));
        }
        return out;
    }

    /** The PIC of a unit: {@code ms-1/2/0.1} is on {@code ms-1/2/0}. */
    private static String pic(String unit) {
        int dot = unit.lastIndexOf('.');
        return dot < 0 ? unit : unit.substring(0, dot);
    }

    private static String hostAddress(InetAddress a) {
        return a == null ? "" : a.getHostAddress();
    }

    // ---------------------------------------------------------------- drops

    /** Every drop counter outside the per-tunnel statistics, non-zero ones only, as the workers last published them. */
    List<DropsReport.Section> drops() {
        List<DropsReport.Section> out = new ArrayList<>();
        DataPlaneCounters dataPlane = gateway.dataPlane();
        for (WorkerCounters w : dataPlane.inbound()) {
            List<DropsReport.Counter> c = new ArrayList<>();
            WorkerCounters.Published p = w.published();
            for (io.sallyport.esp.DropReason r : io.sallyport.esp.DropReason.values()) {
                counter(c, r.label(), r.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'), p.unattributed().get(r));
            }
            stats(c, p);
            w.ports().forEach(port -> port(c, port));
            out.add(new DropsReport.Section("Inbound port", w.worker(), c));
        }
        for (WorkerCounters w : dataPlane.outbound()) {
            List<DropsReport.Counter> c = new ArrayList<>();
            stats(c, w.published());
            w.ports().forEach(port -> port(c, port));
            out.add(new DropsReport.Section("Inside device", w.worker(), c));
        }
        gateway.sendPorts().forEach((name, ports) -> {
            List<DropsReport.Counter> c = new ArrayList<>();
            for (io.sallyport.net.PortCounter pc : io.sallyport.net.PortCounter.values()) {
                if (pc.name().startsWith("SEND_DROPPED")) {
                    counter(c, pc.label(), pc.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'),
                            ports.stream().mapToLong(p -> p.get(pc)).sum());
                }
            }
            out.add(new DropsReport.Section("Send ports", name, c));
        });
        List<DropsReport.Counter> k = new ArrayList<>();
        gateway.kmd().drops().forEach((r, n) -> counter(k, r.label(), r.name().toLowerCase(java.util.Locale.ROOT)
                .replace('_', '-'), n));
        counter(k, "Operator and worker requests refused by a full control queue", "control-queue-full",
                gateway.refusedCommands());
        out.add(new DropsReport.Section("kmd", "IKE", k));
        return out;
    }

    private static void stats(List<DropsReport.Counter> out, WorkerCounters.Published p) {
        for (WorkerCounters.Stat s : WorkerCounters.Stat.values()) {
            counter(out, s.label(), s.tag(), p.get(s));
        }
    }

    private static void counter(List<DropsReport.Counter> out, String label, String tag, long value) {
        if (value != 0) {
            out.add(new DropsReport.Counter(label, tag, value));
        }
    }

    /** A port's failures (not its traffic counters). */
    private static void port(List<DropsReport.Counter> out, io.sallyport.net.PortCounters p) {
        for (io.sallyport.net.PortCounter c : io.sallyport.net.PortCounter.values()) {
            boolean failure = c.name().startsWith("SEND_DROPPED") || c.name().startsWith("RECEIVE_");
            if (failure) {
                counter(out, c.label(), c.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'), p.get(c));
            }
        }
    }

    // ---------------------------------------------------------------- service sets

    private List<ServiceSetsReport.SetView> serviceSetViews() {
        var problems = gateway.serviceSetProblems();
        List<ServiceSetsReport.SetView> out = new ArrayList<>();
        for (ServiceSetPlan s : gateway.serviceSets()) {
            List<ServiceSetsReport.TunnelLine> tunnels = new ArrayList<>();
            for (IpsecTunnelView t : tunnelViews(OperationalCommand.Filter.serviceSet(s.name()))) {
                tunnels.add(new ServiceSetsReport.TunnelLine(t.tunnelIndex(), t.rule(), t.term(), t.remoteGateway(),
                        t.downReason()));
            }
            Optional<ServiceSetsReport.DynamicPeers> dynamic = s.dynamic().map(d -> new ServiceSetsReport.DynamicPeers(
                    d.profile(), d.units(), d.dedicated(), d.problem().orElse(null),
                    gateway.dynamicRefusals(s.name()).stream().map(r -> new ServiceSetsReport.Refusal(
                            hostAddress(r.peer()), (gateway.runner().nowNanos() - r.atNanos()) / 1_000_000_000L,
                            r.outcome() == DynamicPeerRefusal.Outcome.CHILD_REFUSED, r.reason()))
                            .toList()));
            out.add(new ServiceSetsReport.SetView(s.name(), s.insideInterface(), s.tunName(), problems.get(s.name()),
                    gateway.unmatchedPackets(s.name()), gateway.devicesRecreated(s.name()), tunnels, dynamic));
        }
        return out;
    }

}
