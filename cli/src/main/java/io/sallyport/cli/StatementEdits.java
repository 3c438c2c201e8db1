package io.sallyport.cli;

import io.sallyport.config.ConfigEditor;
import io.sallyport.config.ConfigPrinter;
import io.sallyport.config.ConfigSyntaxException;
import io.sallyport.config.ConfigText;
import io.sallyport.config.Node;
import io.sallyport.config.Node.PathElement;
import io.sallyport.config.Schema;
import io.sallyport.config.SchemaNode;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The configuration-mode commands that reorder, find and rewrite statements: {@code insert},
 * {@code annotate}, {@code wildcard delete}, {@code replace pattern}. Their tree work is in
 * {@link TreeEdits}; this reads the words and says what went wrong.
 */
final class StatementEdits {
    private final ShellState state;
    private final ConfigSession config;
    private final ConfirmPrompt confirmations;

    StatementEdits(ShellState state, ConfigSession config, ConfirmPrompt confirmations) {
        this.state = state;
        this.config = config;
        this.confirmations = confirmations;
    }

    /**
     * {@code insert STATEMENT (before | after) ANCHOR}: moves a list entry before or after a
     * sibling of the same list ({@code insert services ipsec-vpn rule r1 term t2 before term
     * t1}), or a member of an ordered list before or after another ({@code insert ... proposals
     * p2 before p1}). Both must exist.
     */
    Reply insert(Words w, String command) throws IOException {
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
            return e.column() > 0 && e.path().isEmpty() ? ConfigurationMode.syntaxError(e, sourceAt) : Reply.error("error: " + e.detail() + "\n");
        }
        String what = String.join(" ", ConfigEditor.words(moved.path()));
        Optional<Node> node = candidate.at(moved.path());
        if (moved.leafList()) {
            if (moved.values().size() != 1) return Reply.errorAt(w.starts().get(1), "error: insert moves one value at a time\n");
            if (w.size() != where + 2) return ConfigurationMode.syntaxErrorAt(w, Math.min(w.size() - 1, where + 2));
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
    Reply annotate(Words w, String command) throws IOException {
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
            return e.column() > 0 && e.path().isEmpty() ? ConfigurationMode.syntaxError(e, sourceAt) : Reply.error("error: " + e.detail() + "\n");
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
    Reply wildcardDelete(Words w, String command) throws IOException {
        if (w.size() < 2 || !w.get(1).equals("delete")) {
            return w.size() < 2 ? Reply.errorAt(command.length() + 1, "syntax error, expecting 'delete'.\n") : ConfigurationMode.syntaxErrorAt(w, 1);
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
    Reply replacePattern(Words w) throws IOException {
        if (w.size() < 2 || !w.get(1).equals("pattern")) return w.size() < 2 ? Reply.errorAt(w.starts().getFirst() + 8, "syntax error, expecting 'pattern'.\n") : ConfigurationMode.syntaxErrorAt(w, 1);
        if (w.size() < 3) return Reply.errorAt(w.starts().get(1) + 8, "syntax error, expecting <pattern>.\n");
        if (w.size() < 4 || !w.get(3).equals("with")) {
            return w.size() < 4 ? Reply.errorAt(w.starts().get(2) + w.get(2).length() + 1, "syntax error, expecting 'with'.\n") : ConfigurationMode.syntaxErrorAt(w, 3);
        }
        if (w.size() < 5) return Reply.errorAt(w.starts().get(3) + 5, "syntax error, expecting <replacement>.\n");
        int upto = 0;
        if (w.size() > 5) {
            if (!w.get(5).equals("upto")) return ConfigurationMode.syntaxErrorAt(w, 5);
            if (w.size() < 7 || !w.get(6).matches("\\d{1,9}")) {
                return w.size() < 7 ? Reply.errorAt(w.starts().get(5) + 5, "syntax error, expecting <number>.\n") : ConfigurationMode.syntaxErrorAt(w, 6);
            }
            if (w.size() > 7) return ConfigurationMode.syntaxErrorAt(w, 7);
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
}
