package io.sallyport.config;

import io.sallyport.config.SchemaNode.Container;
import io.sallyport.config.SchemaNode.Flag;
import io.sallyport.config.SchemaNode.Leaf;
import io.sallyport.config.SchemaNode.LeafList;
import io.sallyport.config.SchemaNode.ListNode;

import java.util.ArrayList;
import java.util.List;

/** Prints a configuration tree in the curly-brace form or as set-form commands. */
public final class ConfigPrinter {

    private static final String INDENT = "    ";

    private ConfigPrinter() {}

    /**
     * The curly-brace form, as {@code show configuration} prints it; a statement holding a secret
     * (or a password hash) ends in {@code ## SECRET-DATA}; an annotated statement has its {@code /* ... *}{@code /} line
     * above it. The set form has no place for annotations and leaves them out, as Junos does.
     */
    public static String braces(Node root) {
        return braces(root, Schema.nodeAt(List.of()).orElseThrow());
    }

    /** The curly-brace form of the statements under {@code node}, whose schema is {@code schema}. */
    public static String braces(Node node, SchemaNode schema) {
        StringBuilder sb = new StringBuilder();
        block(node, schema, "", sb);
        return sb.toString();
    }

    /** The set form, as {@code show configuration | display set} prints it. */
    public static String setCommands(Node root) {
        return setCommands(root, List.of());
    }

    /** The set form of the statements under the node at {@code base} (their paths start at base). */
    public static String setCommands(Node root, List<Node.PathElement> base) {
        Node node = root.at(base).orElse(null);
        SchemaNode schema = Schema.nodeAt(base).orElse(null);
        if (node == null || schema == null) return "";
        List<String> prefix = new ArrayList<>();
        for (String w : ConfigEditor.words(base)) prefix.add(Lexer.quote(w));
        List<String> sets = new ArrayList<>();
        List<String> deactivates = new ArrayList<>();
        commands(node, schema, prefix, sets, deactivates);
        StringBuilder sb = new StringBuilder();
        for (String s : sets) sb.append("set ").append(s).append('\n');
        for (String s : deactivates) sb.append("deactivate ").append(s).append('\n');
        return sb.toString();
    }

    // ---- brace form ------------------------------------------------------------------------------

    private static void block(Node node, SchemaNode schema, String indent, StringBuilder sb) {
        for (Node child : node.children()) {
            SchemaNode cs = Schema.named(schema.children(), child.name()).orElseThrow(
                () -> new IllegalStateException("statement outside the schema: " + child.name()));
            statement(child, cs, indent, "", sb);
        }
    }

    private static void statement(Node n, SchemaNode s, String indent, String headPrefix, StringBuilder sb) {
        if (n.annotation() != null) sb.append(indent).append("/* ").append(n.annotation()).append(" */\n");
        String lead = indent + (n.inactive() ? "inactive: " : "") + headPrefix;
        switch (s) {
            case Leaf f -> sb.append(lead).append(inlineLeaf(n, f)).append(Secrets.isMasked(f) ? "; " + Secrets.COMMENT + "\n" : ";\n");
            case LeafList f -> sb.append(lead).append(f.name()).append(' ').append(listValues(n.values())).append(";\n");
            case Flag f -> sb.append(lead).append(f.name()).append(";\n");
            case Container c -> {
                if (c.collapse() && n.children().size() == 1 && !n.inactive() && n.annotation() == null) {
                    Node only = n.children().getFirst();
                    SchemaNode os = Schema.named(c.children(), only.name()).orElseThrow();
                    if (!only.inactive() && only.annotation() == null) {
                        statement(only, os, indent, headPrefix + c.name() + " ", sb);
                        return;
                    }
                }
                body(n, c, lead + c.name(), c.flat(), indent, sb);
            }
            case ListNode l -> body(n, l, lead + head(n, l), l.flat(), indent, sb);
        }
    }

    private static void body(Node n, SchemaNode s, String head, boolean flat, String indent, StringBuilder sb) {
        if (n.children().isEmpty()) {
            sb.append(head).append(";\n");
        } else if (flat && onlyLeaves(n, s)) {
            sb.append(head);
            boolean secret = false;
            for (Node c : n.children()) {
                SchemaNode cs = Schema.named(s.children(), c.name()).orElseThrow();
                secret |= Secrets.isMasked(cs);
                sb.append(' ').append(switch (cs) {
                    case Leaf f -> inlineLeaf(c, f);
                    case LeafList f -> f.name() + " " + listValues(c.values());
                    default -> cs.name();
                });
            }
            sb.append(secret ? "; " + Secrets.COMMENT + "\n" : ";\n");
        } else {
            sb.append(head).append(" {\n");
            block(n, s, indent + INDENT, sb);
            sb.append(indent).append("}\n");
        }
    }

    private static boolean onlyLeaves(Node n, SchemaNode s) {
        for (Node c : n.children()) {
            if (c.inactive()) return false;
            SchemaNode cs = Schema.named(s.children(), c.name()).orElseThrow();
            if (cs instanceof Container || cs instanceof ListNode) return false;
        }
        return true;
    }

    private static String inlineLeaf(Node n, Leaf f) {
        String v = value(n, f);
        return f.positional() ? v : f.name() + " " + v;
    }

    private static String value(Node n, Leaf f) {
        String v = n.values().getFirst();
        if (Secrets.isMasked(f) && v.equals(Secrets.MASK)) return v; // a masked tree (Secrets.masked), printed as Junos does
        return Secrets.isMasked(f) ? Lexer.quoteAlways(v) : Lexer.quote(v);
    }

    private static String listValues(List<String> values) {
        if (values.size() == 1) return Lexer.quote(values.getFirst());
        StringBuilder sb = new StringBuilder("[");
        for (String v : values) sb.append(' ').append(Lexer.quote(v));
        return sb.append(" ]").toString();
    }

    private static String head(Node n, ListNode l) {
        String key = keyText(n.key(), l);
        return l.keyless() ? key : l.name() + " " + key;
    }

    /** A single-part key is quoted as a value; a multi-part key is keyword/value words already. */
    private static String keyText(String key, ListNode l) {
        if (l.key().size() == 1) return Lexer.quote(key);
        return key;
    }

    // ---- set form --------------------------------------------------------------------------------

    private static void commands(Node node, SchemaNode schema, List<String> path, List<String> sets, List<String> deactivates) {
        for (Node child : node.children()) {
            SchemaNode cs = Schema.named(schema.children(), child.name()).orElseThrow(
                () -> new IllegalStateException("statement outside the schema: " + child.name()));
            List<String> own = new ArrayList<>(path);
            switch (cs) {
                case Leaf f -> {
                    if (f.positional()) {
                        own.add(value(child, f));
                        sets.add(String.join(" ", own));
                    } else {
                        own.add(f.name());
                        sets.add(String.join(" ", own) + " " + value(child, f));
                    }
                }
                case LeafList f -> {
                    own.add(f.name());
                    for (String v : child.values()) sets.add(String.join(" ", own) + " " + Lexer.quote(v));
                }
                case Flag f -> {
                    own.add(f.name());
                    sets.add(String.join(" ", own));
                }
                case Container c -> {
                    own.add(c.name());
                    if (child.children().isEmpty()) sets.add(String.join(" ", own));
                    else commands(child, c, own, sets, deactivates);
                }
                case ListNode l -> {
                    if (!l.keyless()) own.add(l.name());
                    own.add(keyText(child.key(), l));
                    if (child.children().isEmpty()) sets.add(String.join(" ", own));
                    else commands(child, l, own, sets, deactivates);
                }
            }
            if (child.inactive()) deactivates.add(String.join(" ", own));
        }
    }
}
