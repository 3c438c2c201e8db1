package io.sallyport.cli;

import io.sallyport.config.ConfigEditor;
import io.sallyport.config.ConfigSyntaxException;
import io.sallyport.config.Node;
import io.sallyport.config.Node.PathElement;
import io.sallyport.gateway.mgmt.OperationalCommand;
import java.io.IOException;
import java.util.List;

/**
 * Operational-mode commands: {@code show configuration} is answered from the store (it needs no
 * daemon); every other command is checked with {@link OperationalCommand#parse} and then sent to
 * the daemon, with {@code | display xml|json} passed along because the daemon renders those.
 */
final class OperationalMode {
    private final ConfigSession config;
    private final DaemonLink daemon;

    OperationalMode(ConfigSession config, DaemonLink daemon) {
        this.config = config;
        this.daemon = daemon;
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
            return w.first().equals("show") || w.first().equals("clear")
                    ? Reply.error(parsed.error() + "\n")
                    : Reply.errorAt(w.starts().getFirst(), "unknown command.\n");
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
            try {
                level = ConfigEditor.editLevel(List.of(), String.join(" ", w.from(2).stream().map(Words::quote).toList()));
            } catch (ConfigSyntaxException e) {
                return Reply.error("error: " + e.detail() + "\n");
            }
        }
        return Reply.ok(p.display().isPresent()
                ? config.render(active, level, p.display().get())
                : config.braces(active, level));
    }
}
