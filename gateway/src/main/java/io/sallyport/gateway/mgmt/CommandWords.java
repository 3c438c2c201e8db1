package io.sallyport.gateway.mgmt;

import io.sallyport.gateway.mgmt.OperationalCommand.Format;
import io.sallyport.gateway.mgmt.OperationalCommand.Level;
import io.sallyport.gateway.mgmt.OperationalCommand.Parsed;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/** A cursor over the words of one operational command. */
final class CommandWords {
    private final List<String> words;
    private final Format format;
    private int next;

    CommandWords(List<String> words, Format format) {
        this.words = words;
        this.format = format;
    }

    Parsed parse() {
        String verb = take();
        return switch (verb) {
            case "show" -> show();
            case "clear" -> clear();
            default -> Parsed.error("syntax error, expecting <command>: " + verb);
        };
    }

    private Parsed show() {
        String what = take();
        if (what.equals("configuration")) {
            return finish(new OperationalCommand.ShowConfiguration(format));
        }
        if (!what.equals("services")) {
            return Parsed.error("syntax error, expecting <command>: " + what);
        }
        String area = take();
        if (area.equals("service-sets")) {
            return finish(new OperationalCommand.ShowServiceSets(format));
        }
        if (!area.equals("ipsec-vpn")) {
            return Parsed.error("syntax error, expecting <ipsec-vpn> or <service-sets>: " + area);
        }
        String protocol = take();
        if (protocol.equals("drops")) {
            return finish(new OperationalCommand.ShowDrops(format));
        }
        String object = take();
        Level level = object.endsWith("security-associations") || object.equals("statistics") ? level() : Level.BRIEF;
        return switch (protocol + " " + object) {
            case "ike security-associations" -> options(Positional.PEER, Set.of("peer-address", "routing-instance"),
                    (f, hex) -> new OperationalCommand.ShowIkeSecurityAssociations(level, f, format));
            case "ike statistics" -> options(Positional.PEER, Set.of("peer-address", "routing-instance"),
                    (f, hex) -> new OperationalCommand.ShowIkeStatistics(f, format));
            // Older releases spell the service set with a keyword; accept both (reference §6.11).
            case "ipsec security-associations" -> options(Positional.SERVICE_SET,
                    Set.of("service-set", "hex", "tunnel-index", "routing-instance"),
                    (f, hex) -> new OperationalCommand.ShowIpsecSecurityAssociations(level, f, hex, format));
            case "ipsec statistics" -> options(Positional.NONE,
                    Set.of("service-set", "remote-gw", "remote-gateway", "tunnel-index", "routing-instance"),
                    (f, hex) -> new OperationalCommand.ShowIpsecStatistics(level, f, format));
            default -> Parsed.error("syntax error, expecting <ike> or <ipsec> and <security-associations> or <statistics>: "
                    + (protocol + " " + object).trim());
        };
    }

    private Parsed clear() {
        if (!take().equals("services") || !take().equals("ipsec-vpn")) {
            return Parsed.error("syntax error, expecting <services ipsec-vpn>");
        }
        if (!format.equals(Format.TEXT)) {
            return Parsed.error("syntax error: clear commands take no display option");
        }
        String protocol = take();
        String object = take();
        return switch (protocol + " " + object) {
            case "ike security-associations" -> options(Positional.PEER,
                    Set.of("peer-address", "service-set", "routing-instance"),
                    (f, hex) -> new OperationalCommand.ClearIkeSecurityAssociations(f));
            case "ike statistics" -> options(Positional.PEER, Set.of("peer-address", "service-set", "routing-instance"),
                    (f, hex) -> new OperationalCommand.ClearIkeStatistics(f));
            case "ipsec security-associations" -> options(Positional.SERVICE_SET,
                    Set.of("service-set", "tunnel-index", "remote-gateway"),
                    (f, hex) -> new OperationalCommand.ClearIpsecSecurityAssociations(f));
            case "ipsec statistics" -> options(Positional.SERVICE_SET, Set.of("service-set", "remote-gateway"),
                    (f, hex) -> new OperationalCommand.ClearIpsecStatistics(f));
            default -> Parsed.error("syntax error, expecting <ike security-associations>, <ike statistics>,"
                    + " <ipsec security-associations> or <ipsec statistics>");
        };
    }

    /** What a command's one keyword-less argument names (reference §6.11: {@code nokeyword}). */
    private enum Positional { NONE, PEER, SERVICE_SET }

    private interface Build {
        OperationalCommand build(OperationalCommand.Filter filter, boolean hex);
    }

    /** The rest of the words: keyword options from {@code allowed}, and at most one positional word. */
    private Parsed options(Positional positional, Set<String> allowed, Build build) {
        Optional<String> set = Optional.empty();
        Optional<String> peer = Optional.empty();
        OptionalInt index = OptionalInt.empty();
        Optional<String> instance = Optional.empty();
        boolean hex = false;
        boolean positionalUsed = false;
        while (has()) {
            String w = take();
            if (allowed.contains(w) && w.equals("hex")) {
                hex = true;
                continue;
            }
            if (allowed.contains(w)) {
                if (!has()) {
                    return Parsed.error("syntax error, expecting <" + w + "> value");
                }
                String v = take();
                switch (w) {
                    case "service-set" -> set = Optional.of(v);
                    case "peer-address", "remote-gw", "remote-gateway" -> peer = Optional.of(v);
                    case "routing-instance" -> instance = Optional.of(v);
                    case "tunnel-index" -> {
                        try {
                            index = OptionalInt.of(Integer.parseInt(v));
                        } catch (NumberFormatException e) {
                            return Parsed.error("syntax error, expecting <tunnel-index> number: " + v);
                        }
                    }
                    default -> throw new IllegalStateException(w);
                }
                continue;
            }
            if (positional == Positional.NONE || positionalUsed) {
                return Parsed.error("syntax error: " + w);
            }
            positionalUsed = true;
            if (positional == Positional.PEER) {
                peer = Optional.of(w);
            } else {
                set = Optional.of(w);
            }
        }
        return Parsed.ok(build.build(new OperationalCommand.Filter(set, peer, index, instance), hex));
    }

    private Level level() {
        if (has()) {
            switch (words.get(next)) {
                case "brief" -> { next++; return Level.BRIEF; }
                case "detail" -> { next++; return Level.DETAIL; }
                case "extensive" -> { next++; return Level.EXTENSIVE; }
                default -> { }
            }
        }
        return Level.BRIEF;
    }

    private Parsed finish(OperationalCommand command) {
        return has() ? Parsed.error("syntax error: " + String.join(" ", words.subList(next, words.size())))
                : Parsed.ok(command);
    }

    private boolean has() {
        return next < words.size();
    }

    private String take() {
        return has() ? words.get(next++) : "";
    }
}
