package io.sallyport.gateway.runtime;

import io.sallyport.gateway.mgmt.ControlProtocol.Reply;
import io.sallyport.gateway.mgmt.ManagementApi;
import io.sallyport.gateway.mgmt.OperationalCommand;
import io.sallyport.gateway.mgmt.OperationalCommand.Format;
import io.sallyport.gateway.mgmt.OperationalCommand.Level;
import io.sallyport.gateway.ops.Display;
import io.sallyport.gateway.ops.Element;
import io.sallyport.gateway.ops.IkeSaView;
import io.sallyport.gateway.ops.IkeSecurityAssociationsReport;
import io.sallyport.gateway.ops.IkeStatisticsReport;
import io.sallyport.gateway.ops.IpsecSaView;
import io.sallyport.gateway.ops.IpsecSecurityAssociationsReport;
import io.sallyport.gateway.ops.IpsecStatisticsReport;
import io.sallyport.gateway.ops.IpsecStatisticsView;
import io.sallyport.gateway.ops.IpsecTunnelView;
import io.sallyport.gateway.plan.ServiceSetPlan;
import io.sallyport.gateway.plan.TunnelPlan;
import io.sallyport.ike.Action;
import io.sallyport.ike.Kmd;
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

    private final Gateway gateway;
    private final Supplier<Reply> reload;
    private final Supplier<String> activeConfiguration;

    /**
     * @param reload              re-reads the committed configuration and applies it
     * @param activeConfiguration the committed configuration as text, for {@code show configuration}
     */
    public GatewayManagement(Gateway gateway, Supplier<Reply> reload, Supplier<String> activeConfiguration) {
        this.gateway = gateway;
        this.reload = reload;
        this.activeConfiguration = activeConfiguration;
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
            case OperationalCommand.ShowIkeSecurityAssociations c -> {
                List<IkeSaView> views = ikeViews(c.peer());
                yield render(c.format(), () -> IkeSecurityAssociationsReport.element(views),
                        () -> c.level() == Level.BRIEF ? IkeSecurityAssociationsReport.brief(views)
                                : IkeSecurityAssociationsReport.detail(views));
            }
            case OperationalCommand.ShowIkeStatistics c -> {
                List<IkeSaView> views = ikeViews(c.peer()).stream().filter(IkeSaView::matured).toList();
                yield render(c.format(), () -> IkeStatisticsReport.element(views), () -> IkeStatisticsReport.text(views));
            }
            case OperationalCommand.ShowIpsecSecurityAssociations c -> {
                List<IpsecTunnelView> views = tunnelViews(c.serviceSet());
                yield render(c.format(), () -> IpsecSecurityAssociationsReport.element(views),
                        () -> switch (c.level()) {
                            case BRIEF -> IpsecSecurityAssociationsReport.brief(views, c.hex());
                            case DETAIL -> IpsecSecurityAssociationsReport.detail(views, c.hex());
                            case EXTENSIVE -> IpsecSecurityAssociationsReport.extensive(views, c.hex());
                        });
            }
            case OperationalCommand.ShowIpsecStatistics c -> {
                List<IpsecStatisticsView> views = statisticsViews(c.serviceSet(), c.remoteGateway());
                boolean detail = c.level() != Level.BRIEF || c.remoteGateway().isPresent();
                yield render(c.format(), () -> IpsecStatisticsReport.element(views, detail),
                        () -> IpsecStatisticsReport.text(views, detail));
            }
            case OperationalCommand.ShowServiceSets c -> render(c.format(), this::serviceSetsElement,
                    this::serviceSetsText);
            case OperationalCommand.ShowConfiguration c -> Reply.ok(activeConfiguration.get());
            case OperationalCommand.ClearIkeSecurityAssociations c -> {
                gateway.clearIke(c.peer().map(GatewayManagement::address));
                yield Reply.ok("");
            }
            case OperationalCommand.ClearIpsecSecurityAssociations c -> {
                gateway.clearIpsec(c.serviceSet(), c.remoteGateway().map(GatewayManagement::address));
                yield Reply.ok("");
            }
            case OperationalCommand.ClearIpsecStatistics c -> {
                gateway.clearStatistics(c.serviceSet());
                yield Reply.ok("");
            }
        };
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

    // ---------------------------------------------------------------- IKE

    List<IkeSaView> ikeViews(Optional<String> peer) {
        long now = gateway.runner().nowNanos();
        List<IkeSaView> out = new ArrayList<>();
        Set<String> peersWithSa = new HashSet<>();
        for (Kmd.IkeSaView sa : gateway.kmd().ikeSas()) {
            if (sa.state().equals("REKEYED") || sa.state().equals("CLOSED")) {
                continue;
            }
            Optional<TunnelState> tunnel = gateway.tunnel(sa.peer());
            if (tunnel.flatMap(t -> gateway.localGatewayProblem(t.plan().serviceSet())).isPresent()) {
                continue; // gw-interface local gateway down: the SA is cleared (its delete cannot leave)
            }
            peersWithSa.add(sa.peer());
            boolean matured = sa.state().equals("ESTABLISHED");
            Action.IkeSaUp up = tunnel.map(TunnelState::ike).filter(u -> u.ikeSa().equals(sa.id())).orElse(null);
            KmdAgent.IkeTraffic traffic = gateway.kmd().traffic().get(sa.remote().getAddress());
            long expires = up == null ? 0
                    : Math.max(0, up.lifetime().hardSeconds() - (now - tunnel.get().ikeUpNanos()) / 1_000_000_000L);
            out.add(new IkeSaView(sa.remote().getAddress().getHostAddress(), sa.remote().getPort(),
                    sa.local().getAddress().getHostAddress(), sa.local().getPort(), sa.initiator(), matured,
                    sa.id().spiI(), sa.id().spiR(), "IKEv2", "Pre-shared-keys",
                    tunnel.flatMap(t -> localInterface(t.plan().serviceSet())).orElse(""), "default", expires,
                    up == null ? "" : up.integrity() == null ? "" : up.integrity().ipsecKeyword(),
                    up == null ? "" : up.encryption().keyword(),
                    up == null ? "" : up.prf().displayName(),
                    up == null ? 0 : up.group().number(),
                    traffic == null ? IkeSaView.Traffic.NONE : new IkeSaView.Traffic(traffic.inBytes(), traffic.outBytes(),
                            traffic.inPackets(), traffic.outPackets()),
                    IkeSaView.Payloads.NONE,
                    tunnel.map(TunnelState::created).orElse(0), tunnel.map(TunnelState::deleted).orElse(0),
                    tunnel.map(TunnelState::rekeys).orElse(0), matured ? 0 : 1,
                    matured ? null : tunnel.map(TunnelState::lastFailure).orElse(null)));
        }
        // Peers with no IKE SA at all: still listed when something failed, so the user sees why.
        for (TunnelState t : gateway.tunnels()) {
            TunnelPlan p = t.plan();
            if (!peersWithSa.contains(p.id()) && t.lastFailure() != null && p.remoteGateway() != null && !p.manual()
                    && gateway.localGatewayProblem(p.serviceSet()).isEmpty()) {
                out.add(new IkeSaView(p.remoteGateway().getHostAddress(), 500,
                        p.localGateway() == null ? "" : p.localGateway().getHostAddress(), 500, true, false, 0, 0,
                        "IKEv2", "Pre-shared-keys", localInterface(p.serviceSet()).orElse(""), "default", 0, "", "", "", 0,
                        IkeSaView.Traffic.NONE, IkeSaView.Payloads.NONE, t.created(), t.deleted(), t.rekeys(), 0,
                        t.lastFailure()));
            }
        }
        return out.stream()
                .filter(v -> peer.map(v.remoteAddress()::equals).orElse(true))
                .sorted(Comparator.comparing(IkeSaView::remoteAddress))
                .toList();
    }

    private Optional<String> localInterface(String serviceSet) {
        return gateway.serviceSets().stream().filter(s -> s.name().equals(serviceSet)).findFirst()
                .flatMap(ServiceSetPlan::localGatewayInterface);
    }

    // ---------------------------------------------------------------- IPsec

    List<IpsecTunnelView> tunnelViews(Optional<String> serviceSet) {
        long now = gateway.runner().nowNanos();
        List<IpsecTunnelView> out = new ArrayList<>();
        for (ServiceSetPlan set : gateway.serviceSets()) {
            if (serviceSet.isPresent() && !serviceSet.get().equals(set.name())) {
                continue;
            }
            for (TunnelPlan p : set.tunnels()) {
                Optional<TunnelState> state = gateway.tunnel(p.id());
                TunnelState.SaPair sa = state.map(TunnelState::current).orElse(null);
                List<IpsecSaView> sas = new ArrayList<>();
                Optional<String> suspended = gateway.localGatewayProblem(set.name());
                TunnelState.SaPair parked = state.map(TunnelState::notInstalled).filter(l -> !l.isEmpty())
                        .map(List::getLast).orElse(null);
                if (sa == null && parked != null) {
                    // Interface style, gw-interface local gateway down: listed, out of the data plane.
                    String auth = parked.integrity() == null ? "none" : parked.integrity().ipsecKeyword();
                    int window = p.esp().replayWindow();
                    sas.add(new IpsecSaView(true, Integer.toUnsignedLong(parked.spiIn()), parked.manual(), false, "ESP",
                            auth, parked.encryption().keyword(), -1, -1, window > 0, window));
                    sas.add(new IpsecSaView(false, Integer.toUnsignedLong(parked.spiOut()), parked.manual(), false, "ESP",
                            auth, parked.encryption().keyword(), -1, -1, window > 0, window));
                }
                if (sa != null) {
                    long age = (now - sa.installedNanos()) / 1_000_000_000L;
                    long soft = sa.manual() ? -1 : sa.softSeconds() - age;
                    long hard = sa.manual() ? -1 : sa.hardSeconds() - age;
                    String auth = sa.integrity() == null ? "none" : sa.integrity().ipsecKeyword();
                    int window = p.esp().replayWindow();
                    sas.add(new IpsecSaView(true, Integer.toUnsignedLong(sa.spiIn()), sa.manual(), true, "ESP", auth,
                            sa.encryption().keyword(), soft, hard, window > 0, window));
                    sas.add(new IpsecSaView(false, Integer.toUnsignedLong(sa.spiOut()), sa.manual(), true, "ESP", auth,
                            sa.encryption().keyword(), soft, hard, window > 0, window));
                }
                String down = sa != null ? null
                        : suspended.isPresent() ? suspended.get()
                        : state.map(TunnelState::lastFailure).orElse(null) != null ? state.get().lastFailure()
                        : "no IPsec SA negotiated yet";
                IpsecTunnelView.Redundancy redundancy = p.backupPeer().map(b -> new IpsecTunnelView.Redundancy(
                        hostAddress(p.remoteGateway()), !state.map(TunnelState::onBackup).orElse(false),
                        hostAddress(b.remoteAddress()), state.map(TunnelState::failovers).orElse(0))).orElse(null);
                String remoteGw = hostAddress(state.map(TunnelState::activeRemoteGateway).orElse(p.remoteGateway()));
                out.add(new IpsecTunnelView(set.name(), "default", p.rule(), p.term(), p.tunnelIndex(),
                        hostAddress(p.localGateway()), remoteGw, p.insideInterface(),
                        p.esp().tunnelMtu(), p.esp().udpEncapsulatePort().isPresent(),
                        p.esp().udpEncapsulatePort().orElse(0),
                        IpsecTunnelView.proxyId(p.localPrefix().toString()),
                        IpsecTunnelView.proxyId(p.remotePrefix().toString()), sas, down, redundancy));
            }
        }
        return out;
    }

    List<IpsecStatisticsView> statisticsViews(Optional<String> serviceSet, Optional<String> remote) {
        List<IpsecStatisticsView> out = new ArrayList<>();
        for (ServiceSetPlan set : gateway.serviceSets()) {
            if (serviceSet.isPresent() && !serviceSet.get().equals(set.name())) {
                continue;
            }
            for (TunnelPlan p : set.tunnels()) {
                String remoteGw = hostAddress(p.remoteGateway());
                if (remote.isPresent() && !remote.get().equals(remoteGw)) {
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

    /** The PIC of a unit: {@code ms-1/2/0.1} is on {@code ms-1/2/0}. */
    private static String pic(String unit) {
        int dot = unit.lastIndexOf('.');
        return dot < 0 ? unit : unit.substring(0, dot);
    }

    private static String hostAddress(InetAddress a) {
        return a == null ? "" : a.getHostAddress();
    }

    // ---------------------------------------------------------------- service sets

    private String serviceSetsText() {
        StringBuilder out = new StringBuilder();
        var problems = gateway.serviceSetProblems();
        out.append(String.format("%-20s%-16s%-16s%-8s%-10s%s%n", "Service set", "Inside unit", "Device", "State",
                "No tunnel", "Reason"));
        for (ServiceSetPlan s : gateway.serviceSets()) {
            String problem = problems.get(s.name());
            out.append(String.format("%-20s%-16s%-16s%-8s%-10d%s%n", s.name(), s.insideInterface(), s.tunName(),
                    problem == null ? "Up" : "Down", gateway.unmatchedPackets(s.name()), problem == null ? "" : problem));
        }
        out.append("Data path: ").append(gateway.dataPath()).append('\n');
        for (String w : gateway.plan().warnings()) {
            out.append("warning: ").append(w).append('\n');
        }
        return out.toString();
    }

    private Element serviceSetsElement() {
        var problems = gateway.serviceSetProblems();
        Element.Builder root = Element.builder("service-set-information");
        root.leaf("data-path", gateway.dataPath());
        for (ServiceSetPlan s : gateway.serviceSets()) {
            String problem = problems.get(s.name());
            root.add(Element.builder("service-set")
                    .leaf("service-set-name", s.name())
                    .leaf("inside-interface", s.insideInterface())
                    .leaf("device", s.tunName())
                    .leaf("state", problem == null ? "up" : "down")
                    .leaf("packets-matching-no-tunnel", gateway.unmatchedPackets(s.name()))
                    .leaf("down-reason", problem)
                    .build());
        }
        return root.build();
    }

}
