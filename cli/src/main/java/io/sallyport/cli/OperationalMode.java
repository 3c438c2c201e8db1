package io.sallyport.cli;

import io.sallyport.config.ConfigEditor;
import io.sallyport.config.ConfigSyntaxException;
import io.sallyport.config.Node;
import io.sallyport.config.Node.PathElement;
import io.sallyport.gateway.mgmt.ControlProtocol;
import io.sallyport.gateway.mgmt.OperationalCommand;
import io.sallyport.gateway.mgmt.PkiOperations;
import io.sallyport.pki.PkiStore;
import java.security.SecureRandom;
import java.util.Set;
import java.util.stream.Collectors;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.nio.file.Path;
import io.sallyport.config.store.ConfigDiff;

/**
 * Operational-mode commands: {@code show configuration} is answered from the store (it needs no
 * daemon); every other command is checked with {@link OperationalCommand#parse} and then sent to
 * the daemon, with {@code | display xml|json} passed along because the daemon renders those.
 * {@code security pki} commands work on the state directory's certificate store directly, daemon
 * or not; after a change a running daemon is asked to re-apply the configuration so tunnels use
 * the new credentials.
 */
final class OperationalMode {
    private final ConfigSession config;
    private final ControlChannel daemon;

    private final PkiOperations pki;
    private final Supplier<String> hostName;
    private final LogMonitor monitor;
    private final OperationalCatalog catalog = new OperationalCatalog();
    private HostCommands host;
    private ShellExtension extension = ShellExtension.NONE;

    OperationalMode(ConfigSession config, ControlChannel daemon, Supplier<String> hostName, LogMonitor monitor) {
        this.config = config;
        this.daemon = daemon;
        this.hostName = hostName;
        this.monitor = monitor;
        this.host = new HostCommands(daemon.stateDir().resolve("log"), HostCommands::onPath);
        this.pki = new PkiOperations(new PkiStore(daemon.stateDir()), new SecureRandom(), this::caProfiles);
    }

    private Set<String> caProfiles() {
        return config.active().child("security").flatMap(s -> s.child("pki"))
                .map(p -> p.all("ca-profile").stream().map(Node::key).collect(Collectors.toSet())).orElse(Set.of());
    }

    private Reply pki(OperationalCommand command) {
        ControlProtocol.Reply r = pki.execute(command);
        if (!r.ok()) return Reply.error(r.text());
        if (PkiOperations.changesStore(command) && daemon.running()) {
            String warning = switch (daemon.execute(DaemonLink.RELOAD)) {
                case DaemonLink.Answer.Reply a when a.reply().ok() -> "";
                case DaemonLink.Answer.Reply a -> "warning: the Sallyport daemon did not apply the change: " + a.reply().text();
                case DaemonLink.Answer.NotRunning n -> "warning: " + n.message() + "\n";
            };
            return Reply.ok(r.text() + warning);
        }
        return Reply.ok(r.text());
    }

    void extension(ShellExtension extension) {
        this.extension = extension;
    }

    /** Where {@code ping} and {@code traceroute} are found (tests give their own). */
    void programs(Function<String, Optional<Path>> programs) {
        this.host = new HostCommands(daemon.stateDir().resolve("log"), programs);
    }

    Reply execute(Pipeline p) {
        return execute(p, false);
    }

    /** @param configurationMode the command came through {@code run} in configuration mode */
    Reply execute(Pipeline p, boolean configurationMode) {
        Words w = Words.of(p.command());
        Optional<Reply> added = extension.execute(p.command(), configurationMode);
        if (added.isPresent()) {
            return p.display().isPresent() || p.compare().isPresent()
                    ? Reply.error("error: '| display' and '| compare' are not available for '" + w.first() + "'\n") : added.get();
        }
        if (w.size() >= 2 && w.get(0).equals("show") && w.get(1).equals("configuration")) {
            return showConfiguration(p, w);
        }
        Optional<Reply> local = hostCommand(w);
        if (local.isPresent()) {
            return p.display().isPresent() || p.compare().isPresent()
                    ? Reply.error("error: '| display' and '| compare' are not available for '" + w.first() + "'\n") : local.get();
        }
        if (w.words().equals(List.of("show", "system", "commit"))) return history();
        if (w.size() >= 3 && w.get(0).equals("show") && w.get(1).equals("system") && w.get(2).equals("rollback")) return rollback(p, w);
        if (p.compare().isPresent()) return Reply.error("error: '| compare' is only valid for configuration\n");
        String line = p.command() + p.display().map(d -> " | display " + d.word()).orElse("");
        OperationalCommand.Parsed parsed = OperationalCommand.parse(line);
        if (parsed.error() != null) {
            if (!w.first().equals("show") && !w.first().equals("clear") && !w.first().equals("request")) {
                return Reply.errorAt(w.starts().getFirst(), "unknown command.\n");
            }
            int bad = badWord(w, parsed.error());
            return bad < 0 ? Reply.error(parsed.error() + "\n") : Reply.errorAt(w.starts().get(bad), parsed.error() + "\n");
        }
        if (parsed.command() instanceof OperationalCommand.ShowPki || parsed.command() instanceof OperationalCommand.PkiRequest) {
            return pki(parsed.command());
        }
        return switch (daemon.execute(line)) {
            case DaemonLink.Answer.NotRunning n -> Reply.error(n.message() + "\n");
            case DaemonLink.Answer.Reply r -> r.reply().ok() ? Reply.ok(r.reply().text()) : Reply.error(r.reply().text());
        };
    }

    /** The commands the shell answers from the host: {@code show version}, logs, files, ping, traceroute, monitor. */
    private Optional<Reply> hostCommand(Words w) {
        return Optional.ofNullable(switch (w.first()) {
            case "file" -> host.file(w);
            case "ping" -> host.ping(w);
            case "traceroute" -> host.traceroute(w);
            case "monitor" -> monitor(w);
            case "show" -> w.size() < 2 ? null : switch (w.get(1)) {
                case "version" -> w.size() > 2 ? ConfigurationMode.syntaxErrorAt(w, 2) : HostCommands.version(hostName.get());
                case "log" -> host.showLog(w);
                default -> null;
            };
            default -> null;
        });
    }

    /**
     * {@code monitor start FILE}, {@code monitor stop [FILE]}, {@code monitor list}: a log file's
     * new lines printed on the terminal as they are written, until stopped or the session ends.
     */
    private Reply monitor(Words w) {
        if (w.size() == 1) return Reply.errorAt(w.starts().getFirst() + 8, "syntax error, expecting <start>, <stop> or <list>.\n");
        switch (w.get(1)) {
            case "start" -> {
                if (w.size() == 2) return Reply.errorAt(w.starts().get(1) + 6, "syntax error, expecting <filename>.\n");
                if (w.size() > 3) return ConfigurationMode.syntaxErrorAt(w, 3);
                Optional<Path> file = host.logFile(w.get(2));
                if (file.isEmpty()) return Reply.errorAt(w.starts().get(2), "error: Sallyport monitors only its own logs, in " + host.logDir() + "\n");
                if (!monitor.attached()) {
                    return Reply.error("error: monitor prints a file as it grows on a terminal, and there is none here; use 'show log "
                            + w.get(2) + "'\n");
                }
                monitor.start(w.get(2), file.get());
                return Reply.ok("");
            }
            case "stop" -> {
                if (w.size() > 3) return ConfigurationMode.syntaxErrorAt(w, 3);
                if (w.size() == 2) monitor.stopAll();
                else if (!monitor.stop(w.get(2))) return Reply.error("error: not monitoring " + w.get(2) + "\n");
                return Reply.ok("");
            }
            case "list" -> {
                return w.size() > 2 ? ConfigurationMode.syntaxErrorAt(w, 2) : Reply.ok(monitor.list());
            }
            default -> {
                return ConfigurationMode.syntaxErrorAt(w, 1);
            }
        }
    }

    /**
     * The word a daemon-command error blames, for the caret: the word its message ends with
     * ({@code ...: foo}), else the first word where the catalog expects keywords only and the word
     * is none of them; -1 when neither finds one.
     */
    private int badWord(Words w, String error) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(": (\\S+)$").matcher(error.strip());
        if (m.find()) {
            for (int i = 1; i < w.size(); i++) if (w.get(i).equals(m.group(1))) return i;
        }
        for (int i = 1; i < w.size(); i++) {
            List<HelpLine> next = catalog.next(w.words().subList(0, i));
            if (next.isEmpty() || next.stream().anyMatch(h -> h.word().startsWith("<"))) return -1;
            String word = w.get(i);
            if (next.stream().noneMatch(h -> h.word().equals(word))) return i;
        }
        return -1;
    }

    private Reply history() {
        try {
            return Reply.ok(config.history());
        } catch (IOException e) {
            return Reply.error("error: could not read the commit history: " + e.getMessage() + "\n");
        }
    }

    /** {@code show configuration [STATEMENT...]}: the active configuration, or part of it. */
    private Reply showConfiguration(Pipeline p, Words w) {
        Shown shown = Shown.level(List.of());
        if (w.size() > 2) {
            // The statement words as typed, so config's column lands the caret under the word at fault.
            int restAt = w.starts().get(1) + w.get(1).length();
            try {
                shown = Shown.of(List.of(), p.command().substring(restAt));
            } catch (ConfigSyntaxException e) {
                return e.column() > 0 ? Reply.errorAt(restAt + e.column() - 1, e.detail() + "\n") : Reply.error("error: " + e.detail() + "\n");
            }
        }
        Node active = shown.restrict(config.active());
        List<PathElement> level = shown.level();
        if (p.compare().isPresent()) {
            // Operational mode has no candidate: the active configuration against commit N.
            if (p.compare().get().rollback().isEmpty()) {
                return Reply.error("error: in operational mode, compare with a commit: '| compare rollback N'\n");
            }
            int n = p.compare().get().rollback().getAsInt();
            List<PathElement> at = level;
            Shown what = shown;
            return committed(n).map(old -> Reply.ok(diff(what.restrict(old), active, at)))
                    .orElseGet(() -> Reply.error("error: Cannot compare, rollback " + n + " does not exist\n"));
        }
        if (p.display().isPresent()) return Reply.ok(config.render(active, level, p.display().get()));
        return Reply.ok(lastCommitHeader(level) + config.braces(active, level));
    }

    /**
     * {@code show system rollback N}: commit N in brace form; {@code show system rollback N compare
     * M}: what changed from commit M to commit N, in the {@code | compare} form ({@code +} is in N).
     */
    private Reply rollback(Pipeline p, Words w) {
        if (w.size() == 3) return Reply.errorAt(w.starts().get(2) + "rollback".length() + 1, "syntax error, expecting <number>.\n");
        Integer n = rollbackIndex(w.get(3));
        if (n == null) return Reply.errorAt(w.starts().get(3), "syntax error, expecting a rollback number (0..49).\n");
        if (w.size() == 4) {
            return committed(n).map(tree -> Reply.ok(p.display().isPresent()
                            ? config.render(tree, List.of(), p.display().get()) : config.braces(tree, List.of())))
                    .orElseGet(() -> Reply.error("error: rollback " + n + " does not exist\n"));
        }
        if (!w.get(4).equals("compare")) return ConfigurationMode.syntaxErrorAt(w, 4);
        if (w.size() == 5) return Reply.errorAt(w.starts().get(4) + "compare".length() + 1, "syntax error, expecting <number>.\n");
        if (w.size() > 6) return ConfigurationMode.syntaxErrorAt(w, 6);
        Integer m = rollbackIndex(w.get(5));
        if (m == null) return Reply.errorAt(w.starts().get(5), "syntax error, expecting a rollback number (0..49).\n");
        var newer = committed(n);
        var older = committed(m);
        if (newer.isEmpty() || older.isEmpty()) {
            return Reply.error("error: rollback " + (newer.isEmpty() ? n : m) + " does not exist\n");
        }
        return Reply.ok(diff(older.get(), newer.get(), List.of()));
    }

    private static Integer rollbackIndex(String word) {
        return word.matches("\\d{1,2}") && Integer.parseInt(word) < 50 ? Integer.parseInt(word) : null;
    }

    private Optional<Node> committed(int n) {
        try {
            return Optional.of(config.committed(n));
        } catch (IllegalArgumentException | IOException e) {
            return Optional.empty();
        }
    }

    private static String diff(Node from, Node to, List<PathElement> level) {
        return ConfigDiff.diff(StoreSession.pruneTo(from, level), StoreSession.pruneTo(to, level));
    }

    /** Junos heads the whole configuration in brace form with when and by whom it was committed. */
    private String lastCommitHeader(List<PathElement> level) {
        if (!level.isEmpty()) return "";
        try {
            return config.lastCommit().map(line -> line + "\n").orElse("");
        } catch (IOException e) {
            return "## Last commit: unknown (" + e.getMessage() + ")\n";
        }
    }
}
