package io.sallyport.cli;

import io.sallyport.config.ConfigEditor;
import io.sallyport.config.ConfigSyntaxException;
import io.sallyport.config.Node;
import io.sallyport.config.Node.PathElement;
import io.sallyport.config.ConfigPrinter;
import io.sallyport.config.ConfigText;
import io.sallyport.config.Schema;
import io.sallyport.config.SchemaNode;
import io.sallyport.config.Secrets;
import io.sallyport.config.store.AtomicFiles;
import io.sallyport.config.store.ConfigDiff;
import io.sallyport.config.store.EditingSessions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

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
    private final PasteInput paste;
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
        this.paste = paste;
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
            case "insert" -> insert(w, command);
            case "annotate" -> annotate(w, command);
            case "wildcard" -> wildcardDelete(w, command);
            case "replace" -> replacePattern(w);
            case "show" -> show(p, rest, restAt);
            case "commit" -> commit(w);
            case "load" -> load(w);
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
     * {@code load (override | merge | replace | update | set | patch) (FILE | terminal) [relative]}:
     * override and update replace the candidate, merge adds a text in either form to it, replace merges too
     * but a statement tagged {@code replace:} replaces the candidate's as a whole, set applies
     * set/delete/activate/deactivate commands line by line (keeping the good lines and reporting
     * each bad one with its line number, as Junos does), patch applies a {@code show | compare}
     * text. {@code relative} reads the text at the current edit level. {@code terminal} reads
     * what is pasted up to Ctrl-D.
     */
    private Reply load(Words w) throws IOException {
        List<String> args = w.from(1);
        if (args.isEmpty()) return Reply.errorAt(w.starts().getFirst() + 5, "syntax error, expecting <override|merge|replace|update|set|patch>.\n");
        String mode = args.getFirst();
        if (!List.of("override", "merge", "replace", "update", "set", "patch").contains(mode)) return syntaxErrorAt(w, 1);
        if (args.size() == 1) return Reply.errorAt(w.starts().get(1) + mode.length() + 1, "syntax error, expecting <filename> or terminal.\n");
        boolean relative = args.size() > 2 && args.get(2).equals("relative");
        if (relative && (mode.equals("override") || mode.equals("update"))) return syntaxErrorAt(w, 3);
        if (args.size() > (relative ? 3 : 2)) return syntaxErrorAt(w, relative ? 4 : 3);
        boolean terminal = args.get(1).equals("terminal");
        String source = terminal ? "terminal" : args.get(1);
        String text;
        if (terminal) {
            Optional<String> pasted = paste.untilEndOfInput();
            if (pasted.isEmpty()) return Reply.error("error: load terminal read nothing (no terminal, or Ctrl-C abandoned it); nothing loaded\n");
            text = pasted.get();
        } else {
            try {
                text = Files.readString(Path.of(source));
            } catch (IOException e) {
                return Reply.error("error: could not read " + source + ": " + e.getMessage() + "\n");
            }
        }
        List<PathElement> base = relative ? state.level() : List.of();
        if (mode.equals("set")) return loadSet(source, text, base);
        Node candidate = config.candidate();
        if (mode.equals("patch")) {
            try {
                config.updateCandidate(Patch.apply(candidate, text, base));
                return Reply.ok("load complete\n");
            } catch (Patch.Refused e) {
                return Reply.error(source + ": " + e.getMessage() + "\nerror: load patch failed; nothing was changed\n");
            }
        }
        try {
            String braces = relative ? Patch.underLevel(base, text) : text;
            Node loaded;
            if (mode.equals("replace")) {
                ConfigText.Replacing r = ConfigText.parseReplacing(braces);
                loaded = candidate;
                // A replaced statement is emptied where it stands (terms keep their order), then filled from the text.
                for (List<PathElement> replaced : r.replaced()) {
                    if (loaded.at(replaced).isPresent()) {
                        loaded = ListEntryMove.under(loaded, replaced, n -> new Node(n.name(), n.key(), List.of(), false, List.of()));
                    }
                }
                loaded = ConfigText.applySetCommands(loaded, ConfigPrinter.setCommands(r.tree()));
            } else {
                Node parsed = ConfigText.parse(braces);
                // update, like override, leaves the candidate equal to the text (Junos then notifies only what changed).
                loaded = mode.equals("merge") ? ConfigText.applySetCommands(candidate, ConfigPrinter.setCommands(parsed)) : parsed;
            }
            config.updateCandidate(loaded);
            return Reply.ok("load complete\n");
        } catch (ConfigSyntaxException e) {
            return Reply.error(source + ": " + e.getMessage() + "\nerror: load failed\n");
        }
    }

    /**
     * {@code load set}: each line on its own, relative to {@code base}; a bad line is reported as
     * {@code SOURCE:LINE:(COLUMN) error} and skipped, the others are applied, and the count of
     * errors ends the report ({@code load complete (2 errors)}), as Junos does.
     */
    private Reply loadSet(String source, String text, List<PathElement> base) throws IOException {
        Node candidate = config.candidate();
        Node updated = candidate;
        StringBuilder report = new StringBuilder();
        int errors = 0;
        List<String> lines = text.lines().toList();
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n);
            Words w = Words.of(line);
            if (w.size() == 0 || w.first().startsWith("#")) continue;
            int restAt = w.starts().getFirst() + w.first().length();
            String rest = line.substring(restAt);
            if (!List.of("set", "delete", "activate", "deactivate").contains(w.first())) {
                errors++;
                report.append(source).append(':').append(n + 1).append(":(").append(w.starts().getFirst() + 1)
                        .append(") syntax error: expected set, delete, activate or deactivate, found '").append(w.first()).append("'\n");
                continue;
            }
            try {
                updated = switch (w.first()) {
                    case "set" -> ConfigEditor.set(updated, base, rest);
                    case "delete" -> w.size() == 1 ? deleteAll(updated, base) : ConfigEditor.delete(updated, base, rest);
                    case "activate" -> ConfigEditor.activate(updated, base, rest);
                    default -> ConfigEditor.deactivate(updated, base, rest);
                };
            } catch (ConfigSyntaxException e) {
                errors++;
                // config's column counts from the start of the statement words; the report counts from the line's start
                int column = e.column() > 0 ? restAt + e.column() : 1;
                report.append(source).append(':').append(n + 1).append(":(").append(column).append(") ")
                        .append(e.detail()).append('\n');
            }
        }
        if (!updated.equals(candidate)) config.updateCandidate(updated);
        return Reply.ok(report + "load complete" + (errors == 0 ? "" : " (" + errors + (errors == 1 ? " error)" : " errors)")) + "\n");
    }

    /** A bare {@code delete} in a loaded file: everything under {@code base}. */
    private static Node deleteAll(Node root, List<PathElement> base) throws ConfigSyntaxException {
        if (base.isEmpty()) return Node.root();
        return ConfigEditor.delete(root, List.of(), String.join(" ", ConfigEditor.words(base).stream().map(Words::quote).toList()));
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

    /**
     * {@code insert STATEMENT (before | after) ANCHOR}: moves a list entry before or after a
     * sibling of the same list ({@code insert services ipsec-vpn rule r1 term t2 before term
     * t1}), or a member of an ordered list before or after another ({@code insert ... proposals
     * p2 before p1}). Both must exist.
     */
    private Reply insert(Words w, String command) throws IOException {
        int where = Math.max(w.words().lastIndexOf("before"), w.words().lastIndexOf("after"));
        if (where < 0) return Reply.errorAt(command.length() + 1, "syntax error, expecting 'before' or 'after'.\n");
        if (where == 1) return Reply.errorAt(w.starts().get(1), "syntax error, expecting <statement>.\n");
        if (where == w.size() - 1) return Reply.errorAt(command.length() + 1, "syntax error, expecting <identifier>.\n");
        boolean before = w.get(where).equals("before");
        int sourceAt = w.starts().getFirst() + w.first().length();
        Node candidate = config.candidate();
        ConfigEditor.Statement moved;
        try {
            moved = ConfigEditor.statement(state.level(), command.substring(sourceAt, w.starts().get(where)));
        } catch (ConfigSyntaxException e) {
            return e.column() > 0 && e.path().isEmpty() ? syntaxError(e, sourceAt) : Reply.error("error: " + e.detail() + "\n");
        }
        String what = String.join(" ", ConfigEditor.words(moved.path()));
        Optional<Node> node = candidate.at(moved.path());
        if (moved.leafList()) {
            if (moved.values().size() != 1) return Reply.errorAt(w.starts().get(1), "error: insert moves one value at a time\n");
            if (w.size() != where + 2) return syntaxErrorAt(w, Math.min(w.size() - 1, where + 2));
            String value = moved.values().getFirst();
            String anchor = w.get(where + 1);
            if (node.isEmpty() || !node.get().values().contains(value)) return Reply.error("error: statement not found: " + what + " " + value + "\n");
            if (!node.get().values().contains(anchor) || anchor.equals(value)) {
                return Reply.errorAt(w.starts().get(where + 1), "error: '" + anchor + "' is not another value of " + what + "\n");
            }
            config.updateCandidate(TreeEdits.moveValue(candidate, moved.path(), value, anchor, before));
            return Reply.ok("");
        }
        if (moved.path().getLast().key() == null) {
            return Reply.errorAt(w.starts().get(1), "error: only an entry of a list or a value of an ordered list can be inserted\n");
        }
        if (node.isEmpty()) return Reply.error("error: statement not found: " + what + "\n");
        List<PathElement> parent = moved.path().subList(0, moved.path().size() - 1);
        int anchorAt = w.starts().get(where + 1);
        List<PathElement> anchor;
        try {
            anchor = ConfigEditor.editLevel(parent, command.substring(anchorAt));
        } catch (ConfigSyntaxException e) {
            return Reply.errorAt(anchorAt, e.detail() + "\n");
        }
        if (anchor.size() != moved.path().size() || !anchor.getLast().name().equals(moved.path().getLast().name())
                || anchor.equals(moved.path())) {
            return Reply.errorAt(anchorAt, "error: the anchor must be another '" + moved.path().getLast().name() + "' entry\n");
        }
        if (candidate.at(anchor).isEmpty()) return Reply.error("error: statement not found: " + String.join(" ", ConfigEditor.words(anchor)) + "\n");
        config.updateCandidate(TreeEdits.moveEntry(candidate, moved.path(), anchor.getLast(), before));
        return Reply.ok("");
    }

    /**
     * {@code annotate STATEMENT "TEXT"}: a comment kept with the statement (through commits and
     * rollbacks) and printed {@code /* TEXT *}{@code /} above it in the brace form; an empty
     * TEXT removes it. A statement inside a one-line statement cannot carry one (its line is the
     * whole statement's).
     */
    private Reply annotate(Words w, String command) throws IOException {
        if (w.size() < 2) return Reply.errorAt(command.length() + 1, "syntax error, expecting <statement>.\n");
        if (w.size() < 3) return Reply.errorAt(command.length() + 1, "syntax error, expecting <comment-string>.\n");
        String text = w.words().getLast();
        if (text.contains("*/") || text.contains("/*")) return Reply.errorAt(w.starts().getLast(), "error: a comment cannot hold '/*' or '*/'\n");
        int sourceAt = w.starts().getFirst() + w.first().length();
        List<PathElement> path;
        try {
            ConfigEditor.Statement statement = ConfigEditor.statement(state.level(), command.substring(sourceAt, w.starts().getLast()));
            if (!statement.values().isEmpty()) return Reply.errorAt(w.starts().getLast() - 1, "error: annotate names a statement, not its value\n");
            path = statement.path();
        } catch (ConfigSyntaxException e) {
            return e.column() > 0 && e.path().isEmpty() ? syntaxError(e, sourceAt) : Reply.error("error: " + e.detail() + "\n");
        }
        Node candidate = config.candidate();
        if (candidate.at(path).isEmpty()) return Reply.error("error: statement not found: " + String.join(" ", ConfigEditor.words(path)) + "\n");
        Optional<SchemaNode> parent = Schema.nodeAt(path.subList(0, path.size() - 1));
        if (parent.isPresent() && (parent.get() instanceof SchemaNode.Container c && c.flat() || parent.get() instanceof SchemaNode.ListNode l && l.flat())) {
            return Reply.errorAt(w.starts().get(1), "error: '" + path.getLast().name() + "' is part of a one-line statement; annotate '"
                    + path.get(path.size() - 2).name() + "' instead\n");
        }
        Node updated = ConfigEditor.annotate(candidate, path, text.strip());
        if (!updated.equals(candidate)) config.updateCandidate(updated);
        return Reply.ok("");
    }

    /**
     * {@code wildcard delete STATEMENT REGEX}: every entry of the list STATEMENT names whose name
     * matches REGEX (the whole name), after the matches are listed and the person says yes
     * ({@code Delete N objects? [yes,no] (no)}); without a terminal the default, no, applies and
     * the command fails so a script stops.
     */
    private Reply wildcardDelete(Words w, String command) throws IOException {
        if (w.size() < 2 || !w.get(1).equals("delete")) {
            return w.size() < 2 ? Reply.errorAt(command.length() + 1, "syntax error, expecting 'delete'.\n") : syntaxErrorAt(w, 1);
        }
        if (w.size() < 4) return Reply.errorAt(command.length() + 1, "syntax error, expecting <statement> and <regular-expression>.\n");
        Pattern pattern;
        try {
            pattern = Pattern.compile(w.words().getLast());
        } catch (PatternSyntaxException e) {
            return Reply.errorAt(w.starts().getLast(), "error: invalid regular expression: " + e.getDescription() + "\n");
        }
        int pathAt = w.starts().get(2);
        String path = command.substring(pathAt, w.starts().getLast());
        Node candidate = config.candidate();
        Optional<ListScope> scope = listScope(Words.of(path).words(), path);
        if (scope.isEmpty()) return Reply.errorAt(pathAt, "error: '" + path.strip() + "' names no list whose entries can be matched\n");
        List<Node> matched = candidate.at(scope.get().parent()).map(n -> n.children().stream()
                .filter(c -> scope.get().lists().contains(c.name()) && c.key() != null && pattern.matcher(c.key()).matches()).toList())
                .orElse(List.of());
        if (matched.isEmpty()) return Reply.ok("warning: no entries match '" + pattern + "'\n");
        StringBuilder question = new StringBuilder();
        matched.forEach(n -> question.append("matched: ").append(n.key()).append('\n'));
        question.append("Delete ").append(matched.size()).append(matched.size() == 1 ? " object" : " objects").append("? [yes,no] (no) ");
        Optional<Boolean> yes = confirmations.ask(question.toString());
        if (yes.isEmpty()) {
            return Reply.error(question.substring(0, question.lastIndexOf("Delete")) + "error: wildcard delete asks 'Delete "
                    + matched.size() + " objects?' and nobody can answer without a terminal; the default (no) applies: nothing deleted\n");
        }
        if (!yes.get()) return Reply.ok("");
        config.updateCandidate(TreeEdits.withoutEntries(candidate, scope.get().parent(), matched));
        return Reply.ok("");
    }

    /** Where {@code wildcard delete} looks: the entries of {@code lists} under {@code parent}. */
    private record ListScope(List<PathElement> parent, Set<String> lists) { }

    /**
     * The lists {@code words} name from the edit level: a keyed list by its keyword after its
     * level ({@code services ipsec-vpn ike proposal}), or the keyless lists of a level
     * ({@code interfaces}: its interface names).
     */
    private Optional<ListScope> listScope(List<String> words, String text) {
        try {
            List<PathElement> parent = words.size() == 1 ? state.level()
                    : ConfigEditor.editLevel(state.level(), text.substring(0, text.stripTrailing().lastIndexOf(' ')));
            Optional<SchemaNode> list = Schema.nodeAt(parent).flatMap(s -> Schema.named(s.children(), words.getLast()));
            if (list.isPresent() && list.get() instanceof SchemaNode.ListNode l && !l.keyless()) {
                return Optional.of(new ListScope(parent, Set.of(l.name())));
            }
        } catch (ConfigSyntaxException e) {
            // not a keyed list: perhaps a level holding keyless ones
        }
        try {
            List<PathElement> level = ConfigEditor.editLevel(state.level(), text);
            Set<String> keyless = Schema.nodeAt(level).map(s -> s.children().stream()
                    .filter(c -> c instanceof SchemaNode.ListNode l && l.keyless()).map(SchemaNode::name)
                    .collect(java.util.stream.Collectors.toSet())).orElse(Set.of());
            return keyless.isEmpty() ? Optional.empty() : Optional.of(new ListScope(level, keyless));
        } catch (ConfigSyntaxException e) {
            return Optional.empty();
        }
    }

    /**
     * {@code replace pattern P with Q [upto N]}: rewrites the names and values below the edit
     * level in which regular expression P is found ({@code \1} in Q is a group), at most N of
     * them; keywords and secrets are left alone. A result the schema refuses, or two entries
     * ending up with one name, changes nothing.
     */
    private Reply replacePattern(Words w) throws IOException {
        if (w.size() < 2 || !w.get(1).equals("pattern")) return w.size() < 2 ? Reply.errorAt(w.starts().getFirst() + 8, "syntax error, expecting 'pattern'.\n") : syntaxErrorAt(w, 1);
        if (w.size() < 3) return Reply.errorAt(w.starts().get(1) + 8, "syntax error, expecting <pattern>.\n");
        if (w.size() < 4 || !w.get(3).equals("with")) {
            return w.size() < 4 ? Reply.errorAt(w.starts().get(2) + w.get(2).length() + 1, "syntax error, expecting 'with'.\n") : syntaxErrorAt(w, 3);
        }
        if (w.size() < 5) return Reply.errorAt(w.starts().get(3) + 5, "syntax error, expecting <replacement>.\n");
        int upto = 0;
        if (w.size() > 5) {
            if (!w.get(5).equals("upto")) return syntaxErrorAt(w, 5);
            if (w.size() < 7 || !w.get(6).matches("\\d{1,9}")) {
                return w.size() < 7 ? Reply.errorAt(w.starts().get(5) + 5, "syntax error, expecting <number>.\n") : syntaxErrorAt(w, 6);
            }
            if (w.size() > 7) return syntaxErrorAt(w, 7);
            upto = Integer.parseInt(w.get(6));
        }
        Pattern pattern;
        try {
            pattern = Pattern.compile(w.get(2));
        } catch (PatternSyntaxException e) {
            return Reply.errorAt(w.starts().get(2), "error: invalid regular expression: " + e.getDescription() + "\n");
        }
        Node candidate = config.candidate();
        if (candidate.at(state.level()).isEmpty()) return Reply.ok("warning: no occurrences of '" + w.get(2) + "' found\n");
        TreeEdits.Replaced r = TreeEdits.replace(candidate, state.level(), pattern, w.get(4), upto);
        if (r.count() == 0) return Reply.ok("warning: no occurrences of '" + w.get(2) + "' found\n");
        try {
            Node checked = ConfigText.parseSetCommands(ConfigPrinter.setCommands(r.tree()));
            if (!checked.equals(r.tree())) {
                return Reply.error("error: the replacement gives two statements one name; nothing was replaced\n");
            }
        } catch (ConfigSyntaxException e) {
            return Reply.error("error: the replacement makes a statement invalid (" + e.getMessage() + "); nothing was replaced\n");
        }
        config.updateCandidate(r.tree());
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
    private static Reply syntaxError(ConfigSyntaxException e, int restAt) {
        if (e.column() > 0) return Reply.errorAt(restAt + e.column() - 1, e.detail() + "\n");
        return Reply.error(e.editPath() + "\n  " + e.detail() + "\n");
    }
}
