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
    private final DaemonLink daemon;

    private final PkiOperations pki;

    OperationalMode(ConfigSession config, DaemonLink daemon) {
        this.config = config;
        this.daemon = daemon;
        this.pki = new PkiOperations(new PkiStore(daemon.stateDir()), new SecureRandom(), this::caProfiles);
    }

    private Set<String> caProfiles() {
        return config.active().child("security").flatMap(s -> s.child("pki"))
                .map(p -> p.all("ca-profile").stream().map(Node::key).collect(Collectors.toSet())).orElse(Set.of());
    }

    private Reply pki(OperationalCommand command) {
        ControlProtocol.Reply r = pki.execute(command);
        if (!r.ok()) return Reply.error(r.text());
        if (PkiOperations.changesStore(command) && daemon.socketExists()) {
            String warning = switch (daemon.execute(DaemonLink.RELOAD)) {
                case DaemonLink.Answer.Reply a when a.reply().ok() -> "";
                case DaemonLink.Answer.Reply a -> "warning: the Sallyport daemon did not apply the change: " + a.reply().text();
                case DaemonLink.Answer.NotRunning n -> "warning: " + n.message() + "\n";
            };
            return Reply.ok(r.text() + warning);
        }
        return Reply.ok(r.text());
    }

    Reply execute(Pipeline p) {
        Words w = Words.of(p.command());
        if (w.size() >= 2 && w.get(0).equals("show") && w.get(1).equals("configuration")) {
            return showConfiguration(p, w);
        }
        if (w.words().equals(List.of("show", "system", "commit"))) return history();
        if (p.compare()) return Reply.error("error: '| compare' is only valid for configuration\n");
        String line = p.command() + p.display().map(d -> " | display " + d.word()).orElse("");
        OperationalCommand.Parsed parsed = OperationalCommand.parse(line);
        if (parsed.error() != null) {
            return w.first().equals("show") || w.first().equals("clear") || w.first().equals("request")
                    ? Reply.error(parsed.error() + "\n")
                    : Reply.errorAt(w.starts().getFirst(), "unknown command.\n");
        }
        if (parsed.command() instanceof OperationalCommand.ShowPki || parsed.command() instanceof OperationalCommand.PkiRequest) {
            return pki(parsed.command());
        }
        return switch (daemon.execute(line)) {
            case DaemonLink.Answer.NotRunning n -> Reply.error(n.message() + "\n");
            case DaemonLink.Answer.Reply r -> r.reply().ok() ? Reply.ok(r.reply().text()) : Reply.error(r.reply().text());
        };
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
        if (p.compare()) return Reply.error("error: '| compare' is only valid in configuration mode\n");
        Node active = config.active();
        List<PathElement> level = List.of();
        if (w.size() > 2) {
            // The statement words as typed, so config's column lands the caret under the word at fault.
            int restAt = w.starts().get(1) + w.get(1).length();
            try {
                level = ConfigEditor.editLevel(List.of(), p.command().substring(restAt));
            } catch (ConfigSyntaxException e) {
                return e.column() > 0 ? Reply.errorAt(restAt + e.column() - 1, e.detail() + "\n") : Reply.error("error: " + e.detail() + "\n");
            }
        }
        if (p.display().isPresent()) return Reply.ok(config.render(active, level, p.display().get()));
        return Reply.ok(lastCommitHeader(level) + config.braces(active, level));
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
