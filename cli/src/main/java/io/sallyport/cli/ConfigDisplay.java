package io.sallyport.cli;

import io.sallyport.config.Node;
import io.sallyport.config.Node.PathElement;
import io.sallyport.config.Schema;
import io.sallyport.config.SchemaNode;
import io.sallyport.config.SchemaNode.Container;
import io.sallyport.config.SchemaNode.KeyPart;
import io.sallyport.config.SchemaNode.Leaf;
import io.sallyport.config.SchemaNode.LeafList;
import io.sallyport.config.SchemaNode.ListNode;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code | display xml} and {@code | display json} of a configuration, in the shape Junos gives
 * them: one element (member) per statement, list entries carrying their key as {@code name} (or
 * their key words, {@code local}/{@code remote}), flags as empty elements ({@code [null]} in JSON),
 * inactive statements marked {@code inactive="inactive"}. A level below the top is wrapped in its
 * ancestors, so the output always starts at {@code configuration}.
 */
public final class ConfigDisplay {
    private static final String INDENT = "    ";

    private ConfigDisplay() {
    }

    /** The subtree at {@code level} as XML inside {@code <configuration>}. */
    public static String xml(Node root, List<PathElement> level) {
        StringBuilder sb = new StringBuilder("<configuration>\n");
        Node pruned = pruneTo(root, level);
        if (pruned != null) xmlChildren(pruned, Schema.root(), INDENT, sb);
        return sb.append("</configuration>\n").toString();
    }

    /** The subtree at {@code level} as JSON under {@code "configuration"}. */
    public static String json(Node root, List<PathElement> level) {
        StringBuilder sb = new StringBuilder("{\n" + INDENT + "\"configuration\" : ");
        Node pruned = pruneTo(root, level);
        jsonObject(pruned == null ? Node.root() : pruned, Schema.root(), INDENT, sb);
        return sb.append("\n}\n").toString();
    }

    /**
     * The tree reduced to the path leading to {@code level} and everything below it; null when the
     * level holds nothing. Diffs and displays at an edit level use it to keep their full paths.
     */
    public static Node pruneTo(Node root, List<PathElement> level) {
        if (level.isEmpty()) return root;
        PathElement e = level.getFirst();
        return root.child(e.name(), e.key())
                .map(c -> level.size() == 1 ? c : pruneTo(c, level.subList(1, level.size())))
                .map(c -> root.withChildren(List.of(c)))
                .orElse(null);
    }

    // ---- XML ---------------------------------------------------------------------------------

    private static void xmlChildren(Node node, SchemaNode schema, String indent, StringBuilder sb) {
        for (Node child : node.children()) {
            SchemaNode cs = Schema.named(schema.children(), child.name()).orElse(null);
            if (cs != null) xmlStatement(child, cs, indent, sb);
        }
    }

    private static void xmlStatement(Node n, SchemaNode s, String indent, StringBuilder sb) {
        String open = "<" + n.name() + (n.inactive() ? " inactive=\"inactive\"" : "");
        switch (s) {
            case Leaf l -> sb.append(indent).append(open).append('>').append(xmlText(first(n))).append("</").append(n.name()).append(">\n");
            case LeafList l -> {
                for (String v : n.values()) {
                    sb.append(indent).append(open).append('>').append(xmlText(v)).append("</").append(n.name()).append(">\n");
                }
            }
            case ListNode l -> {
                sb.append(indent).append(open).append(">\n");
                for (String[] kv : keyMembers(l, n)) {
                    sb.append(indent).append(INDENT).append('<').append(kv[0]).append('>').append(xmlText(kv[1]))
                            .append("</").append(kv[0]).append(">\n");
                }
                xmlChildren(n, l, indent + INDENT, sb);
                sb.append(indent).append("</").append(n.name()).append(">\n");
            }
            default -> {
                if (n.children().isEmpty()) {
                    sb.append(indent).append(open).append("/>\n");
                } else {
                    sb.append(indent).append(open).append(">\n");
                    xmlChildren(n, s, indent + INDENT, sb);
                    sb.append(indent).append("</").append(n.name()).append(">\n");
                }
            }
        }
    }

    private static String xmlText(String v) {
        return v.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    // ---- JSON --------------------------------------------------------------------------------

    private static void jsonObject(Node node, SchemaNode schema, String indent, StringBuilder sb) {
        List<String> members = new ArrayList<>();
        String inner = indent + INDENT;
        if (node.inactive()) members.add(inner + "\"@\" : {\n" + inner + INDENT + "\"inactive\" : true\n" + inner + "}");
        if (schema instanceof ListNode l) {
            for (String[] kv : keyMembers(l, node)) members.add(inner + jsonString(kv[0]) + " : " + jsonString(kv[1]));
        }
        List<Node> children = node.children();
        for (int i = 0; i < children.size(); i++) {
            Node child = children.get(i);
            SchemaNode cs = Schema.named(schema.children(), child.name()).orElse(null);
            if (cs == null) continue;
            if (cs instanceof ListNode l) {
                // All entries of one list form one JSON array, as Junos prints them.
                StringBuilder arr = new StringBuilder(inner + jsonString(child.name()) + " : [\n");
                List<String> entries = new ArrayList<>();
                while (i < children.size() && children.get(i).name().equals(child.name())) {
                    StringBuilder e = new StringBuilder(inner + INDENT);
                    jsonObject(children.get(i), l, inner + INDENT, e);
                    entries.add(e.toString());
                    i++;
                }
                i--;
                members.add(arr.append(String.join(",\n", entries)).append('\n').append(inner).append(']').toString());
                continue;
            }
            StringBuilder m = new StringBuilder(inner + jsonString(child.name()) + " : ");
            switch (cs) {
                case Leaf l -> m.append(jsonString(first(child)));
                case LeafList l -> m.append('[').append(String.join(", ", child.values().stream().map(ConfigDisplay::jsonString).toList())).append(']');
                case Container c when !child.children().isEmpty() || child.inactive() -> jsonObject(child, cs, inner, m);
                case Container c -> m.append("{}");
                default -> m.append("[null]");
            }
            if (child.inactive() && !(cs instanceof Container)) {
                members.add(inner + jsonString("@" + child.name()) + " : {\n" + inner + INDENT + "\"inactive\" : true\n" + inner + "}");
            }
            members.add(m.toString());
        }
        if (members.isEmpty()) {
            sb.append("{}");
            return;
        }
        sb.append("{\n").append(String.join(",\n", members)).append('\n').append(indent).append('}');
    }

    private static String jsonString(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        return sb.append('"').toString();
    }

    // ---- shared ------------------------------------------------------------------------------

    /** A list entry's key as (member, value) pairs: {@code name} for a plain key, else the key's own words. */
    private static List<String[]> keyMembers(ListNode l, Node entry) {
        List<String[]> out = new ArrayList<>();
        String[] words = entry.key().split(" ");
        int w = 0;
        for (KeyPart p : l.key()) {
            if (p.keyword() != null) w++;
            out.add(new String[] {p.keyword() != null ? p.keyword() : "name", w < words.length ? words[w] : ""});
            w++;
        }
        return out;
    }

    private static String first(Node n) {
        return n.values().isEmpty() ? "" : n.values().getFirst();
    }
}
