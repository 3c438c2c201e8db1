package io.sallyport.config;

import io.sallyport.config.SchemaNode.Container;
import io.sallyport.config.SchemaNode.Flag;
import io.sallyport.config.SchemaNode.KeyPart;
import io.sallyport.config.SchemaNode.Leaf;
import io.sallyport.config.SchemaNode.LeafList;
import io.sallyport.config.SchemaNode.ListNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code | display xml} and {@code | display json}: the tree in Junos's XML and JSON shapes. List
 * entries carry their key as {@code <name>} (or the key's keywords, as {@code <local>}/{@code
 * <remote>}), flags are empty elements ({@code [null]} in JSON), inactive statements are marked
 * with {@code inactive="inactive"} (JSON {@code "@": {"inactive": true}}).
 */
public final class ConfigDisplay {

    private ConfigDisplay() {}

    public static String xml(Node root) {
        StringBuilder sb = new StringBuilder("<configuration>\n");
        xmlChildren(root, Schema.root(), "    ", sb);
        return sb.append("</configuration>\n").toString();
    }

    private static void xmlChildren(Node node, SchemaNode schema, String indent, StringBuilder sb) {
        for (Node c : node.children()) {
            SchemaNode cs = Schema.named(schema.children(), c.name()).orElseThrow();
            String attr = c.inactive() ? " inactive=\"inactive\"" : "";
            switch (cs) {
                case Leaf f -> sb.append(indent).append('<').append(f.name()).append(attr).append('>')
                    .append(escape(c.values().getFirst())).append("</").append(f.name()).append(">\n");
                case LeafList f -> {
                    for (String v : c.values()) sb.append(indent).append('<').append(f.name()).append(attr).append('>')
                        .append(escape(v)).append("</").append(f.name()).append(">\n");
                }
                case Flag f -> sb.append(indent).append('<').append(f.name()).append(attr).append("/>\n");
                case Container k -> {
                    if (c.children().isEmpty()) {
                        sb.append(indent).append('<').append(k.name()).append(attr).append("/>\n");
                    } else {
                        sb.append(indent).append('<').append(k.name()).append(attr).append(">\n");
                        xmlChildren(c, k, indent + "    ", sb);
                        sb.append(indent).append("</").append(k.name()).append(">\n");
                    }
                }
                case ListNode l -> {
                    sb.append(indent).append('<').append(l.name()).append(attr).append(">\n");
                    for (Map.Entry<String, String> e : keyFields(l, c.key()).entrySet()) {
                        sb.append(indent).append("    <").append(e.getKey()).append('>').append(escape(e.getValue()))
                            .append("</").append(e.getKey()).append(">\n");
                    }
                    xmlChildren(c, l, indent + "    ", sb);
                    sb.append(indent).append("</").append(l.name()).append(">\n");
                }
            }
        }
    }

    public static String json(Node root) {
        StringBuilder sb = new StringBuilder("{\n    \"configuration\" : ");
        jsonObject(root, Schema.root(), "    ", sb, Map.of());
        return sb.append("\n}\n").toString();
    }

    private static void jsonObject(Node node, SchemaNode schema, String indent, StringBuilder sb, Map<String, String> keys) {
        List<String> members = new ArrayList<>();
        String inner = indent + "    ";
        if (node.inactive()) members.add("\"@\" : { \"inactive\" : true }");
        for (Map.Entry<String, String> e : keys.entrySet()) members.add(quote(e.getKey()) + " : " + quote(e.getValue()));
        Map<String, List<Node>> lists = new LinkedHashMap<>();
        for (Node c : node.children()) {
            SchemaNode cs = Schema.named(schema.children(), c.name()).orElseThrow();
            if (cs instanceof ListNode) {
                lists.computeIfAbsent(c.name(), k -> new ArrayList<>()).add(c);
                continue;
            }
            StringBuilder m = new StringBuilder(quote(cs.name())).append(" : ");
            switch (cs) {
                case Leaf f -> m.append(quote(c.values().getFirst()));
                case LeafList f -> m.append(c.values().stream().map(ConfigDisplay::quote).toList());
                case Flag f -> m.append("[null]");
                case Container k -> jsonObject(c, k, inner, m, Map.of());
                case ListNode l -> throw new IllegalStateException("lists are collected above");
            }
            members.add(m.toString());
            if (c.inactive() && !(cs instanceof Container)) members.add(quote("@" + cs.name()) + " : { \"inactive\" : true }");
        }
        for (Map.Entry<String, List<Node>> e : lists.entrySet()) {
            ListNode l = (ListNode) Schema.named(schema.children(), e.getKey()).orElseThrow();
            StringBuilder m = new StringBuilder(quote(l.name())).append(" : [");
            String entryIndent = inner + "    ";
            for (int i = 0; i < e.getValue().size(); i++) {
                Node entry = e.getValue().get(i);
                m.append(i == 0 ? "\n" : ",\n").append(entryIndent);
                jsonObject(entry, l, entryIndent, m, keyFields(l, entry.key()));
            }
            members.add(m.append('\n').append(inner).append(']').toString());
        }
        if (members.isEmpty()) {
            sb.append("{}");
            return;
        }
        sb.append("{\n");
        for (int i = 0; i < members.size(); i++) {
            sb.append(inner).append(members.get(i)).append(i + 1 < members.size() ? ",\n" : "\n");
        }
        sb.append(indent).append('}');
    }

    /** A list entry's key as named fields: {@code name}, or the key's own keywords. */
    private static Map<String, String> keyFields(ListNode l, String key) {
        Map<String, String> out = new LinkedHashMap<>();
        if (l.key().size() == 1) {
            out.put("name", key);
            return out;
        }
        String[] words = key.split(" ");
        int w = 0;
        for (KeyPart p : l.key()) {
            if (p.keyword() != null) w++;
            out.put(p.keyword() == null ? "name" : p.keyword(), words[w++]);
        }
        return out;
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                default -> {
                    if (ch < 0x20) sb.append(String.format("\\u%04x", (int) ch));
                    else sb.append(ch);
                }
            }
        }
        return sb.append('"').toString();
    }
}
