package io.sallyport.config;

import io.sallyport.config.Lexer.Kind;
import io.sallyport.config.Lexer.Token;
import io.sallyport.config.Node.PathElement;
import io.sallyport.config.SchemaNode.Container;
import io.sallyport.config.SchemaNode.Flag;
import io.sallyport.config.SchemaNode.KeyPart;
import io.sallyport.config.SchemaNode.Leaf;
import io.sallyport.config.SchemaNode.LeafList;
import io.sallyport.config.SchemaNode.ListNode;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/**
 * Edits a configuration tree the way configuration mode does: {@code set}, {@code delete},
 * {@code deactivate}, {@code activate}, each relative to an edit level. Trees are immutable; each
 * operation returns a new root. Statement words are checked against the schema and value types.
 */
public final class ConfigEditor {

    /** The command verbs of the set form. */
    public enum Verb { SET, DELETE, DEACTIVATE, ACTIVATE }

    private ConfigEditor() {}

    /** {@code set WORDS} at edit level {@code base}; WORDS as typed (quotes and {@code [ ]} allowed). */
    public static Node set(Node root, List<PathElement> base, String words) throws ConfigSyntaxException {
        return apply(root, Verb.SET, base, Lexer.tokenize(words));
    }

    public static Node delete(Node root, List<PathElement> base, String words) throws ConfigSyntaxException {
        return apply(root, Verb.DELETE, base, Lexer.tokenize(words));
    }

    public static Node deactivate(Node root, List<PathElement> base, String words) throws ConfigSyntaxException {
        return apply(root, Verb.DEACTIVATE, base, Lexer.tokenize(words));
    }

    public static Node activate(Node root, List<PathElement> base, String words) throws ConfigSyntaxException {
        return apply(root, Verb.ACTIVATE, base, Lexer.tokenize(words));
    }

    /**
     * The edit level {@code edit WORDS} moves to from {@code base}: WORDS must name a container or
     * a list entry. The level need not exist yet (as in Junos).
     */
    public static List<PathElement> editLevel(List<PathElement> base, String words) throws ConfigSyntaxException {
        List<Target> targets = resolve(base, Lexer.tokenize(words), Verb.SET);
        Target last = targets.getLast();
        if (!(last.schema instanceof Container) && !(last.schema instanceof ListNode))
            throw new ConfigSyntaxException("syntax error: '" + last.schema.name() + "' is not a hierarchy level",
                0, 0, words(last.path));
        return last.path;
    }

    /**
     * One statement WORDS name relative to {@code base}, as {@code insert} addresses it: a list
     * entry ({@code term t2}), or members of an ordered leaf-list ({@code proposals p2}, with
     * {@code values} holding the members typed).
     */
    public record Statement(List<PathElement> path, List<String> values, boolean leafList) {}

    /** The one statement WORDS name relative to {@code base}; more than one is a syntax error. */
    public static Statement statement(List<PathElement> base, String words) throws ConfigSyntaxException {
        List<Target> targets = resolve(base, Lexer.tokenize(words), Verb.DELETE);
        if (targets.size() != 1) {
            throw new ConfigSyntaxException("syntax error: expecting one statement, found " + targets.size(), 0, 0, words(base));
        }
        Target t = targets.getFirst();
        return new Statement(t.path, t.values, t.schema instanceof LeafList);
    }

    /** Whether the statement WORDS names (relative to base) exists in the tree. */
    public static boolean exists(Node root, List<PathElement> base, String words) throws ConfigSyntaxException {
        for (Target t : resolve(base, Lexer.tokenize(words), Verb.DELETE)) {
            Optional<Node> n = root.at(t.path);
            if (n.isEmpty()) return false;
            if (!t.values.isEmpty() && !n.get().values().containsAll(t.values)) return false;
        }
        return true;
    }

    /** The words of a tree path, as typed after {@code edit} ({@code services service-set S1}). */
    public static List<String> words(List<PathElement> path) {
        List<String> out = new ArrayList<>();
        List<SchemaNode> level = Schema.root().children();
        for (PathElement e : path) {
            SchemaNode s = Schema.named(level, e.name()).orElse(null);
            if (s instanceof ListNode l) {
                if (!l.keyless()) out.add(e.name());
                out.addAll(List.of(e.key().split(" ")));
            } else if (!(s instanceof Leaf f && f.positional())) {
                out.add(e.name());
            }
            level = s == null ? List.of() : s.children();
        }
        return out;
    }

    // ---- resolution ------------------------------------------------------------------------------

    /** One statement a command addresses: its tree path, schema node, and the values given. */
    record Target(List<PathElement> path, SchemaNode schema, List<String> values, Token at) {}

    static Node apply(Node root, Verb verb, List<PathElement> base, List<Token> tokens) throws ConfigSyntaxException {
        List<Target> targets = resolve(base, tokens, verb);
        Node r = root;
        for (Target t : targets) {
            r = switch (verb) {
                case SET -> set(r, t);
                case DELETE -> delete(r, t);
                case DEACTIVATE -> setInactive(r, t, true);
                case ACTIVATE -> setInactive(r, t, false);
            };
        }
        return prune(r, Schema.root());
    }

    static List<Target> resolve(List<PathElement> base, List<Token> tokens, Verb verb) throws ConfigSyntaxException {
        Optional<SchemaNode> baseSchema = Schema.nodeAt(base);
        if (baseSchema.isEmpty()) throw new ConfigSyntaxException("syntax error: no such hierarchy level", 0, 0, words(base));
        List<Target> targets = new ArrayList<>();
        List<PathElement> path = new ArrayList<>(base);
        SchemaNode owner = baseSchema.get();
        List<SchemaNode> level = owner.children();
        Token last = tokens.isEmpty() ? new Token(Kind.EOL, "", 1, 1) : tokens.getLast();
        if (tokens.isEmpty()) throw new ConfigSyntaxException("syntax error: statement expected; allowed here: "
            + Schema.allowedNames(level), last.line(), last.column(), words(path));
        int i = 0;
        boolean continuing = false;
        while (i < tokens.size()) {
            Token tok = tokens.get(i);
            if (!tok.isValue())
                throw new ConfigSyntaxException("syntax error: unexpected '" + tok.text() + "'", tok.line(), tok.column(), words(path));
            final List<PathElement> here = path;
            final List<SchemaNode> lv = level;
            SchemaNode sn = Schema.lookup(level, tok.text()).orElseThrow(() ->
                noMatch(tok.text(), words(here), lv).at(tok.line(), tok.column()));
            if (continuing && !(sn instanceof Leaf || sn instanceof LeafList || sn instanceof Flag))
                throw new ConfigSyntaxException("syntax error: '" + tok.text() + "' cannot follow a value here",
                    tok.line(), tok.column(), words(path));
            switch (sn) {
                case Container c -> {
                    path = append(path, new PathElement(c.name(), null));
                    i++;
                    owner = c;
                    level = c.children();
                    if (i == tokens.size()) targets.add(new Target(path, c, List.of(), tok));
                }
                case ListNode l -> {
                    int k = l.keyless() ? i : i + 1;
                    StringBuilder key = new StringBuilder();
                    for (KeyPart part : l.key()) {
                        if (part.keyword() != null) {
                            if (k >= tokens.size() || !tokens.get(k).text().equals(part.keyword()))
                                throw missing(tokens, k, "'" + part.keyword() + "' " + part.type().placeholder(), l.name(), path);
                            k++;
                        }
                        if (k >= tokens.size() || !tokens.get(k).isValue())
                            throw missing(tokens, k, part.type().placeholder(), l.name(), path);
                        Token v = tokens.get(k);
                        String err = part.type().check(v.text());
                        if (err != null && verb == Verb.SET) throw new ConfigSyntaxException(err, v.line(), v.column(), words(path));
                        if (!key.isEmpty()) key.append(' ');
                        if (part.keyword() != null) key.append(part.keyword()).append(' ');
                        key.append(v.text());
                        k++;
                    }
                    path = append(path, new PathElement(l.name(), key.toString()));
                    i = k;
                    owner = l;
                    level = l.children();
                    if (i == tokens.size()) targets.add(new Target(path, l, List.of(), tok));
                }
                case Leaf f -> {
                    String value;
                    if (f.positional()) {
                        value = tok.text();
                        i++;
                    } else {
                        i++;
                        if (i >= tokens.size() || !tokens.get(i).isValue()) {
                            if (verb != Verb.SET) {
                                targets.add(new Target(append(path, new PathElement(f.name(), null)), f, List.of(), tok));
                                break;
                            }
                            throw missing(tokens, i, f.type().placeholder(), f.name(), path);
                        }
                        value = tokens.get(i).text();
                        Token vt = tokens.get(i);
                        String err = f.type().check(value);
                        if (err != null && verb == Verb.SET) throw new ConfigSyntaxException(err, vt.line(), vt.column(),
                            words(append(path, new PathElement(f.name(), null))));
                        i++;
                    }
                    targets.add(new Target(append(path, new PathElement(f.name(), null)), f, List.of(value), tok));
                }
                case LeafList f -> {
                    i++;
                    List<String> values = new ArrayList<>();
                    if (i < tokens.size() && tokens.get(i).kind() == Kind.LBRACKET) {
                        i++;
                        while (i < tokens.size() && tokens.get(i).kind() != Kind.RBRACKET) {
                            values.add(checked(f, tokens.get(i), path, verb));
                            i++;
                        }
                        if (i >= tokens.size()) throw missing(tokens, i, "']'", f.name(), path);
                        i++;
                    } else if (i < tokens.size() && tokens.get(i).isValue()) {
                        values.add(checked(f, tokens.get(i), path, verb));
                        i++;
                    } else if (verb == Verb.SET) {
                        throw missing(tokens, i, f.type().placeholder(), f.name(), path);
                    }
                    targets.add(new Target(append(path, new PathElement(f.name(), null)), f, values, tok));
                }
                case Flag f -> {
                    i++;
                    targets.add(new Target(append(path, new PathElement(f.name(), null)), f, List.of(), tok));
                }
            }
            if (sn instanceof Leaf || sn instanceof LeafList || sn instanceof Flag) {
                if (i < tokens.size() && !isFlat(owner)) {
                    Token extra = tokens.get(i);
                    throw new ConfigSyntaxException("syntax error: unexpected '" + extra.text() + "' after '" + sn.name() + "'",
                        extra.line(), extra.column(), words(path));
                }
                continuing = true;
            }
        }
        return targets;
    }

    /**
     * Where a level takes a bare value (an interface name, a gateway address), a word that is not
     * a statement is most likely a mistyped value: say what is wrong with it. Otherwise list what
     * is allowed.
     */
    private static ConfigSyntaxException noMatch(String token, List<String> path, List<SchemaNode> level) {
        for (SchemaNode n : level) {
            ValueType t = n instanceof Leaf f && f.positional() ? f.type()
                : n instanceof ListNode l && l.keyless() ? l.key().getFirst().type() : null;
            if (t != null && t.check(token) != null && !looksLikeKeyword(token)) {
                return new ConfigSyntaxException("syntax error: " + t.check(token) + " (allowed here: "
                    + Schema.allowedNames(level) + ")", 0, 0, path);
            }
        }
        return ConfigSyntaxException.unknown(token, path, level);
    }

    private static boolean looksLikeKeyword(String token) {
        return token.matches("[a-z][a-z0-9_-]*") && !token.matches(".*\\d.*");
    }

    private static boolean isFlat(SchemaNode owner) {
        return owner instanceof Container c && c.flat() || owner instanceof ListNode l && l.flat();
    }

    private static String checked(LeafList f, Token t, List<PathElement> path, Verb verb) throws ConfigSyntaxException {
        if (!t.isValue()) throw new ConfigSyntaxException("syntax error: unexpected '" + t.text() + "'", t.line(), t.column(), words(path));
        String err = f.type().check(t.text());
        if (err != null && verb == Verb.SET)
            throw new ConfigSyntaxException(err, t.line(), t.column(), words(append(path, new PathElement(f.name(), null))));
        return t.text();
    }

    private static ConfigSyntaxException missing(List<Token> tokens, int i, String what, String after, List<PathElement> path) {
        Token t = i < tokens.size() ? tokens.get(i) : tokens.getLast();
        int col = i < tokens.size() ? t.column() : t.column() + t.text().length();
        return new ConfigSyntaxException("syntax error: missing " + what + " after '" + after + "'", t.line(), col, words(path));
    }

    private static List<PathElement> append(List<PathElement> p, PathElement e) {
        List<PathElement> out = new ArrayList<>(p.size() + 1);
        out.addAll(p);
        out.add(e);
        return List.copyOf(out);
    }

    // ---- tree operations ------------------------------------------------------------------------

    static Node set(Node root, Target t) {
        return setAt(root, Schema.root(), t.path, 0, t);
    }

    private static Node setAt(Node node, SchemaNode schema, List<PathElement> path, int depth, Target t) {
        PathElement e = path.get(depth);
        SchemaNode childSchema = Schema.named(schema.children(), e.name()).orElseThrow();
        Optional<Node> existing = node.child(e.name(), e.key());
        Node child = existing.orElseGet(() -> Node.of(e.name(), e.key()));
        if (depth == path.size() - 1) {
            if (childSchema instanceof Leaf) {
                child = child.withValues(t.values);
            } else if (childSchema instanceof LeafList) {
                LinkedHashSet<String> merged = new LinkedHashSet<>(child.values());
                merged.addAll(t.values);
                child = child.withValues(List.copyOf(merged));
            }
        } else {
            child = setAt(child, childSchema, path, depth + 1, t);
        }
        Node parent = node;
        if (existing.isEmpty() && childSchema.choice() != null) {
            for (SchemaNode sibling : schema.children()) {
                if (childSchema.choice().equals(sibling.choice()) && !sibling.name().equals(childSchema.name())) {
                    List<Node> keep = new ArrayList<>(parent.children());
                    keep.removeIf(c -> c.name().equals(sibling.name()));
                    parent = parent.withChildren(keep);
                }
            }
        }
        return existing.isPresent() ? replace(parent, e, child) : insert(parent, schema.children(), child);
    }

    private static Node replace(Node parent, PathElement e, Node child) {
        return parent.mapChild(e.name(), e.key(), old -> child);
    }

    /** Inserts at the schema position: after every sibling that comes earlier or equal in schema order. */
    static Node insert(Node parent, List<SchemaNode> level, Node child) {
        int rank = Schema.order(level, child.name());
        List<Node> out = new ArrayList<>(parent.children());
        int pos = out.size();
        for (int k = out.size() - 1; k >= 0; k--) {
            if (Schema.order(level, out.get(k).name()) <= rank) { pos = k + 1; break; }
            pos = k;
        }
        out.add(pos, child);
        return parent.withChildren(out);
    }

    static Node delete(Node root, Target t) {
        Node r = deleteAt(root, Schema.root(), t.path, 0, t);
        return r == null ? Node.root() : r;
    }

    /** @return the node without the target, or null when it became an empty non-presence container */
    private static Node deleteAt(Node node, SchemaNode schema, List<PathElement> path, int depth, Target t) {
        PathElement e = path.get(depth);
        Optional<Node> existing = node.child(e.name(), e.key());
        if (existing.isEmpty()) return node;
        SchemaNode childSchema = Schema.named(schema.children(), e.name()).orElseThrow();
        Node result;
        if (depth == path.size() - 1) {
            if (childSchema instanceof LeafList && !t.values.isEmpty()) {
                List<String> rest = new ArrayList<>(existing.get().values());
                rest.removeAll(t.values);
                result = node.mapChild(e.name(), e.key(), c -> rest.isEmpty() ? null : c.withValues(rest));
            } else if (childSchema instanceof Leaf f && f.positional() && !t.values.isEmpty()
                    && !existing.get().values().equals(t.values)) {
                result = node;
            } else {
                result = node.withoutChild(e.name(), e.key());
            }
        } else {
            Node sub = deleteAt(existing.get(), childSchema, path, depth + 1, t);
            result = node.mapChild(e.name(), e.key(), c -> sub);
        }
        boolean emptyContainer = result.children().isEmpty() && !result.isRoot()
            && schema instanceof Container c && !c.presence();
        return emptyContainer ? null : result;
    }

    /** Drops containers that hold nothing and mean nothing on their own (non-presence). */
    static Node prune(Node node, SchemaNode schema) {
        List<Node> out = new ArrayList<>(node.children().size());
        boolean changed = false;
        for (Node c : node.children()) {
            SchemaNode cs = Schema.named(schema.children(), c.name()).orElse(null);
            if (cs == null) { out.add(c); continue; }
            Node p = c.children().isEmpty() ? c : prune(c, cs);
            if (p.children().isEmpty() && cs instanceof Container cc && !cc.presence()) { changed = true; continue; }
            if (p != c) changed = true;
            out.add(p);
        }
        return changed ? node.withChildren(out) : node;
    }

    /** The statement at {@code path} (which exists) annotated with {@code text}; an empty text removes the annotation. */
    public static Node annotate(Node root, List<PathElement> path, String text) {
        return annotateAt(root, path, 0, text.isEmpty() ? null : text);
    }

    private static Node annotateAt(Node node, List<PathElement> path, int depth, String text) {
        PathElement e = path.get(depth);
        return node.mapChild(e.name(), e.key(), c -> depth == path.size() - 1
            ? c.withAnnotation(text) : annotateAt(c, path, depth + 1, text));
    }

    static Node markInactive(Node root, List<PathElement> path, Target at) throws ConfigSyntaxException {
        return setInactive(root, new Target(path, Schema.nodeAt(path).orElseThrow(), List.of(), at.at()), true);
    }

    static Node setInactive(Node root, Target t, boolean inactive) throws ConfigSyntaxException {
        if (root.at(t.path).isEmpty())
            throw new ConfigSyntaxException("statement not found", t.at.line(), t.at.column(), words(t.path));
        return mark(root, t.path, 0, inactive);
    }

    private static Node mark(Node node, List<PathElement> path, int depth, boolean inactive) {
        PathElement e = path.get(depth);
        return node.mapChild(e.name(), e.key(), c -> depth == path.size() - 1
            ? c.withInactive(inactive) : mark(c, path, depth + 1, inactive));
    }
}
