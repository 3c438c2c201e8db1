package io.sallyport.config;

import io.sallyport.config.ConfigEditor.Target;
import io.sallyport.config.ConfigEditor.Verb;
import io.sallyport.config.Lexer.Kind;
import io.sallyport.config.Lexer.Token;
import io.sallyport.config.Node.PathElement;
import io.sallyport.config.SchemaNode.Container;
import io.sallyport.config.SchemaNode.ListNode;


import java.util.ArrayList;
import java.util.List;

/**
 * Reads and writes the two textual forms of a Junos configuration: the curly-brace form that
 * {@code show configuration} prints and the {@code set}/{@code delete}/{@code deactivate}/{@code
 * activate} command list that {@code show configuration | display set} prints. Reading either gives
 * the same tree; printing a tree in one form and reading it back gives the tree unchanged.
 */
public final class ConfigText {

    private ConfigText() {}

    /** Reads either form; a text whose first word is a set-form verb is read as commands. */
    public static Node parse(String text) throws ConfigSyntaxException {
        List<Token> tokens = Lexer.tokenizeKeepingComments(text);
        for (Token t : tokens) {
            if (t.kind() == Kind.EOL || t.kind() == Kind.COMMENT) continue;
            if (t.kind() == Kind.WORD && verb(t.text()) != null) {
                return parseSetCommands(tokens.stream().filter(x -> x.kind() != Kind.COMMENT).toList());
            }
            break;
        }
        return parseBraces(tokens);
    }

    /** Reads the curly-brace form; a {@code /* ... *}{@code /} comment annotates the statement after it. */
    public static Node parseBraces(String text) throws ConfigSyntaxException {
        return parseBraces(Lexer.tokenizeKeepingComments(text));
    }

    /**
     * A brace-form text read for {@code load replace}: the tree it holds, and the statements
     * tagged {@code replace:}, which replace the candidate's statement as a whole rather than
     * merge into it.
     */
    public record Replacing(Node tree, List<List<PathElement>> replaced) {
        public Replacing {
            replaced = List.copyOf(replaced);
        }
    }

    /** Reads the brace form with {@code replace:} tags allowed (only {@code load replace} takes them). */
    public static Replacing parseReplacing(String text) throws ConfigSyntaxException {
        List<List<PathElement>> replaced = new ArrayList<>();
        Node tree = parseBraces(Lexer.tokenizeKeepingComments(text), replaced);
        return new Replacing(tree, replaced);
    }

    /** Reads a list of set-form commands, one per line. */
    public static Node parseSetCommands(String text) throws ConfigSyntaxException {
        return parseSetCommands(Lexer.tokenize(text));
    }

    /** Applies set-form commands, one per line, to an existing tree (as {@code load set} does). */
    public static Node applySetCommands(Node root, String text) throws ConfigSyntaxException {
        return applyCommands(root, Lexer.tokenize(text));
    }

    private static Verb verb(String word) {
        return switch (word) {
            case "set" -> Verb.SET;
            case "delete" -> Verb.DELETE;
            case "deactivate" -> Verb.DEACTIVATE;
            case "activate" -> Verb.ACTIVATE;
            default -> null;
        };
    }

    private static Node parseSetCommands(List<Token> tokens) throws ConfigSyntaxException {
        return applyCommands(Node.root(), tokens);
    }

    private static Node applyCommands(Node root, List<Token> tokens) throws ConfigSyntaxException {
        Node r = root;
        List<Token> line = new ArrayList<>();
        for (int i = 0; i <= tokens.size(); i++) {
            Token t = i < tokens.size() ? tokens.get(i) : null;
            if (t != null && t.kind() != Kind.EOL) { line.add(t); continue; }
            if (line.isEmpty()) continue;
            Token first = line.getFirst();
            Verb v = first.kind() == Kind.WORD ? verb(first.text()) : null;
            if (v == null) throw new ConfigSyntaxException("syntax error: expected set, delete, deactivate or activate, found '"
                + first.text() + "'", first.line(), first.column(), List.of());
            List<Token> words = line.subList(1, line.size());
            if (words.isEmpty() && v == Verb.DELETE) {
                r = Node.root();
            } else if (words.isEmpty()) {
                throw new ConfigSyntaxException("syntax error: statement expected after '" + first.text() + "'",
                    first.line(), first.column() + first.text().length(), List.of());
            } else {
                r = ConfigEditor.apply(r, v, List.of(), List.copyOf(words));
            }
            line.clear();
        }
        return r;
    }

    private static Node parseBraces(List<Token> all) throws ConfigSyntaxException {
        return parseBraces(all, null);
    }

    /** @param replaced where {@code replace:} statements are recorded; null: the tag is not allowed */
    private static Node parseBraces(List<Token> all, List<List<PathElement>> replaced) throws ConfigSyntaxException {
        List<Token> tokens = new ArrayList<>(all.size());
        for (Token t : all) if (t.kind() != Kind.EOL) tokens.add(t);
        Node[] root = {Node.root()};
        int end = block(tokens, 0, List.of(), root, false, replaced);
        root[0] = ConfigEditor.prune(root[0], Schema.root());
        if (end < tokens.size()) {
            Token t = tokens.get(end);
            throw new ConfigSyntaxException("syntax error: unexpected '" + t.text() + "'", t.line(), t.column(), List.of());
        }
        return root[0];
    }

    /**
     * The node an {@code inactive:} prefix applies to: the statement as a whole. For a one-line
     * statement ({@code inactive: local-gateway 10.0.1.1 routing-instance a;}) that is the flat node
     * the words entered, not its last leaf.
     */
    private static List<PathElement> statementHead(List<PathElement> base, List<Target> targets) {
        List<PathElement> prefix = targets.getFirst().path();
        for (Target t : targets) {
            int k = 0;
            while (k < prefix.size() && k < t.path().size() && prefix.get(k).equals(t.path().get(k))) k++;
            prefix = prefix.subList(0, k);
        }
        if (targets.size() > 1) return prefix;
        Target t = targets.getFirst();
        boolean leafLike = !(t.schema() instanceof Container) && !(t.schema() instanceof ListNode);
        if (leafLike && t.path().size() > base.size() + 1) {
            List<PathElement> parent = t.path().subList(0, t.path().size() - 1);
            SchemaNode ps = Schema.nodeAt(parent).orElseThrow();
            boolean flat = ps instanceof Container c && c.flat() || ps instanceof ListNode l && l.flat();
            if (flat) return parent;
        }
        return t.path();
    }

    /** Reads statements until a closing brace (nested) or the end (top level); returns the index after. */
    private static int block(List<Token> tokens, int i, List<PathElement> base, Node[] root, boolean nested,
                             List<List<PathElement>> replaced) throws ConfigSyntaxException {
        String pending = null;
        while (i < tokens.size()) {
            Token t = tokens.get(i);
            if (t.kind() == Kind.RBRACE) {
                if (!nested) throw new ConfigSyntaxException("syntax error: unexpected '}'", t.line(), t.column(),
                    ConfigEditor.words(base));
                return i + 1;
            }
            if (t.kind() == Kind.COMMENT) {
                // An annotation: of the statement that follows (consecutive comments join), none before a '}'.
                StringBuilder text = new StringBuilder(t.text());
                while (++i < tokens.size() && tokens.get(i).kind() == Kind.COMMENT) text.append('\n').append(tokens.get(i).text());
                if (i < tokens.size() && tokens.get(i).kind() != Kind.RBRACE) pending = text.toString();
                continue;
            }
            String annotation = pending;
            pending = null;
            boolean replace = false;
            if (replaced != null && t.kind() == Kind.WORD && t.text().equals("replace:")) {
                replace = true;
                if (++i < tokens.size()) t = tokens.get(i);
            }
            boolean inactive = false;
            if (t.kind() == Kind.WORD && t.text().equals("inactive:")) { inactive = true; i++; }
            List<Token> words = new ArrayList<>();
            int depth = 0;
            while (i < tokens.size()) {
                Token w = tokens.get(i);
                if (w.kind() == Kind.COMMENT) {  // a comment inside a statement annotates nothing
                    i++;
                    continue;
                }
                if (w.kind() == Kind.LBRACKET) depth++;
                if (w.kind() == Kind.RBRACKET) depth--;
                if (depth == 0 && (w.kind() == Kind.SEMI || w.kind() == Kind.LBRACE || w.kind() == Kind.RBRACE)) break;
                words.add(w);
                i++;
            }
            if (words.isEmpty()) {
                Token w = i < tokens.size() ? tokens.get(i) : t;
                throw new ConfigSyntaxException("syntax error: statement expected before '" + w.text() + "'",
                    w.line(), w.column(), ConfigEditor.words(base));
            }
            if (i >= tokens.size() || tokens.get(i).kind() == Kind.RBRACE) {
                Token last = words.getLast();
                throw new ConfigSyntaxException("syntax error: missing ';' or '{' after '" + last.text() + "'",
                    last.line(), last.column() + last.text().length(), ConfigEditor.words(base));
            }
            Token terminator = tokens.get(i);
            List<Target> targets = ConfigEditor.resolve(base, words, Verb.SET);
            for (Target target : targets) root[0] = ConfigEditor.set(root[0], target);
            Target last = targets.getLast();
            if (inactive) root[0] = ConfigEditor.markInactive(root[0], statementHead(base, targets), last);
            if (replace) replaced.add(statementHead(base, targets));
            if (annotation != null && !annotation.isEmpty()) {
                root[0] = ConfigEditor.annotate(root[0], statementHead(base, targets), annotation);
            }
            i++;
            if (terminator.kind() == Kind.LBRACE) {
                if (!(last.schema() instanceof Container) && !(last.schema() instanceof ListNode))
                    throw new ConfigSyntaxException("syntax error: '" + last.schema().name() + "' does not take a block",
                        terminator.line(), terminator.column(), ConfigEditor.words(base));
                i = block(tokens, i, last.path(), root, true, replaced);
            }
        }
        if (nested) {
            Token last = tokens.isEmpty() ? null : tokens.getLast();
            throw new ConfigSyntaxException("syntax error: missing '}' at end of text", last == null ? 1 : last.line(),
                last == null ? 1 : last.column() + 1, ConfigEditor.words(base));
        }
        return i;
    }
}
