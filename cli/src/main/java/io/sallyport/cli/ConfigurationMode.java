package io.sallyport.cli;

import io.sallyport.config.ConfigEditor;
import io.sallyport.config.ConfigSyntaxException;
import io.sallyport.config.Node;
import io.sallyport.config.Node.PathElement;
import io.sallyport.config.Secrets;
import io.sallyport.config.store.AtomicFiles;
import io.sallyport.config.store.ConfigDiff;
import io.sallyport.config.store.EditingSessions;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Configuration-mode commands. They edit the store's candidate directly, so configuration mode
 * works whether or not a daemon runs; a successful commit then asks a running daemon to reload.
 */
final class ConfigurationMode {
    private final ShellState state;
    private final ConfigSession config;
    private final ControlChannel daemon;
    private final OperationalMode operational;
    private final SecretPrompt secrets;
    private final ConfirmPrompt confirmations;
    private final StatementEdits statements;
    private final LoadCommand loads;
    static final String DELETE_QUESTION = "Delete everything under this level? [yes,no] (no) ";
    static final String UNCOMMITTED = "The configuration has been changed but not committed";
    static final String EXIT_QUESTION = UNCOMMITTED + "\nExit with uncommitted changes? [yes,no] (yes) ";
    static final String DISCARD_QUESTION = UNCOMMITTED + "\nDiscard uncommitted changes? [yes,no] (yes) ";
    static final String DISCARDED = "Uncommitted changes discarded";
    /** The commands that change the candidate or commit it: refused while another session holds {@code configure exclusive}. */
    private static final Set<String> CHANGES = Set.of("set", "delete", "deactivate", "activate", "load", "rollback", "commit",
            "rename", "copy", "insert", "wildcard", "replace", "annotate");

    ConfigurationMode(ShellState state, ConfigSession config, ControlChannel daemon, OperationalMode operational, SecretPrompt secrets,
            ConfirmPrompt confirmations, PasteInput paste) {
        this.confirmations = confirmations;
        this.statements = new StatementEdits(state, config, confirmations);
        this.loads = new LoadCommand(state, config, paste);
        this.state = state;
        this.config = config;
        this.daemon = daemon;
        this.operational = operational;
        this.secrets = secrets;
    }

    /** An edit of the candidate at the current level, as {@link ConfigEditor} offers them. */
    @FunctionalInterface
    private interface Edit {
        Node apply(Node candidate, List<PathElement> level, String words) throws ConfigSyntaxException;
    }

    Reply execute(Pipeline p) throws IOException {
        String command = p.command();
        Words w = Words.of(command);
        String verb = w.first();
        // The statement words exactly as typed (quotes, brackets), so config's columns map onto the line.
        int restAt = w.starts().getFirst() + verb.length();
        String rest = command.substring(restAt);
        if (CHANGES.contains(verb) && !(verb.equals("commit") && w.from(1).equals(List.of("check")))) {
            Optional<String> locked = config.lockedBy();
            if (locked.isPresent()) return Reply.error(locked.get());
        }
        return switch (verb) {
            case "set" -> set(rest, restAt);
            case "delete" -> edit(ConfigEditor::delete, rest, restAt, true);
            case "deactivate" -> edit(ConfigEditor::deactivate, rest, restAt, false);
            case "activate" -> edit(ConfigEditor::activate, rest, restAt, false);
            case "edit" -> editLevel(rest, restAt);
            case "rename" -> renameOrCopy(w, command, false);
            case "copy" -> renameOrCopy(w, command, true);
            case "insert" -> statements.insert(w, command);
            case "annotate" -> statements.annotate(w, command);
            case "wildcard" -> statements.wildcardDelete(w, command);
            case "replace" -> statements.replacePattern(w);
            case "show" -> show(p, rest, restAt);
            case "commit" -> commit(w);
            case "load" -> loads.load(w);
            case "rollback" -> rollback(w);
            case "run" -> operational.execute(new Pipeline(rest.strip(), p.display(), p.compare(), List.of()), true);
            case "up" -> up(p, w);
            case "top" -> atLevel(p, w, 1, List.of());
            case "exit", "quit" -> exit(w);
            case "status" -> status(w);
            case "update" -> update(w);
            case "save" -> save(w);
            default -> Reply.errorAt(w.starts().getFirst(), "unknown command.\n");
        };
    }

    /**
     * {@code set}; a secret statement typed without its value ({@code pre-shared-key ascii-text})
     * asks for it twice with echo off, as Junos does, so the key is never on the screen or in the
     * history.
     */
    private Reply set(String rest, int restAt) throws IOException {
        List<String> typed = Words.of(rest).words();
        List<String> path = new ArrayList<>(ConfigEditor.words(state.level()));
        path.addAll(typed);
        if (!typed.isEmpty() && Secrets.valuePositions(path).contains(path.size())) {
            String what = typed.getLast();
            Optional<String> first = secrets.read("New " + what + " (secret):");
            if (first.isPresent()) {
                Optional<String> again = secrets.read("Retype new " + what + " (secret):");
                if (!again.equals(first)) return Reply.error("error: the two entries do not match; " + what + " is unchanged\n");
                rest = rest.stripTrailing() + " \"" + first.get().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
            }
        }
        return edit(ConfigEditor::set, rest, restAt, false);
    }

    private Reply edit(Edit op, String rest, int restAt, boolean mustExist) throws IOException {
        if (rest.isBlank() && mustExist) return deleteLevel();
        if (rest.isBlank()) return Reply.errorAt(restAt + 1, "syntax error, expecting <statement>.\n");
        Node candidate = config.candidate();
        try {
            if (mustExist && !ConfigEditor.exists(candidate, state.level(), rest)) {
                return Reply.ok("warning: statement not found\n");
            }
            Node updated = op.apply(candidate, state.level(), rest);
            if (!updated.equals(candidate)) config.updateCandidate(updated);
            return Reply.ok("");
        } catch (ConfigSyntaxException e) {
            return syntaxError(e, restAt);
        }
    }

    /**
     * {@code delete} alone: everything under the current level (the whole candidate at the top),
     * once the person says yes. Nobody to ask (-c, piped stdin) means the default, no, and an error
     * so a script does not carry on as if the level were gone.
     */
    private Reply deleteLevel() throws IOException {
        Optional<Boolean> yes = confirmations.ask(DELETE_QUESTION);
        if (yes.isEmpty()) {
            return Reply.error("error: a bare 'delete' asks 'Delete everything under this level?' and nobody can answer"
                    + " without a terminal; the default (no) applies: nothing deleted\n");
        }
        if (!yes.get()) return Reply.ok("");
        Node candidate = config.candidate();
        Node updated;
        if (state.atTop()) {
            updated = Node.root();
        } else {
            String words = String.join(" ", ConfigEditor.words(state.level()).stream().map(Words::quote).toList());
            try {
                updated = ConfigEditor.delete(candidate, List.of(), words);
            } catch (ConfigSyntaxException e) {
                return Reply.error("error: " + e.getMessage() + "\n");
            }
        }
        if (!updated.equals(candidate)) config.updateCandidate(updated);
        return Reply.ok("");
    }

    /**
     * {@code rename STATEMENT to NAME KEY} and {@code copy STATEMENT to NAME KEY}: STATEMENT is a
     * list entry at the edit level ({@code services ipsec-vpn ike proposal p1}); the words after
     * {@code to} name the new entry in the same list ({@code proposal p2}).
     */
    private Reply renameOrCopy(Words w, String command, boolean keep) throws IOException {
        int to = w.words().lastIndexOf("to");
        if (to < 0) return Reply.errorAt(command.length() + 1, "syntax error, expecting 'to'.\n");
        if (to == 1) return Reply.errorAt(w.starts().get(1), "syntax error, expecting <statement>.\n");
        if (to == w.size() - 1) return Reply.errorAt(command.length() + 1, "syntax error, expecting <identifier>.\n");
        int sourceAt = w.starts().getFirst() + w.first().length();
        String source = command.substring(sourceAt, w.starts().get(to));
        int targetAt = w.starts().get(to) + 2;
        List<PathElement> from;
        List<PathElement> target;
        try {
            from = ConfigEditor.editLevel(state.level(), source);
            if (from.isEmpty() || from.getLast().key() == null) {
                return Reply.errorAt(w.starts().get(1), "error: only a named entry of a list can be " + (keep ? "copied" : "renamed") + "\n");
            }
            List<PathElement> parent = from.subList(0, from.size() - 1);
            target = ConfigEditor.editLevel(parent, command.substring(targetAt));
            if (target.size() != from.size() || !target.getLast().name().equals(from.getLast().name())) {
                return Reply.errorAt(w.starts().get(to + 1), "error: the new name must be another '" + from.getLast().name() + "' entry\n");
            }
        } catch (ConfigSyntaxException e) {
            return e.column() > 0 && e.path().isEmpty() ? syntaxError(e, sourceAt) : Reply.error("error: " + e.detail() + "\n");
        }
        Node candidate = config.candidate();
        if (candidate.at(from).isEmpty()) return Reply.error("error: statement not found: " + String.join(" ", ConfigEditor.words(from)) + "\n");
        if (candidate.at(target).isPresent()) return Reply.error("error: statement already exists: " + String.join(" ", ConfigEditor.words(target)) + "\n");
        config.updateCandidate(ListEntryMove.apply(candidate, from, target.getLast(), keep));
        return Reply.ok("");
    }

    private Reply editLevel(String rest, int restAt) {
        if (rest.isBlank()) return Reply.errorAt(restAt + 1, "syntax error, expecting <statement>.\n");
        try {
            state.edit(ConfigEditor.editLevel(state.level(), rest));
            return Reply.ok("");
        } catch (ConfigSyntaxException e) {
            return syntaxError(e, restAt);
        }
    }

    private Reply show(Pipeline p, String rest, int restAt) throws IOException {
        Shown shown = Shown.level(state.level());
        if (!rest.isBlank()) {
            try {
                shown = Shown.of(state.level(), rest);
            } catch (ConfigSyntaxException e) {
                return syntaxError(e, restAt);
            }
        }
        List<PathElement> level = shown.level();
        if (p.compare().isPresent()) return compare(p.compare().get(), level);
        Node candidate = shown.restrict(config.candidate());
        return Reply.ok(p.display().isPresent()
                ? config.render(candidate, level, p.display().get())
                : config.braces(candidate, level));
    }

    /** {@code show | compare}: the candidate against the active configuration, or against commit N. */
    private Reply compare(Pipeline.Compare with, List<PathElement> level) throws IOException {
        if (with.rollback().isEmpty()) return Reply.ok(config.compare(level));
        Node old;
        try {
            old = config.committed(with.rollback().getAsInt());
        } catch (IllegalArgumentException e) {
            return Reply.error("error: " + e.getMessage() + "\n");
        }
        return Reply.ok(ConfigDiff.diff(StoreSession.pruneTo(old, level), StoreSession.pruneTo(config.candidate(), level)));
    }

    /** {@code update}: others' commits merged into this {@code configure private} session's copy. */
    private Reply update(Words w) throws IOException {
        if (w.size() > 1) return syntaxErrorAt(w, 1);
        ConfigSession.Outcome o = config.update();
        return o.ok() ? Reply.ok(o.text()) : Reply.error(o.text());
    }

    /** {@code status}: who is editing the configuration, this session included. */
    private Reply status(Words w) throws IOException {
        if (w.size() > 1) return syntaxErrorAt(w, 1);
        return Reply.ok(config.status());
    }

    /**
     * {@code save FILE}: the candidate's statements at the edit level, in brace form, written
     * owner-only and atomically (secrets stay "$9$"-encoded); {@code save terminal} prints them.
     * The file reads back with {@code load merge FILE relative} at the same level.
     */
    private Reply save(Words w) throws IOException {
        if (w.size() == 1) return Reply.errorAt(w.starts().getFirst() + 5, "syntax error, expecting <filename> or terminal.\n");
        if (w.size() > 2) return syntaxErrorAt(w, 2);
        String text = config.braces(config.candidate(), state.level());
        if (w.get(1).equals("terminal")) return Reply.ok(text);
        Path file = Path.of(w.get(1));
        try {
            AtomicFiles.write(file, text);
        } catch (IOException e) {
            return Reply.error("error: could not write " + file + ": " + e.getMessage() + "\n");
        }
        long lines = text.lines().count();
        return Reply.ok("Wrote " + lines + " line" + (lines == 1 ? "" : "s") + " of configuration to '" + file + "'\n");
    }

    /**
     * {@code commit}, {@code commit check}, {@code commit and-quit}, {@code commit comment TEXT},
     * {@code commit confirmed [MINUTES]}; a word beyond what the option takes is a syntax error.
     */
    private Reply commit(Words w) throws IOException {
        List<String> options = w.from(1);
        String option = options.isEmpty() ? "" : options.getFirst();
        int words = switch (option) {
            case "" -> 1;
            case "check", "and-quit" -> 2;
            case "comment" -> 3;
            case "confirmed" -> options.size() > 1 && options.get(1).matches("\\d+") ? 3 : 2;
            default -> 1;
        };
        if (w.size() > words) return syntaxErrorAt(w, words);
        if (option.equals("comment") && options.size() < 2) {
            return Reply.errorAt(w.starts().get(1) + option.length() + 1, "syntax error, expecting <comment-string>.\n");
        }
        if (option.equals("check")) {
            ConfigSession.Outcome o = config.check();
            return o.ok() ? Reply.ok(o.text() + "configuration check succeeds\n") : Reply.error(o.text());
        }
        boolean andQuit = option.equals("and-quit");
        boolean commented = option.equals("comment");
        boolean confirmed = option.equals("confirmed");
        Optional<Duration> confirmWithin = Optional.empty();
        if (confirmed) {
            String minutes = options.size() == 2 ? options.get(1) : "10";
            if (!minutes.matches("\\d{1,5}") || Integer.parseInt(minutes) < 1 || Integer.parseInt(minutes) > 65535) {
                return Reply.error("error: invalid value '" + minutes + "' for confirmed: expecting minutes in range (1..65535)\n");
            }
            confirmWithin = Optional.of(Duration.ofMinutes(Integer.parseInt(minutes)));
        }
        ConfigSession.Outcome o = config.commit(commented ? Optional.of(options.get(1)) : Optional.empty(), confirmWithin);
        if (!o.ok()) return Reply.error(o.text());
        String warning = confirmWithin.map(d -> "commit confirmed will be automatically rolled back in " + d.toMinutes()
                + " minutes unless confirmed\n").orElse("");
        String text = o.text() + warning + "commit complete\n" + reloadDaemon();
        if (andQuit) {
            state.leaveConfiguration();
            config.end();
            text += "Exiting configuration mode\n";
        }
        return Reply.ok(text);
    }

    /** A running daemon applies the new active configuration; without one there is nothing to tell. */
    private String reloadDaemon() {
        if (!daemon.running()) return "";
        return switch (daemon.execute(DaemonLink.RELOAD)) {
            case DaemonLink.Answer.Reply r when r.reply().ok() -> "";
            case DaemonLink.Answer.Reply r -> "warning: the Sallyport daemon did not apply the new configuration: "
                    + r.reply().text().strip() + "\n";
            case DaemonLink.Answer.NotRunning n -> "warning: the Sallyport daemon did not answer the reload request; "
                    + "it will use the new configuration when it starts (" + n.message().replaceFirst("^error: ", "") + ")\n";
        };
    }

    private Reply rollback(Words w) throws IOException {
        List<String> args = w.from(1);
        if (args.size() > 1) return syntaxErrorAt(w, 2);
        int n;
        try {
            n = args.isEmpty() ? 0 : Integer.parseInt(args.getFirst());
        } catch (NumberFormatException e) {
            return Reply.error("error: invalid rollback index '" + args.getFirst() + "', expecting a number in range (0..49)\n");
        }
        if (n < 0 || n > 49) return Reply.error("error: rollback index " + n + " is not within range (0..49)\n");
        ConfigSession.Outcome o = config.rollback(n);
        return o.ok() ? Reply.ok(o.text() + "load complete\n") : Reply.error(o.text());
    }

    /**
     * {@code up [N] [COMMAND]}: N levels up (one by default), or COMMAND run from there, as Junos
     * lets any configuration command follow {@code up} and {@code top}.
     */
    private Reply up(Pipeline p, Words w) throws IOException {
        int from = 1;
        int n = 1;
        if (w.size() > 1 && w.get(1).matches("\\d{1,9}")) {
            n = Math.max(1, Integer.parseInt(w.get(1)));
            from = 2;
        }
        if (state.atTop() && from == w.size()) return Reply.ok("Warning: already at the top of the configuration\n");
        return atLevel(p, w, from, state.above(n));
    }

    /**
     * Moves to {@code level}, or, when words follow from {@code from} on, runs them as a command
     * there and comes back, unless that command was an {@code edit} (so {@code top edit
     * interfaces} lands at {@code [edit interfaces]}) or left configuration mode.
     */
    private Reply atLevel(Pipeline p, Words w, int from, List<PathElement> level) throws IOException {
        if (from == w.size()) {
            state.jump(level);
            return Reply.ok("");
        }
        // Blank out the prefix so the command keeps its columns in the line for the caret.
        String command = " ".repeat(w.starts().get(from)) + p.command().substring(w.starts().get(from));
        ShellState.Place before = state.place();
        state.jump(level);
        Reply reply = execute(new Pipeline(command, p.display(), p.compare(), p.filters()));
        boolean moved = w.get(from).equals("edit") && !reply.failed();
        if (state.configurationMode() && !moved) state.restore(before);
        return reply;
    }

    private Reply exit(Words w) throws IOException {
        boolean wholeMode = w.size() > 1 && w.get(1).equals("configuration-mode");
        if (w.size() > 1 && !wholeMode) return syntaxErrorAt(w, 1);
        if (w.size() > 2) return syntaxErrorAt(w, 2);
        if (!state.atTop() && !wholeMode) {
            state.back();
            return Reply.ok("");
        }
        List<String> lines = new ArrayList<>();
        if (!config.candidate().equals(config.active())) {
            // configure exclusive and private discard what is not committed: Junos asks about that instead.
            boolean discards = config.mode() != EditingSessions.Mode.SHARED;
            // Nobody to ask (-c, piped stdin): the default, yes, and the notice stays in the output.
            Optional<Boolean> yes = confirmations.ask(discards ? DISCARD_QUESTION : EXIT_QUESTION);
            if (yes.isEmpty()) lines.add(UNCOMMITTED);
            else if (!yes.get()) return Reply.ok("");
            if (discards) lines.add(DISCARDED);
        }
        lines.add("Exiting configuration mode");
        state.leaveConfiguration();
        config.end();
        return Reply.ok(String.join("\n", lines) + "\n");
    }

    /** Junos's answer to a word no command takes: a caret under it and {@code syntax error.} */
    static Reply syntaxErrorAt(Words w, int index) {
        return Reply.errorAt(w.starts().get(index), "syntax error.\n");
    }

    /** Junos points at the word at fault when it knows it, and names the hierarchy level otherwise. */
    static Reply syntaxError(ConfigSyntaxException e, int restAt) {
        if (e.column() > 0) return Reply.errorAt(restAt + e.column() - 1, e.detail() + "\n");
        return Reply.error(e.editPath() + "\n  " + e.detail() + "\n");
    }
}
