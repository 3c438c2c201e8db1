package io.sallyport.net.linux;

import io.sallyport.net.HostAddress;
import io.sallyport.net.HostNetworkException;
import io.sallyport.net.LinkState;
import io.sallyport.net.NetworkChangeTracker;
import io.sallyport.net.NetworkControl;
import io.sallyport.net.NetworkEvent;
import io.sallyport.net.PolicyRule;
import io.sallyport.net.Route;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@link NetworkControl} through iproute2's {@code ip} command, optionally inside a named network
 * namespace ({@code ip -n NS ...}). Listing uses the one-line form ({@code ip -o}); events come
 * from comparing successive listings, so {@link #pollEvents()} is meant to be called every
 * second or so by the gateway's housekeeping loop. The daemon makes its changes with
 * {@link NetlinkNetworkControl}, which lists through this class; this class alone is its
 * fallback when no rtnetlink socket opens.
 */
public final class LinuxNetworkControl implements NetworkControl {

    private final CommandRunner runner;
    private final Optional<String> namespace;
    private final NetworkChangeTracker tracker = new NetworkChangeTracker();

    public LinuxNetworkControl(final CommandRunner runner, final Optional<String> namespace) {
        this.runner = runner;
        this.namespace = namespace;
    }

    /** Control of the current network namespace with real child processes. */
    public static LinuxNetworkControl ofHost() {
        return new LinuxNetworkControl(new ProcessCommandRunner(), Optional.empty());
    }

    /** Control of named namespace {@code ns} (as {@code ip netns add} created it). */
    public static LinuxNetworkControl ofNamespace(final String ns) {
        return new LinuxNetworkControl(new ProcessCommandRunner(), Optional.of(ns));
    }

    private String ip(final String... args) {
        return ip(List.of(args));
    }

    private String ip(final List<String> args) {
        final List<String> command = IpCommands.ip(namespace, args);
        final CommandRunner.Result result = runner.run(command);
        if (result.exitCode() != 0) {
            final String reason = result.stderr().isBlank() ? result.stdout().strip() : result.stderr().strip();
            throw new HostNetworkException("'" + String.join(" ", command) + "' failed (exit "
                    + result.exitCode() + "): " + reason
                    + (reason.contains("Operation not permitted") ? " (needs CAP_NET_ADMIN)" : "")
                    + (reason.contains("Unknown device type") ? " (this kernel lacks the driver, e.g. CONFIG_NET_VRF)" : ""));
        }
        return result.stdout();
    }

    @Override
    public List<HostAddress> addresses() {
        return parseAddresses(ip("-o", "addr", "show"));
    }

    @Override
    public List<LinkState> links() {
        return parseLinks(ip("-o", "link", "show"));
    }

    @Override
    public void addAddress(final HostAddress address) {
        ip(IpCommands.address(address));
    }

    @Override
    public void addRoute(final Route route) {
        ip(IpCommands.route("add", route));
    }

    @Override
    public void deleteRoute(final Route route) {
        ip(IpCommands.route("del", route));
    }

    @Override
    public void addRule(final PolicyRule rule) {
        ip(IpCommands.rule("add", rule));
    }

    @Override
    public void deleteRule(final PolicyRule rule) {
        ip(IpCommands.rule("del", rule));
    }

    @Override
    public void addMarkRule(final int priority, final int mark, final int table) {
        ip(IpCommands.markRule("add", priority, mark, table));
    }

    @Override
    public void deleteMarkRule(final int priority, final int mark, final int table) {
        ip(IpCommands.markRule("del", priority, mark, table));
    }

    @Override
    public void createVrf(final String name, final int table) {
        ip("link", "add", name, "type", "vrf", "table", Integer.toString(table));
        ip("link", "set", name, "up");
    }

    @Override
    public void setMaster(final String device, final String vrf) {
        if (vrf == null) {
            ip("link", "set", device, "nomaster");
        } else {
            ip("link", "set", device, "master", vrf);
        }
    }

    @Override
    public void setLinkUp(final String device, final boolean up) {
        ip(IpCommands.linkUp(device, up));
    }

    @Override
    public void deleteLink(final String device) {
        ip(IpCommands.linkDelete(device));
    }

    @Override
    public List<NetworkEvent> pollEvents() {
        return tracker.update(links(), addresses());
    }

    /**
     * Parses {@code ip -o addr show}: {@code "2: eth0    inet 192.0.2.1/24 brd ... scope global
     * eth0\ ..."}. Point-to-point lines ({@code inet A peer B/len}) keep A as a host address.
     */
    static List<HostAddress> parseAddresses(final String output) {
        final List<HostAddress> result = new ArrayList<>();
        for (final String line : output.split("\n")) {
            final String[] f = line.trim().split("\\s+");
            if (f.length < 4 || !(f[2].equals("inet") || f[2].equals("inet6"))) {
                continue;
            }
            final String text = f[3];
            final int slash = text.indexOf('/');
            final boolean v6 = f[2].equals("inet6");
            final String addr = slash < 0 ? text : text.substring(0, slash);
            final int prefix = slash < 0 ? (v6 ? 128 : 32) : Integer.parseInt(text.substring(slash + 1));
            result.add(new HostAddress(stripLinkSuffix(f[1]), literal(addr), prefix));
        }
        return result;
    }

    /**
     * Parses {@code ip -o link show}: {@code "5: ms-1_2_0.1: <POINTOPOINT,UP,LOWER_UP> mtu 1400
     * qdisc ... state UNKNOWN ..."}.
     */
    static List<LinkState> parseLinks(final String output) {
        final List<LinkState> result = new ArrayList<>();
        for (final String line : output.split("\n")) {
            final String[] f = line.trim().split("\\s+");
            if (f.length < 3 || !f[0].endsWith(":") || !f[2].startsWith("<")) {
                continue;
            }
            final int index = Integer.parseInt(f[0].substring(0, f[0].length() - 1));
            final String name = stripLinkSuffix(f[1].substring(0, f[1].length() - 1));
            final List<String> flags = List.of(f[2].substring(1, f[2].length() - 1).split(","));
            int mtu = 0;
            for (int i = 3; i + 1 < f.length; i++) {
                if (f[i].equals("mtu")) {
                    mtu = Integer.parseInt(f[i + 1]);
                    break;
                }
            }
            result.add(new LinkState(name, index, flags.contains("UP"), flags.contains("LOWER_UP"), mtu));
        }
        return result;
    }

    /** {@code veth0@if7} and {@code eth0.100@eth0} name the device before the '@'. */
    private static String stripLinkSuffix(final String name) {
        final int at = name.indexOf('@');
        return at < 0 ? name : name.substring(0, at);
    }

    private static InetAddress literal(final String addr) {
        try {
            // A numeric literal never triggers a DNS lookup.
            return InetAddress.getByName(addr);
        } catch (final UnknownHostException e) {
            throw new HostNetworkException("ip printed an address that is not a literal: " + addr, e);
        }
    }
}
