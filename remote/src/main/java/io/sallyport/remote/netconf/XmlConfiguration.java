package io.sallyport.remote.netconf;

import io.sallyport.remote.SafeXml;
import io.sallyport.cli.Words;
import io.sallyport.config.ConfigSyntaxException;
import io.sallyport.config.Schema;
import io.sallyport.config.SchemaNode;
import java.util.ArrayList;
import java.util.List;
import org.w3c.dom.Element;

/**
 * A {@code <configuration>} element in Junos's XML shape (the one {@code | display xml}
 * prints) turned into the set/delete/deactivate commands that make the same change, walking the
 * schema: list entries carry their key in {@code <name>} (or keyword elements), flags are empty
 * elements. Junos's operation attributes are honoured: {@code delete="delete"} (and RFC 6241
 * {@code operation="delete|remove"}), {@code replace="replace"} (and {@code operation="replace"}),
 * {@code inactive="inactive"} / {@code active="active"}.
 */
final class XmlConfiguration {

    private XmlConfiguration() {
    }

    /** The commands, one per line, for {@code ConfigText.applySetCommands}. */
    static String commands(Element configuration) throws ConfigSyntaxException {
        List<String> out = new ArrayList<>();
        children(SafeXml.children(configuration), Schema.root(), List.of(), out);
        return String.join("\n", out) + "\n";
    }

    private static void children(List<Element> elements, SchemaNode schema, List<String> path, List<String> out)
            throws ConfigSyntaxException {
        for (Element e : elements) {
            String name = SafeXml.name(e);
            SchemaNode s = Schema.named(schema.children(), name).orElseThrow(() -> new ConfigSyntaxException(
                    "syntax error: unknown statement '" + name + "'", 0, 0, path));
            statement(e, s, path, out);
        }
    }

    private static void statement(Element e, SchemaNode s, List<String> path, List<String> out)
            throws ConfigSyntaxException {
        List<String> words = new ArrayList<>(path);
        String value = e.getTextContent().strip();
        switch (s) {
            case SchemaNode.Leaf l -> {
                if (!l.positional()) words.add(l.name());
                if (!deleted(e)) words.add(value);
            }
            case SchemaNode.LeafList l -> {
                words.add(l.name());
                words.add(value);
            }
            case SchemaNode.Flag f -> words.add(f.name());
            case SchemaNode.Container c -> words.add(c.name());
            case SchemaNode.ListNode l -> {
                if (!l.keyless()) words.add(l.name());
                words.addAll(key(e, l, path));
            }
        }
        if (deleted(e)) {
            out.add("delete " + line(words));
            return;
        }
        if (attribute(e, "replace").equals("replace") || attribute(e, "operation").equals("replace")) {
            out.add("delete " + line(words));
        }
        boolean nested = s instanceof SchemaNode.Container || s instanceof SchemaNode.ListNode;
        List<Element> inner = nested ? SafeXml.children(e).stream().filter(c -> !isKey(c, s)).toList() : List.of();
        boolean meaningless = s instanceof SchemaNode.Container c && !c.presence();
        if (inner.isEmpty() && !meaningless) {
            out.add("set " + line(words));
        } else if (!inner.isEmpty()) {
            children(inner, s, words, out);
        }
        if (attribute(e, "inactive").equals("inactive")) out.add("deactivate " + line(words));
        if (attribute(e, "active").equals("active")) out.add("activate " + line(words));
    }

    private static boolean isKey(Element c, SchemaNode s) {
        if (!(s instanceof SchemaNode.ListNode l)) return false;
        String n = SafeXml.name(c);
        return l.key().stream().anyMatch(k -> n.equals(k.keyword() == null ? "name" : k.keyword()));
    }

    private static List<String> key(Element e, SchemaNode.ListNode l, List<String> path) throws ConfigSyntaxException {
        List<String> words = new ArrayList<>();
        for (SchemaNode.KeyPart k : l.key()) {
            String field = k.keyword() == null ? "name" : k.keyword();
            String v = SafeXml.text(e, field);
            if (v == null) {
                throw new ConfigSyntaxException("syntax error: " + l.name() + " without <" + field + ">", 0, 0, path);
            }
            if (k.keyword() != null) words.add(k.keyword());
            words.add(v);
        }
        return words;
    }

    private static boolean deleted(Element e) {
        String op = attribute(e, "operation");
        return attribute(e, "delete").equals("delete") || op.equals("delete") || op.equals("remove");
    }

    private static String attribute(Element e, String name) {
        if (e.hasAttribute(name)) return e.getAttribute(name);
        for (int i = 0; i < e.getAttributes().getLength(); i++) {
            var a = e.getAttributes().item(i);
            if (name.equals(a.getLocalName())) return a.getNodeValue();
        }
        return "";
    }

    private static String line(List<String> words) {
        return String.join(" ", words.stream().map(Words::quote).toList());
    }
}
