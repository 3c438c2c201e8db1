package io.sallyport.gateway.mgmt;

import io.sallyport.gateway.mgmt.OperationalCommand.Format;
import io.sallyport.gateway.mgmt.OperationalCommand.Level;
import io.sallyport.gateway.mgmt.OperationalCommand.Parsed;
import java.util.List;
import java.util.Optional;

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
        String object = take();
        return switch (protocol + " " + object) {
            case "ike security-associations" -> {
                Level level = level();
                yield finish(new OperationalCommand.ShowIkeSecurityAssociations(level, optionalWord(), format));
            }
            case "ike statistics" -> finish(new OperationalCommand.ShowIkeStatistics(optionalWord(), format));
            case "ipsec security-associations" -> {
                Level level = level();
                Optional<String> set = Optional.empty();
                boolean hex = false;
                while (has()) {
                    String w = take();
                    if (w.equals("hex")) {
                        hex = true;
                    } else if (w.equals("service-set") && has()) {
                        // Older releases spell the service set with a keyword; accept both (reference §6.11).
                        set = Optional.of(take());
                    } else if (set.isEmpty()) {
                        set = Optional.of(w);
                    } else {
                        yield Parsed.error("syntax error: " + w);
                    }
                }
                yield finish(new OperationalCommand.ShowIpsecSecurityAssociations(level, set, hex, format));
            }
            case "ipsec statistics" -> ipsecStatistics();
            default -> Parsed.error("syntax error, expecting <ike> or <ipsec> and <security-associations> or <statistics>: "
                    + (protocol + " " + object).trim());
        };
    }

    private Parsed ipsecStatistics() {
        Level level = level();
        Optional<String> set = Optional.empty();
        Optional<String> gw = Optional.empty();
        while (has()) {
            String w = take();
            switch (w) {
                case "service-set" -> set = Optional.of(take());
                case "remote-gw" -> gw = Optional.of(take());
                default -> {
                    return Parsed.error("syntax error: " + w);
                }
            }
        }
        return finish(new OperationalCommand.ShowIpsecStatistics(level, set, gw, format));
    }

    private Parsed clear() {
        if (!take().equals("services") || !take().equals("ipsec-vpn")) {
            return Parsed.error("syntax error, expecting <services ipsec-vpn>");
        }
        String protocol = take();
        String object = take();
        Optional<String> first = Optional.empty();
        Optional<String> set = Optional.empty();
        Optional<String> gw = Optional.empty();
        while (has()) {
            String w = take();
            switch (w) {
                case "service-set" -> set = Optional.of(take());
                case "remote-gateway" -> gw = Optional.of(take());
                default -> {
                    if (first.isPresent()) {
                        return Parsed.error("syntax error: " + w);
                    }
                    first = Optional.of(w);
                }
            }
        }
        if (!format.equals(Format.TEXT)) {
            return Parsed.error("syntax error: clear commands take no display option");
        }
        // The service set may come positionally or after the keyword (reference §6.11).
        Optional<String> named = set.isPresent() ? set : first;
        return switch (protocol + " " + object) {
            case "ike security-associations" -> Parsed.ok(new OperationalCommand.ClearIkeSecurityAssociations(first, set));
            case "ipsec security-associations" -> Parsed.ok(
                    new OperationalCommand.ClearIpsecSecurityAssociations(named, gw));
            case "ipsec statistics" -> Parsed.ok(new OperationalCommand.ClearIpsecStatistics(named));
            default -> Parsed.error("syntax error, expecting <ike security-associations>, <ipsec security-associations> or <ipsec statistics>");
        };
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

    private Optional<String> optionalWord() {
        return has() ? Optional.of(take()) : Optional.empty();
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
