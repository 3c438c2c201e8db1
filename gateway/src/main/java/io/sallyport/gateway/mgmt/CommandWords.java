package io.sallyport.gateway.mgmt;

import io.sallyport.gateway.mgmt.OperationalCommand.Format;
import io.sallyport.gateway.mgmt.OperationalCommand.Level;
import io.sallyport.gateway.mgmt.OperationalCommand.Parsed;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

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
            case "request" -> request();
            default -> Parsed.error("syntax error, expecting <command>: " + verb);
        };
    }

    private Parsed show() {
        String what = take();
        if (what.equals("security")) {
            return showPki();
        }
        if (what.equals("configuration")) {
            return finish(new OperationalCommand.ShowConfiguration(format));
        }
        if (what.equals("ospf")) {
            return showOspf();
        }
        if (what.equals("route")) {
            return showRoute();
        }
        if (!what.equals("services")) {
            return Parsed.error("syntax error, expecting <command>: " + what);
        }
        String area = take();
        if (area.equals("service-sets")) {
            return has() ? showServiceSetStatistics() : finish(new OperationalCommand.ShowServiceSets(format));
        }
        if (!area.equals("ipsec-vpn")) {
            return Parsed.error("syntax error, expecting <ipsec-vpn> or <service-sets>: " + area);
        }
        String protocol = take();
        if (protocol.equals("drops")) {
            return finish(new OperationalCommand.ShowDrops(format));
        }
        if (protocol.equals("certificates")) {
            return showCertificates();
        }
        if (protocol.equals("negotiation-times")) {
            return finish(new OperationalCommand.ShowNegotiationTimes(format));
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

    /** {@code show services service-sets statistics tcp-mss [interface NAME]}. */
    private Parsed showServiceSetStatistics() {
        String statistics = take();
        if (!statistics.equals("statistics")) {
            return Parsed.error("syntax error, expecting <statistics>: " + statistics);
        }
        String kind = take();
        if (!kind.equals("tcp-mss")) {
            return Parsed.error("syntax error, expecting <tcp-mss>: " + kind);
        }
        Optional<String> interfaceName = Optional.empty();
        if (has()) {
            String option = take();
            if (!option.equals("interface")) {
                return Parsed.error("syntax error, expecting <interface>: " + option);
            }
            String name = take();
            if (name.isEmpty()) {
                return Parsed.error("syntax error, expecting <interface-name>");
            }
            interfaceName = Optional.of(name);
        }
        return finish(new OperationalCommand.ShowTcpMss(interfaceName, format));
    }

    private Parsed showOspf() {
        String object = take();
        return switch (object) {
            case "neighbor" -> finish(new OperationalCommand.ShowOspfNeighbor(format));
            case "interface" -> finish(new OperationalCommand.ShowOspfInterface(format));
            default -> Parsed.error("syntax error, expecting <neighbor> or <interface>: " + object);
        };
    }

    private Parsed showRoute() {
        Optional<String> protocol = Optional.empty();
        Optional<String> table = Optional.empty();
        while (has()) {
            String option = take();
            switch (option) {
                case "protocol" -> {
                    String p = take();
                    if (!List.of("direct", "local", "static", "ospf").contains(p)) {
                        return Parsed.error("syntax error, expecting <direct>, <local>, <static> or <ospf>: " + p);
                    }
                    protocol = Optional.of(p);
                }
                case "table" -> {
                    String t = take();
                    if (!t.equals("inet.0") && !t.endsWith(".inet.0")) {
                        return Parsed.error("syntax error, expecting <inet.0> or <NAME.inet.0>: " + t);
                    }
                    table = Optional.of(t);
                }
                default -> {
                    return Parsed.error("syntax error, expecting <protocol> or <table>: " + option);
                }
            }
        }
        return finish(new OperationalCommand.ShowRoute(protocol, table, format));
    }

    private Parsed clear() {
        if (has() && words.get(next).equals("security")) {
            next++;
            return clearPki();
        }
        if (!take().equals("services") || !take().equals("ipsec-vpn")) {
            return Parsed.error("syntax error, expecting <services ipsec-vpn>");
        }
        if (!format.equals(Format.TEXT)) {
            return Parsed.error("syntax error: clear commands take no display option");
        }
        String protocol = take();
        if (protocol.equals("certificates")) {
            return clearCertificates();
        }
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

    // ---- services ipsec-vpn certificates -----------------------------------------------------------

    /** {@code [brief|detail] [service-set] NAME}, in any order (the set's keyword is optional, §6.11). */
    private Parsed showCertificates() {
        Level level = Level.BRIEF;
        Optional<String> set = Optional.empty();
        while (has()) {
            String w = take();
            if (w.equals("brief") || w.equals("detail")) {
                level = w.equals("brief") ? Level.BRIEF : Level.DETAIL;
            } else if (set.isEmpty() && w.equals("service-set") && has()) {
                set = Optional.of(take());
            } else if (set.isEmpty()) {
                set = Optional.of(w);
            } else {
                return Parsed.error("syntax error: " + w);
            }
        }
        return Parsed.ok(new OperationalCommand.ShowCertificates(level, set, format));
    }

    /** {@code service-set (NAME|all) [certificate-cache-entry N]}: the service set is required (reference §4.1). */
    private Parsed clearCertificates() {
        if (!take().equals("service-set") || !has()) {
            return Parsed.error("syntax error, expecting <service-set> (NAME | all)");
        }
        String set = take();
        OptionalInt entry = OptionalInt.empty();
        if (has()) {
            if (!take().equals("certificate-cache-entry") || !has()) {
                return Parsed.error("syntax error, expecting <certificate-cache-entry> number");
            }
            String n = take();
            if (!n.matches("[1-9][0-9]{0,8}")) {
                return Parsed.error("syntax error, expecting <certificate-cache-entry> number: " + n);
            }
            entry = OptionalInt.of(Integer.parseInt(n));
        }
        return finish(new OperationalCommand.ClearCertificates(set.equals("all") ? Optional.empty() : Optional.of(set), entry));
    }

    // ---- security pki ------------------------------------------------------------------------------

    private static final String ENROLL = "error: online enrollment (SCEP) is not supported by Sallyport: enroll offline with "
            + "'request security pki generate-certificate-request', then load the CA's answer with "
            + "'request security pki ca-certificate load ca-profile PROFILE filename FILE' and "
            + "'request security pki local-certificate load certificate-id ID filename FILE'";

    private Parsed showPki() {
        if (!take().equals("pki")) {
            return Parsed.error("syntax error, expecting <pki>");
        }
        String object = take();
        OperationalCommand.PkiObject kind = switch (object) {
            case "ca-certificate" -> OperationalCommand.PkiObject.CA_CERTIFICATE;
            case "local-certificate" -> OperationalCommand.PkiObject.LOCAL_CERTIFICATE;
            case "certificate-request" -> OperationalCommand.PkiObject.CERTIFICATE_REQUEST;
            default -> null;
        };
        if (kind == null) {
            return Parsed.error("syntax error, expecting <ca-certificate>, <local-certificate> or <certificate-request>: " + object);
        }
        Optional<String> name = Optional.empty();
        Level level = Level.BRIEF;
        while (has()) {
            String w = take();
            if (w.equals(kind.nameWord()) && has()) {
                name = Optional.of(take());
            } else if (w.equals("brief") || w.equals("detail")) {
                level = w.equals("brief") ? Level.BRIEF : Level.DETAIL;
            } else {
                return Parsed.error("syntax error: " + w);
            }
        }
        return Parsed.ok(new OperationalCommand.ShowPki(kind, name, level, format));
    }

    private Parsed clearPki() {
        if (!take().equals("pki")) {
            return Parsed.error("syntax error, expecting <pki>");
        }
        String object = take();
        OperationalCommand.PkiObject kind = null;
        for (OperationalCommand.PkiObject o : OperationalCommand.PkiObject.values()) {
            if (o.word().equals(object)) kind = o;
        }
        if (kind == null) {
            return Parsed.error("syntax error, expecting <ca-certificate>, <local-certificate>, <certificate-request>, "
                    + "<key-pair> or <crl>: " + object);
        }
        Optional<String> name = Optional.empty();
        if (has()) {
            if (!take().equals(kind.nameWord()) || !has()) {
                return Parsed.error("syntax error, expecting <" + kind.nameWord() + " NAME>");
            }
            name = Optional.of(take());
        }
        return format == Format.TEXT ? finish(new OperationalCommand.ClearPki(kind, name))
                : Parsed.error("syntax error: clear commands take no display option");
    }

    private Parsed request() {
        if (!take().equals("security") || !take().equals("pki")) {
            return Parsed.error("syntax error, expecting <security pki>");
        }
        if (format != Format.TEXT) {
            return Parsed.error("syntax error: request commands take no display option");
        }
        String what = take();
        if (what.equals("ca-certificate") || what.equals("local-certificate") || what.equals("crl")) {
            String action = take();
            if (action.equals("enroll")) {
                return Parsed.error(ENROLL);
            }
            if (!action.equals("load")) {
                return Parsed.error("syntax error, expecting <load>: " + action);
            }
        } else if (!what.equals("generate-key-pair") && !what.equals("generate-certificate-request")) {
            return Parsed.error("syntax error, expecting <generate-key-pair>, <generate-certificate-request>, "
                    + "<ca-certificate>, <local-certificate> or <crl>: " + what);
        }
        Map<String, String> options = new HashMap<>();
        while (has()) {
            String key = take();
            if (!has()) {
                return Parsed.error("syntax error, expecting a value after " + key);
            }
            if (options.put(key, take()) != null) {
                return Parsed.error("syntax error: " + key + " given twice");
            }
        }
        Function<String, Optional<String>> opt = k -> Optional.ofNullable(options.remove(k));
        Parsed parsed = switch (what) {
            case "generate-key-pair" -> {
                Optional<String> id = opt.apply("certificate-id");
                Optional<String> size = opt.apply("size");
                String type = opt.apply("type").orElse("rsa");
                if (id.isEmpty()) yield Parsed.error("error: certificate-id is required");
                if (size.isPresent() && !size.get().matches("[0-9]{1,5}")) yield Parsed.error("error: invalid size " + size.get());
                yield Parsed.ok(new OperationalCommand.GenerateKeyPair(id.get(), size.map(Integer::parseInt).orElse(0), type));
            }
            case "generate-certificate-request" -> {
                Optional<String> id = opt.apply("certificate-id");
                Optional<String> subject = opt.apply("subject");
                if (id.isEmpty() || subject.isEmpty()) yield Parsed.error("error: certificate-id and subject are required");
                yield Parsed.ok(new OperationalCommand.GenerateCertificateRequest(id.get(), subject.get(),
                        opt.apply("domain-name"), opt.apply("ip-address"), opt.apply("email"), opt.apply("filename"),
                        opt.apply("digest").orElse("sha-256")));
            }
            case "ca-certificate", "crl" -> {
                Optional<String> profile = opt.apply("ca-profile");
                Optional<String> file = opt.apply("filename");
                if (profile.isEmpty() || file.isEmpty()) yield Parsed.error("error: ca-profile and filename are required");
                yield Parsed.ok(what.equals("crl") ? new OperationalCommand.LoadCrl(profile.get(), file.get())
                        : new OperationalCommand.LoadCaCertificate(profile.get(), file.get()));
            }
            default -> {
                Optional<String> id = opt.apply("certificate-id");
                Optional<String> file = opt.apply("filename");
                if (id.isEmpty() || file.isEmpty()) yield Parsed.error("error: certificate-id and filename are required");
                yield Parsed.ok(new OperationalCommand.LoadLocalCertificate(id.get(), file.get(), opt.apply("key"),
                        opt.apply("passphrase")));
            }
        };
        if (parsed.error() == null && !options.isEmpty()) {
            return Parsed.error("syntax error: " + String.join(" ", new TreeSet<>(options.keySet())));
        }
        return parsed;
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
