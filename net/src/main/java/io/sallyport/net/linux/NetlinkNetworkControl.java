package io.sallyport.net.linux;

import io.sallyport.net.HostAddress;
import io.sallyport.net.HostNetworkException;
import io.sallyport.net.LinkState;
import io.sallyport.net.NetworkControl;
import io.sallyport.net.NetworkEvent;
import io.sallyport.net.PolicyRule;
import io.sallyport.net.Route;
import io.sallyport.net.linux.RtRequest.Change;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * {@link NetworkControl} whose changes go over rtnetlink: routes, rules, mark rules, link up/down,
 * addresses and link deletion are one message and one acknowledgement each on a socket opened
 * once, where {@link LinuxNetworkControl} starts an {@code ip} process per change. Listings,
 * {@link #pollEvents()}, VRF creation and {@link #setMaster} still run {@code ip} (rare, and
 * listings parse its output). Errors read like ip's: {@code 'ip -4 route add 198.51.100.0/24 dev
 * x metric 5' failed: File exists}.
 */
public final class NetlinkNetworkControl implements NetworkControl, AutoCloseable {

    private final RtNetlink socket;
    private final LinuxNetworkControl ip;
    private final Optional<String> namespace;

    private NetlinkNetworkControl(final RtNetlink socket, final Optional<String> namespace) {
        this.socket = socket;
        this.namespace = namespace;
        this.ip = namespace.map(LinuxNetworkControl::ofNamespace).orElseGet(LinuxNetworkControl::ofHost);
    }

    /**
     * Control of the current network namespace over rtnetlink, or through {@code ip} processes
     * when this process gets no rtnetlink socket; {@code log} is told which.
     */
    public static NetworkControl ofHost(final Consumer<String> log) {
        try {
            final NetworkControl control = new NetlinkNetworkControl(RtNetlink.open(), Optional.empty());
            log.accept("routes, rules, addresses and link changes over rtnetlink; listings and VRFs with ip");
            return control;
        } catch (final HostNetworkException e) {
            log.accept("routes, rules and links changed with ip processes: no rtnetlink socket (" + e.getMessage() + ")");
            return LinuxNetworkControl.ofHost();
        }
    }

    /**
     * Control of named namespace {@code ns} ({@code /var/run/netns/NS}): the socket is opened on a
     * thread that entered it (needs CAP_SYS_ADMIN), and stays there whichever thread uses it.
     */
    public static NetlinkNetworkControl openIn(final String ns) {
        return new NetlinkNetworkControl(NetNamespace.call(ns, RtNetlink::open), Optional.of(ns));
    }

    private Supplier<String> command(final List<String> args) {
        return () -> String.join(" ", IpCommands.ip(namespace, args));
    }

    private int index(final String device, final Supplier<String> command) {
        return socket.deviceIndex(device, command);
    }

    @Override
    public void addRoute(final Route route) {
        changeRoute(Change.ADD, route, IpCommands.route("add", route));
    }

    @Override
    public void deleteRoute(final Route route) {
        changeRoute(Change.DELETE, route, IpCommands.route("del", route));
    }

    private void changeRoute(final Change change, final Route route, final List<String> args) {
        final Supplier<String> command = command(args);
        final int device = route.isUnreachable() ? 0 : index(route.device(), command);
        socket.execute(new RtRequest.RouteChange(change, route, device), command);
    }

    @Override
    public void addRule(final PolicyRule rule) {
        socket.execute(RtRequest.RuleChange.of(Change.ADD, rule), command(IpCommands.rule("add", rule)));
    }

    @Override
    public void deleteRule(final PolicyRule rule) {
        socket.execute(RtRequest.RuleChange.of(Change.DELETE, rule), command(IpCommands.rule("del", rule)));
    }

    @Override
    public void addMarkRule(final int priority, final int mark, final int table) {
        socket.execute(RtRequest.RuleChange.ofMark(Change.ADD, priority, mark, table),
                command(IpCommands.markRule("add", priority, mark, table)));
    }

    @Override
    public void deleteMarkRule(final int priority, final int mark, final int table) {
        socket.execute(RtRequest.RuleChange.ofMark(Change.DELETE, priority, mark, table),
                command(IpCommands.markRule("del", priority, mark, table)));
    }

    @Override
    public void addAddress(final HostAddress address) {
        final Supplier<String> command = command(IpCommands.address(address));
        socket.execute(new RtRequest.AddressAdd(address, index(address.device(), command)), command);
    }

    @Override
    public void setLinkUp(final String device, final boolean up) {
        final Supplier<String> command = command(IpCommands.linkUp(device, up));
        socket.execute(new RtRequest.LinkUp(index(device, command), up), command);
    }

    @Override
    public void deleteLink(final String device) {
        final Supplier<String> command = command(IpCommands.linkDelete(device));
        socket.execute(new RtRequest.LinkDelete(index(device, command)), command);
    }

    @Override
    public List<HostAddress> addresses() {
        return ip.addresses();
    }

    @Override
    public List<LinkState> links() {
        return ip.links();
    }

    @Override
    public void createVrf(final String name, final int table) {
        ip.createVrf(name, table);
    }

    @Override
    public void setMaster(final String device, final String vrf) {
        ip.setMaster(device, vrf);
    }

    @Override
    public List<NetworkEvent> pollEvents() {
        return ip.pollEvents();
    }

    @Override
    public void close() {
        socket.close();
    }
}
