package io.sallyport.gateway.mgmt;

import io.sallyport.gateway.mgmt.OperationalCommand.Format;
import io.sallyport.gateway.mgmt.OperationalCommand.Level;
import io.sallyport.gateway.mgmt.OperationalCommand.Parsed;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
        if (has() && words.get(next).equals("security")) {
            next++;
            return clearPki();
        }
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
