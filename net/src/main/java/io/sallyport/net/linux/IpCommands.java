package io.sallyport.net.linux;

import io.sallyport.net.HostAddress;
import io.sallyport.net.PolicyRule;
import io.sallyport.net.Route;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * iproute2 command lines for the changes {@code NetworkControl} makes: what
 * {@link LinuxNetworkControl} runs, and how {@link NetlinkNetworkControl} names the same change in
 * its error messages, so logs read alike whichever of the two made it.
 */
final class IpCommands {

    /** The last metric: an unreachable route loses to every other route to its destination. */
    static final long LAST_METRIC = 4278198272L;

    private IpCommands() {
    }

    /** {@code ip [-n NS] ARGS...}. */
    static List<String> ip(final Optional<String> namespace, final List<String> args) {
        final List<String> command = new ArrayList<>();
        command.add("ip");
        namespace.ifPresent(ns -> {
            command.add("-n");
            command.add(ns);
        });
        command.addAll(args);
        return command;
    }

    /** {@code -4 route add|del DEST [via GW] dev DEV [src SRC] [table T] [metric M]}, or the unreachable form. */
    static List<String> route(final String verb, final Route route) {
        final List<String> args = new ArrayList<>(List.of(route.destination().isIpv4() ? "-4" : "-6",
                "route", verb));
        if (route.isUnreachable()) {
            args.addAll(List.of("unreachable", route.destination().toString()));
            if (route.table() != Route.MAIN_TABLE) {
                args.addAll(List.of("table", Integer.toString(route.table())));
            }
            args.addAll(List.of("metric", Long.toString(LAST_METRIC)));
            return args;
        }
        args.add(route.destination().toString());
        route.via().ifPresent(gw -> {
            args.add("via");
            args.add(gw.getHostAddress());
        });
        args.add("dev");
        args.add(route.device());
        route.source().ifPresent(src -> {
            args.add("src");
            args.add(src.getHostAddress());
        });
        if (route.table() != Route.MAIN_TABLE) {
            args.add("table");
            args.add(Integer.toString(route.table()));
        }
        route.metric().ifPresent(m -> {
            args.add("metric");
            args.add(Long.toString(m));
        });
        return args;
    }

    /** A rule is IPv6 when one of its prefixes is; one without prefixes is IPv4 ({@code ip -4}). */
    static boolean isIpv6(final PolicyRule rule) {
        return rule.from().map(p -> !p.isIpv4()).orElse(false) || rule.to().map(p -> !p.isIpv4()).orElse(false);
    }

    /** {@code -4 rule add|del priority P [from SRC] [to DST] [iif DEV] lookup T}. */
    static List<String> rule(final String verb, final PolicyRule rule) {
        final List<String> args = new ArrayList<>(List.of(isIpv6(rule) ? "-6" : "-4", "rule", verb,
                "priority", Integer.toString(rule.priority())));
        rule.from().ifPresent(p -> {
            args.add("from");
            args.add(p.toString());
        });
        rule.to().ifPresent(p -> {
            args.add("to");
            args.add(p.toString());
        });
        rule.inputInterface().ifPresent(dev -> {
            args.add("iif");
            args.add(dev);
        });
        args.add("lookup");
        args.add(Integer.toString(rule.table()));
        return args;
    }

    /** {@code -4 rule add|del priority P fwmark MARK lookup T}. */
    static List<String> markRule(final String verb, final int priority, final int mark, final int table) {
        return List.of("-4", "rule", verb, "priority", Integer.toString(priority), "fwmark", Integer.toString(mark),
                "lookup", Integer.toString(table));
    }

    static List<String> address(final HostAddress address) {
        return List.of("address", "add", address.address().getHostAddress() + "/" + address.prefixLength(),
                "dev", address.device());
    }

    static List<String> linkUp(final String device, final boolean up) {
        return List.of("link", "set", device, up ? "up" : "down");
    }

    static List<String> linkDelete(final String device) {
        return List.of("link", "del", device);
    }
}
